using Governance.Api.Auth;
using Governance.Api.Infrastructure;
using Governance.Core.Notifications;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Governance.Api.Inbox;

public static class InboxEndpoints
{
    public sealed record ReadRequest(long? UpToId);

    public sealed record SubscriptionsRequest(List<string>? TemplateIds);

    public static void MapInbox(this IEndpointRouteBuilder app)
    {
        var me = app.MapGroup("/api/me").WithTags("Me").RequireAuthorization();
        me.MapGet("/inbox", async (Me me, Core.Notifications.Inbox inbox, int? limit, CancellationToken ct) =>
                TypedResults.Ok(await inbox.ListAsync(me.Caller, limit, ct))
            )
            .WithName("MyInbox")
            .WithSummary("My in-app messages (notices that could not go by WeChat), newest first");
        me.MapPost(
                "/inbox/read",
                async (Me me, ReadRequest? body, Core.Notifications.Inbox inbox, CancellationToken ct) =>
                    TypedResults.Ok(await inbox.MarkReadAsync(me.Caller, body?.UpToId, ct))
            )
            .WithName("MarkInboxRead")
            .WithSummary("Mark messages read (all, or up to an id)");
        me.MapPost("/subscriptions", SubscribeAsync)
            .WithName("RecordSubscriptions")
            .RequireRateLimiting(RateLimits.Writes)
            .WithSummary(
                "After wx.requestSubscribeMessage: the template ids the user accepted; each allows one subscribe "
                    + "message"
            )
            .ProducesErrors(NotificationErrors.Subscribe);
    }

    private static async Task<Results<NoContent, ApiProblem>> SubscribeAsync(
        Me me,
        SubscriptionsRequest body,
        Core.Notifications.Inbox inbox,
        CancellationToken ct
    )
    {
        var result = await inbox.GrantAsync(me.Caller, body.TemplateIds, ct);
        return result.IsOk ? TypedResults.NoContent() : result.Error!.ToProblem();
    }
}
