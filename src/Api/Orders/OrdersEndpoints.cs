using Governance.Api.Auth;
using Governance.Api.Infrastructure;
using Governance.Core.Errors;
using Governance.Core.Orders;
using Governance.Core.Paging;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Governance.Api.Orders;

public static class OrdersEndpoints
{
    /// <summary>The report form. Sent as multipart/form-data (with "photos" files) or as JSON without photos.</summary>
    public sealed record CreateOrderRequest(
        long? CategoryId,
        string? Description,
        string? LocationText,
        long? BuildingId,
        long? AreaId,
        string? Urgency,
        decimal? Latitude,
        decimal? Longitude,
        string? Source,
        Dictionary<string, string>? Answers
    );

    public sealed record ReasonRequest(string? Reason);

    public sealed record MergeRequest(string? IntoCode, string? Note);

    public sealed record RecategorizeRequest(long? CategoryId);

    public sealed record RateRequest(string? Rating, string? Comment);

    public sealed record ClaimRequest(long? UnitId);

    public sealed record AssignRequest(long? PersonId, long? UnitId);

    public sealed record AssignMemberRequest(long? PersonId);

    public sealed record ExtendRequest(DateTimeOffset? ResolveBy, string? Reason);

    /// <summary>
    /// Progress, resolution and follow-up: multipart/form-data with "note" (and "hours" when resolving) and "photos"
    /// files, or JSON.
    /// </summary>
    public sealed record NoteForm(string? Note, double? Hours);

