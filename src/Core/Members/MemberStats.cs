using Dapper;
using Governance.Core.Data;
using Governance.Core.Time;

namespace Governance.Core.Members;

public sealed record PeriodStats(int Claimed, int Resolved);

public sealed record RatingStats(int Satisfied, int BasicallySatisfied, int Unsatisfied);

public sealed record MemberSummary(
    long PersonId,
    string Name,
    PeriodStats Week,
    PeriodStats Month,
    PeriodStats AllTime,
    double ServiceHours,
    int Stars,
    int NextStarHours,
    RatingStats Ratings,
    int OpenClaims
);

public sealed record UnitSummary(
    long UnitId,
    string Name,
    int Members,
    PeriodStats Week,
    PeriodStats Month,
    PeriodStats AllTime,
    double ServiceHours,
    RatingStats Ratings,
    IReadOnlyList<MemberSummary> Top
);

/// <summary>志愿服务星级: one star at 100 hours, then 300, 600, 1000 and 1500 (five stars).</summary>
public static class StarLevel
{
    public static readonly int[] Thresholds = [100, 300, 600, 1000, 1500];

    public static int Of(double hours) => Thresholds.Count(t => hours >= t);

    public static int NextThreshold(double hours) => Thresholds.FirstOrDefault(t => hours < t);

    /// <summary>
    /// Monday 00:00 and the 1st 00:00 of the China-local week and month containing <paramref name="nowUtc"/>, as UTC.
    /// </summary>
    public static (DateTime WeekStart, DateTime MonthStart) Periods(DateTime nowUtc)
    {
        var today = ChinaTime.Today(nowUtc);
        var monday = today.AddDays(-(((int)today.DayOfWeek + 6) % 7));
        return (
            ChinaTime.ToUtc(monday, TimeOnly.MinValue),
            ChinaTime.ToUtc(new DateOnly(today.Year, today.Month, 1), TimeOnly.MinValue)
        );
    }
}

/// <summary>
/// What members and units did. "Claimed" counts orders the member holds or held by claim or assignment (by claimed_at);
/// "resolved" counts the orders they resolved — an order reopened and resolved again counts once; ratings are
/// residents' ratings of orders they handled; hours are the service time credited on resolution. Set-based: a unit with
/// thousands of members is four grouped queries, not a dozen per member.
/// </summary>
public sealed class MemberStatsStore(Db db)
{
    private static string Sql(string members) =>
        $"""
            SELECT p.id AS PersonId, p.name, COALESCE(m.service_minutes, 0) AS ServiceMinutes
              FROM person p LEFT JOIN member m ON m.person_id = p.id WHERE p.id IN ({members});
            SELECT o.claimer_person_id AS PersonId,
                   SUM(o.claimed_at >= @week) AS Week, SUM(o.claimed_at >= @month) AS Month, COUNT(*) AS AllTime,
                   SUM(o.satisfaction = 'satisfied') AS Satisfied, SUM(o.satisfaction = 'basically_satisfied') AS Basic,
                   SUM(o.satisfaction = 'unsatisfied') AS Unsatisfied,
                     SUM(o.status IN ('claimed','in_progress')) AS Open
              FROM service_order o WHERE o.claimer_person_id IN ({members}) AND o.claimed_at IS NOT NULL
                GROUP BY o.claimer_person_id;
            SELECT e.actor_id AS PersonId, COUNT(DISTINCT CASE WHEN e.created_at >= @week THEN e.order_id END) AS Week,
                   COUNT(DISTINCT CASE WHEN e.created_at >= @month THEN e.order_id END) AS Month,
                     COUNT(DISTINCT e.order_id) AS AllTime
              FROM order_event e WHERE e.kind = 'resolved' AND e.actor_id IN ({members}) GROUP BY e.actor_id;
            """;

