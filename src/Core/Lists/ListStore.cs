using System.Data.Common;
using Dapper;
using Governance.Core.Data;

namespace Governance.Core.Lists;

/// <summary>The lists' SQL: items, claims with their history, and hour-slot bookings of resources.</summary>
public sealed class ListStore(Db db)
{
    private const string ItemColumns = """
        i.id, i.community_id AS CommunityId, a.path AS CommunityPath, i.kind, i.title, i.description,
        i.category_id AS CategoryId, i.source, i.unit_id AS UnitId, u.name AS UnitName, i.capacity, i.deadline,
        i.status, i.created_at AS CreatedAt
        FROM list_item i JOIN area a ON a.id = i.community_id LEFT JOIN unit u ON u.id = i.unit_id
        """;

    public async Task<IReadOnlyList<ListItem>> ItemsAsync(
        long communityId,
        string? kind,
        int limit,
        CancellationToken ct
    )
    {
        await using var c = await db.OpenAsync(ct);
        return (
            await c.QueryAsync<ListItem>(
                new CommandDefinition(
                    $"SELECT {ItemColumns} WHERE i.community_id = @communityId AND (@kind IS NULL OR i.kind = @kind) "
                        + "AND i.status <> 'withdrawn' ORDER BY i.kind, i.id DESC LIMIT @limit",
                    new
                    {
                        communityId,
                        kind,
                        limit,
                    },
                    cancellationToken: ct
                )
            )
        ).AsList();
    }

    public async Task<ListItem?> ItemAsync(long id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<ListItem>(
            new CommandDefinition($"SELECT {ItemColumns} WHERE i.id = @id", new { id }, cancellationToken: ct)
        );
    }

    private const string InsertItemSql = """
        INSERT INTO list_item (community_id, kind, title, description, category_id, source, unit_id, capacity, deadline,
          status, created_by, created_at, updated_at)
        VALUES (@communityId, @Kind, @Title, @Description, @CategoryId, @Source, @UnitId, @Capacity, @deadline, 'open',
          @createdBy, @now, @now);
        SELECT LAST_INSERT_ID();
        """;

