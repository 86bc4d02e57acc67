using Governance.Api.Auth;
using Governance.Api.Infrastructure;
using Governance.Core.Errors;
using Governance.Core.Orders;
using Governance.Core.People;
using Governance.Wechat.Client;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Governance.Api.Orders;

public static class OrdersEndpoints
{
    /// <summary>The report form. Sent as multipart/form-data (with "photos" files) or as JSON without photos.</summary>
    public sealed record CreateOrderRequest(long? CategoryId, string? Description, string? LocationText, long? BuildingId, long? AreaId,
        string? Urgency, decimal? Latitude, decimal? Longitude, string? Source, Dictionary<string, string>? Answers);
    public sealed record ReasonRequest(string? Reason);
    public sealed record MergeRequest(string? IntoCode, string? Note);
    public sealed record RecategorizeRequest(long? CategoryId);
    public sealed record RateRequest(string? Rating, string? Comment);
    public sealed record ClaimRequest(long? UnitId);
    public sealed record AssignRequest(long? PersonId, long? UnitId);
    public sealed record ExtendRequest(DateTimeOffset? ResolveBy, string? Reason);
    /// <summary>Progress, resolution and follow-up: multipart/form-data with "note" (and "hours" when resolving) and "photos" files, or JSON.</summary>
    public sealed record NoteForm(string? Note, double? Hours);

