using System.Data.Common;
using Dapper;
using Governance.Core.Data;

namespace Governance.Core.Meetings;

public sealed record Meeting(
    long Id,
    long AreaId,
    string AreaPath,
    string Title,
    DateTime ScheduledAt,
    string Place,
    string Status,
    string? Minutes,
    string CheckinSecret
);

public sealed record MeetingInvitee(long PersonId, string Name, long? UnitId, string? UnitName, DateTime? CheckedInAt);

/// <summary>An agenda item and where it stands: open (nobody took it), claimed (being done) or done.</summary>
public sealed record MeetingItem(
    long Id,
    string Title,
    string? OrderCode,
    long? ListItemId,
    long? CarriedFrom,
    string State,
    string? ClaimedBy
);

public sealed record ProposedOrder(string Code, string Description);

public sealed record ProposedItem(long Id, string Title);

/// <summary>What a unit took on at the community's meetings, and what it finished.</summary>
public sealed record UnitLedgerLine(long UnitId, string UnitName, long Taken, long Finished);

public sealed class MeetingStore(Db db)
{
    private const string MeetingColumns = """
        m.id, m.area_id AS AreaId, a.path AS AreaPath, m.title, m.scheduled_at AS ScheduledAt, m.place, m.status,
        m.minutes, m.checkin_secret AS CheckinSecret
        FROM meeting m JOIN area a ON a.id = m.area_id
        """;

    /// <summary>A community's meetings, newest first (the last hundred).</summary>
    public async Task<IReadOnlyList<Meeting>> ListAsync(long areaId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (
            await c.QueryAsync<Meeting>(
                new CommandDefinition(
                    $"SELECT {MeetingColumns} WHERE m.area_id = @areaId ORDER BY m.scheduled_at DESC LIMIT 100",
                    new { areaId },
                    cancellationToken: ct
                )
            )
        ).AsList();
    }

    public async Task<Meeting?> GetAsync(long id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<Meeting>(
            new CommandDefinition($"SELECT {MeetingColumns} WHERE m.id = @id", new { id }, cancellationToken: ct)
        );
    }

    private const string ItemsSql = """
        SELECT mi.id, mi.title, mi.order_code AS OrderCode, mi.list_item_id AS ListItemId,
          mi.carried_from AS CarriedFrom,
          CASE WHEN li.status = 'done' THEN 'done' WHEN li.status = 'claimed' THEN 'claimed' ELSE 'open' END AS State,
          (SELECT COALESCE(u.name, p.name) FROM list_claim lc JOIN person p ON p.id = lc.owner_person_id
             LEFT JOIN unit u ON u.id = lc.unit_id
            WHERE lc.item_id = mi.list_item_id AND lc.status <> 'withdrawn' ORDER BY lc.id DESC LIMIT 1) AS ClaimedBy
        FROM meeting_item mi LEFT JOIN list_item li ON li.id = mi.list_item_id
        WHERE mi.meeting_id = @id ORDER BY mi.id
        """;

    public async Task<(IReadOnlyList<MeetingItem> Items, IReadOnlyList<MeetingInvitee> Invitees)> DetailAsync(
        long id,
        CancellationToken ct
    )
    {
        await using var c = await db.OpenAsync(ct);
        var items = (
            await c.QueryAsync<MeetingItem>(new CommandDefinition(ItemsSql, new { id }, cancellationToken: ct))
        ).AsList();
        var invitees = (
            await c.QueryAsync<MeetingInvitee>(
                new CommandDefinition(
                    """
                    SELECT i.person_id AS PersonId, p.name, i.unit_id AS UnitId, u.name AS UnitName,
                      i.checked_in_at AS CheckedInAt
                    FROM meeting_invitee i JOIN person p ON p.id = i.person_id LEFT JOIN unit u ON u.id = i.unit_id
                    WHERE i.meeting_id = @id ORDER BY i.person_id
                    """,
                    new { id },
                    cancellationToken: ct
                )
            )
        ).AsList();
        return (items, invitees);
    }

