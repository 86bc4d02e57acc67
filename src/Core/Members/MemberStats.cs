using Dapper;
using Governance.Core.Data;
using Governance.Core.Time;

namespace Governance.Core.Members;

public sealed record PeriodStats(int Claimed, int Resolved);
public sealed record RatingStats(int Satisfied, int BasicallySatisfied, int Unsatisfied);
public sealed record MemberSummary(long PersonId, string Name, PeriodStats Week, PeriodStats Month, PeriodStats AllTime,
    double ServiceHours, int Stars, int NextStarHours, RatingStats Ratings, int OpenClaims);
public sealed record UnitSummary(long UnitId, string Name, int Members, PeriodStats Week, PeriodStats Month, PeriodStats AllTime,
    double ServiceHours, RatingStats Ratings, IReadOnlyList<MemberSummary> Top);

/// <summary>志愿服务星级: one star at 100 hours, then 300, 600, 1000 and 1500 (five stars).</summary>
public static class StarLevel
{
    public static readonly int[] Thresholds = [100, 300, 600, 1000, 1500];
    public static int Of(double hours) => Thresholds.Count(t => hours >= t);
    public static int NextThreshold(double hours) => Thresholds.FirstOrDefault(t => hours < t);

    /// <summary>Monday 00:00 and the 1st 00:00 of the China-local week and month containing <paramref name="nowUtc"/>, as UTC.</summary>
    public static (DateTime WeekStart, DateTime MonthStart) Periods(DateTime nowUtc)
    {
        var today = ChinaTime.Today(nowUtc);
        var monday = today.AddDays(-(((int)today.DayOfWeek + 6) % 7));
        return (ChinaTime.ToUtc(monday, TimeOnly.MinValue), ChinaTime.ToUtc(new DateOnly(today.Year, today.Month, 1), TimeOnly.MinValue));
    }
}

/// <summary>
/// What members and units did. "Claimed" counts orders the member holds or held by claim or assignment (by
/// claimed_at); "resolved" counts resolutions they recorded (the timeline); ratings are residents' ratings of
/// orders they handled; hours are the service time credited on resolution.
/// </summary>
public sealed class MemberStatsStore(Db db)
{
    private const string MembersSql = """
        SELECT p.id AS PersonId, p.name, COALESCE(m.service_minutes, 0) AS ServiceMinutes,
          (SELECT COUNT(*) FROM service_order o WHERE o.claimer_person_id = p.id AND o.claimed_at >= @week) AS ClaimedWeek,
          (SELECT COUNT(*) FROM service_order o WHERE o.claimer_person_id = p.id AND o.claimed_at >= @month) AS ClaimedMonth,
          (SELECT COUNT(*) FROM service_order o WHERE o.claimer_person_id = p.id AND o.claimed_at IS NOT NULL) AS ClaimedAll,
          (SELECT COUNT(*) FROM order_event e WHERE e.actor_id = p.id AND e.kind = 'resolved' AND e.created_at >= @week) AS ResolvedWeek,
          (SELECT COUNT(*) FROM order_event e WHERE e.actor_id = p.id AND e.kind = 'resolved' AND e.created_at >= @month) AS ResolvedMonth,
          (SELECT COUNT(*) FROM order_event e WHERE e.actor_id = p.id AND e.kind = 'resolved') AS ResolvedAll,
          (SELECT COUNT(*) FROM service_order o WHERE o.claimer_person_id = p.id AND o.satisfaction = 'satisfied') AS Satisfied,
          (SELECT COUNT(*) FROM service_order o WHERE o.claimer_person_id = p.id AND o.satisfaction = 'basically_satisfied') AS Basic,
          (SELECT COUNT(*) FROM service_order o WHERE o.claimer_person_id = p.id AND o.satisfaction = 'unsatisfied') AS Unsatisfied,
          (SELECT COUNT(*) FROM service_order o WHERE o.claimer_person_id = p.id AND o.status IN ('claimed','in_progress')) AS OpenClaims
        FROM person p LEFT JOIN member m ON m.person_id = p.id
        WHERE p.id IN @ids ORDER BY p.id
        """;
    // Property-based so Dapper converts COUNT(*) (BIGINT) and INT columns alike.
    private sealed class Row
    {
        public long PersonId { get; init; }
        public string Name { get; init; } = "";
        public int ServiceMinutes { get; init; }
        public int ClaimedWeek { get; init; }
        public int ClaimedMonth { get; init; }
        public int ClaimedAll { get; init; }
        public int ResolvedWeek { get; init; }
        public int ResolvedMonth { get; init; }
        public int ResolvedAll { get; init; }
        public int Satisfied { get; init; }
        public int Basic { get; init; }
        public int Unsatisfied { get; init; }
        public int OpenClaims { get; init; }
    }