    public static void MapOrders(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/orders").WithTags("Orders").RequireAuthorization();
        group
            .MapPost("/", CreateAsync)
            .WithName("CreateOrder")
            .RequireRateLimiting(RateLimits.Writes)
            .WithSummary(
                "Report a problem: category, description, place (buildingId or areaId; defaults to the resident's "
                    + "home), answers to "
                    + "the category's questions, up to 9 photos. 201 with a new order; 200 when an open order at the "
                    + "same place already "
                    + "covers it and the report joined that order (outcome linked or already_reported)"
            )
            .Accepts<CreateOrderRequest>("multipart/form-data", "application/json")
            .DisableAntiforgery()
            .ProducesErrors(OrderErrors.Create);
        group
            .MapPost(
                "/entry",
                async Task<IResult> (Me me, StaffEntryInput body, StaffEntry entry, CancellationToken ct) =>
                {
                    var r = await entry.EnterAsync(me.Caller, body, ct);
                    return r.IsOk
                        ? TypedResults.Created($"/api/orders/{r.Value.Order.Code}", r.Value.Order)
                        : r.Error!.ToProblem();
                }
            )
            .WithName("EnterOrderForResident")
            .RequireRateLimiting(RateLimits.Writes)
            .WithSummary(
                "Staff: 代录 — enter an order for a resident who phoned (channel phone) or walked in (walk_in), found "
                    + "by phone or created with the name given; the order is theirs, source staff"
            )
            .ProducesErrors(StaffEntryErrors.Enter, OrderErrors.Create);
        app.MapGet(
                "/api/residents",
                async (Me me, string? phone, StaffEntry entry, CancellationToken ct) =>
                    (await entry.FindAsync(me.Caller, phone, ct)).ToOk()
            )
            .RequireAuthorization()
            .WithTags("Orders")
            .WithName("FindResidentByPhone")
            .WithSummary("Staff: who has this phone number (residents first), for 代录")
            .ProducesErrors(StaffEntryErrors.Find);
        group
            .MapGet("/", ListAsync)
            .WithName("ListOrders")
            .WithSummary(
                "Orders the caller may see (own and linked reports, claims, staff area), newest first; filters: status "
                    + "(comma-separated), areaId (subtree), categoryId, overdue; paging"
            )
            .ProducesErrors(OrderErrors.List);
        group
            .MapGet("/{code}", GetAsync)
            .WithName("GetOrder")
            .WithSummary("One order with its timeline, photos, claimer (and reporter, for staff and the claimer)")
            .ProducesErrors(OrderErrors.Read);
        group
            .MapGet("/{code}/photos/{photoId:long}", PhotoAsync)
            .WithName("GetOrderPhoto")
            .WithSummary("A photo of an order, for people allowed to see the order")
            .ProducesErrors(OrderErrors.Photo);

        // Staff triage
        group
            .MapPost("/{code}/accept", (Me me, OrderTriage t, string code, CancellationToken ct) =>
                Done(t.AcceptAsync(me.Caller, code, ct))
            )
            .WithName("AcceptOrder")
            .WithSummary("Staff: accept (受理) a submitted order; the resident is told")
            .ProducesErrors(OrderErrors.Triage);
        group
            .MapPost("/{code}/reject", (Me me, OrderTriage t, string code, ReasonRequest b, CancellationToken ct) =>
                Done(t.RejectAsync(me.Caller, code, b.Reason, ct))
            )
            .WithName("RejectOrder")
            .WithSummary("Staff: reject (不予受理) with a reason; the reporter is told why")
            .ProducesErrors(OrderErrors.Reject);
        group
            .MapPost("/{code}/publish", (Me me, OrderTriage t, string code, CancellationToken ct) =>
                Done(t.PublishAsync(me.Caller, code, ct))
            )
            .WithName("PublishOrder")
            .WithSummary("Staff: publish an accepted order to the claim pool")
            .ProducesErrors(OrderErrors.Triage);
        group
            .MapPost("/{code}/merge", (Me me, OrderTriage t, string code, MergeRequest b, CancellationToken ct) =>
                Done(t.MergeAsync(me.Caller, code, b.IntoCode, b.Note, ct))
            )
            .WithName("MergeOrder")
            .WithSummary(
                "Staff: merge a duplicate into another open order; its reporter is told and follows that order"
            )
            .ProducesErrors(OrderErrors.Merge);
        group
            .MapPost(
                "/{code}/category",
                (Me me, OrderTriage t, string code, RecategorizeRequest b, CancellationToken ct) =>
                    Done(t.RecategorizeAsync(me.Caller, code, b.CategoryId, ct))
            )
            .WithName("RecategorizeOrder")
            .WithSummary("Staff: correct the category; the order's text becomes a training example for the classifier")
            .ProducesErrors(OrderErrors.Recategorize);
        group
            .MapPost("/{code}/assign", (Me me, OrderTriage t, string code, AssignRequest b, CancellationToken ct) =>
                Done(t.AssignAsync(me.Caller, code, b.PersonId, b.UnitId, false, ct))
            )
            .WithName("AssignOrder")
            .WithSummary("Staff: assign to a registered member (personId) or a serving unit (unitId) — 派单")
            .ProducesErrors(OrderErrors.Assign, [OrderErrors.UnitsOnly]);
        group
            .MapPost("/{code}/reassign", (Me me, OrderTriage t, string code, AssignRequest b, CancellationToken ct) =>
                Done(t.AssignAsync(me.Caller, code, b.PersonId, b.UnitId, true, ct))
            )
            .WithName("ReassignOrder")
            .WithSummary("Staff: give a claimed or in-progress order to someone else — 改派")
            .ProducesErrors(OrderErrors.Assign, [OrderErrors.UnitsOnly]);
        group
            .MapPost("/{code}/extend", (Me me, OrderTriage t, string code, ExtendRequest b, CancellationToken ct) =>
                Done(t.ExtendAsync(me.Caller, code, b.ResolveBy, b.Reason, ct))
            )
            .WithName("ExtendDeadline")
            .WithSummary("Staff: extend the resolve deadline with a reason")
            .ProducesErrors(OrderErrors.Extend);

        group
            .MapPost("/{code}/acknowledge", (Me me, OrderTriage t, string code, CancellationToken ct) =>
                Done(t.AcknowledgeAsync(me.Caller, code, ct))
            )
            .WithName("AcknowledgeUrgent")
            .WithSummary("Staff: acknowledge an urgent alert so that it stops climbing to the street — 响应")
            .ProducesErrors(OrderErrors.Acknowledge);

        // Residents
        group
            .MapPost("/{code}/urge", (Me me, OrderReports r, string code, CancellationToken ct) =>
                Done(r.UrgeAsync(me.Caller, code, ct))
            )
            .WithName("UrgeOrder")
            .RequireRateLimiting(RateLimits.Writes)
            .WithSummary("Resident who reported (or was linked to) it: urge (催办) an open order; once per 12 hours")
            .ProducesErrors(OrderErrors.Urge);
        group
            .MapPost("/{code}/cancel", (Me me, OrderReports r, string code, ReasonRequest? b, CancellationToken ct) =>
                Done(r.CancelAsync(me.Caller, code, b?.Reason, ct))
            )
            .WithName("CancelOrder")
            .WithSummary("Resident: cancel (撤销) before anyone claimed it")
            .ProducesErrors(OrderErrors.Cancel);
        group
            .MapPost("/{code}/rate", (Me me, OrderReports r, string code, RateRequest b, CancellationToken ct) =>
                Done(r.RateAsync(me.Caller, code, b.Rating, b.Comment, ct))
            )
            .WithName("RateOrder")
            .WithSummary(
                "Resident: rate a resolved order — satisfied, basically_satisfied, or unsatisfied with a comment "
                    + "(reopens it, 重办)"
            )
            .ProducesErrors(OrderErrors.Rate);
        group
            .MapPost("/{code}/comments", CommentAsync)
            .WithName("CommentOnOrder")
            .RequireRateLimiting(RateLimits.Writes)
            .WithSummary("Resident: add a follow-up note or photos")
            .Accepts<NoteForm>("multipart/form-data", "application/json")
            .DisableAntiforgery()
            .ProducesErrors(OrderErrors.Comment, [CommonErrors.FieldInvalid]);

        // Claimers (members and units)
        group
            .MapPost("/{code}/claim", (Me me, OrderWork w, string code, ClaimRequest? b, CancellationToken ct) =>
                Done(w.ClaimAsync(me.Caller, code, b?.UnitId, ct))
            )
            .WithName("ClaimOrder")
            .RequireRateLimiting(RateLimits.Writes)
            .WithSummary(
                "Member: claim a published order; unit admin: claim for the unit (unitId). Exactly one claimer wins."
            )
            .ProducesErrors(OrderErrors.Claim);
        group
            .MapPost(
                "/{code}/assign-member",
                (Me me, OrderWork w, string code, AssignMemberRequest b, CancellationToken ct) =>
                    Done(w.AssignMemberAsync(me.Caller, code, b.PersonId, ct))
            )
            .WithName("AssignUnitMember")
            .WithSummary("Unit admin: give the unit's claimed order to one of its members")
            .ProducesErrors(OrderErrors.AssignMember);
        group
            .MapPost("/{code}/start", (Me me, OrderWork w, string code, CancellationToken ct) =>
                Done(w.StartAsync(me.Caller, code, ct))
            )
            .WithName("StartOrder")
            .WithSummary("Claimer: start work (must happen within the category's claim window)")
            .ProducesErrors(OrderErrors.Work);
        group
            .MapPost("/{code}/progress", ProgressAsync)
            .WithName("ReportProgress")
            .WithSummary("Claimer: add progress with photos")
            .Accepts<NoteForm>("multipart/form-data", "application/json")
            .DisableAntiforgery()
            .ProducesErrors(OrderErrors.Progress, [CommonErrors.FieldInvalid]);
        group
            .MapPost("/{code}/resolve", ResolveAsync)
            .WithName("ResolveOrder")
            .WithSummary(
                "Claimer: resolve (办结) with a result note, photos and service hours (0.5-24, default 1); the resident "
                    + "is asked to rate"
            )
            .Accepts<NoteForm>("multipart/form-data", "application/json")
            .DisableAntiforgery()
            .ProducesErrors(OrderErrors.Resolve, [CommonErrors.FieldInvalid]);
        group
            .MapPost("/{code}/release", (Me me, OrderWork w, string code, ReasonRequest b, CancellationToken ct) =>
                Done(w.ReleaseAsync(me.Caller, code, b.Reason, ct))
            )
            .WithName("ReleaseOrder")
            .WithSummary("Claimer: give the order back to the pool with a reason")
            .ProducesErrors(OrderErrors.Release);

        app.MapGet("/api/pool", PoolAsync)
            .WithTags("Claim pool")
            .RequireAuthorization()
            .WithName("ListClaimable")
            .WithSummary(
                "Published orders the caller may claim: in communities where the member is approved (or, with unitId, "
                    + "that the unit "
                    + "serves). Filters: categoryId, skills=true (only categories that fit my skills), "
                    + "latitude+longitude (sorted by "
                    + "distance) with radiusKm, dueBefore; paging"
            )
            .ProducesErrors(OrderErrors.Pool);
    }