    public static void MapOrders(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/orders").WithTags("Orders").RequireAuthorization();
        group.MapPost("/", CreateAsync).WithName("CreateOrder").RequireRateLimiting(RateLimits.Writes)
            .WithSummary("Report a problem: category, description, place (buildingId or areaId; defaults to the resident's home), answers to the category's questions, up to 9 photos")
            .WithDescription("Errors: order.category_required, order.category_not_found, order.description_required, order.description_too_long, order.building_not_found, " +
                             "order.area_not_found, order.place_required, order.unknown_answer, photo.invalid_content, photo.too_many (400); content.rejected (400); " +
                             "photo.too_large, request.too_large (413); request.unsupported_media_type (415); request.malformed_json (400); rate_limited (429).")
            .Accepts<CreateOrderRequest>("multipart/form-data", "application/json").DisableAntiforgery();
        group.MapGet("/", ListAsync).WithName("ListOrders")
            .WithSummary("Orders the caller may see (own reports, claims, staff area), newest first; filters: status (comma-separated), areaId (subtree), categoryId, overdue; paging")
            .WithDescription("Errors: order.invalid_status, paging.invalid, order.area_not_found (400).");
        group.MapGet("/{code}", GetAsync).WithName("GetOrder").WithSummary("One order with its timeline, photos, claimer (and reporter, for staff and the claimer)");
        group.MapGet("/{code}/photos/{photoId:long}", PhotoAsync).WithName("GetOrderPhoto").WithSummary("A photo of an order, for people allowed to see the order");

        // Staff triage
        group.MapPost("/{code}/accept", AcceptAsync).WithName("AcceptOrder").WithSummary("Staff: accept (受理) a submitted order; the resident is told");
        group.MapPost("/{code}/reject", RejectAsync).WithName("RejectOrder").WithSummary("Staff: reject (不予受理) with a reason");
        group.MapPost("/{code}/publish", PublishAsync).WithName("PublishOrder").WithSummary("Staff: publish an accepted order to the claim pool");
        group.MapPost("/{code}/merge", MergeAsync).WithName("MergeOrder").WithSummary("Staff: merge a duplicate into another open order");
        group.MapPost("/{code}/category", RecategorizeAsync).WithName("RecategorizeOrder")
            .WithSummary("Staff: correct the category; the order's text becomes a training example for the classifier");
        group.MapPost("/{code}/assign", (Me me, OrderService o, string code, AssignRequest b, CancellationToken ct) => AssignAsync(me, o, code, b, false, ct))
            .WithName("AssignOrder").WithSummary("Staff: assign to a registered member (personId) or a serving unit (unitId) — 派单");
        group.MapPost("/{code}/reassign", (Me me, OrderService o, string code, AssignRequest b, CancellationToken ct) => AssignAsync(me, o, code, b, true, ct))
            .WithName("ReassignOrder").WithSummary("Staff: give a claimed or in-progress order to someone else — 改派");
        group.MapPost("/{code}/extend", ExtendAsync).WithName("ExtendDeadline").WithSummary("Staff: extend the resolve deadline with a reason")
            .WithDescription("Errors: order.invalid_deadline, order.reason_required (400), order.not_open (409).");

        // Residents
        group.MapPost("/{code}/urge", UrgeAsync).WithName("UrgeOrder").RequireRateLimiting(RateLimits.Writes)
            .WithSummary("Resident: urge (催办) an open order; once per 12 hours").WithDescription("Errors: order.urge_throttled (429), order.not_open (409).");
        group.MapPost("/{code}/cancel", CancelAsync).WithName("CancelOrder").WithSummary("Resident: cancel (撤销) before anyone claimed it");
        group.MapPost("/{code}/rate", RateAsync).WithName("RateOrder")
            .WithSummary("Resident: rate a resolved order — satisfied, basically_satisfied, or unsatisfied with a comment (reopens it, 重办)")
            .WithDescription("Errors: order.invalid_rating, order.reason_required (400), order.not_resolved (409).");
        group.MapPost("/{code}/comments", CommentAsync).WithName("CommentOnOrder").RequireRateLimiting(RateLimits.Writes)
            .WithSummary("Resident: add a follow-up note or photos").Accepts<NoteForm>("multipart/form-data", "application/json").DisableAntiforgery();

        // Claimers (members and units)
        group.MapPost("/{code}/claim", ClaimAsync).WithName("ClaimOrder").RequireRateLimiting(RateLimits.Writes)
            .WithSummary("Member: claim a published order; unit admin: claim for the unit (unitId). Exactly one claimer wins.")
            .WithDescription("Errors: order.already_claimed, order.too_many_claims (409); order.not_registered, order.units_only, order.unit_cannot_claim (403); rate_limited (429).");
        group.MapPost("/{code}/assign-member", AssignMemberAsync).WithName("AssignUnitMember").WithSummary("Unit admin: give the unit's claimed order to one of its members");
        group.MapPost("/{code}/start", StartAsync).WithName("StartOrder").WithSummary("Claimer: start work (must happen within the category's claim window)");
        group.MapPost("/{code}/progress", ProgressAsync).WithName("ReportProgress").WithSummary("Claimer: add progress with photos")
            .Accepts<NoteForm>("multipart/form-data", "application/json").DisableAntiforgery();
        group.MapPost("/{code}/resolve", ResolveAsync).WithName("ResolveOrder")
            .WithSummary("Claimer: resolve (办结) with a result note, photos and service hours (0.5-24, default 1); the resident is asked to rate")
            .Accepts<NoteForm>("multipart/form-data", "application/json").DisableAntiforgery();
        group.MapPost("/{code}/release", ReleaseAsync).WithName("ReleaseOrder").WithSummary("Claimer: give the order back to the pool with a reason");
    }

    private static async Task<Results<Created<OrderDetail>, ProblemHttpResult>> CreateAsync(
        Me me, HttpRequest request, OrderService orders, ContentGuard guard, PersonStore people, CancellationToken ct)
    {
        var (form, problem) = await OrderForm.ReadAsync(request, ct);
        if (problem is not null) return problem;
        foreach (var key in new[] { "categoryId", "buildingId", "areaId" }) if (!form!.TryLong(key, out _)) return OrderForm.BadField(key);
        foreach (var key in new[] { "latitude", "longitude" }) if (!form!.TryDecimal(key, out _)) return OrderForm.BadField(key);
        if (!form!.TryAnswers(out var answers)) return OrderForm.BadField("answers");
        form.TryLong("categoryId", out var categoryId);
        form.TryLong("buildingId", out var buildingId);
        form.TryLong("areaId", out var areaId);
        form.TryDecimal("latitude", out var lat);
        form.TryDecimal("longitude", out var lng);
        var text = string.Join("\n", new[] { form.Text("description"), form.Text("locationText") }.Where(t => t is not null));
        var (verdict, flag) = await guard.CheckAsync((await people.ProfileAsync(me.Caller.PersonId, ct))?.MpOpenid, text, ct);
        if (verdict == ContentVerdict.Reject) return Problems.Problem("content.rejected", "内容含有不适宜的信息，请修改后再提交", 400);
        var input = new CreateOrderInput(categoryId, form.Text("description"), form.Text("locationText"), buildingId, areaId, form.Text("urgency"), lat, lng, form.Text("source"))
        { Answers = answers, ContentFlag = flag };
        var result = await orders.CreateAsync(me.Caller, input, form.Photos, ct);
        return result.IsOk ? TypedResults.Created($"/api/orders/{result.Value!.Code}", result.Value) : result.Error!.ToProblem();
    }

