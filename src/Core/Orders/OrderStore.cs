using System.Data.Common;
using System.Text;
using Dapper;
using Governance.Core.Data;
using Governance.Core.Paging;
using Governance.Core.People;
using Governance.Core.Time;

namespace Governance.Core.Orders;

public sealed class OrderStore(Db db)
{
    private const string OrderColumns = """
        o.id, o.code, o.source, o.resident_id AS ResidentId, o.area_id AS AreaId, o.area_path AS AreaPath,
        o.category_id AS CategoryId, c.name AS CategoryName, o.description, o.location_text AS LocationText,
        o.latitude, o.longitude, o.urgency, o.urgent_alert_level AS UrgentAlertLevel, o.status,
        o.ack_due_at AS AckDueAt, o.resolve_due_at AS ResolveDueAt,
        o.claimer_person_id AS ClaimerPersonId, o.claimer_unit_id AS ClaimerUnitId,
          o.escalation_level AS EscalationLevel,
        o.satisfaction, o.merged_into_id AS MergedIntoId, m.code AS MergedIntoCode, o.reject_reason AS RejectReason,
        o.created_at AS CreatedAt, o.updated_at AS UpdatedAt, o.version, o.claimed_at AS ClaimedAt,
          o.started_at AS StartedAt,
        o.resolved_at AS ResolvedAt, c.claim_window_hours AS ClaimWindowHours, c.member_claimable AS MemberClaimable,
          c.skills AS CategorySkills,
        o.content_flag AS ContentFlag, o.extra, o.service_minutes AS ServiceMinutes, cp.name AS ClaimerName,
          cp.phone AS ClaimerPhone,
        cu.name AS ClaimerUnitName, rp.name AS ReporterName, rp.phone AS ReporterPhone
        """;
    private const string OrderFrom = """
        FROM service_order o
        JOIN category c ON c.id = o.category_id
        LEFT JOIN service_order m ON m.id = o.merged_into_id
        LEFT JOIN person cp ON cp.id = o.claimer_person_id
        LEFT JOIN unit cu ON cu.id = o.claimer_unit_id
        LEFT JOIN person rp ON rp.id = o.resident_id
        """;

    /// <summary>
    /// Public codes GDyyyyMMdd-NNNN, numbered per China day. The counter is bumped in its own autocommit
    /// statement so that concurrent reports do not queue behind one row lock; a failed insert leaves a gap,
    /// which is harmless: codes stay unique and sort by day.
    /// </summary>
    private const string NextCodeSql = """
        INSERT INTO order_code_seq (day, last_seq) VALUES (@day, LAST_INSERT_ID(1))
        ON DUPLICATE KEY UPDATE last_seq = LAST_INSERT_ID(last_seq + 1);
        SELECT LAST_INSERT_ID();
        """;

    public async Task<string> NextCodeAsync(DateTime nowUtc, CancellationToken ct = default)
    {
        var day = ChinaTime.Today(nowUtc).ToString("yyyyMMdd");
        await using var c = await db.OpenAsync(ct);
        var seq = await c.ExecuteScalarAsync<long>(
            new CommandDefinition(NextCodeSql, new { day }, cancellationToken: ct)
        );
        return $"GD{day}-{seq:D4}";
    }

    private static readonly string InsertOrderSql = $"""
        INSERT INTO service_order (code, source, resident_id, area_id, area_path, category_id, description,
          location_text,
          latitude, longitude, urgency, status, ack_due_at, resolve_due_at, next_remind_at, next_escalate_at,
            created_by, extra, content_flag, created_at, updated_at)
        VALUES (@code, @Source, @ResidentId, @AreaId, @AreaPath, @CategoryId, @Description, @LocationText,
          @Latitude, @Longitude, @Urgency, 'submitted', @AckDueAt, @ResolveDueAt, {Halfway(
            "@now",
            "@ResolveDueAt"
        )}, @ResolveDueAt, @CreatedBy, @Extra, @ContentFlag, @now, @now);
        SET @new_order_id = LAST_INSERT_ID();
        INSERT INTO order_event (order_id, kind, from_status, to_status, actor_id, actor_role, note, data, created_at)
        VALUES (@new_order_id, @eventKind, @eventFrom, @eventTo, @eventActorId, @eventActorRole, @eventNote, @eventData,
          @now);
        SELECT @new_order_id, LAST_INSERT_ID();
        """;

