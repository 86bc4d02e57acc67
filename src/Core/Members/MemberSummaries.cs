using Governance.Core.Errors;
using Governance.Core.People;
using Governance.Core.Registrations;

namespace Governance.Core.Members;

public static class MemberErrors
{
    public static readonly ErrorCode NotRegistered = new(
        "member.not_registered",
        ErrorKind.Forbidden,
        "您还不是报到党员，请先在社区报到"
    );

    public static readonly ErrorCode[] Mine = [NotRegistered];
    public static readonly ErrorCode[] Unit = [CommonErrors.UnitNotFound];
}

/// <summary>
/// A member's own work (this week, this month, all time, hours and stars), and a unit's, summed, with its most active
/// members.
/// </summary>
public sealed class MemberSummaries(MemberStatsStore stats, RegistrationStore units, TimeProvider clock)
{
    public async Task<Result<MemberSummary>> MineAsync(Caller caller, CancellationToken ct)
    {
        if (!caller.IsMember)
            return MemberErrors.NotRegistered;
        return (await stats.MemberAsync(caller.PersonId, clock.GetUtcNow().UtcDateTime, ct))!;
    }

    public async Task<Result<UnitSummary>> UnitAsync(Caller caller, long unitId, CancellationToken ct)
    {
        var unit = await units.GetUnitAsync(unitId, ct);
        if (unit is null || (!caller.UnitAdminOf.Contains(unitId) && !caller.IsStaffOver(unit.AreaPath)))
            return CommonErrors.UnitNotFound;
        var now = clock.GetUtcNow().UtcDateTime;
        var members = await stats.UnitMembersAsync(unitId, now, ct);
        var own = await stats.UnitOwnClaimsAsync(unitId, now, ct);
        PeriodStats Sum(Func<MemberSummary, PeriodStats> pick, long extra) =>
            new(members.Sum(m => pick(m).Claimed) + (int)extra, members.Sum(m => pick(m).Resolved));
        return new UnitSummary(
            unitId,
            unit.Name,
            members.Count,
            Sum(m => m.Week, own.Week),
            Sum(m => m.Month, own.Month),
            Sum(m => m.AllTime, own.All),
            Math.Round(members.Sum(m => m.ServiceHours), 1),
            new RatingStats(
                members.Sum(m => m.Ratings.Satisfied),
                members.Sum(m => m.Ratings.BasicallySatisfied),
                members.Sum(m => m.Ratings.Unsatisfied)
            ),
            members.OrderByDescending(m => m.Month.Resolved).ThenByDescending(m => m.ServiceHours).Take(10).ToList()
        );
    }
}
