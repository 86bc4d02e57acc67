using Governance.Api.Auth;
using Governance.Api.Infrastructure;
using Governance.Api.Orders;
using Governance.Core.Errors;
using Governance.Core.Households;
using Governance.Core.Orders;

namespace Governance.Api.Households;

public sealed record HouseholdRequest(
    string? Room,
    string? HeadName,
    string? Phone,
    int? People,
    IReadOnlyList<string>? Categories,
    string? Note
);

/// <summary>Multipart fields of a visit: found, need, survey (true/false), orderCode, visitedAt, and photos.</summary>
public sealed record VisitRequest(
    string? Found,
    string? Need,
    bool? Survey,
    string? OrderCode,
    DateTimeOffset? VisitedAt
);

public sealed record AssignmentRequest(
    long? PersonId,
    string? Role,
    int? MonthlyQuota,
    DateOnly? StartsOn,
    DateOnly? EndsOn
);

public sealed record AssignmentView(long Id);

/// <summary>The household register, grid visits, the day's plan, coverage and 包联 assignments.</summary>
public static class HouseholdsEndpoints
{
    public static void MapHouseholds(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api").WithTags("Households and visits").RequireAuthorization();
        g.MapPost(
                "/buildings/{id:long}/households",
                async (Me me, long id, HouseholdRequest b, Core.Households.Households h, CancellationToken ct) =>
                    (await h.RegisterAsync(me.Caller, id, Input(b), ct)).ToOk()
            )
            .WithName("RegisterHousehold")
            .WithSummary(
                "Grid staff and above register a household (categories: difficulty, illness, unemployed, "
                    + "elderly_alone, "
                    + "correction — any of them means a monthly visit)"
            )
            .ProducesErrors(HouseholdErrors.Register);
        g.MapGet(
                "/buildings/{id:long}/households",
                async (Me me, long id, Core.Households.Households h, CancellationToken ct) =>
                    (await h.ListAsync(me.Caller, id, ct)).ToOk()
            )
            .WithName("BuildingHouseholds")
            .WithSummary("A building's households: full for grid staff and above, masked for 包联, refused to others")
            .ProducesErrors(HouseholdErrors.Read);
        g.MapPut(
                "/households/{id:long}",
                async (Me me, long id, HouseholdRequest b, Core.Households.Households h, CancellationToken ct) =>
                    (await h.UpdateAsync(me.Caller, id, Input(b), ct)).ToOk()
            )
            .WithName("UpdateHousehold")
            .WithSummary("Grid staff and above change a household's people, phone, categories and note")
            .ProducesErrors([HouseholdErrors.NotFound, HouseholdErrors.Invalid]);
        g.MapPost("/households/{id:long}/visits", LogVisitAsync)
            .WithName("LogVisit")
            .WithSummary(
                "Log a visit (grid staff or 包联): what was found, photos (multipart), a need for the community's list "
                    + "(survey=true for a door-to-door needs survey), the code of an order filed from it"
            )
            .Accepts<VisitRequest>("application/json", "multipart/form-data")
            .DisableAntiforgery()
            .ProducesErrors(HouseholdErrors.LogVisit);
        g.MapGet(
                "/households/{id:long}/visits",
                async (Me me, long id, Core.Households.Households h, CancellationToken ct) =>
                {
                    var r = await h.VisitsAsync(me.Caller, id, ct);
                    Result<IReadOnlyList<Visit>> linked = r.IsOk ? r.Value!.Select(Linked).ToList() : r.Error!;
                    return linked.ToOk();
                }
            )
            .WithName("HouseholdVisits")
            .WithSummary("A household's visits (a 包联 visitor sees their own)")
            .ProducesErrors([HouseholdErrors.NotFound, HouseholdErrors.NotAllowed]);
        g.MapGet("/visits/{id:long}/photos/{photoId:long}", PhotoAsync)
            .WithName("VisitPhoto")
            .WithSummary("A photo taken on a visit, for whoever may see the visit")
            .ProducesErrors([HouseholdErrors.NotFound, HouseholdErrors.PhotoNotFound]);
        g.MapGet(
                "/visits/plan",
                async (Me me, DateOnly? date, int? limit, Core.Households.Households h, CancellationToken ct) =>
                    Results.Ok(await h.PlanAsync(me.Caller, date, limit, ct))
            )
            .WithName("VisitPlan")
            .WithSummary(
                "The caller's plan for a day: seven households, must-visits first, then the longest unvisited"
            );
        g.MapGet(
                "/areas/{id:long}/visit-coverage",
                async (Me me, long id, DateOnly? date, Core.Households.Households h, CancellationToken ct) =>
                    (await h.CoverageAsync(me.Caller, id, date, ct)).ToOk()
            )
            .WithName("VisitCoverage")
            .WithSummary("Staff: a two-month cycle's coverage per grid and visitor, and must-visits this month")
            .ProducesErrors(HouseholdErrors.Coverage);
        g.MapPost(
                "/areas/{id:long}/assignments",
                async (Me me, long id, AssignmentRequest b, Core.Households.Households h, CancellationToken ct) =>
                {
                    var r = await h.AssignAsync(
                        me.Caller,
                        b.PersonId,
                        id,
                        b.Role,
                        b.MonthlyQuota,
                        b.StartsOn,
                        b.EndsOn,
                        ct
                    );
                    Result<AssignmentView> view = r.IsOk ? new AssignmentView(r.Value) : r.Error!;
                    return view.ToOk();
                }
            )
            .WithName("AssignToArea")
            .WithSummary(
                "包联: a secretary or street admin assigns a cadre or volunteer to a community, compound or "
                    + "building"
            )
            .ProducesErrors(HouseholdErrors.Assign);
    }

    private static NewHousehold Input(HouseholdRequest b) =>
        new(b.Room, b.HeadName, b.Phone, b.People, b.Categories, b.Note);

    private static async Task<IResult> LogVisitAsync(
        Me me,
        long id,
        HttpRequest request,
        Core.Households.Households households,
        CancellationToken ct
    )
    {
        var (form, problem) = await OrderForm.ReadAsync(request, ct);
        if (problem is not null)
            return problem;
        if (form!.Unknown("found", "need", "survey", "orderCode", "visitedAt") is { } unknown)
            return unknown.ToProblem();
        DateTimeOffset? at = null;
        if (form.Text("visitedAt") is { } text)
        {
            if (!DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
                return HouseholdErrors.InvalidVisit.ToProblem();
            at = parsed;
        }
        var visit = new NewVisit(
            form.Text("found"),
            form.Text("need"),
            form.Text("survey") is "true" or "1",
            form.Text("orderCode"),
            at
        );
        var r = await households.LogVisitAsync(me.Caller, id, visit, form.Photos, ct);
        Result<Visit> linked = r.IsOk ? Linked(r.Value!) : r.Error!;
        return linked.ToOk();
    }

    private static Visit Linked(Visit v) =>
        v with { Photos = [.. v.Photos.Select(p => p with { Url = $"/api/visits/{v.Id}/photos/{p.Id}" })] };

    private static async Task<IResult> PhotoAsync(
        Me me,
        long id,
        long photoId,
        Core.Households.Households households,
        PhotoStorage storage,
        HttpResponse response,
        CancellationToken ct
    ) => EvidenceFiles.Serve(await households.PhotoAsync(me.Caller, id, photoId, ct), storage, response);
}
