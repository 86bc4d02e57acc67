using Dapper;
using Governance.Core.Data;
using Governance.Core.Members;

namespace Governance.Core.Digest;

/// <summary>A member's week, as the weekly digest tells it.</summary>
public sealed record MemberWeek(
    long PersonId,
    string Name,
    long? UnitId,
    int Claimed,
    int Resolved,
    RatingStats Ratings,
    double ServiceHours,
    int Stars,
    int NextStarHours
)
{
    /// <summary>Activities attended and post duties logged this week (hours approved or logged).</summary>
    public int Served { get; init; }

    public int Meetings { get; init; }
    public int Visits { get; init; }

    public bool Idle => Claimed == 0 && Resolved == 0 && Served == 0 && Meetings == 0 && Visits == 0;
}

public sealed record UnitWeek(
    long UnitId,
    string Name,
    int Members,
    int Claimed,
    int Resolved,
    RatingStats Ratings,
    double ServiceHours,
    MemberWeek? Top
);

public sealed record CommunityWeek(
    long CommunityId,
    string Name,
    int New,
    int Resolved,
    int Overdue,
    int Satisfied,
    int Rated
);

public sealed record PoolPick(string AreaPath, string Code, string CategoryName, DateTime ResolveDueAt);

public sealed record DigestAudience(
    IReadOnlyDictionary<long, IReadOnlyList<string>> MemberCommunities,
    IReadOnlyList<(long PersonId, long UnitId, string UnitName)> UnitAdmins,
    IReadOnlyList<(long PersonId, long CommunityId, string CommunityPath, string CommunityName)> Secretaries
);

/// <summary>
/// Everything the weekly digest says, for everyone at once. Each figure is one query over the week's index range
/// (claims by claim time, resolutions and ratings by event time, new reports by creation time) grouped by person
/// or place, so the cost follows the week's activity, not the size of the history or the number of members.
/// </summary>
public sealed class DigestStore(Db db)
{
    private const string AudienceSql = """
        SELECT r.person_id, a.path FROM registration r JOIN area a ON a.id = r.community_id WHERE r.status = 'approved'
          ORDER BY r.person_id, a.path;
        SELECT ua.person_id, u.id, u.name FROM unit_admin ua JOIN unit u ON u.id = ua.unit_id
          WHERE u.status = 'approved' ORDER BY ua.person_id, u.id;
        SELECT s.person_id, a.id, a.path, a.name FROM staff_role s JOIN area a ON a.id = s.area_id
         WHERE s.role = 'secretary' AND a.kind = 'community' ORDER BY s.person_id, a.id;
        """;

