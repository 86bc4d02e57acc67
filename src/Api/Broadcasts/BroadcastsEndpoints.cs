using Governance.Api.Auth;
using Governance.Api.Infrastructure;
using Governance.Core.Broadcasts;
using Governance.Core.Notifications;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Governance.Api.Broadcasts;

public static class BroadcastsEndpoints
{
    public sealed record CreateBroadcastRequest(string? Title, string? Body, long? AreaId, string? Audience, List<long>? PersonIds);
    public sealed record SendRequest(DateTimeOffset? SendAt);
    public sealed record RecipientsPage(IReadOnlyList<DeliveryStore.RecipientStatus> Items, int Page, int PageSize, long Total);

    public static void MapBroadcasts(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/broadcasts").WithTags("Broadcasts").RequireAuthorization();
        g.MapPost("/", CreateAsync).WithName("CreateBroadcast")
            .WithSummary("Secretary or street admin: compose a notice for an area subtree (audience members, residents or both) or a list of people (audience list)")
            .WithDescription("Errors: broadcast.invalid_title, broadcast.invalid_body, broadcast.invalid_audience, broadcast.area_required, broadcast.invalid_list, broadcast.person_out_of_scope (400); broadcast.secretary_only (403).");
        g.MapGet("/", ListAsync).WithName("ListBroadcasts").WithSummary("Broadcasts in my area, newest first, with delivery totals");
        g.MapGet("/{id:long}", GetAsync).WithName("GetBroadcast").WithSummary("One broadcast with delivery totals by status and channel");
        g.MapGet("/{id:long}/preview", PreviewAsync).WithName("PreviewBroadcast").WithSummary("How many people it would reach, and on which channels");
        g.MapPost("/{id:long}/send", SendAsync).WithName("SendBroadcast").WithSummary("Send now, or at sendAt (China time offset allowed)")
            .WithDescription("Errors: broadcast.already_sent (409), broadcast.invalid_time (400).");
        g.MapPost("/{id:long}/cancel", CancelAsync).WithName("CancelBroadcast").WithSummary("Cancel a draft or scheduled broadcast");
        g.MapGet("/{id:long}/recipients", RecipientsAsync).WithName("BroadcastRecipients").WithSummary("Per-recipient delivery status (filter by status), paged");
    }

    private static Results<Ok<T>, ProblemHttpResult> R<T>(Core.Errors.Result<T> r) => r.IsOk ? TypedResults.Ok(r.Value!) : r.Error!.ToProblem();

    private static async Task<Results<Created<BroadcastView>, ProblemHttpResult>> CreateAsync(Me me, CreateBroadcastRequest body, BroadcastService service, CancellationToken ct)
    {
        var r = await service.CreateAsync(me.Caller, body.Title, body.Body, body.AreaId, body.Audience, body.PersonIds, ct);
        return r.IsOk ? TypedResults.Created($"/api/broadcasts/{r.Value!.Id}", r.Value) : r.Error!.ToProblem();
    }

    private static async Task<Ok<IReadOnlyList<BroadcastView>>> ListAsync(Me me, BroadcastService service, CancellationToken ct) => TypedResults.Ok(await service.ListAsync(me.Caller, ct));
    private static async Task<Results<Ok<BroadcastView>, ProblemHttpResult>> GetAsync(Me me, long id, BroadcastService service, CancellationToken ct) => R(await service.GetAsync(me.Caller, id, ct));
    private static async Task<Results<Ok<BroadcastPreview>, ProblemHttpResult>> PreviewAsync(Me me, long id, BroadcastService service, CancellationToken ct) => R(await service.PreviewAsync(me.Caller, id, ct));
    private static async Task<Results<Ok<BroadcastView>, ProblemHttpResult>> SendAsync(Me me, long id, SendRequest? body, BroadcastService service, CancellationToken ct) => R(await service.SendAsync(me.Caller, id, body?.SendAt, ct));
    private static async Task<Results<Ok<BroadcastView>, ProblemHttpResult>> CancelAsync(Me me, long id, BroadcastService service, CancellationToken ct) => R(await service.CancelAsync(me.Caller, id, ct));

    private static async Task<Results<Ok<RecipientsPage>, ProblemHttpResult>> RecipientsAsync(Me me, long id, string? status, int? page, int? pageSize, BroadcastService service, CancellationToken ct)
    {
        var r = await service.RecipientsAsync(me.Caller, id, status, page, pageSize, ct);
        return r.IsOk ? TypedResults.Ok(new RecipientsPage(r.Value.Items, page ?? 1, pageSize ?? 50, r.Value.Total)) : r.Error!.ToProblem();
    }
}
