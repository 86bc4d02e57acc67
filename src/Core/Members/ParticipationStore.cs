using Dapper;
using Governance.Core.Data;

namespace Governance.Core.Members;

/// <summary>Who has served lately: the participation check's queries.</summary>
public sealed class ParticipationStore(Db db)
{
    public sealed record InactiveMember(long PersonId, string Name, long? UnitId);

    private const string InactiveSql = """
        SELECT m.person_id AS PersonId, p.name, m.unit_id AS UnitId
          FROM member m JOIN person p ON p.id = m.person_id
         WHERE m.created_at <= @since
           AND EXISTS (SELECT 1 FROM registration r WHERE r.person_id = m.person_id AND r.status = 'approved')
           AND NOT EXISTS (SELECT 1 FROM service_order o WHERE o.claimer_person_id = m.person_id
             AND o.claimed_at >= @since)
           AND NOT EXISTS (SELECT 1 FROM order_event e WHERE e.actor_id = m.person_id
             AND e.kind IN ('claimed','resolved','progress') AND e.created_at >= @since)
           AND NOT EXISTS (SELECT 1 FROM service_record s WHERE s.person_id = m.person_id AND s.created_at >= @since)
           AND NOT EXISTS (SELECT 1 FROM activity_signup a WHERE a.person_id = m.person_id
             AND a.checked_in_at >= @since)
           AND NOT EXISTS (SELECT 1 FROM post_holding h WHERE h.person_id = m.person_id
             AND h.status = 'active')
           AND NOT EXISTS (SELECT 1 FROM meeting_invitee i WHERE i.person_id = m.person_id
             AND i.checked_in_at >= @since)
           AND NOT EXISTS (SELECT 1 FROM visit v WHERE v.visitor_id = m.person_id AND v.visited_at >= @since)
           AND (@unitId IS NULL OR m.unit_id = @unitId)
         ORDER BY m.unit_id, m.person_id
        """;

    /// <summary>
    /// Registered members with no claim or service since <paramref name="since"/> (the participation check): no order
    /// claimed or worked, no hours from activities or posts, no activity or meeting attended, no post held, no visit.
    /// </summary>
    public async Task<IReadOnlyList<InactiveMember>> InactiveMembersAsync(
        DateTime since,
        long? unitId,
        CancellationToken ct = default
    )
    {
        await using var c = await db.OpenAsync(ct);
        return (
            await c.QueryAsync<InactiveMember>(
                new CommandDefinition(InactiveSql, new { since, unitId }, cancellationToken: ct, commandTimeout: 120)
            )
        ).AsList();
    }

    /// <summary>Records 五星 withdrawn for the year for each of these members (once per member and year).</summary>
    public async Task WithdrawFiveStarsAsync(
        IReadOnlyList<long> personIds,
        int year,
        DateTime now,
        CancellationToken ct
    )
    {
        if (personIds.Count == 0)
            return;
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(
            new CommandDefinition(
                """
                INSERT IGNORE INTO consequence (subject, subject_id, kind, year, reason, created_at)
                SELECT 'member', person_id, 'five_star_withdrawn', @year, '半年未参加社区服务，本年度不再评为五星党员', @now
                  FROM member WHERE person_id IN @personIds
                """,
                new
                {
                    personIds,
                    year,
                    now,
                },
                cancellationToken: ct
            )
        );
    }
}
