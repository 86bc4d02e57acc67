using Governance.Api.Auth;
using Governance.Api.Infrastructure;
using Governance.Core.Errors;
using Governance.Core.People;
using Governance.Core.Registrations;
using Governance.Core.Time;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Governance.Api.Registrations;

/// <summary>双报到 (members) and unit registration and pairing (结对共建), with the staff's decisions.</summary>
public static class RegistrationsEndpoints
{
    public sealed record RegisterRequest(long? CommunityId, string? Kind, List<string>? Skills, long? UnitId);
    public sealed record DecisionRequest(bool? Approve, string? Reason);
    public sealed record UnitRequest(string? Name, string? PartyBranch, long? CommunityId, string? Address);
    public sealed record PairingRequest(long? CommunityId);

    public sealed record RegistrationView(long Id, long PersonId, string PersonName, string? Phone, long CommunityId, string CommunityName, string Kind,
        string Status, IReadOnlyList<string> Skills, string? RejectReason, string? UnitName, DateTimeOffset CreatedAt, DateTimeOffset? DecidedAt);
    public sealed record UnitView(long Id, string Name, string PartyBranch, long CommunityId, string CommunityName, string? Address, string Status, string? RejectReason);
    public sealed record PairingView(long UnitId, string UnitName, long CommunityId, string CommunityName, string Status, string? RejectReason);
    public sealed record MyUnitView(UnitView Unit, IReadOnlyList<PairingView> Pairings);
    public sealed record PendingUnitsView(IReadOnlyList<UnitView> Units, IReadOnlyList<PairingView> Pairings);
    public sealed record UnitMemberView(long PersonId, string Name, string? Phone, IReadOnlyList<string> Skills, double ServiceHours);

    public static void MapRegistrations(this IEndpointRouteBuilder app)
    {
        var r = app.MapGroup("/api/registrations").WithTags("Registrations (双报到)").RequireAuthorization();
        r.MapPost("/", RegisterAsync).WithName("Register").RequireRateLimiting(RateLimits.Writes)
            .WithSummary("Member: register with a community — kind residence (where I live) or unit (where my unit stands or is paired); skills optional")
            .WithDescription("Errors: registration.invalid_kind, registration.community_not_found, registration.unit_required, registration.unit_not_found, " +
                             "registration.unit_community_mismatch, registration.invalid_skills (400); registration.exists (409).");
        r.MapGet("/mine", MineAsync).WithName("MyRegistrations").WithSummary("Member: my registrations and their status");
        r.MapGet("/", ForStaffAsync).WithName("ListRegistrations").WithSummary("Staff: registrations in my area, by status (pending by default)");
        r.MapPost("/{id:long}/decision", DecideAsync).WithName("DecideRegistration")
            .WithSummary("Secretary or street admin: approve, or reject with a reason; the member is told")
            .WithDescription("Errors: registration.reason_required (400), registration.secretary_only (403), registration.not_found (404), registration.already_decided (409).");
        r.MapPost("/{id:long}/withdraw", WithdrawAsync).WithName("WithdrawRegistration").WithSummary("Member: withdraw a registration");

        var u = app.MapGroup("/api/units").WithTags("Units (驻区单位)").RequireAuthorization();
        u.MapPost("/", RegisterUnitAsync).WithName("RegisterUnit").RequireRateLimiting(RateLimits.Writes)
            .WithSummary("Register a unit and its Party branch with the community where it stands; the caller becomes its admin")
            .WithDescription("Errors: unit.name_required, unit.branch_required, unit.community_not_found (400); unit.exists (409).");
        u.MapGet("/mine", MyUnitsAsync).WithName("MyUnits").WithSummary("Unit admin: my units with their pairings");
        u.MapGet("/pending", PendingAsync).WithName("PendingUnits").WithSummary("Staff: units and pairings waiting for a decision in my area");
        u.MapPost("/{id:long}/decision", DecideUnitAsync).WithName("DecideUnit").WithSummary("Secretary: approve or reject a unit's registration");
        u.MapPost("/{id:long}/pairings", PairAsync).WithName("RequestPairing").WithSummary("Unit admin: ask to pair (结对共建) with another community");
        u.MapPost("/{id:long}/pairings/{communityId:long}/decision", DecidePairingAsync).WithName("DecidePairing").WithSummary("Secretary: approve or reject a pairing");
        u.MapGet("/{id:long}/members", MembersAsync).WithName("UnitMembers").WithSummary("Unit admin (or staff): the unit's members");
    }

    private static RegistrationView View(RegistrationRow r) => new(r.Id, r.PersonId, r.PersonName, r.Phone, r.CommunityId, r.CommunityName, r.Kind, r.Status,
        r.Skills.Split(',', StringSplitOptions.RemoveEmptyEntries), r.RejectReason, r.UnitName, ChinaTime.ToChina(r.CreatedAt), r.DecidedAt is { } d ? ChinaTime.ToChina(d) : null);

    /// <summary>Applicants see their own phone; staff see applicants' phones masked unless they may decide.</summary>
    private static RegistrationView ForViewer(RegistrationRow r, Caller caller) =>
        View(r) with { Phone = r.PersonId == caller.PersonId || caller.CanApproveIn(r.CommunityPath) ? r.Phone : PhoneMask.Mask(r.Phone) };

    private static UnitView View(UnitRow u) => new(u.Id, u.Name, u.PartyBranch, u.AreaId, u.AreaName, u.Address, u.Status, u.RejectReason);
    private static PairingView View(PairingRow p) => new(p.UnitId, p.UnitName, p.CommunityId, p.CommunityName, p.Status, p.RejectReason);