    private static async Task<Results<Ok<PageOf<OrderSummary>>, ProblemHttpResult>> ListAsync(Me me, OrderService orders,
        string? status, long? areaId, long? categoryId, bool? overdue, int? page, int? pageSize, CancellationToken ct)
    {
        var statuses = status?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var result = await orders.ListAsync(me.Caller, statuses, areaId, categoryId, overdue, page, pageSize, ct);
        return result.IsOk ? TypedResults.Ok(result.Value!) : result.Error!.ToProblem();
    }

    private static async Task<Results<Ok<OrderDetail>, ProblemHttpResult>> GetAsync(Me me, OrderService orders, string code, CancellationToken ct) =>
        Respond(await orders.GetAsync(me.Caller, code, ct));

    private static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> PhotoAsync(Me me, OrderService orders, PhotoStorage storage,
        HttpResponse response, string code, long photoId, CancellationToken ct)
    {
        var result = await orders.GetPhotoAsync(me.Caller, code, photoId, ct);
        if (!result.IsOk) return result.Error!.ToProblem();
        var photo = result.Value.Photo;
        response.Headers.CacheControl = "private, max-age=86400";
        return TypedResults.File(storage.OpenRead(photo.StorageKey), photo.ContentType, entityTag: new Microsoft.Net.Http.Headers.EntityTagHeaderValue($"\"{photo.Sha256}\""));
    }

    private static async Task<Results<Ok<OrderDetail>, ProblemHttpResult>> AcceptAsync(Me me, OrderService orders, string code, CancellationToken ct) =>
        Respond(await orders.AcceptAsync(me.Caller, code, ct));

    private static async Task<Results<Ok<OrderDetail>, ProblemHttpResult>> PublishAsync(Me me, OrderService orders, string code, CancellationToken ct) =>
        Respond(await orders.PublishAsync(me.Caller, code, ct));

    private static async Task<Results<Ok<OrderDetail>, ProblemHttpResult>> RejectAsync(Me me, OrderService orders, string code, ReasonRequest body, CancellationToken ct) =>
        Respond(await orders.RejectAsync(me.Caller, code, body.Reason, ct));

    private static async Task<Results<Ok<OrderDetail>, ProblemHttpResult>> MergeAsync(Me me, OrderService orders, string code, MergeRequest body, CancellationToken ct) =>
        Respond(await orders.MergeAsync(me.Caller, code, body.IntoCode, body.Note, ct));

    private static async Task<Results<Ok<OrderDetail>, ProblemHttpResult>> RecategorizeAsync(Me me, OrderService orders, string code, RecategorizeRequest body, CancellationToken ct) =>
        Respond(await orders.RecategorizeAsync(me.Caller, code, body.CategoryId, ct));

    private static async Task<Results<Ok<OrderDetail>, ProblemHttpResult>> AssignAsync(Me me, OrderService orders, string code, AssignRequest body, bool reassign, CancellationToken ct) =>
        Respond(await orders.AssignAsync(me.Caller, code, body.PersonId, body.UnitId, reassign, ct));

    private static async Task<Results<Ok<OrderDetail>, ProblemHttpResult>> ExtendAsync(Me me, OrderService orders, string code, ExtendRequest body, CancellationToken ct) =>
        Respond(await orders.ExtendAsync(me.Caller, code, body.ResolveBy, body.Reason, ct));

    private static async Task<Results<Ok<OrderDetail>, ProblemHttpResult>> UrgeAsync(Me me, OrderService orders, string code, CancellationToken ct) =>
        Respond(await orders.UrgeAsync(me.Caller, code, ct));

