using Governance.Api.Auth;
using Governance.Api.Infrastructure;
using Governance.Api.Orders;
using Governance.Core.Errors;
using Governance.Core.Lists;
using Governance.Core.Orders;

namespace Governance.Api.Lists;

public sealed record NewListItemRequest(
    string? Kind,
    string? Title,
    string? Description,
    long? CategoryId,
    string? Source,
    long? UnitId,
    int? Capacity,
    DateOnly? Deadline,
    IReadOnlyList<OpeningRuleRequest>? Rules
);

/// <summary>
/// An opening window: audience own_staff|other_unit|community|resident, days workday|rest_day|any, "HH:mm".
/// </summary>
public sealed record OpeningRuleRequest(string? Audience, string? Days, string? Opens, string? Closes)
{
    /// <summary>Null when a time is not "HH:mm" (24:00 allowed for the close).</summary>
    public static IReadOnlyList<OpeningRule>? Parse(IReadOnlyList<OpeningRuleRequest>? rules)
    {
        if (rules is null)
            return [];
        var parsed = new List<OpeningRule>();
        foreach (var r in rules)
        {
            if (Clock(r.Opens) is not { } opens || Clock(r.Closes) is not { } closes)
                return null;
            parsed.Add(new OpeningRule(r.Audience ?? "", r.Days ?? "", opens, closes));
        }
        return parsed;
    }

    private static TimeSpan? Clock(string? text)
    {
        if (text is "24:00")
            return TimeSpan.FromHours(24);
        return TimeOnly.TryParseExact(text, "HH:mm", out var t) ? t.ToTimeSpan() : null;
    }
}

public sealed record OpeningRulesRequest(IReadOnlyList<OpeningRuleRequest>? Rules);

public sealed record ClaimItemRequest(long? UnitId);

public sealed record ClaimNoteRequest(string? Note);

public sealed record ClaimDecisionRequest(bool Accept, string? Reason);

public sealed record BookingRequest(
    DateTimeOffset? StartsAt,
    DateTimeOffset? EndsAt,
    string? Purpose,
    string? Audience
);

public sealed record BookingDecisionRequest(bool Confirm);