    /// <summary>
    /// Who a community's meeting invites by default: the admins of every approved unit standing in or paired with it
    /// (with their unit) and the community's staff.
    /// </summary>
    public async Task<IReadOnlyList<(long PersonId, long? UnitId)>> DefaultInviteesAsync(
        long communityId,
        string communityPath,
        CancellationToken ct
    )
    {
        await using var c = await db.OpenAsync(ct);
        return (
            await c.QueryAsync<(long, long?)>(
                new CommandDefinition(
                    """
                    SELECT ua.person_id, MIN(u.id) FROM unit u JOIN unit_admin ua ON ua.unit_id = u.id
                     WHERE u.status = 'approved'
                       AND (u.area_id = @communityId
                            OR EXISTS (SELECT 1 FROM unit_pairing up WHERE up.unit_id = u.id
                                         AND up.community_id = @communityId))
                     GROUP BY ua.person_id
                    UNION
                    SELECT s.person_id, NULL FROM staff_role s JOIN area a ON a.id = s.area_id
                     WHERE a.path = @communityPath OR @communityPath LIKE CONCAT(a.path, '%')
                    """,
                    new { communityId, communityPath },
                    cancellationToken: ct
                )
            )
        ).AsList();
    }

    /// <summary>
    /// A new meeting with its invitees, the unfinished items of the area's last closed meeting carried onto its agenda
    /// (台账), and the invitations, in one commit.
    /// </summary>
    public async Task<long> CreateAsync(
        long areaId,
        string title,
        DateTime scheduledAt,
        string place,
        string secret,
        long createdBy,
        IReadOnlyList<(long PersonId, long? UnitId)> invitees,
        DateTime now,
        Func<DbConnection, DbTransaction, long, Task> alsoInTransaction,
        CancellationToken ct
    )
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var id = await c.ExecuteScalarAsync<long>(
            new CommandDefinition(
                """
                INSERT INTO meeting (area_id, title, scheduled_at, place, status, checkin_secret, created_by,
                  created_at)
                VALUES (@areaId, @title, @scheduledAt, @place, 'scheduled', @secret, @createdBy, @now);
                SELECT LAST_INSERT_ID();
                """,
                new
                {
                    areaId,
                    title,
                    scheduledAt,
                    place,
                    secret,
                    createdBy,
                    now,
                },
                tx,
                cancellationToken: ct
            )
        );
        await c.ExecuteAsync(
            new CommandDefinition(
                "INSERT IGNORE INTO meeting_invitee (meeting_id, person_id, unit_id) VALUES (@id, @PersonId, @UnitId)",
                invitees.Select(i => new
                {
                    id,
                    i.PersonId,
                    i.UnitId,
                }),
                tx,
                cancellationToken: ct
            )
        );
        // Carried: items of the last closed meeting here whose list item is not done (or that nobody took).
        await c.ExecuteAsync(
            new CommandDefinition(
                """
                INSERT INTO meeting_item (meeting_id, title, order_code, list_item_id, carried_from, created_at)
                SELECT @id, mi.title, mi.order_code, mi.list_item_id, mi.id, @now
                  FROM meeting_item mi LEFT JOIN list_item li ON li.id = mi.list_item_id
                 WHERE mi.meeting_id = (SELECT m.id FROM meeting m WHERE m.area_id = @areaId AND m.status = 'closed'
                                          AND m.id <> @id ORDER BY m.scheduled_at DESC, m.id DESC LIMIT 1)
                   AND (li.id IS NULL OR li.status <> 'done')
                 ORDER BY mi.id
                """,
                new
                {
                    id,
                    areaId,
                    now,
                },
                tx,
                cancellationToken: ct
            )
        );
        await alsoInTransaction(c, tx, id);
        await tx.CommitAsync(ct);
        return id;
    }

    public async Task<long> AddItemAsync(
        long meetingId,
        string title,
        string? orderCode,
        long? listItemId,
        DateTime now,
        CancellationToken ct
    )
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteScalarAsync<long>(
            new CommandDefinition(
                """
                INSERT INTO meeting_item (meeting_id, title, order_code, list_item_id, created_at)
                VALUES (@meetingId, @title, @orderCode, @listItemId, @now);
                SELECT LAST_INSERT_ID();
                """,
                new
                {
                    meetingId,
                    title,
                    orderCode,
                    listItemId,
                    now,
                },
                cancellationToken: ct
            )
        );
    }

    public async Task LinkItemAsync(long itemId, long listItemId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(
            new CommandDefinition(
                "UPDATE meeting_item SET list_item_id = @listItemId WHERE id = @itemId AND list_item_id IS NULL",
                new { itemId, listItemId },
                cancellationToken: ct
            )
        );
    }

    /// <summary>One invitee of a meeting (whether and when they checked in), or null.</summary>
    public async Task<MeetingInvitee?> InviteeAsync(long meetingId, long personId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<MeetingInvitee>(
            new CommandDefinition(
                """
                SELECT i.person_id AS PersonId, p.name, i.unit_id AS UnitId, u.name AS UnitName,
                  i.checked_in_at AS CheckedInAt
                FROM meeting_invitee i JOIN person p ON p.id = i.person_id LEFT JOIN unit u ON u.id = i.unit_id
                WHERE i.meeting_id = @meetingId AND i.person_id = @personId
                """,
                new { meetingId, personId },
                cancellationToken: ct
            )
        );
    }

    /// <summary>The title of an unclaimed need or project of the community, or null.</summary>
    public async Task<string?> OpenItemTitleAsync(long areaId, long listItemId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteScalarAsync<string?>(
            new CommandDefinition(
                "SELECT title FROM list_item WHERE id = @listItemId AND community_id = @areaId "
                    + "AND kind IN ('need', 'project') AND status = 'open'",
                new { areaId, listItemId },
                cancellationToken: ct
            )
        );
    }

    public async Task<bool> CheckInAsync(long meetingId, long personId, DateTime now, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteAsync(
                new CommandDefinition(
                    "UPDATE meeting_invitee SET checked_in_at = COALESCE(checked_in_at, @now) "
                        + "WHERE meeting_id = @meetingId AND person_id = @personId",
                    new
                    {
                        meetingId,
                        personId,
                        now,
                    },
                    cancellationToken: ct
                )
            ) == 1;
    }

    public async Task<bool> CloseAsync(long id, string minutes, DateTime now, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteAsync(
                new CommandDefinition(
                    "UPDATE meeting SET status = 'closed', minutes = @minutes, closed_at = @now "
                        + "WHERE id = @id AND status = 'scheduled'",
                    new
                    {
                        id,
                        minutes,
                        now,
                    },
                    cancellationToken: ct
                )
            ) == 1;
    }

    /// <summary>Agenda candidates: the area's overdue open orders and its unclaimed needs and projects.</summary>
    public async Task<(IReadOnlyList<ProposedOrder> Orders, IReadOnlyList<ProposedItem> Items)> ProposalAsync(
        long areaId,
        string areaPath,
        DateTime now,
        CancellationToken ct
    )
    {
        await using var c = await db.OpenAsync(ct);
        var orders = await c.QueryAsync<ProposedOrder>(
            new CommandDefinition(
                """
                SELECT o.code, o.description FROM service_order o
                 WHERE o.area_path LIKE CONCAT(@areaPath, '%')
                   AND o.status IN ('submitted', 'accepted', 'published', 'claimed', 'in_progress', 'reopened')
                   AND (o.resolve_due_at < @now OR o.escalation_level > 0)
                 ORDER BY o.resolve_due_at LIMIT 20
                """,
                new { areaPath, now },
                cancellationToken: ct
            )
        );
        var items = await c.QueryAsync<ProposedItem>(
            new CommandDefinition(
                "SELECT id, title FROM list_item WHERE community_id = @areaId AND kind IN ('need', 'project') "
                    + "AND status = 'open' ORDER BY id LIMIT 20",
                new { areaId },
                cancellationToken: ct
            )
        );
        return (orders.AsList(), items.AsList());
    }

    /// <summary>Per unit: the community's meeting items it claimed, and how many of those are done.</summary>
    public async Task<IReadOnlyList<UnitLedgerLine>> UnitLedgerAsync(long areaId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (
            await c.QueryAsync<UnitLedgerLine>(
                new CommandDefinition(
                    """
                    SELECT u.id AS UnitId, u.name AS UnitName, COUNT(DISTINCT lc.item_id) AS Taken,
                           COUNT(DISTINCT CASE WHEN lc.status = 'done' THEN lc.item_id END) AS Finished
                      FROM meeting m JOIN meeting_item mi ON mi.meeting_id = m.id
                      JOIN list_claim lc ON lc.item_id = mi.list_item_id AND lc.status <> 'withdrawn'
                      JOIN unit u ON u.id = lc.unit_id
                     WHERE m.area_id = @areaId
                     GROUP BY u.id, u.name ORDER BY u.id
                    """,
                    new { areaId },
                    cancellationToken: ct
                )
            )
        ).AsList();
    }
}