    private static async Task<Results<Ok<OrderDetail>, ProblemHttpResult>> CancelAsync(Me me, OrderService orders, string code, ReasonRequest? body, CancellationToken ct) =>
        Respond(await orders.CancelAsync(me.Caller, code, body?.Reason, ct));

    private static async Task<Results<Ok<OrderDetail>, ProblemHttpResult>> RateAsync(Me me, OrderService orders, string code, RateRequest body, CancellationToken ct) =>
        Respond(await orders.RateAsync(me.Caller, code, body.Rating, body.Comment, ct));

    private static async Task<Results<Ok<OrderDetail>, ProblemHttpResult>> ClaimAsync(Me me, OrderService orders, string code, ClaimRequest? body, CancellationToken ct) =>
        Respond(await orders.ClaimAsync(me.Caller, code, body?.UnitId, ct));

    private static async Task<Results<Ok<OrderDetail>, ProblemHttpResult>> AssignMemberAsync(Me me, OrderService orders, string code, AssignRequest body, CancellationToken ct) =>
        Respond(await orders.AssignMemberAsync(me.Caller, code, body.PersonId, ct));

    private static async Task<Results<Ok<OrderDetail>, ProblemHttpResult>> StartAsync(Me me, OrderService orders, string code, CancellationToken ct) =>
        Respond(await orders.StartAsync(me.Caller, code, ct));

    private static async Task<Results<Ok<OrderDetail>, ProblemHttpResult>> ReleaseAsync(Me me, OrderService orders, string code, ReasonRequest body, CancellationToken ct) =>
        Respond(await orders.ReleaseAsync(me.Caller, code, body.Reason, ct));

    private static async Task<Results<Ok<OrderDetail>, ProblemHttpResult>> ProgressAsync(Me me, HttpRequest request, OrderService orders, ContentGuard guard, PersonStore people, string code, CancellationToken ct) =>
        await WithNoteAsync(me, request, guard, people, ct, (form, flag) => orders.ProgressAsync(me.Caller, code, form.Text("note"), form.Photos, ct));

    private static async Task<Results<Ok<OrderDetail>, ProblemHttpResult>> ResolveAsync(Me me, HttpRequest request, OrderService orders, ContentGuard guard, PersonStore people, string code, CancellationToken ct) =>
        await WithNoteAsync(me, request, guard, people, ct, (form, flag) =>
        {
            if (!form.TryDecimal("hours", out var hours)) return Task.FromResult<Result<OrderDetail>>(Error.Validation("request.invalid_field", "字段 hours 的格式不正确", "hours"));
            return orders.ResolveAsync(me.Caller, code, form.Text("note"), (double?)hours, form.Photos, ct);
        });

    private static async Task<Results<Ok<OrderDetail>, ProblemHttpResult>> CommentAsync(Me me, HttpRequest request, OrderService orders, ContentGuard guard, PersonStore people, string code, CancellationToken ct) =>
        await WithNoteAsync(me, request, guard, people, ct, (form, flag) => orders.CommentAsync(me.Caller, code, form.Text("note"), form.Photos, ct));

    /// <summary>Reads a note-with-photos body and puts the note through the content check before the action.</summary>
    private static async Task<Results<Ok<OrderDetail>, ProblemHttpResult>> WithNoteAsync(Me me, HttpRequest request, ContentGuard guard, PersonStore people, CancellationToken ct,
        Func<OrderForm, string?, Task<Result<OrderDetail>>> action)
    {
        var (form, problem) = await OrderForm.ReadAsync(request, ct);
        if (problem is not null) return problem;
        var (verdict, flag) = await guard.CheckAsync((await people.ProfileAsync(me.Caller.PersonId, ct))?.MpOpenid, form!.Text("note") ?? "", ct);
        if (verdict == ContentVerdict.Reject) return Problems.Problem("content.rejected", "内容含有不适宜的信息，请修改后再提交", 400);
        return Respond(await action(form, flag));
    }

    private static Results<Ok<OrderDetail>, ProblemHttpResult> Respond(Result<OrderDetail> result) =>
        result.IsOk ? TypedResults.Ok(result.Value!) : result.Error!.ToProblem();
}