    /// <summary>
    /// Members with an approved registration (and where), unit admins of approved units, community secretaries.
    /// </summary>
    public async Task<DigestAudience> AudienceAsync(CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        await using var multi = await c.QueryMultipleAsync(
            new CommandDefinition(AudienceSql, cancellationToken: ct, commandTimeout: 300)
        );
        var members = (await multi.ReadAsync<(long PersonId, string Path)>())
            .GroupBy(r => r.PersonId)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(r => r.Path).Distinct().ToList());
        var admins = (await multi.ReadAsync<(long, long, string)>()).AsList();
        var secretaries = (await multi.ReadAsync<(long, long, string, string)>()).AsList();
        return new DigestAudience(members, admins, secretaries);
    }

    private const string MemberWeekSql = """
        SELECT p.id, p.name, m.unit_id, COALESCE(m.service_minutes, 0) FROM person p LEFT JOIN member m
          ON m.person_id = p.id
         WHERE m.person_id IS NOT NULL OR EXISTS (SELECT 1 FROM registration r WHERE r.person_id = p.id
           AND r.status = 'approved');
        SELECT claimer_person_id, COUNT(*) FROM service_order
         WHERE claimed_at >= @from AND claimed_at < @to AND claimer_person_id IS NOT NULL GROUP BY claimer_person_id;
        SELECT actor_id, COUNT(*) FROM order_event
         WHERE kind = 'resolved' AND created_at >= @from AND created_at < @to AND actor_id IS NOT NULL
           GROUP BY actor_id;
        SELECT o.claimer_person_id, e.data, COUNT(*) FROM order_event e JOIN service_order o ON o.id = e.order_id
         WHERE e.kind = 'rated' AND e.created_at >= @from AND e.created_at < @to AND o.claimer_person_id IS NOT NULL
           GROUP BY o.claimer_person_id, e.data;
        SELECT claimer_unit_id, COUNT(*) FROM service_order
         WHERE claimed_at >= @from AND claimed_at < @to AND claimer_unit_id IS NOT NULL AND claimer_person_id IS NULL
           GROUP BY claimer_unit_id;
        SELECT person_id, COUNT(*) FROM service_record
         WHERE source IN ('activity', 'post') AND created_at >= @from AND created_at < @to GROUP BY person_id;
        SELECT person_id, COUNT(*) FROM meeting_invitee
         WHERE checked_in_at >= @from AND checked_in_at < @to GROUP BY person_id;
        SELECT visitor_id, COUNT(*) FROM visit WHERE visited_at >= @from AND visited_at < @to GROUP BY visitor_id;
        """;

    /// <summary>
    /// Every member's week in [from, to) — claims, resolutions and residents' ratings, with hours and stars — and the
    /// orders units claimed themselves: five queries over the week's index ranges, whatever the number of members.
    /// </summary>
    public async Task<Week> WeekAsync(DateTime from, DateTime to, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        await using var multi = await c.QueryMultipleAsync(
            new CommandDefinition(MemberWeekSql, new { from, to }, cancellationToken: ct, commandTimeout: 300)
        );
        var people = (await multi.ReadAsync<(long Id, string Name, long? UnitId, long Minutes)>()).AsList();
        var claimed = (await multi.ReadAsync<(long Id, long Count)>()).ToDictionary(r => r.Id, r => (int)r.Count);
        var resolved = (await multi.ReadAsync<(long Id, long Count)>()).ToDictionary(r => r.Id, r => (int)r.Count);
        var ratings = (await multi.ReadAsync<(long Id, string Data, long Count)>()).ToLookup(r => r.Id);
        var unitClaims = (await multi.ReadAsync<(long Id, long Count)>()).ToDictionary(r => r.Id, r => (int)r.Count);
        var served = (await multi.ReadAsync<(long Id, long Count)>()).ToDictionary(r => r.Id, r => (int)r.Count);
        var meetings = (await multi.ReadAsync<(long Id, long Count)>()).ToDictionary(r => r.Id, r => (int)r.Count);
        var visits = (await multi.ReadAsync<(long Id, long Count)>()).ToDictionary(r => r.Id, r => (int)r.Count);
        var members = new Dictionary<long, MemberWeek>(people.Count);
        foreach (var p in people)
        {
            int Rated(string rating) =>
                (int)
                    ratings[p.Id]
                        .Where(r => r.Data.Contains($"\"{rating}\"", StringComparison.Ordinal))
                        .Sum(r => r.Count);
            var hours = Math.Round(p.Minutes / 60.0, 1);
            members[p.Id] = new MemberWeek(
                p.Id,
                p.Name,
                p.UnitId,
                claimed.GetValueOrDefault(p.Id),
                resolved.GetValueOrDefault(p.Id),
                new RatingStats(Rated("satisfied"), Rated("basically_satisfied"), Rated("unsatisfied")),
                hours,
                StarLevel.Of(hours),
                StarLevel.NextThreshold(hours)
            )
            {
                Served = served.GetValueOrDefault(p.Id),
                Meetings = meetings.GetValueOrDefault(p.Id),
                Visits = visits.GetValueOrDefault(p.Id),
            };
        }
        return new Week(members, unitClaims);
    }

    public sealed record Week(IReadOnlyDictionary<long, MemberWeek> Members, IReadOnlyDictionary<long, int> UnitClaims);

    /// <summary>
    /// Each unit's members' week, plus orders the unit claimed itself and has not given to a member yet.
    /// </summary>
    public static IReadOnlyList<UnitWeek> UnitWeeks(IReadOnlyList<(long UnitId, string Name)> units, Week week)
    {
        var byUnit = week.Members.Values.Where(m => m.UnitId is not null).ToLookup(m => m.UnitId!.Value);
        return units
            .Select(u =>
            {
                var members = byUnit[u.UnitId].ToList();
                return new UnitWeek(
                    u.UnitId,
                    u.Name,
                    members.Count,
                    members.Sum(m => m.Claimed) + week.UnitClaims.GetValueOrDefault(u.UnitId),
                    members.Sum(m => m.Resolved),
                    new RatingStats(
                        members.Sum(m => m.Ratings.Satisfied),
                        members.Sum(m => m.Ratings.BasicallySatisfied),
                        members.Sum(m => m.Ratings.Unsatisfied)
                    ),
                    Math.Round(members.Sum(m => m.ServiceHours), 1),
                    members
                        .Where(m => m.Resolved > 0)
                        .OrderByDescending(m => m.Resolved)
                        .ThenByDescending(m => m.ServiceHours)
                        .FirstOrDefault()
                );
            })
            .ToList();
    }

    // The week's new orders are read by creation time (a week of rows), not by area (left to itself the optimizer
    // walked the whole area index to avoid sorting the groups).
    private const string CommunityWeekSql = """
        SELECT area_path, COUNT(*) FROM service_order FORCE INDEX (ix_service_order_created)
         WHERE created_at >= @from AND created_at < @to GROUP BY area_path;
        SELECT o.area_path, COUNT(DISTINCT o.id) FROM order_event e JOIN service_order o ON o.id = e.order_id
         WHERE e.kind = 'resolved' AND e.created_at >= @from AND e.created_at < @to GROUP BY o.area_path;
        SELECT area_path, COUNT(*) FROM service_order
         WHERE status IN ('submitted','accepted','published','claimed','in_progress') AND resolve_due_at < @to
           GROUP BY area_path;
        SELECT o.area_path, e.data, COUNT(*) FROM order_event e JOIN service_order o ON o.id = e.order_id
         WHERE e.kind = 'rated' AND e.created_at >= @from AND e.created_at < @to GROUP BY o.area_path, e.data;
        """;

    /// <summary>
    /// A community's week for its secretary: new reports, orders resolved, open orders overdue, and residents' ratings.
    /// </summary>
    public async Task<IReadOnlyList<CommunityWeek>> CommunityWeeksAsync(
        IReadOnlyList<(long Id, string Path, string Name)> communities,
        DateTime from,
        DateTime to,
        CancellationToken ct = default
    )
    {
        if (communities.Count == 0)
            return [];
        await using var c = await db.OpenAsync(ct);
        await using var multi = await c.QueryMultipleAsync(
            new CommandDefinition(CommunityWeekSql, new { from, to }, cancellationToken: ct, commandTimeout: 300)
        );
        var created = (await multi.ReadAsync<(string Path, long Count)>()).AsList();
        var resolved = (await multi.ReadAsync<(string Path, long Count)>()).AsList();
        var overdue = (await multi.ReadAsync<(string Path, long Count)>()).AsList();
        var rated = (await multi.ReadAsync<(string Path, string Data, long Count)>()).AsList();
        return communities
            .Select(k =>
            {
                bool In(string path) => path.StartsWith(k.Path, StringComparison.Ordinal);
                int Sum(List<(string Path, long Count)> rows) => (int)rows.Where(r => In(r.Path)).Sum(r => r.Count);
                var mine = rated.Where(r => In(r.Path)).ToList();
                var satisfied = (int)
                    mine.Where(r =>
                            r.Data.Contains("\"satisfied\"", StringComparison.Ordinal)
                            || r.Data.Contains("\"basically_satisfied\"", StringComparison.Ordinal)
                        )
                        .Sum(r => r.Count);
                return new CommunityWeek(
                    k.Id,
                    k.Name,
                    Sum(created),
                    Sum(resolved),
                    Sum(overdue),
                    satisfied,
                    (int)mine.Sum(r => r.Count)
                );
            })
            .ToList();
    }

    private const string PoolPicksSql = """
        SELECT o.area_path, o.code, c.name, o.resolve_due_at FROM service_order o JOIN category c
          ON c.id = o.category_id AND c.member_claimable = 1
         WHERE o.status = 'published' ORDER BY o.resolve_due_at, o.id
        """;

    /// <summary>
    /// For the digest: up to <paramref name="perCommunity"/> claimable orders in each of the given communities, soonest
    /// deadline first.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<PoolPick>>> PoolPicksAsync(
        IReadOnlyCollection<string> communityPaths,
        int perCommunity,
        CancellationToken ct = default
    )
    {
        var picks = communityPaths.Distinct().ToDictionary(p => p, _ => new List<PoolPick>());
        await using var c = await db.OpenAsync(ct);
        await using var reader = await c.ExecuteReaderAsync(
            new CommandDefinition(PoolPicksSql, cancellationToken: ct, commandTimeout: 300)
        );
        var open = picks.Count;
        while (open > 0 && await reader.ReadAsync(ct))
        {
            var path = reader.GetString(0);
            foreach (var (community, list) in picks)
            {
                if (list.Count >= perCommunity || !path.StartsWith(community, StringComparison.Ordinal))
                    continue;
                list.Add(new PoolPick(path, reader.GetString(1), reader.GetString(2), reader.GetDateTime(3).Utc()));
                if (list.Count == perCommunity)
                    open--;
            }
        }
        return picks.ToDictionary(p => p.Key, p => (IReadOnlyList<PoolPick>)p.Value);
    }
}
