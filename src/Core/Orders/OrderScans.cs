using Dapper;
using Governance.Core.Data;

namespace Governance.Core.Orders;

public sealed record ScanRow(long Id, string Code, string Status, string AreaPath, long? ResidentId, long? ClaimerPersonId, long? ClaimerUnitId,
    DateTime CreatedAt, DateTime ResolveDueAt, DateTime? ResolvedAt, int EscalationLevel, string CategoryName, string Description);

/// <summary>
/// The indexed scans behind the scheduled jobs. Each reads a bounded batch; the jobs make every action
/// idempotent (outbox keys, conditional updates), so overlapping or repeated runs do nothing twice.
/// </summary>
public sealed class OrderScans(Db db)
{
    private const string Columns = """
        o.id, o.code, o.status, o.area_path AS AreaPath, o.resident_id AS ResidentId, o.claimer_person_id AS ClaimerPersonId,
        o.claimer_unit_id AS ClaimerUnitId, o.created_at AS CreatedAt, o.resolve_due_at AS ResolveDueAt, o.resolved_at AS ResolvedAt,
        o.escalation_level AS EscalationLevel, c.name AS CategoryName, o.description
        """;

    private static readonly string ReminderSql = $"""
        SELECT {Columns} FROM service_order o JOIN category c ON c.id = o.category_id
        WHERE o.status IN ('published','claimed','in_progress') AND o.resolve_due_at > @now
          AND (o.resolve_due_at <= @soon
               OR (@halfway = 1 AND TIMESTAMPADD(SECOND, TIMESTAMPDIFF(SECOND, o.created_at, o.resolve_due_at) DIV 2, o.created_at) <= @now))
        ORDER BY o.resolve_due_at, o.id LIMIT @limit
        """;
    /// <summary>Open orders at or past half their window, or within <paramref name="before"/> of the deadline.</summary>
    public async Task<IReadOnlyList<ScanRow>> ReminderCandidatesAsync(DateTime now, TimeSpan before, bool halfway, int limit, CancellationToken ct = default) =>
        await QueryAsync(ReminderSql, new { now, soon = now + before, halfway = halfway ? 1 : 0, limit }, ct);

    private static readonly string OverdueSql = $"""
        SELECT {Columns} FROM service_order o JOIN category c ON c.id = o.category_id
        WHERE o.status IN ('submitted','accepted','published','claimed','in_progress') AND o.resolve_due_at < @now
          AND o.escalation_level < LEAST(4, 1 + FLOOR(TIMESTAMPDIFF(HOUR, o.resolve_due_at, @now) / @stepHours))
        ORDER BY o.resolve_due_at, o.id LIMIT @limit
        """;
    /// <summary>Overdue open orders whose escalation level is behind where the time overdue puts it.</summary>
    public async Task<IReadOnlyList<ScanRow>> EscalationCandidatesAsync(DateTime now, int stepHours, int limit, CancellationToken ct = default) =>
        await QueryAsync(OverdueSql, new { now, stepHours, limit }, ct);

    private static readonly string ResolvedSql = $"""
        SELECT {Columns} FROM service_order o JOIN category c ON c.id = o.category_id
        WHERE o.status = 'resolved' AND o.resolved_at <= @before
        ORDER BY o.resolved_at, o.id LIMIT @limit
        """;
    /// <summary>Orders resolved before the given time and still waiting for the resident's rating.</summary>
    public async Task<IReadOnlyList<ScanRow>> ResolvedUnratedAsync(DateTime before, int limit, CancellationToken ct = default) =>
        await QueryAsync(ResolvedSql, new { before, limit }, ct);

