using Governance.Api.Auth;
using Governance.Api.Infrastructure;
using Governance.Core.Registrations;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Governance.Api.Registrations;

/// <summary>双报到 (members) and unit registration and pairing (结对共建), with the staff's decisions.</summary>
public static class RegistrationsEndpoints
{
    public sealed record RegisterRequest(long? CommunityId, string? Kind, List<string>? Skills, long? UnitId);

    public sealed record DecisionRequest(bool? Approve, string? Reason);

    public sealed record UnitRequest(string? Name, string? PartyBranch, long? CommunityId, string? Address);

    public sealed record PairingRequest(long? CommunityId);

    public static void MapRegistrations(this IEndpointRouteBuilder app)
    {
        var r = app.MapGroup("/api/registrations").WithTags("Registrations (双报到)").RequireAuthorization();
        r.MapPost("/", RegisterAsync)
            .WithName("Register")
            .RequireRateLimiting(RateLimits.Writes)
            .WithSummary(
                "Member: register with a community — kind residence (where I live) or unit (where my unit stands or is "
                    + "paired); "
                    + "skills optional; a real name in the profile is required"
            )
            .ProducesErrors(RegistrationErrors.Register);
        r.MapGet("/mine", async (Me me, RegistrationService s, CancellationToken ct) =>
                TypedResults.Ok(await s.MineAsync(me.Caller, ct))
            )
            .WithName("MyRegistrations")
            .WithSummary("Member: my registrations and their status");
        r.MapGet("/", async (Me me, RegistrationService s, string? status, string? cursor, CancellationToken ct) =>
                (await s.ForStaffAsync(me.Caller, status, cursor, ct)).ToOk()
            )
            .WithName("ListRegistrations")
            .WithSummary(
                "Staff: registrations in my area by status (pending by default), oldest first, 100 a page; pass the "
                    + "answer's "
                    + "\"next\" as cursor for the next page"
            )
            .ProducesErrors(RegistrationErrors.List);
        r.MapPost(
                "/{id:long}/decision",
                async (Me me, long id, DecisionRequest body, RegistrationService s, CancellationToken ct) =>
                    (await s.DecideAsync(me.Caller, id, body.Approve, body.Reason, ct)).ToOk()
            )
            .WithName("DecideRegistration")
            .WithSummary("Secretary or street admin: approve, or reject with a reason; the member is told")
            .ProducesErrors(RegistrationErrors.Decide);
        r.MapGet(
                "/{id:long}/receipt",
                async (Me me, long id, RegistrationService s, CancellationToken ct) =>
                    (await s.ReceiptAsync(me.Caller, id, ct)).ToOk()
            )
            .WithName("RegistrationReceipt")
            .WithSummary("报到回执 of an approved registration: for the member, the community staff and the unit")
            .ProducesErrors(RegistrationErrors.Receipt);
        r.MapPost("/{id:long}/withdraw", async (Me me, long id, RegistrationService s, CancellationToken ct) =>
                (await s.WithdrawAsync(me.Caller, id, ct)).ToOk()
            )
            .WithName("WithdrawRegistration")
            .WithSummary("Member: withdraw a registration")
            .ProducesErrors(RegistrationErrors.Withdraw);

        var u = app.MapGroup("/api/units").WithTags("Units (驻区单位)").RequireAuthorization();
        u.MapPost("/", RegisterUnitAsync)
            .WithName("RegisterUnit")
            .RequireRateLimiting(RateLimits.Writes)
            .WithSummary(
                "Register a unit and its Party branch with the community where it stands; the caller becomes its admin"
            )
            .ProducesErrors(RegistrationErrors.RegisterUnit);
        u.MapGet("/mine", async (Me me, RegistrationService s, CancellationToken ct) =>
                TypedResults.Ok(await s.MyUnitsAsync(me.Caller, ct))
            )
            .WithName("MyUnits")
            .WithSummary("Unit admin: my units with their pairings");
        u.MapGet("/pending", async (Me me, RegistrationService s, CancellationToken ct) =>
                (await s.PendingUnitsForStaffAsync(me.Caller, ct)).ToOk()
            )
            .WithName("PendingUnits")
            .WithSummary("Staff: units and pairings waiting for a decision in my area")
            .ProducesErrors(RegistrationErrors.Pending);
        u.MapPost(
                "/{id:long}/decision",
                async (Me me, long id, DecisionRequest body, RegistrationService s, CancellationToken ct) =>
                    (await s.DecideUnitAsync(me.Caller, id, body.Approve, body.Reason, ct)).ToOk()
            )
            .WithName("DecideUnit")
            .WithSummary("Secretary: approve or reject a unit's registration")
            .ProducesErrors(RegistrationErrors.DecideUnit);
        u.MapPost(
                "/{id:long}/pairings",
                async (Me me, long id, PairingRequest body, RegistrationService s, CancellationToken ct) =>
                    (await s.RequestPairingAsync(me.Caller, id, body.CommunityId, ct)).ToOk()
            )
            .WithName("RequestPairing")
            .RequireRateLimiting(RateLimits.Writes)
            .WithSummary("Unit admin: ask to pair (结对共建) with another community")
            .ProducesErrors(RegistrationErrors.Pair);
        u.MapPost(
                "/{id:long}/pairings/{communityId:long}/decision",
                async (
                    Me me,
                    long id,
                    long communityId,
                    DecisionRequest body,
                    RegistrationService s,
                    CancellationToken ct
                ) => (await s.DecidePairingAsync(me.Caller, id, communityId, body.Approve, body.Reason, ct)).ToOk()
            )
            .WithName("DecidePairing")
            .WithSummary("Secretary: approve or reject a pairing")
            .ProducesErrors(RegistrationErrors.DecidePairing);
        u.MapGet(
                "/{id:long}/members",
                async (Me me, long id, string? cursor, RegistrationService s, CancellationToken ct) =>
                    (await s.UnitMembersAsync(me.Caller, id, cursor, ct)).ToOk()
            )
            .WithName("UnitMembers")
            .WithSummary("Unit admin (or staff): the unit's members, 100 a page (cursor)")
            .ProducesErrors(RegistrationErrors.Members);
    }

    private static async Task<Results<Created<RegistrationView>, ApiProblem>> RegisterAsync(
        Me me,
        RegisterRequest body,
        RegistrationService service,
        CancellationToken ct
    )
    {
        var result = await service.RegisterAsync(me.Caller, body.CommunityId, body.Kind, body.Skills, body.UnitId, ct);
        return result.IsOk
            ? TypedResults.Created($"/api/registrations/{result.Value!.Id}", result.Value)
            : result.Error!.ToProblem();
    }

    private static async Task<Results<Created<UnitView>, ApiProblem>> RegisterUnitAsync(
        Me me,
        UnitRequest body,
        RegistrationService service,
        CancellationToken ct
    )
    {
        var result = await service.RegisterUnitAsync(
            me.Caller,
            body.Name,
            body.PartyBranch,
            body.CommunityId,
            body.Address,
            ct
        );
        return result.IsOk
            ? TypedResults.Created($"/api/units/{result.Value!.Id}", result.Value)
            : result.Error!.ToProblem();
    }
}