    public async Task<IReadOnlyList<MemberSummary>> MembersAsync(IReadOnlyList<long> personIds, DateTime nowUtc, CancellationToken ct = default)
    {
        if (personIds.Count == 0) return [];
        var (week, month) = StarLevel.Periods(nowUtc);
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<Row>(new CommandDefinition(MembersSql, new { ids = personIds.ToArray(), week, month }, cancellationToken: ct));
        return rows.Select(r =>
        {
            var hours = Math.Round(r.ServiceMinutes / 60.0, 1);
            return new MemberSummary(r.PersonId, r.Name, new PeriodStats(r.ClaimedWeek, r.ResolvedWeek), new PeriodStats(r.ClaimedMonth, r.ResolvedMonth),
                new PeriodStats(r.ClaimedAll, r.ResolvedAll), hours, StarLevel.Of(hours), StarLevel.NextThreshold(hours),
                new RatingStats(r.Satisfied, r.Basic, r.Unsatisfied), r.OpenClaims);
        }).ToList();
    }

    public async Task<IReadOnlyList<long>> UnitMemberIdsAsync(long unitId, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<long>(new CommandDefinition("SELECT person_id FROM member WHERE unit_id = @unitId ORDER BY person_id", new { unitId }, cancellationToken: ct))).AsList();
    }

    public async Task<UnitSummary> UnitAsync(long unitId, string name, DateTime nowUtc, CancellationToken ct = default)
    {
        var members = await MembersAsync(await UnitMemberIdsAsync(unitId, ct), nowUtc, ct);
        var (week, month) = StarLevel.Periods(nowUtc);
        await using var c = await db.OpenAsync(ct);
        // Orders claimed by the unit itself and not yet given to a member also count for the unit.
        var own = await c.QuerySingleAsync<(long Week, long Month, long All)>(new CommandDefinition("""
            SELECT CAST(COALESCE(SUM(claimed_at >= @week), 0) AS SIGNED), CAST(COALESCE(SUM(claimed_at >= @month), 0) AS SIGNED), COUNT(*)
              FROM service_order WHERE claimer_unit_id = @unitId AND claimer_person_id IS NULL AND claimed_at IS NOT NULL
            """, new { unitId, week, month }, cancellationToken: ct));
        PeriodStats Sum(Func<MemberSummary, PeriodStats> pick, long extra) => new(members.Sum(m => pick(m).Claimed) + (int)extra, members.Sum(m => pick(m).Resolved));
        return new UnitSummary(unitId, name, members.Count, Sum(m => m.Week, own.Week), Sum(m => m.Month, own.Month), Sum(m => m.AllTime, own.All),
            Math.Round(members.Sum(m => m.ServiceHours), 1),
            new RatingStats(members.Sum(m => m.Ratings.Satisfied), members.Sum(m => m.Ratings.BasicallySatisfied), members.Sum(m => m.Ratings.Unsatisfied)),
            members.OrderByDescending(m => m.Month.Resolved).ThenByDescending(m => m.ServiceHours).Take(10).ToList());
    }
}