    // Property-based so Dapper converts COUNT/SUM (BIGINT, DECIMAL) and INT columns alike.
    private sealed class PersonRow
    {
        public long PersonId { get; init; }
        public string Name { get; init; } = "";
        public long ServiceMinutes { get; init; }
    }

    private sealed class ClaimRow
    {
        public long PersonId { get; init; }
        public long Week { get; init; }
        public long Month { get; init; }
        public long AllTime { get; init; }
        public long Satisfied { get; init; }
        public long Basic { get; init; }
        public long Unsatisfied { get; init; }
        public long Open { get; init; }
    }

    private sealed class ResolveRow
    {
        public long PersonId { get; init; }
        public long Week { get; init; }
        public long Month { get; init; }
        public long AllTime { get; init; }
    }

    public async Task<MemberSummary?> MemberAsync(long personId, DateTime nowUtc, CancellationToken ct) =>
        (await QueryAsync("@personId", new { personId }, nowUtc, ct)).FirstOrDefault();

    public Task<IReadOnlyList<MemberSummary>> UnitMembersAsync(long unitId, DateTime nowUtc, CancellationToken ct) =>
        QueryAsync("SELECT person_id FROM member WHERE unit_id = @unitId", new { unitId }, nowUtc, ct);

    private async Task<IReadOnlyList<MemberSummary>> QueryAsync(
        string members,
        object args,
        DateTime nowUtc,
        CancellationToken ct
    )
    {
        var (week, month) = StarLevel.Periods(nowUtc);
        var p = new DynamicParameters(args);
        p.AddDynamicParams(new { week, month });
        await using var c = await db.OpenAsync(ct);
        await using var multi = await c.QueryMultipleAsync(
            new CommandDefinition(Sql(members), p, cancellationToken: ct, commandTimeout: 120)
        );
        var people = (await multi.ReadAsync<PersonRow>()).AsList();
        var claims = (await multi.ReadAsync<ClaimRow>()).ToDictionary(r => r.PersonId);
        var resolved = (await multi.ReadAsync<ResolveRow>()).ToDictionary(r => r.PersonId);
        return people
            .OrderBy(r => r.PersonId)
            .Select(r =>
            {
                var cl = claims.GetValueOrDefault(r.PersonId) ?? new ClaimRow();
                var rs = resolved.GetValueOrDefault(r.PersonId) ?? new ResolveRow();
                var hours = Math.Round(r.ServiceMinutes / 60.0, 1);
                return new MemberSummary(
                    r.PersonId,
                    r.Name,
                    new PeriodStats((int)cl.Week, (int)rs.Week),
                    new PeriodStats((int)cl.Month, (int)rs.Month),
                    new PeriodStats((int)cl.AllTime, (int)rs.AllTime),
                    hours,
                    StarLevel.Of(hours),
                    StarLevel.NextThreshold(hours),
                    new RatingStats((int)cl.Satisfied, (int)cl.Basic, (int)cl.Unsatisfied),
                    (int)cl.Open
                );
            })
            .ToList();
    }

    private const string UnitOwnSql = """
        SELECT CAST(COALESCE(SUM(claimed_at >= @week), 0) AS SIGNED), CAST(COALESCE(SUM(claimed_at >= @month),
          0) AS SIGNED), COUNT(*)
          FROM service_order WHERE claimer_unit_id = @unitId AND claimer_person_id IS NULL AND claimed_at IS NOT NULL
        """;

    /// <summary>Orders claimed by the unit itself and not yet given to a member: they count for the unit too.</summary>
    public async Task<(long Week, long Month, long All)> UnitOwnClaimsAsync(
        long unitId,
        DateTime nowUtc,
        CancellationToken ct
    )
    {
        var (week, month) = StarLevel.Periods(nowUtc);
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleAsync<(long, long, long)>(
            new CommandDefinition(
                UnitOwnSql,
                new
                {
                    unitId,
                    week,
                    month,
                },
                cancellationToken: ct
            )
        );
    }
}