    public async Task<long> CreateAsync(
        string code,
        NewOrder order,
        NewOrderEvent created,
        IReadOnlyList<StoredPhoto> photos,
        DateTime now,
        CancellationToken ct = default,
        Func<DbConnection, DbTransaction, long, Task>? alsoInTransaction = null
    )
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        // The order and its first timeline event in one round trip (the event takes the order's id from the session).
        var p = new DynamicParameters(order);
        p.Add("code", code);
        p.Add("now", now);
        p.Add("eventKind", created.Kind);
        p.Add("eventFrom", created.FromStatus);
        p.Add("eventTo", created.ToStatus);
        p.Add("eventActorId", created.ActorId);
        p.Add("eventActorRole", created.ActorRole);
        p.Add("eventNote", created.Note);
        p.Add("eventData", created.Data);
        var (id, eventId) = await c.QuerySingleAsync<(long, long)>(
            new CommandDefinition(InsertOrderSql, p, tx, cancellationToken: ct)
        );
        foreach (var photo in created.Photos)
            await AddPhotoAsync(c, tx, id, eventId, created.ActorId, photo, now, ct);
        foreach (var photo in photos)
            await AddPhotoAsync(c, tx, id, eventId, created.ActorId, photo, now, ct);
        if (alsoInTransaction is not null)
            await alsoInTransaction(c, tx, id);
        await tx.CommitAsync(ct);
        return id;
    }

    private const string InsertEventSql = """
        INSERT INTO order_event (order_id, kind, from_status, to_status, actor_id, actor_role, note, data, created_at)
        VALUES (@orderId, @Kind, @FromStatus, @ToStatus, @ActorId, @ActorRole, @Note, @Data, @now);
        SELECT LAST_INSERT_ID();
        """;

    /// <summary>
    /// Joins a caller's transaction: every change of an order appends to its timeline in the same commit.
    /// </summary>
    public static async Task<long> AppendEventAsync(
        DbConnection c,
        DbTransaction tx,
        long orderId,
        NewOrderEvent e,
        DateTime now,
        CancellationToken ct
    )
    {
        var id = await c.ExecuteScalarAsync<long>(
            new CommandDefinition(
                InsertEventSql,
                new
                {
                    orderId,
                    e.Kind,
                    e.FromStatus,
                    e.ToStatus,
                    e.ActorId,
                    e.ActorRole,
                    e.Note,
                    e.Data,
                    now,
                },
                tx,
                cancellationToken: ct
            )
        );
        foreach (var photo in e.Photos)
            await AddPhotoAsync(c, tx, orderId, id, e.ActorId, photo, now, ct);
        return id;
    }

    public static async Task<List<long>> FollowersAsync(
        DbConnection c,
        DbTransaction tx,
        long orderId,
        CancellationToken ct
    ) =>
        (
            await c.QueryAsync<long>(
                new CommandDefinition(
                    "SELECT person_id FROM order_follower WHERE order_id = @orderId",
                    new { orderId },
                    tx,
                    cancellationToken: ct
                )
            )
        ).AsList();

    // The order's hours go to the member's total and, as one line of their service record, beside their activities and
    // posts (an order resolved again adds to its line).
    private const string CreditSql = """
        UPDATE service_order SET service_minutes = @minutes WHERE id = @orderId;
        UPDATE member SET service_minutes = service_minutes + @minutes WHERE person_id = @personId;
        INSERT INTO service_record (person_id, source, ref_id, minutes, served_on, unit_id, community_id, created_at)
          SELECT @personId, 'order', o.id, @minutes, DATE(COALESCE(o.resolved_at, UTC_TIMESTAMP(3)) + INTERVAL 8 HOUR),
                 (SELECT m.unit_id FROM member m WHERE m.person_id = @personId),
                 (SELECT a.id FROM area a WHERE a.kind = 'community' AND o.area_path LIKE CONCAT(a.path, '%') LIMIT 1),
                 COALESCE(o.resolved_at, UTC_TIMESTAMP(3))
            FROM service_order o WHERE o.id = @orderId
        ON DUPLICATE KEY UPDATE minutes = service_record.minutes + VALUES(minutes);
        """;

    /// <summary>Service time for the member who resolved an order (志愿服务时长), in the resolving transaction.</summary>
    public static Task CreditServiceAsync(
        DbConnection c,
        DbTransaction tx,
        long orderId,
        long personId,
        int minutes,
        CancellationToken ct
    ) =>
        c.ExecuteAsync(
            new CommandDefinition(
                CreditSql,
                new
                {
                    orderId,
                    personId,
                    minutes,
                },
                tx,
                cancellationToken: ct
            )
        );

    /// <summary>
    /// The first deadline reminder falls half-way between the moment a deadline is set and the deadline itself;
    /// the reminder job moves it on from there (sql/0007).
    /// </summary>
    internal static string Halfway(string from, string due) =>
        $"TIMESTAMPADD(SECOND, TIMESTAMPDIFF(SECOND, {from}, {due}) DIV 2, {from})";

    private static readonly string ExtendSql = $"""
        UPDATE service_order SET resolve_due_at = @due, next_remind_at = {Halfway(
            "@now",
            "@due"
        )}, next_escalate_at = @due, updated_at = @now, version = version + 1
        WHERE id = @orderId AND status = @status
        """;

    public async Task<bool> ExtendAsync(
        long orderId,
        string status,
        DateTime due,
        NewOrderEvent e,
        DateTime now,
        Func<DbConnection, DbTransaction, Task> alsoInTransaction,
        CancellationToken ct = default
    )
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        if (
            await c.ExecuteAsync(
                new CommandDefinition(
                    ExtendSql,
                    new
                    {
                        orderId,
                        status,
                        due,
                        now,
                    },
                    tx,
                    cancellationToken: ct
                )
            ) != 1
        )
            return false;
        await AppendEventAsync(c, tx, orderId, e, now, ct);
        await alsoInTransaction(c, tx);
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>
    /// The claim pool in SQL: published orders in the given community subtrees (of member-claimable categories, for a
    /// member), of the given categories, due before a time; with a point, each order's distance — from its own point,
    /// else the centre of its building, grid or compound — and only those within the radius, nearest first; otherwise
    /// soonest deadline first. One page, and the total.
    /// </summary>
    public async Task<(IReadOnlyList<(OrderRow Row, double? DistanceMeters)> Items, long Total)> PoolAsync(
        PoolFilter f,
        CancellationToken ct
    )
    {
        if (f.CommunityPaths.Count == 0 || f.CategoryIds is { Count: 0 })
            return ([], 0);
        var p = new DynamicParameters(
            new
            {
                categoryIds = f.CategoryIds,
                f.DueBefore,
                lat = f.Latitude,
                lng = f.Longitude,
                radius = f.RadiusKm * 1000,
                limit = f.PageSize,
                offset = (f.Page - 1) * f.PageSize,
            }
        );
        var scope = string.Join(
            " OR ",
            f.CommunityPaths.Select(
                (path, i) =>
                {
                    p.Add($"s{i}", path + "%");
                    return $"o.area_path LIKE @s{i}";
                }
            )
        );
        var distance = f.Latitude is null
            ? "NULL"
            : """
                6371000 * 2 * ASIN(SQRT(
                  POWER(SIN(RADIANS(COALESCE(o.latitude, pa.latitude, pb.latitude, pc.latitude) - @lat) / 2), 2)
                  + COS(RADIANS(@lat)) * COS(RADIANS(COALESCE(o.latitude, pa.latitude, pb.latitude, pc.latitude)))
                  * POWER(SIN(RADIANS(COALESCE(o.longitude, pa.longitude, pb.longitude, pc.longitude) - @lng) / 2), 2)))
                """;
        var where = $"""
            WHERE o.status = 'published' AND ({scope}) {(f.MemberClaimableOnly ? "AND c.member_claimable = 1" : "")}
              {(f.CategoryIds is null ? "" : "AND o.category_id IN @categoryIds")}
              AND (@DueBefore IS NULL OR o.resolve_due_at <= @DueBefore)
            """;
        var places = """
            LEFT JOIN area pa ON pa.id = o.area_id LEFT JOIN area pb ON pb.id = pa.parent_id LEFT JOIN area pc
              ON pc.id = pb.parent_id
            """;
        var sql = $"""
            SELECT COUNT(*) FROM (SELECT {distance} AS distance FROM service_order o JOIN category c
              ON c.id = o.category_id {places}
              {where}) t WHERE @radius IS NULL OR t.distance <= @radius;
            SELECT * FROM (SELECT {OrderColumns}, {distance} AS DistanceMeters {OrderFrom} {places} {where}) t
             WHERE @radius IS NULL OR t.DistanceMeters <= @radius
             ORDER BY {(
                f.Latitude is null
                    ? "t.ResolveDueAt, t.id"
                    : "t.DistanceMeters IS NULL, t.DistanceMeters, t.ResolveDueAt, t.id"
            )}
             LIMIT @limit OFFSET @offset;
            """;
        await using var c = await db.OpenAsync(ct);
        await using var multi = await c.QueryMultipleAsync(new CommandDefinition(sql, p, cancellationToken: ct));
        var total = await multi.ReadSingleAsync<long>();
        var rows = (await multi.ReadAsync<PoolRow>()).Select(r => (Utc(r)!, r.DistanceMeters)).ToList();
        return (rows, total);
    }

    private sealed record PoolRow : OrderRow
    {
        public double? DistanceMeters { get; init; }
    }

    private const string ActiveClaimsSql =
        "SELECT COUNT(*) FROM service_order WHERE claimer_person_id = @personId AND status IN "
        + "('claimed','in_progress')";

    public async Task<int> ActiveClaimsAsync(long personId, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteScalarAsync<int>(
            new CommandDefinition(ActiveClaimsSql, new { personId }, cancellationToken: ct)
        );
    }

    private const string InsertPhotoSql = """
        INSERT INTO order_photo (order_id, event_id, storage_key, content_type, byte_size, sha256, uploaded_by,
          created_at)
        VALUES (@orderId, @eventId, @StorageKey, @ContentType, @ByteSize, @Sha256, @uploadedBy, @now)
        """;

    private static Task AddPhotoAsync(
        DbConnection c,
        DbTransaction tx,
        long orderId,
        long eventId,
        long? uploadedBy,
        StoredPhoto photo,
        DateTime now,
        CancellationToken ct
    )
    {
        var p = new DynamicParameters(photo);
        p.AddDynamicParams(
            new
            {
                orderId,
                eventId,
                uploadedBy,
                now,
            }
        );
        return c.ExecuteAsync(new CommandDefinition(InsertPhotoSql, p, tx, cancellationToken: ct));
    }

    private static readonly string ByCodeSql = $"SELECT {OrderColumns} {OrderFrom} WHERE o.code = @code";

    public async Task<OrderRow?> GetByCodeAsync(string code, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return Utc(
            await c.QuerySingleOrDefaultAsync<OrderRow>(
                new CommandDefinition(ByCodeSql, new { code }, cancellationToken: ct)
            )
        );
    }

    private static readonly string ByIdSql = $"SELECT {OrderColumns} {OrderFrom} WHERE o.id = @id";

    public async Task<OrderRow?> GetAsync(long id, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return Utc(
            await c.QuerySingleOrDefaultAsync<OrderRow>(
                new CommandDefinition(ByIdSql, new { id }, cancellationToken: ct)
            )
        );
    }

    private const string TimelineSql = """
        SELECT e.id, e.order_id AS OrderId, e.kind, e.from_status AS FromStatus, e.to_status AS ToStatus,
          e.actor_id AS ActorId,
               e.actor_role AS ActorRole, p.name AS ActorName, e.note, e.data, e.created_at AS CreatedAt
          FROM order_event e LEFT JOIN person p ON p.id = e.actor_id
         WHERE e.order_id = @orderId ORDER BY e.id;
        SELECT id, order_id AS OrderId, event_id AS EventId, storage_key AS StorageKey, content_type AS ContentType,
               byte_size AS ByteSize, sha256, created_at AS CreatedAt
          FROM order_photo WHERE order_id = @orderId ORDER BY id;
        """;

    public async Task<(IReadOnlyList<OrderEventRow> Events, IReadOnlyList<OrderPhotoRow> Photos)> TimelineAsync(
        long orderId,
        CancellationToken ct = default
    )
    {
        await using var c = await db.OpenAsync(ct);
        await using var multi = await c.QueryMultipleAsync(
            new CommandDefinition(TimelineSql, new { orderId }, cancellationToken: ct)
        );
        var events = (await multi.ReadAsync<OrderEventRow>())
            .Select(e => e with { CreatedAt = e.CreatedAt.Utc() })
            .ToList();
        var photos = (await multi.ReadAsync<OrderPhotoRow>())
            .Select(p => p with { CreatedAt = p.CreatedAt.Utc() })
            .ToList();
        return (events, photos);
    }

    private const string PhotoSql = """
        SELECT id, order_id AS OrderId, event_id AS EventId, storage_key AS StorageKey, content_type AS ContentType,
               byte_size AS ByteSize, sha256, created_at AS CreatedAt
          FROM order_photo WHERE id = @photoId AND order_id = @orderId
        """;

    public async Task<OrderPhotoRow?> GetPhotoAsync(long orderId, long photoId, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<OrderPhotoRow>(
            new CommandDefinition(PhotoSql, new { orderId, photoId }, cancellationToken: ct)
        );
    }

    private static readonly string MoveSql = $"""
        UPDATE service_order SET
          status = @To, updated_at = @now, version = version + 1,
          accepted_at  = CASE WHEN @To = 'accepted'  THEN @now ELSE accepted_at END,
          published_at = CASE WHEN @To = 'published' THEN @now ELSE published_at END,
          claimed_at   = CASE WHEN @To = 'claimed' AND @From <> 'resolved' THEN @now WHEN @To = 'published' THEN NULL
            ELSE claimed_at END,
          started_at   = CASE WHEN @To = 'in_progress' THEN @now
                              WHEN @To = 'published' OR (@To = 'claimed' AND @From IN ('claimed','in_progress'))
                                THEN NULL ELSE started_at END,
          resolved_at  = CASE WHEN @To = 'resolved' THEN @now ELSE resolved_at END,
          closed_at    = CASE WHEN @To IN ('closed','rejected','merged','cancelled') THEN @now ELSE closed_at END,
          reject_reason  = COALESCE(@RejectReason, reject_reason),
          merged_into_id = COALESCE(@MergedIntoId, merged_into_id),
          satisfaction   = COALESCE(@Satisfaction, satisfaction),
          resolve_due_at = COALESCE(@NewResolveDueAt, resolve_due_at),
          next_remind_at = CASE WHEN @To IN ('resolved','closed','rejected','merged','cancelled') THEN NULL
                                WHEN @NewResolveDueAt IS NOT NULL THEN {Halfway(
            "@now",
            "@NewResolveDueAt"
        )} ELSE next_remind_at END,
          followed_up_at = CASE WHEN @To = 'resolved' THEN NULL ELSE followed_up_at END,
          next_escalate_at = CASE WHEN @To IN ('resolved','closed','rejected','merged','cancelled') THEN NULL
                                  WHEN @NewResolveDueAt IS NOT NULL THEN @NewResolveDueAt ELSE next_escalate_at END,
          escalation_level = CASE WHEN @NewResolveDueAt IS NULL THEN escalation_level ELSE 0 END,
          claimer_person_id = CASE WHEN @ClearClaimer THEN NULL WHEN @ReplaceClaimer THEN @ClaimerPersonId
            ELSE COALESCE(@ClaimerPersonId, claimer_person_id) END,
          claimer_unit_id   = CASE WHEN @ClearClaimer THEN NULL WHEN @ReplaceClaimer THEN @ClaimerUnitId
            ELSE COALESCE(@ClaimerUnitId, claimer_unit_id) END
        WHERE id = @OrderId AND status = @From
        """;

    /// <summary>
    /// Applies a status change and its timeline events atomically. Returns false when the order is no
    /// longer in the expected status (someone else moved it first); nothing is written then.
    /// </summary>
    public async Task<bool> MoveAsync(
        OrderMove move,
        DateTime now,
        CancellationToken ct = default,
        params (long OrderId, NewOrderEvent Event)[] alsoRecord
    ) => await MoveAsync(move, now, null, ct, alsoRecord);

    /// <summary>
    /// As above; <paramref name="alsoInTransaction"/> runs in the same commit (outbox rows, training examples).
    /// </summary>
    public Task<bool> MoveAsync(
        OrderMove move,
        DateTime now,
        Func<DbConnection, DbTransaction, Task>? alsoInTransaction,
        CancellationToken ct = default,
        params (long OrderId, NewOrderEvent Event)[] alsoRecord
    ) => Db.RetryOnDeadlockAsync(() => MoveOnceAsync(move, now, alsoInTransaction, alsoRecord, ct), ct);

    private async Task<bool> MoveOnceAsync(
        OrderMove move,
        DateTime now,
        Func<DbConnection, DbTransaction, Task>? alsoInTransaction,
        (long OrderId, NewOrderEvent Event)[] alsoRecord,
        CancellationToken ct
    )
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var p = new DynamicParameters();
        p.AddDynamicParams(
            new
            {
                move.OrderId,
                move.From,
                move.To,
                move.RejectReason,
                move.MergedIntoId,
                move.Satisfaction,
                move.NewResolveDueAt,
                move.ClaimerPersonId,
                move.ClaimerUnitId,
                move.ClearClaimer,
                move.ReplaceClaimer,
                now,
            }
        );
        var changed = await c.ExecuteAsync(new CommandDefinition(MoveSql, p, tx, cancellationToken: ct));
        if (changed != 1)
        {
            await tx.RollbackAsync(ct);
            return false;
        }
        if (move.PrecedingEvent is not null)
            await AppendEventAsync(c, tx, move.OrderId, move.PrecedingEvent, now, ct);
        await AppendEventAsync(c, tx, move.OrderId, move.Event, now, ct);
        foreach (var (orderId, e) in alsoRecord)
            await AppendEventAsync(c, tx, orderId, e, now, ct);
        if (alsoInTransaction is not null)
            await alsoInTransaction(c, tx);
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>Whether one of the caller's departments was summoned to the order (it may then see it).</summary>
    public async Task<bool> IsSummonedAsync(long orderId, IReadOnlyList<long> unitIds, CancellationToken ct)
    {
        if (unitIds.Count == 0)
            return false;
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteScalarAsync<bool>(
            new CommandDefinition(
                "SELECT EXISTS (SELECT 1 FROM order_summons WHERE order_id = @orderId AND unit_id IN @unitIds)",
                new { orderId, unitIds },
                cancellationToken: ct
            )
        );
    }

    /// <summary>Appends a timeline event that does not change the status (urge, linked report, handover).</summary>
    public async Task AppendAsync(
        long orderId,
        NewOrderEvent e,
        DateTime now,
        Func<DbConnection, DbTransaction, Task>? alsoInTransaction = null,
        CancellationToken ct = default
    )
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        await AppendEventAsync(c, tx, orderId, e, now, ct);
        if (alsoInTransaction is not null)
            await alsoInTransaction(c, tx);
        await tx.CommitAsync(ct);
    }

    private const string FollowSql =
        "INSERT IGNORE INTO order_follower (order_id, person_id, created_at) VALUES (@orderId, @personId, @now)";

    /// <summary>
    /// The person follows the order from now on (hears of its progress, may read, urge and comment); joins the caller's
    /// transaction.
    /// </summary>
    public static Task FollowAsync(
        DbConnection c,
        DbTransaction tx,
        long orderId,
        long personId,
        DateTime now,
        CancellationToken ct
    ) =>
        c.ExecuteAsync(
            new CommandDefinition(
                FollowSql,
                new
                {
                    orderId,
                    personId,
                    now,
                },
                tx,
                cancellationToken: ct
            )
        );

    public async Task<bool> LinkReportAsync(
        long orderId,
        long personId,
        NewOrderEvent e,
        DateTime now,
        CancellationToken ct = default
    )
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var added = await c.ExecuteAsync(
            new CommandDefinition(
                FollowSql,
                new
                {
                    orderId,
                    personId,
                    now,
                },
                tx,
                cancellationToken: ct
            )
        );
        await AppendEventAsync(c, tx, orderId, e, now, ct);
        await tx.CommitAsync(ct);
        return added == 1;
    }

    private const string IsFollowerSql =
        "SELECT COUNT(*) FROM order_follower WHERE order_id = @orderId AND person_id = @personId";

    public async Task<bool> IsFollowerAsync(long orderId, long personId, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteScalarAsync<int>(
                new CommandDefinition(IsFollowerSql, new { orderId, personId }, cancellationToken: ct)
            ) > 0;
    }

    private const string EscalateSql = """
        UPDATE service_order SET escalation_level = @level, updated_at = @now, version = version + 1,
          next_escalate_at = CASE WHEN @reschedule THEN @next ELSE next_escalate_at END
        WHERE id = @orderId AND escalation_level < @level
        """;

    /// <summary>
    /// Raises the escalation level, with its timeline event, in the caller's transaction; idempotent (a level already
    /// reached changes nothing and records nothing). With <paramref name="reschedule"/>, the next step is due at
    /// <paramref name="next"/> (null: no further step).
    /// </summary>
    /// <summary>An urgent order's first alert went out: the next level is due at <paramref name="next"/>.</summary>
    public static Task ScheduleUrgentAlertAsync(
        DbConnection c,
        DbTransaction tx,
        long orderId,
        DateTime next,
        CancellationToken ct
    ) =>
        c.ExecuteAsync(
            new CommandDefinition(
                "UPDATE service_order SET urgent_alert_level = 1, urgent_alert_next_at = @next WHERE id = @orderId",
                new { orderId, next },
                tx,
                cancellationToken: ct
            )
        );

    private const string AcknowledgeSql = """
        UPDATE service_order SET urgent_acked_at = @now, urgent_acked_by = @personId, urgent_alert_next_at = NULL
         WHERE id = @orderId AND urgency = 'urgent' AND urgent_acked_at IS NULL
        """;

    /// <summary>
    /// Staff acknowledge an urgent alert: no further level is alerted; the timeline says who and when. False when it
    /// was already acknowledged (or is not urgent).
    /// </summary>
    public async Task<bool> AcknowledgeUrgentAsync(
        long orderId,
        NewOrderEvent e,
        long personId,
        DateTime now,
        CancellationToken ct
    )
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        if (
            await c.ExecuteAsync(
                new CommandDefinition(
                    AcknowledgeSql,
                    new
                    {
                        orderId,
                        personId,
                        now,
                    },
                    tx,
                    cancellationToken: ct
                )
            ) != 1
        )
        {
            await tx.RollbackAsync(ct);
            return false;
        }
        await AppendEventAsync(c, tx, orderId, e, now, ct);
        await tx.CommitAsync(ct);
        return true;
    }

    public static async Task<bool> EscalateAsync(
        DbConnection c,
        DbTransaction tx,
        long orderId,
        int level,
        NewOrderEvent e,
        DateTime now,
        CancellationToken ct,
        bool reschedule = false,
        DateTime? next = null
    )
    {
        if (
            await c.ExecuteAsync(
                new CommandDefinition(
                    EscalateSql,
                    new
                    {
                        orderId,
                        level,
                        now,
                        reschedule,
                        next,
                    },
                    tx,
                    cancellationToken: ct
                )
            ) != 1
        )
            return false;
        await AppendEventAsync(c, tx, orderId, e, now, ct);
        return true;
    }

    private const string RecategorizeSql =
        "UPDATE service_order SET category_id = @categoryId, updated_at = @now, version = version + 1 WHERE id = "
        + "@orderId";

    public async Task RecategorizeAsync(
        long orderId,
        long categoryId,
        NewOrderEvent e,
        DateTime now,
        Func<DbConnection, DbTransaction, Task> alsoInTransaction,
        CancellationToken ct = default
    )
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        await c.ExecuteAsync(
            new CommandDefinition(
                RecategorizeSql,
                new
                {
                    orderId,
                    categoryId,
                    now,
                },
                tx,
                cancellationToken: ct
            )
        );
        await AppendEventAsync(c, tx, orderId, e, now, ct);
        await alsoInTransaction(c, tx);
        await tx.CommitAsync(ct);
    }

    private const string LastEventSql =
        "SELECT MAX(created_at) FROM order_event WHERE order_id = @orderId AND kind = @kind AND actor_id = @actorId";

    public async Task<DateTime?> LastEventAtAsync(
        long orderId,
        string kind,
        long actorId,
        CancellationToken ct = default
    )
    {
        await using var c = await db.OpenAsync(ct);
        return (
            await c.ExecuteScalarAsync<DateTime?>(
                new CommandDefinition(
                    LastEventSql,
                    new
                    {
                        orderId,
                        kind,
                        actorId,
                    },
                    cancellationToken: ct
                )
            )
        ).Utc();
    }

    /// <summary>
    /// Open orders of the same category at the same building (or anywhere below the compound or grid when the
    /// report names no building), reported recently: the candidates a new report may be linked to. The index is named:
    /// left to itself, the optimizer weighs every index that starts with the status against the status list, which
    /// costs more than running the query (measured on a million orders: 100 µs a query against 38 µs).
    /// </summary>
    private static readonly string DuplicateAtPlaceSql = $"""
        SELECT {OrderColumns} {OrderFrom.Replace(
            "FROM service_order o",
            "FROM service_order o FORCE INDEX (ix_service_order_area_category)"
        )}
        WHERE o.area_id = @areaId AND o.category_id = @categoryId AND o.created_at >= @since AND o.status IN @open
        ORDER BY o.created_at DESC LIMIT 20
        """;
    private static readonly string DuplicateBelowSql = $"""
        SELECT {OrderColumns} {OrderFrom.Replace(
            "FROM service_order o",
            "FROM service_order o FORCE INDEX (ix_service_order_category)"
        )}
        WHERE o.category_id = @categoryId AND o.created_at >= @since AND o.area_path LIKE @prefix AND o.status IN @open
        ORDER BY o.created_at DESC LIMIT 20
        """;

    public async Task<IReadOnlyList<OrderRow>> FindOpenCandidatesAsync(
        long categoryId,
        long areaId,
        string? areaPathPrefix,
        DateTime since,
        CancellationToken ct = default
    )
    {
        await using var c = await db.OpenAsync(ct);
        return (
            await c.QueryAsync<OrderRow>(
                new CommandDefinition(
                    areaPathPrefix is null ? DuplicateAtPlaceSql : DuplicateBelowSql,
                    new
                    {
                        categoryId,
                        areaId,
                        prefix = areaPathPrefix + "%",
                        since,
                        open = OrderStatus.Open,
                    },
                    cancellationToken: ct
                )
            )
        ).Select(r => Utc(r)!).ToList();
    }

    /// <summary>
    /// The person's own reports and the ones they follow, newest first: two index reads (their reports by
    /// resident_id, their follows by order_follower) rather than one condition with OR, which no index serves.
    /// </summary>
    private static readonly string MineSql = $"""
        SELECT {OrderColumns} {OrderFrom}
        JOIN ((SELECT o.id, o.created_at FROM service_order o WHERE o.resident_id = @personId
                ORDER BY o.created_at DESC, o.id DESC LIMIT @limit)
              UNION
              (SELECT o.id, o.created_at FROM order_follower f JOIN service_order o ON o.id = f.order_id
                WHERE f.person_id = @personId ORDER BY o.created_at DESC, o.id DESC LIMIT @limit)) k ON k.id = o.id
        ORDER BY o.created_at DESC, o.id DESC LIMIT @limit
        """;

    public async Task<IReadOnlyList<OrderRow>> MineAsync(long personId, int limit, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return (
            await c.QueryAsync<OrderRow>(new CommandDefinition(MineSql, new { personId, limit }, cancellationToken: ct))
        )
            .Select(r => Utc(r)!)
            .ToList();
    }

    /// <summary>
    /// One page of the orders a caller may see, newest first, with the filters applied. What the caller sees is a union
    /// of parts — each staff area, their own reports, their claims, their units' claims, the orders they follow — and
    /// each part is read through its own index: written as one condition with OR, no index serves it and every list
    /// read the whole table. The parts are made disjoint (each leaves out what an earlier one holds), so the total is
    /// the sum of their counts and the page is the newest rows of the parts' own newest.
    /// </summary>
    public async Task<PageOf<OrderRow>> ListAsync(
        Caller caller,
        OrderListFilter filter,
        DateTime now,
        CancellationToken ct = default
    )
    {
        var p = new DynamicParameters();
        p.Add("me", caller.PersonId);
        var filters = new StringBuilder();
        if (filter.Statuses is { Count: > 0 })
        {
            filters.Append(" AND o.status IN @statuses");
            p.Add("statuses", filter.Statuses);
        }
        if (filter.AreaPath is not null)
        {
            filters.Append(" AND o.area_path LIKE @areaPath");
            p.Add("areaPath", filter.AreaPath + "%");
        }
        if (filter.CategoryId is not null)
        {
            filters.Append(" AND o.category_id = @categoryId");
            p.Add("categoryId", filter.CategoryId);
        }
        if (filter.Shortlisted)
            filters.Append(" AND o.id IN (SELECT s.order_id FROM order_shortlist s WHERE s.person_id = @me)");
        if (filter.Urgency is not null)
        {
            filters.Append(" AND o.urgency = @urgency");
            p.Add("urgency", filter.Urgency);
        }
        if (filter.Overdue is not null)
        {
            filters.Append(
                filter.Overdue.Value
                    ? " AND o.status IN @open AND o.resolve_due_at < @now"
                    : " AND NOT (o.status IN @open AND o.resolve_due_at < @now)"
            );
            p.Add("open", OrderStatus.Open);
            p.Add("now", now);
        }

        // The parts, each as (FROM …, its own condition); "earlier" collects what the later parts leave out.
        var parts = new List<(string From, string Where)>();
        var earlier = new List<string>();
        void Part(string from, string condition)
        {
            var excluded = string.Concat(earlier.Select(e => $" AND NOT ({e})"));
            parts.Add((from, condition + excluded));
            earlier.Add(condition);
        }
        const string orders = "service_order o";
        for (var i = 0; i < caller.Staff.Count; i++)
        {
            p.Add($"scope{i}", caller.Staff[i].AreaPath + "%");
            Part(orders, $"o.area_path LIKE @scope{i}");
        }
        Part(orders, "o.resident_id <=> @me");
        Part(orders, "o.claimer_person_id <=> @me");
        if (caller.UnitAdminOf.Count > 0)
        {
            p.Add("units", caller.UnitAdminOf);
            Part(orders, "COALESCE(o.claimer_unit_id, 0) IN @units");
        }
        Part("order_follower f JOIN service_order o ON o.id = f.order_id", "f.person_id = @me");

        var take = filter.Page * filter.PageSize;
        p.Add("take", take);
        p.Add("limit", filter.PageSize);
        p.Add("offset", (filter.Page - 1) * filter.PageSize);
        var counts = string.Concat(parts.Select(x => $"SELECT COUNT(*) FROM {x.From} WHERE {x.Where}{filters};\n"));
        var newest = string.Join(
            "\n  UNION ALL\n  ",
            parts.Select(x =>
                $"(SELECT o.id, o.created_at FROM {x.From} WHERE {x.Where}{filters} "
                + "ORDER BY o.created_at DESC, o.id DESC LIMIT @take)"
            )
        );
        var sql = $"""
            {counts}SELECT {OrderColumns} {OrderFrom}
            JOIN ({newest}) k ON k.id = o.id
            ORDER BY o.created_at DESC, o.id DESC LIMIT @limit OFFSET @offset;
            """;
        await using var c = await db.OpenAsync(ct);
        await using var multi = await c.QueryMultipleAsync(new CommandDefinition(sql, p, cancellationToken: ct));
        long total = 0;
        foreach (var _ in parts)
            total += await multi.ReadSingleAsync<long>();
        var items = (await multi.ReadAsync<OrderRow>()).Select(r => Utc(r)!).ToList();
        return new PageOf<OrderRow>(items, filter.Page, filter.PageSize, total);
    }

    private static OrderRow? Utc(OrderRow? r) =>
        r is null
            ? null
            : r with
            {
                AckDueAt = r.AckDueAt.Utc(),
                ResolveDueAt = r.ResolveDueAt.Utc(),
                CreatedAt = r.CreatedAt.Utc(),
                UpdatedAt = r.UpdatedAt.Utc(),
                ClaimedAt = r.ClaimedAt.Utc(),
                StartedAt = r.StartedAt.Utc(),
                ResolvedAt = r.ResolvedAt.Utc(),
            };
}
