using System.Data.Common;
using System.Text;
using Dapper;
using Governance.Core.Data;
using Governance.Core.People;
using Governance.Core.Time;

namespace Governance.Core.Orders;

public sealed class OrderStore(Db db)
{
    private const string OrderColumns = """
        o.id, o.code, o.source, o.resident_id AS ResidentId, o.area_id AS AreaId, o.area_path AS AreaPath,
        o.category_id AS CategoryId, c.name AS CategoryName, o.description, o.location_text AS LocationText,
        o.latitude, o.longitude, o.urgency, o.status, o.ack_due_at AS AckDueAt, o.resolve_due_at AS ResolveDueAt,
        o.claimer_person_id AS ClaimerPersonId, o.claimer_unit_id AS ClaimerUnitId, o.escalation_level AS EscalationLevel,
        o.satisfaction, o.merged_into_id AS MergedIntoId, m.code AS MergedIntoCode, o.reject_reason AS RejectReason,
        o.created_at AS CreatedAt, o.updated_at AS UpdatedAt, o.version
        """;
    private const string OrderFrom = """
        FROM service_order o
        JOIN category c ON c.id = o.category_id
        LEFT JOIN service_order m ON m.id = o.merged_into_id
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
        var seq = await c.ExecuteScalarAsync<long>(new CommandDefinition(NextCodeSql, new { day }, cancellationToken: ct));
        return $"GD{day}-{seq:D4}";
    }

    private const string InsertOrderSql = """
        INSERT INTO service_order (code, source, resident_id, area_id, area_path, category_id, description, location_text,
          latitude, longitude, urgency, status, ack_due_at, resolve_due_at, created_by, created_at, updated_at)
        VALUES (@code, @Source, @ResidentId, @AreaId, @AreaPath, @CategoryId, @Description, @LocationText,
          @Latitude, @Longitude, @Urgency, 'submitted', @AckDueAt, @ResolveDueAt, @CreatedBy, @now, @now);
        SELECT LAST_INSERT_ID();
        """;
    public async Task<long> CreateAsync(string code, NewOrder order, NewOrderEvent created, IReadOnlyList<StoredPhoto> photos, DateTime now, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var p = new DynamicParameters(order);
        p.Add("code", code);
        p.Add("now", now);
        var id = await c.ExecuteScalarAsync<long>(new CommandDefinition(InsertOrderSql, p, tx, cancellationToken: ct));
        var eventId = await AppendEventAsync(c, tx, id, created, now, ct);
        foreach (var photo in photos)
            await AddPhotoAsync(c, tx, id, eventId, created.ActorId, photo, now, ct);
        await tx.CommitAsync(ct);
        return id;
    }

    private const string InsertEventSql = """
        INSERT INTO order_event (order_id, kind, from_status, to_status, actor_id, actor_role, note, data, created_at)
        VALUES (@orderId, @Kind, @FromStatus, @ToStatus, @ActorId, @ActorRole, @Note, @Data, @now);
        SELECT LAST_INSERT_ID();
        """;
    /// <summary>Joins a caller's transaction: every change of an order appends to its timeline in the same commit.</summary>
    public static async Task<long> AppendEventAsync(DbConnection c, DbTransaction tx, long orderId, NewOrderEvent e, DateTime now, CancellationToken ct)
    {
        var p = new DynamicParameters(e);
        p.Add("orderId", orderId);
        p.Add("now", now);
        return await c.ExecuteScalarAsync<long>(new CommandDefinition(InsertEventSql, p, tx, cancellationToken: ct));
    }

    private const string InsertPhotoSql = """
        INSERT INTO order_photo (order_id, event_id, storage_key, content_type, byte_size, sha256, uploaded_by, created_at)
        VALUES (@orderId, @eventId, @StorageKey, @ContentType, @ByteSize, @Sha256, @uploadedBy, @now)
        """;
    private static Task AddPhotoAsync(DbConnection c, DbTransaction tx, long orderId, long eventId, long? uploadedBy, StoredPhoto photo, DateTime now, CancellationToken ct)
    {
        var p = new DynamicParameters(photo);
        p.AddDynamicParams(new { orderId, eventId, uploadedBy, now });
        return c.ExecuteAsync(new CommandDefinition(InsertPhotoSql, p, tx, cancellationToken: ct));
    }

    private static readonly string ByCodeSql = $"SELECT {OrderColumns} {OrderFrom} WHERE o.code = @code";
    public async Task<OrderRow?> GetByCodeAsync(string code, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return Utc(await c.QuerySingleOrDefaultAsync<OrderRow>(new CommandDefinition(ByCodeSql, new { code }, cancellationToken: ct)));
    }

    private static readonly string ByIdSql = $"SELECT {OrderColumns} {OrderFrom} WHERE o.id = @id";
    public async Task<OrderRow?> GetAsync(long id, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return Utc(await c.QuerySingleOrDefaultAsync<OrderRow>(new CommandDefinition(ByIdSql, new { id }, cancellationToken: ct)));
    }

    private const string TimelineSql = """
        SELECT e.id, e.order_id AS OrderId, e.kind, e.from_status AS FromStatus, e.to_status AS ToStatus, e.actor_id AS ActorId,
               e.actor_role AS ActorRole, p.name AS ActorName, e.note, e.data, e.created_at AS CreatedAt
          FROM order_event e LEFT JOIN person p ON p.id = e.actor_id
         WHERE e.order_id = @orderId ORDER BY e.id;
        SELECT id, order_id AS OrderId, event_id AS EventId, storage_key AS StorageKey, content_type AS ContentType,
               byte_size AS ByteSize, sha256, created_at AS CreatedAt
          FROM order_photo WHERE order_id = @orderId ORDER BY id;
        """;
    public async Task<(IReadOnlyList<OrderEventRow> Events, IReadOnlyList<OrderPhotoRow> Photos)> TimelineAsync(long orderId, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        await using var multi = await c.QueryMultipleAsync(new CommandDefinition(TimelineSql, new { orderId }, cancellationToken: ct));
        var events = (await multi.ReadAsync<OrderEventRow>()).Select(e => e with { CreatedAt = e.CreatedAt.Utc() }).ToList();
        var photos = (await multi.ReadAsync<OrderPhotoRow>()).Select(p => p with { CreatedAt = p.CreatedAt.Utc() }).ToList();
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
        return await c.QuerySingleOrDefaultAsync<OrderPhotoRow>(new CommandDefinition(PhotoSql, new { orderId, photoId }, cancellationToken: ct));
    }

    private const string MoveSql = """
        UPDATE service_order SET
          status = @To, updated_at = @now, version = version + 1,
          accepted_at  = CASE WHEN @To = 'accepted'  THEN @now ELSE accepted_at END,
          published_at = CASE WHEN @To = 'published' THEN @now ELSE published_at END,
          closed_at    = CASE WHEN @To IN ('closed','rejected','merged','cancelled') THEN @now ELSE closed_at END,
          reject_reason  = COALESCE(@RejectReason, reject_reason),
          merged_into_id = COALESCE(@MergedIntoId, merged_into_id)
        WHERE id = @OrderId AND status = @From
        """;
    /// <summary>
    /// Applies a status change and its timeline events atomically. Returns false when the order is no
    /// longer in the expected status (someone else moved it first); nothing is written then.
    /// </summary>
    public async Task<bool> MoveAsync(OrderMove move, DateTime now, CancellationToken ct = default, params (long OrderId, NewOrderEvent Event)[] alsoRecord)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var p = new DynamicParameters(move);
        p.Add("now", now);
        var changed = await c.ExecuteAsync(new CommandDefinition(MoveSql, p, tx, cancellationToken: ct));
        if (changed != 1)
        {
            await tx.RollbackAsync(ct);
            return false;
        }
        await AppendEventAsync(c, tx, move.OrderId, move.Event, now, ct);
        foreach (var (orderId, e) in alsoRecord)
            await AppendEventAsync(c, tx, orderId, e, now, ct);
        await tx.CommitAsync(ct);
        return true;
    }

    public async Task<PageOf<OrderRow>> ListAsync(Caller caller, OrderListFilter filter, DateTime now, CancellationToken ct = default)
    {
        var where = new StringBuilder("WHERE ");
        var p = new DynamicParameters();
        // Scope first: a resident sees their own orders, staff see their area subtrees.
        where.Append("(o.resident_id = @me");
        p.Add("me", caller.PersonId);
        for (var i = 0; i < caller.Staff.Count; i++)
        {
            where.Append($" OR o.area_path LIKE @scope{i}");
            p.Add($"scope{i}", caller.Staff[i].AreaPath + "%");
        }
        where.Append(')');
        if (filter.Statuses is { Count: > 0 })
        {
            where.Append(" AND o.status IN @statuses");
            p.Add("statuses", filter.Statuses);
        }
        if (filter.AreaPath is not null)
        {
            where.Append(" AND o.area_path LIKE @areaPath");
            p.Add("areaPath", filter.AreaPath + "%");
        }
        if (filter.CategoryId is not null)
        {
            where.Append(" AND o.category_id = @categoryId");
            p.Add("categoryId", filter.CategoryId);
        }
        if (filter.Overdue is true)
        {
            where.Append(" AND o.status IN @open AND o.resolve_due_at < @now");
            p.Add("open", OrderStatus.Open);
        }
        else if (filter.Overdue is false)
        {
            where.Append(" AND NOT (o.status IN @open AND o.resolve_due_at < @now)");
            p.Add("open", OrderStatus.Open);
        }
        p.Add("now", now);
        p.Add("limit", filter.PageSize);
        p.Add("offset", (filter.Page - 1) * filter.PageSize);
        var sql = $"""
            SELECT COUNT(*) FROM service_order o {where};
            SELECT {OrderColumns} {OrderFrom} {where} ORDER BY o.created_at DESC, o.id DESC LIMIT @limit OFFSET @offset;
            """;
        await using var c = await db.OpenAsync(ct);
        await using var multi = await c.QueryMultipleAsync(new CommandDefinition(sql, p, cancellationToken: ct));
        var total = await multi.ReadSingleAsync<long>();
        var items = (await multi.ReadAsync<OrderRow>()).Select(r => Utc(r)!).ToList();
        return new PageOf<OrderRow>(items, filter.Page, filter.PageSize, total);
    }

    private static OrderRow? Utc(OrderRow? r) => r is null ? null : r with
    {
        AckDueAt = r.AckDueAt.Utc(), ResolveDueAt = r.ResolveDueAt.Utc(), CreatedAt = r.CreatedAt.Utc(), UpdatedAt = r.UpdatedAt.Utc(),
    };
}