    private async Task<IReadOnlyList<ScanRow>> QueryAsync(string sql, object args, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<ScanRow>(new CommandDefinition(sql, args, cancellationToken: ct, commandTimeout: 120)))
            .Select(r => r with { CreatedAt = r.CreatedAt.Utc(), ResolveDueAt = r.ResolveDueAt.Utc(), ResolvedAt = r.ResolvedAt.Utc() }).ToList();
    }

    public sealed record InactiveMember(long PersonId, string Name, long? UnitId);
    private const string InactiveSql = """
        SELECT m.person_id AS PersonId, p.name, m.unit_id AS UnitId
          FROM member m JOIN person p ON p.id = m.person_id
         WHERE m.created_at <= @since
           AND EXISTS (SELECT 1 FROM registration r WHERE r.person_id = m.person_id AND r.status = 'approved')
           AND NOT EXISTS (SELECT 1 FROM service_order o WHERE o.claimer_person_id = m.person_id AND o.claimed_at >= @since)
           AND NOT EXISTS (SELECT 1 FROM order_event e WHERE e.actor_id = m.person_id AND e.kind IN ('claimed','resolved','progress') AND e.created_at >= @since)
           AND (@unitId IS NULL OR m.unit_id = @unitId)
         ORDER BY m.unit_id, m.person_id
        """;
    /// <summary>Registered members with no claim or service since <paramref name="since"/> (the participation check).</summary>
    public async Task<IReadOnlyList<InactiveMember>> InactiveMembersAsync(DateTime since, long? unitId, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<InactiveMember>(new CommandDefinition(InactiveSql, new { since, unitId }, cancellationToken: ct, commandTimeout: 120))).AsList();
    }

    public sealed record CommunityWeek(long CommunityId, string Name, int New, int Resolved, int Overdue, int Satisfied, int Rated);
    private const string CommunityWeekSql = """
        SELECT a.id AS CommunityId, a.name,
          (SELECT COUNT(*) FROM service_order o WHERE o.area_path LIKE CONCAT(a.path, '%') AND o.created_at >= @from AND o.created_at < @to) AS New,
          (SELECT COUNT(*) FROM service_order o WHERE o.area_path LIKE CONCAT(a.path, '%') AND o.resolved_at >= @from AND o.resolved_at < @to) AS Resolved,
          (SELECT COUNT(*) FROM service_order o WHERE o.area_path LIKE CONCAT(a.path, '%') AND o.status IN ('submitted','accepted','published','claimed','in_progress') AND o.resolve_due_at < @to) AS Overdue,
          (SELECT COUNT(*) FROM service_order o WHERE o.area_path LIKE CONCAT(a.path, '%') AND o.closed_at >= @from AND o.closed_at < @to AND o.satisfaction IN ('satisfied','basically_satisfied')) AS Satisfied,
          (SELECT COUNT(*) FROM service_order o WHERE o.area_path LIKE CONCAT(a.path, '%') AND o.closed_at >= @from AND o.closed_at < @to AND o.satisfaction IN ('satisfied','basically_satisfied','unsatisfied')) AS Rated
        FROM area a WHERE a.id IN @ids
        """;
    private sealed class CommunityWeekRow
    {
        public long CommunityId { get; init; }
        public string Name { get; init; } = "";
        public int New { get; init; }
        public int Resolved { get; init; }
        public int Overdue { get; init; }
        public int Satisfied { get; init; }
        public int Rated { get; init; }
    }
    /// <summary>A community's week for its secretary: new, resolved, overdue, and how residents rated what closed.</summary>
    public async Task<IReadOnlyList<CommunityWeek>> CommunityWeeksAsync(IReadOnlyList<long> communityIds, DateTime from, DateTime to, CancellationToken ct = default)
    {
        if (communityIds.Count == 0) return [];
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<CommunityWeekRow>(new CommandDefinition(CommunityWeekSql, new { ids = communityIds.ToArray(), from, to }, cancellationToken: ct, commandTimeout: 120)))
            .Select(r => new CommunityWeek(r.CommunityId, r.Name, r.New, r.Resolved, r.Overdue, r.Satisfied, r.Rated)).ToList();
    }

    public sealed record PoolPick(string CommunityPath, string Code, string CategoryName, DateTime ResolveDueAt);
    private const string PoolPicksSql = """
        SELECT a.path AS CommunityPath, o.code, c.name AS CategoryName, o.resolve_due_at AS ResolveDueAt
          FROM area a JOIN service_order o ON o.status = 'published' AND o.area_path LIKE CONCAT(a.path, '%')
          JOIN category c ON c.id = o.category_id AND c.member_claimable = 1
         WHERE a.kind = 'community'
         ORDER BY a.id, o.resolve_due_at, o.id
        """;
    /// <summary>For the digest: up to <paramref name="perCommunity"/> claimable orders per community, soonest deadline first.</summary>
    public async Task<ILookup<string, PoolPick>> PoolPicksAsync(int perCommunity, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<PoolPick>(new CommandDefinition(PoolPicksSql, cancellationToken: ct, commandTimeout: 120));
        return rows.GroupBy(r => r.CommunityPath).SelectMany(g => g.Take(perCommunity))
            .Select(r => r with { ResolveDueAt = r.ResolveDueAt.Utc() }).ToLookup(r => r.CommunityPath);
    }

    public sealed record DigestRecipients(IReadOnlyList<(long PersonId, string CommunityPath)> Members, IReadOnlyList<(long PersonId, long UnitId, string UnitName)> UnitAdmins,
        IReadOnlyList<(long PersonId, long CommunityId)> Secretaries);
    public async Task<DigestRecipients> DigestRecipientsAsync(CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        await using var multi = await c.QueryMultipleAsync(new CommandDefinition("""
            SELECT r.person_id, a.path FROM registration r JOIN area a ON a.id = r.community_id WHERE r.status = 'approved' ORDER BY r.person_id;
            SELECT ua.person_id, u.id, u.name FROM unit_admin ua JOIN unit u ON u.id = ua.unit_id WHERE u.status = 'approved' ORDER BY ua.person_id, u.id;
            SELECT s.person_id, s.area_id FROM staff_role s JOIN area a ON a.id = s.area_id WHERE s.role = 'secretary' AND a.kind = 'community' ORDER BY s.person_id;
            """, cancellationToken: ct, commandTimeout: 120));
        return new DigestRecipients((await multi.ReadAsync<(long, string)>()).AsList(), (await multi.ReadAsync<(long, long, string)>()).AsList(),
            (await multi.ReadAsync<(long, long)>()).AsList());
    }
}
