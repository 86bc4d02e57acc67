using Governance.Api.Auth;
using Governance.Api.Infrastructure;
using Governance.Core.Members;
using Governance.Core.Registrations;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Governance.Api.Members;

public static class MembersEndpoints
{
    public static void MapMembers(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/members/me/summary", MineAsync).WithTags("Members").RequireAuthorization().WithName("MySummary")
            .WithSummary("Member: orders claimed and resolved this week, this month and in all, service hours, star level (100/300/600/1000/1500 hours), ratings received");
        app.MapGet("/api/units/{id:long}/summary", UnitAsync).WithTags("Units (驻区单位)").RequireAuthorization().WithName("UnitSummary")
            .WithSummary("Unit admin (or staff over the unit): the unit's members' work, summed, with the most active members");
    }

    private static async Task<Results<Ok<MemberSummary>, ProblemHttpResult>> MineAsync(Me me, MemberStatsStore stats, TimeProvider clock, CancellationToken ct)
    {
        if (!me.Caller.IsMember) return Problems.Problem("member.not_registered", "您还不是报到党员，请先在社区报到", 403);
        return TypedResults.Ok((await stats.MembersAsync([me.Caller.PersonId], clock.GetUtcNow().UtcDateTime, ct))[0]);
    }

    private static async Task<Results<Ok<UnitSummary>, ProblemHttpResult>> UnitAsync(Me me, long id, RegistrationStore units, MemberStatsStore stats, TimeProvider clock, CancellationToken ct)
    {
        var unit = await units.GetUnitAsync(id, ct);
        if (unit is null || (!me.Caller.UnitAdminOf.Contains(id) && !me.Caller.IsStaffOver(unit.AreaPath)))
            return Problems.Problem("unit.not_found", "单位不存在", 404);
        return TypedResults.Ok(await stats.UnitAsync(id, unit.Name, clock.GetUtcNow().UtcDateTime, ct));
    }
}
