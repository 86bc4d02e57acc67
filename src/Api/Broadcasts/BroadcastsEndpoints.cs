using Governance.Api.Auth;
using Governance.Api.Infrastructure;
using Governance.Core.Broadcasts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Governance.Api.Broadcasts;

public static class BroadcastsEndpoints
{
    public sealed record CreateBroadcastRequest(
        string? Title,
        string? Body,
        long? AreaId,
        string? Audience,
        List<long>? PersonIds
    );

    public sealed record SendRequest(DateTimeOffset? SendAt);

    public static void MapBroadcasts(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/broadcasts").WithTags("Broadcasts").RequireAuthorization();
        g.MapPost("/", CreateAsync)
            .WithName("CreateBroadcast")
            .RequireRateLimiting(RateLimits.Writes)
            .WithSummary(
                "Secretary or street admin: compose a notice for an area subtree (audience members, residents or both) "
                    + "or a "
                    + "list of people (audience list)"
            )
            .ProducesErrors(BroadcastErrors.Create);
        g.MapGet("/", async (Me me, BroadcastService s, string? cursor, CancellationToken ct) =>
                (await s.ListAsync(me.Caller, cursor, ct)).ToOk()
            )
            .WithName("ListBroadcasts")
            .WithSummary("Broadcasts in my area, newest first, with delivery totals, 50 a page (cursor)")
            .ProducesErrors([Core.Errors.CommonErrors.CursorInvalid]);
        g.MapGet("/{id:long}", async (Me me, long id, BroadcastService s, CancellationToken ct) =>
                (await s.GetAsync(me.Caller, id, ct)).ToOk()
            )
            .WithName("GetBroadcast")
            .WithSummary("One broadcast with delivery totals by status and channel")
            .ProducesErrors(BroadcastErrors.Read);
        g.MapGet("/{id:long}/preview", async (Me me, long id, BroadcastService s, CancellationToken ct) =>
                (await s.PreviewAsync(me.Caller, id, ct)).ToOk()
            )
            .WithName("PreviewBroadcast")
            .WithSummary("How many people it would reach, and on which channels")
            .ProducesErrors(BroadcastErrors.Read);
        g.MapPost(
                "/{id:long}/send",
                async (Me me, long id, SendRequest? body, BroadcastService s, CancellationToken ct) =>
                    (await s.SendAsync(me.Caller, id, body?.SendAt, ct)).ToOk()
            )
            .WithName("SendBroadcast")
            .WithSummary("Send now, or at sendAt (a time ahead; any offset, +08:00 in answers)")
            .ProducesErrors(BroadcastErrors.Send);
        g.MapPost("/{id:long}/cancel", async (Me me, long id, BroadcastService s, CancellationToken ct) =>
                (await s.CancelAsync(me.Caller, id, ct)).ToOk()
            )
            .WithName("CancelBroadcast")
            .WithSummary("Cancel a draft or scheduled broadcast")
            .ProducesErrors(BroadcastErrors.Cancel);
        g.MapGet(
                "/{id:long}/recipients",
                async (
                    Me me,
                    long id,
                    string? status,
                    int? page,
                    int? pageSize,
                    BroadcastService s,
                    CancellationToken ct
                ) => (await s.RecipientsAsync(me.Caller, id, status, page, pageSize, ct)).ToOk()
            )
            .WithName("BroadcastRecipients")
            .WithSummary("Per-recipient delivery status (filter by status), paged")
            .ProducesErrors(BroadcastErrors.Recipients);
    }

    private static async Task<Results<Created<BroadcastView>, ApiProblem>> CreateAsync(
        Me me,
        CreateBroadcastRequest body,
        BroadcastService service,
        CancellationToken ct
    )
    {
        var r = await service.CreateAsync(
            me.Caller,
            body.Title,
            body.Body,
            body.AreaId,
            body.Audience,
            body.PersonIds,
            ct
        );
        return r.IsOk ? TypedResults.Created($"/api/broadcasts/{r.Value!.Id}", r.Value) : r.Error!.ToProblem();
    }
}