    private static async Task<Results<Created<OrderDetail>, Ok<OrderDetail>, ApiProblem>> CreateAsync(
        Me me,
        HttpRequest request,
        OrderReports reports,
        CancellationToken ct
    )
    {
        var (form, problem) = await OrderForm.ReadAsync(request, ct);
        if (problem is not null)
            return problem;
        var parsed = form!.CreateInput();
        if (!parsed.IsOk)
            return parsed.Error!.ToProblem();
        var result = await reports.CreateAsync(me.Caller, parsed.Value!, form.Photos, ct);
        if (!result.IsOk)
            return result.Error!.ToProblem();
        var (outcome, order) = result.Value;
        var body = Links.With(order) with { Outcome = Outcome(outcome) };
        return outcome == ReportOutcome.Created
            ? TypedResults.Created($"/api/orders/{order.Code}", body)
            : TypedResults.Ok(body);
    }

    private static string Outcome(ReportOutcome o) =>
        o switch
        {
            ReportOutcome.Linked => "linked",
            ReportOutcome.AlreadyReported => "already_reported",
            _ => "created",
        };

    private static async Task<Results<Ok<PageOf<OrderSummary>>, ApiProblem>> ListAsync(
        Me me,
        OrderReader orders,
        string? status,
        long? areaId,
        long? categoryId,
        bool? overdue,
        string? urgency,
        bool? shortlist,
        int? page,
        int? pageSize,
        CancellationToken ct
    )
    {
        var statuses = status?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return (
            await orders.ListAsync(
                me.Caller,
                statuses,
                areaId,
                categoryId,
                overdue,
                page,
                pageSize,
                ct,
                urgency,
                shortlist ?? false
            )
        ).ToOk();
    }