    private static async Task<Results<Created<RegistrationView>, ProblemHttpResult>> RegisterAsync(Me me, RegisterRequest body, RegistrationService service, CancellationToken ct)
    {
        var result = await service.RegisterAsync(me.Caller, body.CommunityId, body.Kind, body.Skills, body.UnitId, ct);
        return result.IsOk ? TypedResults.Created($"/api/registrations/{result.Value!.Id}", ForViewer(result.Value, me.Caller)) : result.Error!.ToProblem();
    }

    private static async Task<Ok<List<RegistrationView>>> MineAsync(Me me, RegistrationService service, CancellationToken ct) =>
        TypedResults.Ok((await service.MineAsync(me.Caller, ct)).Select(r => ForViewer(r, me.Caller)).ToList());

    private static async Task<Results<Ok<List<RegistrationView>>, ProblemHttpResult>> ForStaffAsync(Me me, RegistrationService service, string? status, CancellationToken ct)
    {
        var result = await service.ForStaffAsync(me.Caller, status ?? "pending", ct);
        return result.IsOk ? TypedResults.Ok(result.Value!.Select(r => ForViewer(r, me.Caller)).ToList()) : result.Error!.ToProblem();
    }

    private static async Task<Results<Ok<RegistrationView>, ProblemHttpResult>> DecideAsync(Me me, long id, DecisionRequest body, RegistrationService service, CancellationToken ct)
    {
        if (body.Approve is null) return Problems.Problem("registration.decision_required", "请选择通过或不通过", 400);
        return Respond(await service.DecideAsync(me.Caller, id, body.Approve.Value, body.Reason, ct), me.Caller);
    }

    private static async Task<Results<Ok<RegistrationView>, ProblemHttpResult>> WithdrawAsync(Me me, long id, RegistrationService service, CancellationToken ct) =>
        Respond(await service.WithdrawAsync(me.Caller, id, ct), me.Caller);

    private static Results<Ok<RegistrationView>, ProblemHttpResult> Respond(Result<RegistrationRow> r, Caller caller) =>
        r.IsOk ? TypedResults.Ok(ForViewer(r.Value!, caller)) : r.Error!.ToProblem();

    private static async Task<Results<Created<UnitView>, ProblemHttpResult>> RegisterUnitAsync(Me me, UnitRequest body, RegistrationService service, CancellationToken ct)
    {
        var result = await service.RegisterUnitAsync(me.Caller, body.Name, body.PartyBranch, body.CommunityId, body.Address, ct);
        return result.IsOk ? TypedResults.Created($"/api/units/{result.Value!.Id}", View(result.Value)) : result.Error!.ToProblem();
    }

    private static async Task<Ok<List<MyUnitView>>> MyUnitsAsync(Me me, RegistrationService service, CancellationToken ct) =>
        TypedResults.Ok((await service.MyUnitsAsync(me.Caller, ct)).Select(u => new MyUnitView(View(u.Unit), u.Pairings.Select(View).ToList())).ToList());

    private static async Task<Results<Ok<PendingUnitsView>, ProblemHttpResult>> PendingAsync(Me me, RegistrationService service, CancellationToken ct)
    {
        var result = await service.PendingUnitsForStaffAsync(me.Caller, ct);
        return result.IsOk ? TypedResults.Ok(new PendingUnitsView(result.Value.Units.Select(View).ToList(), result.Value.Pairings.Select(View).ToList())) : result.Error!.ToProblem();
    }

    private static async Task<Results<Ok<UnitView>, ProblemHttpResult>> DecideUnitAsync(Me me, long id, DecisionRequest body, RegistrationService service, CancellationToken ct)
    {
        if (body.Approve is null) return Problems.Problem("unit.decision_required", "请选择通过或不通过", 400);
        var r = await service.DecideUnitAsync(me.Caller, id, body.Approve.Value, body.Reason, ct);
        return r.IsOk ? TypedResults.Ok(View(r.Value!)) : r.Error!.ToProblem();
    }

    private static async Task<Results<Ok<PairingView>, ProblemHttpResult>> PairAsync(Me me, long id, PairingRequest body, RegistrationService service, CancellationToken ct)
    {
        var r = await service.RequestPairingAsync(me.Caller, id, body.CommunityId, ct);
        return r.IsOk ? TypedResults.Ok(View(r.Value!)) : r.Error!.ToProblem();
    }

    private static async Task<Results<Ok<PairingView>, ProblemHttpResult>> DecidePairingAsync(Me me, long id, long communityId, DecisionRequest body, RegistrationService service, CancellationToken ct)
    {
        if (body.Approve is null) return Problems.Problem("pairing.decision_required", "请选择通过或不通过", 400);
        var r = await service.DecidePairingAsync(me.Caller, id, communityId, body.Approve.Value, body.Reason, ct);
        return r.IsOk ? TypedResults.Ok(View(r.Value!)) : r.Error!.ToProblem();
    }

    private static async Task<Results<Ok<List<UnitMemberView>>, ProblemHttpResult>> MembersAsync(Me me, long id, RegistrationService service, CancellationToken ct)
    {
        var r = await service.UnitMembersAsync(me.Caller, id, ct);
        return r.IsOk
            ? TypedResults.Ok(r.Value!.Select(m => new UnitMemberView(m.PersonId, m.Name, PhoneMask.Mask(m.Phone), m.Skills.Split(',', StringSplitOptions.RemoveEmptyEntries),
                Math.Round(m.ServiceMinutes / 60.0, 1))).ToList())
            : r.Error!.ToProblem();
    }
}
