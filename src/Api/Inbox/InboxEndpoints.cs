using Governance.Api.Auth;
using Governance.Api.Infrastructure;
using Governance.Core.Notifications;
using Governance.Core.Orders;
using Governance.Core.Registrations;
using Governance.Core.Time;
using Governance.Jobs;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Governance.Api.Inbox;

public static class InboxEndpoints
{
    public sealed record InboxItemView(long Id, string Kind, string Title, string Body, string? OrderCode, DateTimeOffset CreatedAt, bool Read);
    public sealed record ReadRequest(long? UpToId);
    public sealed record SubscriptionsRequest(List<string>? TemplateIds);
    public sealed record InactiveMemberView(long PersonId, string Name);

    public static void MapInbox(this IEndpointRouteBuilder app)
    {
        var me = app.MapGroup("/api/me").WithTags("Me").RequireAuthorization();
        me.MapGet("/inbox", InboxAsync).WithName("MyInbox").WithSummary("My in-app messages (notices that could not go by WeChat), newest first");
        me.MapPost("/inbox/read", ReadAsync).WithName("MarkInboxRead").WithSummary("Mark messages read (all, or up to an id)");
        me.MapPost("/subscriptions", SubscribeAsync).WithName("RecordSubscriptions")
            .WithSummary("After wx.requestSubscribeMessage: the template ids the user accepted; each allows one subscribe message")
            .WithDescription("Errors: subscriptions.invalid (400).");
        app.MapGet("/api/units/{id:long}/inactive-members", InactiveAsync).WithTags("Units (驻区单位)").RequireAuthorization().WithName("InactiveUnitMembers")
            .WithSummary("Unit admin: the unit's registered members with no service in the participation window (six months by default)");
    }

    private static async Task<Ok<List<InboxItemView>>> InboxAsync(Me me, DeliveryStore store, int? limit, CancellationToken ct) =>
        TypedResults.Ok((await store.InboxAsync(me.Caller.PersonId, Math.Clamp(limit ?? 50, 1, 200), ct))
            .Select(i => new InboxItemView(i.Id, i.Kind, i.Title, i.Body, i.OrderCode, ChinaTime.ToChina(i.CreatedAt), i.ReadAt is not null)).ToList());

    private static async Task<Ok<int>> ReadAsync(Me me, ReadRequest? body, DeliveryStore store, TimeProvider clock, CancellationToken ct) =>
        TypedResults.Ok(await store.MarkInboxReadAsync(me.Caller.PersonId, body?.UpToId, clock.GetUtcNow().UtcDateTime, ct));

    private static async Task<Results<NoContent, ProblemHttpResult>> SubscribeAsync(Me me, SubscriptionsRequest body, DeliveryStore store, TimeProvider clock, CancellationToken ct)
    {
        var ids = body.TemplateIds ?? [];
        var known = (await store.TemplatesAsync(ct)).Where(t => t.Channel == DeliveryChannel.Subscribe).Select(t => t.TemplateId).ToHashSet();
        if (ids.Count is 0 or > 10 || ids.Any(t => !known.Contains(t)))
            return Problems.Problem("subscriptions.invalid", "订阅的消息模板不正确", 400);
        foreach (var id in ids) await store.GrantAsync(me.Caller.PersonId, id, clock.GetUtcNow().UtcDateTime, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<List<InactiveMemberView>>, ProblemHttpResult>> InactiveAsync(Me me, long id, RegistrationStore units, OrderScans scans,
        JobsOptions options, TimeProvider clock, CancellationToken ct)
    {
        var unit = await units.GetUnitAsync(id, ct);
        if (unit is null || (!me.Caller.UnitAdminOf.Contains(id) && !me.Caller.IsStaffOver(unit.AreaPath))) return Problems.Problem("unit.not_found", "单位不存在", 404);
        var list = await scans.InactiveMembersAsync(clock.GetUtcNow().UtcDateTime.AddDays(-options.InactiveAfterDays), id, ct);
        return TypedResults.Ok(list.Select(m => new InactiveMemberView(m.PersonId, m.Name)).ToList());
    }
}