    public async Task<long> AddItemAsync(
        long communityId,
        NewListItem item,
        long createdBy,
        DateTime now,
        CancellationToken ct
    )
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var id = await c.ExecuteScalarAsync<long>(
            new CommandDefinition(
                InsertItemSql,
                new
                {
                    communityId,
                    item.Kind,
                    item.Title,
                    Description = item.Description ?? "",
                    item.CategoryId,
                    item.Source,
                    item.UnitId,
                    item.Capacity,
                    deadline = item.Deadline?.ToDateTime(TimeOnly.MinValue),
                    createdBy,
                    now,
                },
                tx,
                cancellationToken: ct
            )
        );
        await InsertRulesAsync(c, tx, id, item.Rules ?? [], ct);
        await tx.CommitAsync(ct);
        return id;
    }

    private static Task InsertRulesAsync(
        DbConnection c,
        DbTransaction tx,
        long itemId,
        IReadOnlyList<OpeningRule> rules,
        CancellationToken ct
    ) =>
        rules.Count == 0
            ? Task.CompletedTask
            : c.ExecuteAsync(
                new CommandDefinition(
                    "INSERT INTO resource_rule (item_id, audience, days, opens, closes) "
                        + "VALUES (@itemId, @Audience, @Days, @Opens, @Closes)",
                    rules.Select(r => new
                    {
                        itemId,
                        r.Audience,
                        r.Days,
                        r.Opens,
                        r.Closes,
                    }),
                    tx,
                    cancellationToken: ct
                )
            );

    /// <summary>Replaces a resource's opening rules in one commit.</summary>
    public async Task ReplaceRulesAsync(long itemId, IReadOnlyList<OpeningRule> rules, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        await c.ExecuteAsync(
            new CommandDefinition(
                "DELETE FROM resource_rule WHERE item_id = @itemId",
                new { itemId },
                tx,
                cancellationToken: ct
            )
        );
        await InsertRulesAsync(c, tx, itemId, rules, ct);
        await tx.CommitAsync(ct);
    }

    public async Task<IReadOnlyList<OpeningRule>> RulesAsync(long itemId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (
            await c.QueryAsync<OpeningRule>(
                new CommandDefinition(
                    "SELECT audience, days, opens, closes FROM resource_rule WHERE item_id = @itemId ORDER BY id",
                    new { itemId },
                    cancellationToken: ct
                )
            )
        ).AsList();
    }

    /// <summary>The hours of a resource held by bookings between two instants (UTC).</summary>
    public async Task<IReadOnlyList<DateTime>> TakenSlotsAsync(
        long itemId,
        DateTime from,
        DateTime to,
        CancellationToken ct
    )
    {
        await using var c = await db.OpenAsync(ct);
        return (
            await c.QueryAsync<DateTime>(
                new CommandDefinition(
                    "SELECT slot_start FROM resource_slot WHERE item_id = @itemId AND slot_start >= @from "
                        + "AND slot_start < @to ORDER BY slot_start",
                    new
                    {
                        itemId,
                        from,
                        to,
                    },
                    cancellationToken: ct
                )
            )
        ).AsList();
    }

    private const string ClaimColumns = """
        l.id, l.item_id AS ItemId, i.title AS ItemTitle, i.kind AS ItemKind, i.community_id AS CommunityId,
        a.path AS CommunityPath, l.unit_id AS UnitId, u.name AS UnitName, l.owner_person_id AS OwnerPersonId,
        p.name AS OwnerName, l.deadline, l.status, l.evidence, l.decision_note AS DecisionNote,
        l.created_at AS CreatedAt
        FROM list_claim l JOIN list_item i ON i.id = l.item_id JOIN area a ON a.id = i.community_id
        JOIN person p ON p.id = l.owner_person_id LEFT JOIN unit u ON u.id = l.unit_id
        """;

    /// <summary>A community's claims in a state (newest first, 200 at most), for its staff's desk.</summary>
    public async Task<IReadOnlyList<ListClaim>> ClaimsAsync(long communityId, string status, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (
            await c.QueryAsync<ListClaim>(
                new CommandDefinition(
                    $"SELECT {ClaimColumns} WHERE i.community_id = @communityId AND l.status = @status "
                        + "ORDER BY l.id DESC LIMIT 200",
                    new { communityId, status },
                    cancellationToken: ct
                )
            )
        ).AsList();
    }

    public async Task<ClaimDetail?> ClaimAsync(long id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var claim = await c.QuerySingleOrDefaultAsync<ListClaim>(
            new CommandDefinition($"SELECT {ClaimColumns} WHERE l.id = @id", new { id }, cancellationToken: ct)
        );
        if (claim is null)
            return null;
        var events = await c.QueryAsync<ClaimEvent>(
            new CommandDefinition(
                "SELECT g.kind, g.person_id AS PersonId, p.name AS PersonName, g.note, g.created_at AS CreatedAt "
                    + "FROM list_progress g JOIN person p ON p.id = g.person_id WHERE g.claim_id = @id ORDER BY g.id",
                new { id },
                cancellationToken: ct
            )
        );
        var photos = await c.QueryAsync<Orders.PhotoRef>(
            new CommandDefinition(
                "SELECT id, content_type AS ContentType, byte_size AS ByteSize FROM practice_photo "
                    + "WHERE subject = 'claim' AND subject_id = @id ORDER BY id",
                new { id },
                cancellationToken: ct
            )
        );
        var cards = await Service.ServiceRecords.CardsAsync(c, [claim.OwnerPersonId], ct);
        var card = cards.GetValueOrDefault(claim.OwnerPersonId);
        return new ClaimDetail(claim, events.AsList(), photos.AsList(), card);
    }

    /// <summary>
    /// Claims an item: the claim row (whose unique live-claim key refuses a second live claim of the item, however
    /// many nodes race), its first history line and the item's status, in one commit. Null when already claimed.
    /// </summary>
    public async Task<long?> ClaimItemAsync(
        long itemId,
        long? unitId,
        long ownerPersonId,
        DateTime deadline,
        DateTime now,
        Func<DbConnection, DbTransaction, Task> alsoInTransaction,
        CancellationToken ct
    )
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        long id;
        try
        {
            id = await c.ExecuteScalarAsync<long>(
                new CommandDefinition(
                    """
                    INSERT INTO list_claim (item_id, unit_id, owner_person_id, deadline, status, created_at, updated_at)
                    VALUES (@itemId, @unitId, @ownerPersonId, @deadline, 'claimed', @now, @now);
                    SELECT LAST_INSERT_ID();
                    """,
                    new
                    {
                        itemId,
                        unitId,
                        ownerPersonId,
                        deadline,
                        now,
                    },
                    tx,
                    cancellationToken: ct
                )
            );
        }
        catch (Exception ex) when (MySqlDriver.IsDuplicateKey(ex))
        {
            await tx.RollbackAsync(ct);
            return null;
        }
        await AddEventAsync(c, tx, id, ownerPersonId, "claimed", null, now, ct);
        await SetItemStatusAsync(c, tx, itemId, ListItemStatus.Claimed, now, ct);
        await alsoInTransaction(c, tx);
        await tx.CommitAsync(ct);
        return id;
    }

    private static Task AddEventAsync(
        DbConnection c,
        DbTransaction tx,
        long claimId,
        long personId,
        string kind,
        string? note,
        DateTime now,
        CancellationToken ct
    ) =>
        c.ExecuteAsync(
            new CommandDefinition(
                "INSERT INTO list_progress (claim_id, person_id, kind, note, created_at) "
                    + "VALUES (@claimId, @personId, @kind, @note, @now)",
                new
                {
                    claimId,
                    personId,
                    kind,
                    note,
                    now,
                },
                tx,
                cancellationToken: ct
            )
        );

    private static Task SetItemStatusAsync(
        DbConnection c,
        DbTransaction tx,
        long itemId,
        string status,
        DateTime now,
        CancellationToken ct
    ) =>
        c.ExecuteAsync(
            new CommandDefinition(
                "UPDATE list_item SET status = @status, updated_at = @now WHERE id = @itemId",
                new
                {
                    itemId,
                    status,
                    now,
                },
                tx,
                cancellationToken: ct
            )
        );

    /// <summary>
    /// Moves a claim from one of <paramref name="from"/> to <paramref name="to"/> (conditional on the status read, so
    /// two people acting at once move it once), with its history line, the item's status when given, and whatever
    /// else joins the commit. False when the claim was not in one of those states.
    /// </summary>
    public async Task<bool> MoveClaimAsync(
        long claimId,
        long itemId,
        string[] from,
        string to,
        long personId,
        string eventKind,
        string? note,
        string? itemStatus,
        DateTime now,
        Func<DbConnection, DbTransaction, Task>? alsoInTransaction,
        CancellationToken ct
    )
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var moved = await c.ExecuteAsync(
            new CommandDefinition(
                """
                UPDATE list_claim SET status = @to, updated_at = @now,
                  evidence = CASE WHEN @to = 'submitted' THEN @note ELSE evidence END,
                  submitted_at = CASE WHEN @to = 'submitted' THEN @now ELSE submitted_at END,
                  decided_by = CASE WHEN @to IN ('done', 'returned') THEN @personId ELSE decided_by END,
                  decided_at = CASE WHEN @to IN ('done', 'returned') THEN @now ELSE decided_at END,
                  decision_note = CASE WHEN @to IN ('done', 'returned') THEN @note ELSE decision_note END
                WHERE id = @claimId AND status IN @from
                """,
                new
                {
                    claimId,
                    from,
                    to,
                    personId,
                    note,
                    now,
                },
                tx,
                cancellationToken: ct
            )
        );
        if (moved != 1)
        {
            await tx.RollbackAsync(ct);
            return false;
        }
        await AddEventAsync(c, tx, claimId, personId, eventKind, note, now, ct);
        if (itemStatus is not null)
            await SetItemStatusAsync(c, tx, itemId, itemStatus, now, ct);
        if (alsoInTransaction is not null)
            await alsoInTransaction(c, tx);
        await tx.CommitAsync(ct);
        return true;
    }

    public async Task<long> MeetingOwnerAsync(long meetingId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteScalarAsync<long>(
            new CommandDefinition(
                "SELECT created_by FROM meeting WHERE id = @meetingId",
                new { meetingId },
                cancellationToken: ct
            )
        );
    }

    /// <summary>
    /// Books whole hours of a resource: the booking and one slot row per hour in one commit. A slot already held by
    /// another booking fails the insert on its primary key, so two requests for one hour cannot both succeed. Null when
    /// an hour is taken.
    /// </summary>
    public async Task<long?> BookAsync(
        long itemId,
        DateTime startsAt,
        DateTime endsAt,
        string purpose,
        string audience,
        bool confirmed,
        long requestedBy,
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
                INSERT INTO resource_booking (item_id, starts_at, ends_at, purpose, audience, status, requested_by,
                  decided_by, decided_at, created_at)
                VALUES (@itemId, @startsAt, @endsAt, @purpose, @audience, @status, @requestedBy,
                  @decidedBy, @decidedAt, @now);
                SELECT LAST_INSERT_ID();
                """,
                new
                {
                    itemId,
                    startsAt,
                    endsAt,
                    purpose,
                    audience,
                    status = confirmed ? BookingStatus.Confirmed : BookingStatus.Requested,
                    requestedBy,
                    decidedBy = confirmed ? requestedBy : (long?)null,
                    decidedAt = confirmed ? now : (DateTime?)null,
                    now,
                },
                tx,
                cancellationToken: ct
            )
        );
        var slots = Enumerable
            .Range(0, (int)(endsAt - startsAt).TotalHours)
            .Select(h => new
            {
                itemId,
                slot = startsAt.AddHours(h),
                id,
            });
        try
        {
            await c.ExecuteAsync(
                new CommandDefinition(
                    "INSERT INTO resource_slot (item_id, slot_start, booking_id) VALUES (@itemId, @slot, @id)",
                    slots,
                    tx,
                    cancellationToken: ct
                )
            );
        }
        catch (Exception ex) when (MySqlDriver.IsDuplicateKey(ex))
        {
            await tx.RollbackAsync(ct);
            return null;
        }
        await alsoInTransaction(c, tx, id);
        await tx.CommitAsync(ct);
        return id;
    }

    /// <summary>
    /// The bookings of a unit's resources that end after <paramref name="from"/>: those waiting for the unit first,
    /// then by start.
    /// </summary>
    public async Task<IReadOnlyList<Booking>> UnitBookingsAsync(long unitId, DateTime from, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (
            await c.QueryAsync<Booking>(
                new CommandDefinition(
                    """
                    SELECT b.id, b.item_id AS ItemId, i.title AS ItemTitle, i.unit_id AS UnitId,
                      i.community_id AS CommunityId, a.path AS CommunityPath, b.starts_at AS StartsAt,
                      b.ends_at AS EndsAt, b.purpose, b.audience, b.status, b.requested_by AS RequestedBy
                    FROM resource_booking b JOIN list_item i ON i.id = b.item_id JOIN area a ON a.id = i.community_id
                    WHERE i.unit_id = @unitId AND b.ends_at > @from AND b.status IN ('requested', 'confirmed')
                    ORDER BY b.status = 'requested' DESC, b.starts_at LIMIT 200
                    """,
                    new { unitId, from },
                    cancellationToken: ct
                )
            )
        ).AsList();
    }

    public async Task<Booking?> BookingAsync(long id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<Booking>(
            new CommandDefinition(
                """
                SELECT b.id, b.item_id AS ItemId, i.title AS ItemTitle, i.unit_id AS UnitId,
                  i.community_id AS CommunityId,
                  a.path AS CommunityPath, b.starts_at AS StartsAt, b.ends_at AS EndsAt, b.purpose, b.audience,
                  b.status,
                  b.requested_by AS RequestedBy
                FROM resource_booking b JOIN list_item i ON i.id = b.item_id JOIN area a ON a.id = i.community_id
                WHERE b.id = @id
                """,
                new { id },
                cancellationToken: ct
            )
        );
    }

    /// <summary>
    /// The unit confirms or declines a requested booking (declining gives the hours back), with its notice, in one
    /// commit; false when it was already decided.
    /// </summary>
    public async Task<bool> DecideBookingAsync(
        long id,
        bool confirm,
        long personId,
        DateTime now,
        Func<DbConnection, DbTransaction, Task> alsoInTransaction,
        CancellationToken ct
    )
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var moved = await c.ExecuteAsync(
            new CommandDefinition(
                "UPDATE resource_booking SET status = @status, decided_by = @personId, decided_at = @now "
                    + "WHERE id = @id AND status = 'requested'",
                new
                {
                    id,
                    status = confirm ? BookingStatus.Confirmed : BookingStatus.Declined,
                    personId,
                    now,
                },
                tx,
                cancellationToken: ct
            )
        );
        if (moved != 1)
        {
            await tx.RollbackAsync(ct);
            return false;
        }
        if (!confirm)
            await c.ExecuteAsync(
                new CommandDefinition(
                    "DELETE FROM resource_slot WHERE booking_id = @id",
                    new { id },
                    tx,
                    cancellationToken: ct
                )
            );
        await alsoInTransaction(c, tx);
        await tx.CommitAsync(ct);
        return true;
    }
}