/// <summary>双向认领: a community's need, resource and project lists, claims, and resource bookings.</summary>
public static class ListsEndpoints
{
    public static void MapLists(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api").WithTags("Lists").RequireAuthorization();
        g.MapGet(
                "/communities/{id:long}/lists",
                async (Me me, long id, string? kind, CommunityLists lists, CancellationToken ct) =>
                    (await lists.BrowseAsync(me.Caller, id, kind, ct)).ToOk()
            )
            .WithName("BrowseCommunityLists")
            .WithSummary(
                "The community's needs, resources and projects (kind=need|resource|project), for its staff, "
                    + "registered members and serving units"
            )
            .ProducesErrors(ListErrors.Browse);
        g.MapGet(
                "/communities/{id:long}/claims",
                async (Me me, long id, string? status, CommunityLists lists, CancellationToken ct) =>
                    (await lists.ClaimsAsync(me.Caller, id, status, ct)).ToOk()
            )
            .WithName("CommunityClaims")
            .WithSummary(
                "Staff: the community's claims in a state (status, default submitted: handed in, waiting for 销号)"
            )
            .ProducesErrors(ListErrors.Browse, [ListErrors.StaffOnly, Core.Errors.CommonErrors.FieldInvalid]);
        g.MapPost(
                "/communities/{id:long}/lists",
                async (Me me, long id, NewListItemRequest b, CommunityLists lists, CancellationToken ct) =>
                    OpeningRuleRequest.Parse(b.Rules) is not { } rules
                        ? ListErrors.InvalidRules.With("开放时段应写成 HH:mm，例如 08:30").ToProblem()
                        : (
                        await lists.AddAsync(
                            me.Caller,
                            id,
                            new NewListItem(
                                b.Kind,
                                b.Title,
                                b.Description,
                                b.CategoryId,
                                b.Source,
                                b.UnitId,
                                b.Capacity,
                                b.Deadline,
                                rules
                            ),
                            ct
                        )
                    ).ToOk()
            )
            .WithName("AddListItem")
            .WithSummary("Staff list a need or a project; a unit admin lists a resource the unit opens (unitId)")
            .ProducesErrors(ListErrors.Create);
        g.MapPost(
                "/lists/{id:long}/claim",
                async (Me me, long id, ClaimItemRequest b, CommunityLists lists, CancellationToken ct) =>
                    Linked(await lists.ClaimAsync(me.Caller, id, b.UnitId, ct)).ToOk()
            )
            .WithName("ClaimListItem")
            .WithSummary("A unit (unitId, by its admin) or a registered member claims a need or a project — 认领")
            .ProducesErrors(ListErrors.Claim);
        g.MapPost(
                "/claims/{id:long}/progress",
                (Me me, long id, HttpRequest request, CommunityLists lists, CancellationToken ct) =>
                    WithNoteAsync(request, ct, f => lists.ProgressAsync(me.Caller, id, f.Text("note"), f.Photos, ct))
            )
            .Accepts<ClaimNoteRequest>("application/json", "multipart/form-data")
            .DisableAntiforgery()
            .WithName("ReportClaimProgress")
            .WithSummary("The claim's owner reports progress: JSON {note}, or multipart/form-data with note and photos")
            .ProducesErrors(ListErrors.Progress);
        g.MapPost(
                "/claims/{id:long}/submit",
                (Me me, long id, HttpRequest request, CommunityLists lists, CancellationToken ct) =>
                    WithNoteAsync(request, ct, f => lists.SubmitAsync(me.Caller, id, f.Text("note"), f.Photos, ct))
            )
            .Accepts<ClaimNoteRequest>("application/json", "multipart/form-data")
            .DisableAntiforgery()
            .WithName("SubmitClaim")
            .WithSummary(
                "The claim's owner hands in the result (note) with photos as evidence (multipart/form-data), for the "
                    + "community to confirm"
            )
            .ProducesErrors(ListErrors.Progress);
        g.MapPost(
                "/claims/{id:long}/decision",
                async (Me me, long id, ClaimDecisionRequest b, CommunityLists lists, CancellationToken ct) =>
                    Linked(await lists.DecideAsync(me.Caller, id, b.Accept, b.Reason, ct)).ToOk()
            )
            .WithName("DecideClaim")
            .WithSummary("Community staff confirm a submitted claim (销号) or send it back with a reason")
            .ProducesErrors(ListErrors.Decide);
        g.MapPost(
                "/lists/{id:long}/bookings",
                async (Me me, long id, BookingRequest b, CommunityLists lists, CancellationToken ct) =>
                    (await lists.BookAsync(me.Caller, id, b.StartsAt, b.EndsAt, b.Purpose, b.Audience, ct)).ToOk()
            )
            .WithName("BookResource")
            .WithSummary(
                "Book a unit's resource for whole hours: community staff for the community or residents (audience), "
                    + "another serving unit's admin for that unit, the owning unit's admin for its own staff "
                    + "(confirmed at once); the resource's opening rules decide who may book which hours; "
                    + "one booking per hour, enforced by the database"
            )
            .ProducesErrors(ListErrors.Book);
        g.MapPut(
                "/lists/{id:long}/rules",
                async (Me me, long id, OpeningRulesRequest b, CommunityLists lists, CancellationToken ct) =>
                    OpeningRuleRequest.Parse(b.Rules) is not { } rules
                        ? ListErrors.InvalidRules.With("开放时段应写成 HH:mm，例如 08:30").ToProblem()
                        : (await lists.SetRulesAsync(me.Caller, id, rules, ct)).ToOk()
            )
            .WithName("SetResourceRules")
            .WithSummary(
                "The owning unit's admin sets when a resource is open and to whom (\"1+3\": own staff on working days, "
                    + "other units after hours, residents on rest days), on the working-day calendar"
            )
            .ProducesErrors(ListErrors.Rules);
        g.MapGet(
                "/lists/{id:long}/availability",
                async (Me me, long id, DateOnly? date, string? audience, CommunityLists lists, CancellationToken ct) =>
                    (await lists.AvailabilityAsync(me.Caller, id, date, audience, ct)).ToOk()
            )
            .WithName("ResourceAvailability")
            .WithSummary("A resource's 24 hours on a day (China time) for an audience: open by its rules, and taken")
            .ProducesErrors(ListErrors.Availability);
        g.MapGet(
                "/units/{id:long}/bookings",
                async (Me me, long id, CommunityLists lists, CancellationToken ct) =>
                    (await lists.UnitBookingsAsync(me.Caller, id, ct)).ToOk()
            )
            .WithName("UnitBookings")
            .WithSummary("A unit's admins: bookings of its resources not yet over, those waiting for a decision first")
            .ProducesErrors([ListErrors.UnitAdminOnly]);
        g.MapPost(
                "/bookings/{id:long}/decision",
                async (Me me, long id, BookingDecisionRequest b, CommunityLists lists, CancellationToken ct) =>
                    (await lists.DecideBookingAsync(me.Caller, id, b.Confirm, ct)).ToOk()
            )
            .WithName("DecideBooking")
            .WithSummary("The resource's unit admin confirms or declines a booking (declining frees the hours)")
            .ProducesErrors(ListErrors.DecideBooking);
        g.MapGet("/claims/{id:long}/photos/{photoId:long}", PhotoAsync)
            .WithName("ClaimPhoto")
            .WithSummary("A photo handed in with a claim's progress or result")
            .ProducesErrors([ListErrors.ClaimNotFound, ListErrors.PhotoNotFound]);
    }

    private static async Task<IResult> PhotoAsync(
        Me me,
        long id,
        long photoId,
        CommunityLists lists,
        PhotoStorage storage,
        HttpResponse response,
        CancellationToken ct
    ) => EvidenceFiles.Serve(await lists.PhotoAsync(me.Caller, id, photoId, ct), storage, response);

    /// <summary>The claim with the address of each photo.</summary>
    private static Result<ClaimDetail> Linked(Result<ClaimDetail> r) =>
        r.IsOk
            ? r.Value! with
            {
                Photos =
                [
                    .. r.Value!.Photos.Select(p => p with { Url = $"/api/claims/{r.Value.Claim.Id}/photos/{p.Id}" }),
                ],
            }
            : r;

    private static async Task<IResult> WithNoteAsync(
        HttpRequest request,
        CancellationToken ct,
        Func<OrderForm, Task<Result<ClaimDetail>>> action
    )
    {
        var (form, problem) = await OrderForm.ReadAsync(request, ct);
        if (problem is not null)
            return problem;
        if (form!.Unknown("note") is { } unknown)
            return unknown.ToProblem();
        return Linked(await action(form)).ToOk();
    }
}
