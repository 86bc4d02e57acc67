using Governance.Api.Auth;
using Governance.Api.Infrastructure;
using Governance.Core.Errors;
using Governance.Core.Members;

namespace Governance.Api.Members;

public static class MembersEndpoints
{
    public static void MapMembers(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/members/me/summary", async (Me me, MemberSummaries s, CancellationToken ct) =>
                (await s.MineAsync(me.Caller, ct)).ToOk()
            )
            .WithTags("Members")
            .RequireAuthorization()
            .WithName("MySummary")
            .WithSummary(
                "Member: orders claimed and resolved this week, this month and in all, service hours, star level "
                    + "(100/300/600/1000/1500 hours), ratings received"
            )
            .ProducesErrors(MemberErrors.Mine);
        var units = app.MapGroup("/api/units").WithTags("Units (驻区单位)").RequireAuthorization();
        units
            .MapGet("/{id:long}/summary", async (Me me, long id, MemberSummaries s, CancellationToken ct) =>
                (await s.UnitAsync(me.Caller, id, ct)).ToOk()
            )
            .WithName("UnitSummary")
            .WithSummary(
                "Unit admin (or staff over the unit): the unit's members' work, summed, with the most active members"
            )
            .ProducesErrors(MemberErrors.Unit);
        units
            .MapGet("/{id:long}/inactive-members", async (Me me, long id, Participation p, CancellationToken ct) =>
                (await p.InactiveInUnitAsync(me.Caller, id, ct)).ToOk()
            )
            .WithName("InactiveUnitMembers")
            .WithSummary(
                "Unit admin: the unit's registered members with no service in the participation window (six months by "
                    + "default)"
            )
            .ProducesErrors([CommonErrors.UnitNotFound]);
    }
}