    private static async Task<Results<Ok<OrderDetail>, ApiProblem>> GetAsync(
        Me me,
        OrderReader orders,
        string code,
        CancellationToken ct
    ) => await Done(orders.GetAsync(me.Caller, code, ct));

    private static async Task<Results<FileStreamHttpResult, ApiProblem>> PhotoAsync(
        Me me,
        OrderReader orders,
        PhotoStorage storage,
        HttpResponse response,
        string code,
        long photoId,
        CancellationToken ct
    )
    {
        var result = await orders.PhotoAsync(me.Caller, code, photoId, ct);
        if (!result.IsOk)
            return result.Error!.ToProblem();
        var photo = result.Value.Photo;
        response.Headers.CacheControl = "private, max-age=86400";
        return TypedResults.File(
            storage.OpenRead(photo.StorageKey),
            photo.ContentType,
            entityTag: new Microsoft.Net.Http.Headers.EntityTagHeaderValue($"\"{photo.Sha256}\"")
        );
    }

    private static async Task<Results<Ok<PageOf<PoolItem>>, ApiProblem>> PoolAsync(
        Me me,
        OrderWork work,
        long? unitId,
        long? categoryId,
        bool? skills,
        double? latitude,
        double? longitude,
        double? radiusKm,
        DateTimeOffset? dueBefore,
        int? page,
        int? pageSize,
        CancellationToken ct
    ) =>
        (
            await work.PoolAsync(
                me.Caller,
                new PoolQuery(
                    unitId,
                    categoryId,
                    skills ?? false,
                    latitude,
                    longitude,
                    radiusKm,
                    dueBefore?.UtcDateTime,
                    page,
                    pageSize
                ),
                ct
            )
        ).ToOk();

    private static Task<Results<Ok<OrderDetail>, ApiProblem>> ProgressAsync(
        Me me,
        HttpRequest request,
        OrderWork work,
        string code,
        CancellationToken ct
    ) => WithNoteAsync(request, ct, form => work.ProgressAsync(me.Caller, code, form.Text("note"), form.Photos, ct));

    private static Task<Results<Ok<OrderDetail>, ApiProblem>> ResolveAsync(
        Me me,
        HttpRequest request,
        OrderWork work,
        string code,
        CancellationToken ct
    ) => WithNoteAsync(request, ct, form =>
        {
            if (!form.TryDecimal("hours", out var hours))
                return Task.FromResult<Result<OrderDetail>>(CommonErrors.FieldInvalid.With("字段 hours 的格式不正确"));
            return work.ResolveAsync(me.Caller, code, form.Text("note"), (double?)hours, form.Photos, ct);
        });

    private static Task<Results<Ok<OrderDetail>, ApiProblem>> CommentAsync(
        Me me,
        HttpRequest request,
        OrderReports reports,
        string code,
        CancellationToken ct
    ) => WithNoteAsync(request, ct, form => reports.CommentAsync(me.Caller, code, form.Text("note"), form.Photos, ct));

    /// <summary>Reads a note-with-photos body, then runs the action.</summary>
    private static async Task<Results<Ok<OrderDetail>, ApiProblem>> WithNoteAsync(
        HttpRequest request,
        CancellationToken ct,
        Func<OrderForm, Task<Result<OrderDetail>>> action
    )
    {
        var (form, problem) = await OrderForm.ReadAsync(request, ct);
        if (problem is not null)
            return problem;
        return await Done(action(form!));
    }

    /// <summary>
    /// An order action's outcome: the order as the caller now sees it (with its photos' addresses), or the problem.
    /// </summary>
    private static async Task<Results<Ok<OrderDetail>, ApiProblem>> Done(Task<Result<OrderDetail>> action)
    {
        var result = await action;
        return result.IsOk ? TypedResults.Ok(Links.With(result.Value!)) : result.Error!.ToProblem();
    }
}

/// <summary>Where the host serves what Core describes (photos of an order).</summary>
public static class Links
{
    public static OrderDetail With(OrderDetail o)
    {
        PhotoRef Url(PhotoRef p) => p with { Url = $"/api/orders/{Uri.EscapeDataString(o.Code)}/photos/{p.Id}" };
        return o with
        {
            Photos = o.Photos.Select(Url).ToList(),
            Timeline = o.Timeline.Select(t => t with { Photos = t.Photos.Select(Url).ToList() }).ToList(),
        };
    }
}
