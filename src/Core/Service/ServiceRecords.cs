using System.Data.Common;
using Dapper;
using Governance.Core.Data;
using Governance.Core.Members;

namespace Governance.Core.Service;

public static class ServiceSource
{
    public const string Order = "order",
        Activity = "activity",
        Post = "post";
}

public static class ServiceErrors
{
    public static readonly Errors.ErrorCode PersonNotFound = new(
        "service.person_not_found",
        Errors.ErrorKind.NotFound,
        "没有这个人"
    );
}

/// <summary>亮身份: what residents see of someone serving them — name, the Party-member badge, stars and hours.</summary>
public sealed record PublicCard(long PersonId, string Name, bool PartyMember, string? Team, double Hours, int Stars);

/// <summary>
/// One service record per person across orders, activities and posts (<c>service_record</c>, unique per source, piece
/// and person, so nothing is credited twice). A member's total stays on <c>member.service_minutes</c> and a volunteer's
/// on <c>volunteer.service_minutes</c>, moved in the same commit as the record; star levels follow the total.
/// </summary>
public sealed class ServiceRecords(Db db)
{
    /// <summary>Credits one piece of service; false when it was credited already.</summary>
    public static async Task<bool> CreditAsync(
        DbConnection c,
        DbTransaction tx,
        long personId,
        string source,
        long refId,
        int minutes,
        DateOnly servedOn,
        long? communityId,
        DateTime now,
        CancellationToken ct
    )
    {
        var added = await c.ExecuteAsync(
            new CommandDefinition(
                """
                INSERT IGNORE INTO service_record (person_id, source, ref_id, minutes, served_on, unit_id, team_id,
                  community_id, created_at)
                SELECT @personId, @source, @refId, @minutes, @servedOn,
                       (SELECT m.unit_id FROM member m WHERE m.person_id = @personId),
                       (SELECT v.team_id FROM volunteer v WHERE v.person_id = @personId), @communityId, @now
                """,
                new
                {
                    personId,
                    source,
                    refId,
                    minutes,
                    servedOn = servedOn.ToDateTime(TimeOnly.MinValue),
                    communityId,
                    now,
                },
                tx,
                cancellationToken: ct
            )
        );
        if (added == 0)
            return false;
        // A member's hours stay on the member; someone who is only a volunteer has theirs on the volunteer.
        var member = await c.ExecuteAsync(
            new CommandDefinition(
                "UPDATE member SET service_minutes = service_minutes + @minutes WHERE person_id = @personId",
                new { personId, minutes },
                tx,
                cancellationToken: ct
            )
        );
        if (member == 0)
            await c.ExecuteAsync(
                new CommandDefinition(
                    "UPDATE volunteer SET service_minutes = service_minutes + @minutes WHERE person_id = @personId",
                    new { personId, minutes },
                    tx,
                    cancellationToken: ct
                )
            );
        return true;
    }

    /// <summary>Who may serve: a member approved in some community, or a registered volunteer.</summary>
    public static Task<bool> CanServeAsync(DbConnection c, long personId, CancellationToken ct) =>
        c.ExecuteScalarAsync<bool>(
            new CommandDefinition(
                "SELECT EXISTS (SELECT 1 FROM volunteer WHERE person_id = @p) OR EXISTS (SELECT 1 FROM registration "
                    + "WHERE person_id = @p AND status = 'approved')",
                new { p = personId },
                cancellationToken: ct
            )
        );

    private const string CardSql = """
        SELECT p.id AS PersonId, p.name, m.person_id IS NOT NULL AS PartyMember, t.name AS Team,
               COALESCE(m.service_minutes, v.service_minutes, 0) AS Minutes
          FROM person p LEFT JOIN member m ON m.person_id = p.id LEFT JOIN volunteer v ON v.person_id = p.id
          LEFT JOIN volunteer_team t ON t.id = v.team_id
         WHERE p.id IN @ids
        """;

    private sealed class CardRow
    {
        public long PersonId { get; init; }
        public string Name { get; init; } = "";
        public bool PartyMember { get; init; }
        public string? Team { get; init; }
        public long Minutes { get; init; }
    }

    public async Task<IReadOnlyDictionary<long, PublicCard>> CardsAsync(
        IReadOnlyCollection<long> ids,
        CancellationToken ct
    )
    {
        if (ids.Count == 0)
            return new Dictionary<long, PublicCard>();
        await using var c = await db.OpenAsync(ct);
        return await CardsAsync(c, ids, ct);
    }

    /// <summary>
    /// The cards on a connection the caller already holds (a request never holds two pooled connections at once, so a
    /// rush of requests cannot starve the pool).
    /// </summary>
    public static async Task<IReadOnlyDictionary<long, PublicCard>> CardsAsync(
        DbConnection c,
        IReadOnlyCollection<long> ids,
        CancellationToken ct
    )
    {
        if (ids.Count == 0)
            return new Dictionary<long, PublicCard>();
        var rows = await c.QueryAsync<CardRow>(new CommandDefinition(CardSql, new { ids }, cancellationToken: ct));
        return rows.ToDictionary(r => r.PersonId, Card);
    }

    public static PublicCard Card(long personId, string name, bool partyMember, string? team, long minutes)
    {
        var hours = Math.Round(minutes / 60.0, 1);
        return new PublicCard(personId, name, partyMember, team, hours, StarLevel.Of(hours));
    }

    private static PublicCard Card(CardRow r) => Card(r.PersonId, r.Name, r.PartyMember, r.Team, r.Minutes);
}
