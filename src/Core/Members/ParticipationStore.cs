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
           AND (@unitId IS NULL OR m.unit_id = @unitId)
         ORDER BY m.unit_id, m.person_id
        """;

    /// <summary>
    /// Registered members with no claim or service since <paramref name="since"/> (the participation check).
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
}
