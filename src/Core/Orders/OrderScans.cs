using System.Data.Common;
using Dapper;
using Governance.Core.Data;

namespace Governance.Core.Orders;

public sealed record ScanRow(
    long Id,
    string Code,
    string Status,
    string AreaPath,
    long? ResidentId,
    long? ClaimerPersonId,
    long? ClaimerUnitId,
    DateTime CreatedAt,
    DateTime ResolveDueAt,
    DateTime? ResolvedAt,
    int EscalationLevel,
    long CategoryId,
    string Description,
    DateTime? NextRemindAt,
    DateTime? NextEscalateAt
)
{
    /// <summary>
    /// The category's name, from the cached categories (the scans read service_order alone, so each is one index
    /// range).
    /// </summary>
    public string CategoryName { get; init; } = "";
}

/// <summary>
/// The indexed scans behind the scheduled jobs. Each reads a bounded batch; the jobs make every action
/// idempotent (outbox keys, conditional updates), so overlapping or repeated runs do nothing twice.
/// </summary>
public sealed class OrderScans(Db db, Categories.CategoryStore categories)
{
    private const string Columns = """
        o.id, o.code, o.status, o.area_path AS AreaPath, o.resident_id AS ResidentId,
          o.claimer_person_id AS ClaimerPersonId,
        o.claimer_unit_id AS ClaimerUnitId, o.created_at AS CreatedAt, o.resolve_due_at AS ResolveDueAt,
          o.resolved_at AS ResolvedAt,
        o.escalation_level AS EscalationLevel, o.category_id AS CategoryId, o.description,
          o.next_remind_at AS NextRemindAt,
        o.next_escalate_at AS NextEscalateAt
        """;

    private static readonly string ReminderSql = $"""
        SELECT {Columns} FROM service_order o
        WHERE o.next_remind_at <= @now
        ORDER BY o.next_remind_at, o.id LIMIT @limit
        """;

    /// <summary>
    /// Orders whose next deadline reminder is due (sql/0007): an index range, however many orders there are.
    /// </summary>
    public async Task<IReadOnlyList<ScanRow>> RemindersDueAsync(
        DateTime now,
        int limit,
        CancellationToken ct = default
    ) => await QueryAsync(ReminderSql, new { now, limit }, ct);

    private const string AdvanceReminderSql =
        "UPDATE service_order SET next_remind_at = @next WHERE id = @id AND next_remind_at = @seen";

    /// <summary>
    /// Moves an order's next reminder on from the value the scan read, and runs <paramref name="alsoInTransaction"/>
    /// (the notice) in the same commit; false, with nothing written, when another run got there first.
    /// </summary>
    public Task<bool> AdvanceReminderAsync(
        long id,
        DateTime seen,
        DateTime? next,
        Func<DbConnection, DbTransaction, Task>? alsoInTransaction,
        CancellationToken ct = default
    ) =>
        UpdateThenAsync(
            AdvanceReminderSql,
            new
            {
                id,
                seen,
                next,
            },
            alsoInTransaction,
            ct
        );

    /// <summary>
    /// A conditional update of one order and, only when it applied, <paramref name="alsoInTransaction"/> in the same
    /// commit.
    /// </summary>
    private async Task<bool> UpdateThenAsync(
        string sql,
        object args,
        Func<DbConnection, DbTransaction, Task>? alsoInTransaction,
        CancellationToken ct
    )
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        if (await c.ExecuteAsync(new CommandDefinition(sql, args, tx, cancellationToken: ct)) != 1)
        {
            await tx.RollbackAsync(ct);
            return false;
        }
        if (alsoInTransaction is not null)
            await alsoInTransaction(c, tx);
        await tx.CommitAsync(ct);
        return true;
    }

    private static readonly string EscalationSql = $"""
        SELECT {Columns} FROM service_order o
        WHERE o.next_escalate_at <= @now
        ORDER BY o.next_escalate_at, o.id LIMIT @limit
        """;

    /// <summary>
    /// Orders whose next escalation step is due (sql/0008): an index range, however large the overdue backlog.
    /// </summary>
    public async Task<IReadOnlyList<ScanRow>> EscalationsDueAsync(
        DateTime now,
        int limit,
        CancellationToken ct = default
    ) => await QueryAsync(EscalationSql, new { now, limit }, ct);

    private const string RescheduleEscalationSql =
        "UPDATE service_order SET next_escalate_at = @next WHERE id = @id AND next_escalate_at = @seen";

    /// <summary>
    /// Moves the next escalation step on from the value the scan read (no step is due yet, or none is left).
    /// </summary>
    public async Task<bool> RescheduleEscalationAsync(
        long id,
        DateTime seen,
        DateTime? next,
        CancellationToken ct = default
    )
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteAsync(
                new CommandDefinition(
                    RescheduleEscalationSql,
                    new
                    {
                        id,
                        seen,
                        next,
                    },
                    cancellationToken: ct
                )
            ) == 1;
    }

    /// <summary>
    /// One escalation step: the level rises (only from below it, so a concurrent run makes this a no-op), the timeline
    /// records it, the next step is scheduled, and <paramref name="alsoInTransaction"/> (the notice) joins the commit.
    /// </summary>
    public async Task<bool> EscalateAsync(
        long id,
        int level,
        NewOrderEvent e,
        DateTime? next,
        DateTime now,
        Func<DbConnection, DbTransaction, Task> alsoInTransaction,
        CancellationToken ct
    )
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        if (!await OrderStore.EscalateAsync(c, tx, id, level, e, now, ct, reschedule: true, next))
        {
            await tx.RollbackAsync(ct);
            return false;
        }
        await alsoInTransaction(c, tx);
        await tx.CommitAsync(ct);
        return true;
    }

    public sealed record UrgentAlertRow(
        long Id,
        string Code,
        string Status,
        string AreaPath,
        string Description,
        string CategoryName,
        int UrgentAckHours,
        int UrgentAlertLevel,
        DateTime UrgentAlertNextAt
    );

    private const string UrgentAlertsDueSql = """
        SELECT o.id, o.code, o.status, o.area_path AS AreaPath, o.description, c.name AS CategoryName,
               c.urgent_ack_hours AS UrgentAckHours, o.urgent_alert_level AS UrgentAlertLevel,
               o.urgent_alert_next_at AS UrgentAlertNextAt
          FROM service_order o JOIN category c ON c.id = o.category_id
         WHERE o.urgent_alert_next_at <= @now
         ORDER BY o.urgent_alert_next_at LIMIT @limit
        """;

    /// <summary>Urgent orders whose next alert level is due (an index range on urgent_alert_next_at).</summary>
    public async Task<IReadOnlyList<UrgentAlertRow>> UrgentAlertsDueAsync(DateTime now, int limit, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (
            await c.QueryAsync<UrgentAlertRow>(
                new CommandDefinition(UrgentAlertsDueSql, new { now, limit }, cancellationToken: ct)
            )
        ).AsList();
    }

    private const string UrgentAlertStepSql = """
        UPDATE service_order SET urgent_alert_level = @level, urgent_alert_next_at = @next
         WHERE id = @id AND urgent_alert_level = @seenLevel AND urgent_alert_next_at = @seenAt
           AND urgent_acked_at IS NULL
        """;

    /// <summary>
    /// Moves an urgent alert to <paramref name="level"/> (or stops it: <paramref name="level"/> unchanged and no next
    /// time) from exactly the state read, so two nodes' scans move it once; the timeline event and the notices join the
    /// same commit.
    /// </summary>
    public async Task<bool> StepUrgentAlertAsync(
        UrgentAlertRow row,
        int level,
        DateTime? next,
        NewOrderEvent? e,
        DateTime now,
        Func<DbConnection, DbTransaction, Task>? alsoInTransaction,
        CancellationToken ct
    )
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var moved = await c.ExecuteAsync(
            new CommandDefinition(
                UrgentAlertStepSql,
                new
                {
                    id = row.Id,
                    level,
                    next,
                    seenLevel = row.UrgentAlertLevel,
                    seenAt = row.UrgentAlertNextAt,
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
        if (e is not null)
            await OrderStore.AppendEventAsync(c, tx, row.Id, e, now, ct);
        if (alsoInTransaction is not null)
            await alsoInTransaction(c, tx);
        await tx.CommitAsync(ct);
        return true;
    }

    private static readonly string FollowUpSql = $"""
        SELECT {Columns} FROM service_order o
        WHERE o.status = 'resolved' AND o.resolved_at <= @before AND o.followed_up_at IS NULL
        ORDER BY o.resolved_at, o.id LIMIT @limit
        """;

    /// <summary>
    /// Resolved orders waiting for a rating since before <paramref name="before"/> whose resident was not reminded yet.
    /// </summary>
    public async Task<IReadOnlyList<ScanRow>> FollowUpDueAsync(
        DateTime before,
        int limit,
        CancellationToken ct = default
    ) => await QueryAsync(FollowUpSql, new { before, limit }, ct);

    private static readonly string UnratedSql = $"""
        SELECT {Columns} FROM service_order o
        WHERE o.status = 'resolved' AND o.resolved_at <= @before
        ORDER BY o.resolved_at, o.id LIMIT @limit
        """;

    /// <summary>Orders resolved before the given time and still waiting for the resident's rating.</summary>
    public async Task<IReadOnlyList<ScanRow>> ResolvedUnratedAsync(
        DateTime before,
        int limit,
        CancellationToken ct = default
    ) => await QueryAsync(UnratedSql, new { before, limit }, ct);

    private const string FollowedUpSql = """
        UPDATE service_order SET followed_up_at = @now WHERE id = @id AND status = 'resolved' AND followed_up_at IS NULL
        """;

    /// <summary>Records the 回访 reminder with its notice, once: false when another run recorded it first.</summary>
    public Task<bool> MarkFollowedUpAsync(
        long id,
        DateTime now,
        Func<DbConnection, DbTransaction, Task> alsoInTransaction,
        CancellationToken ct = default
    ) => UpdateThenAsync(FollowedUpSql, new { id, now }, alsoInTransaction, ct);

    /// <summary>
    /// The query plans of the reminder and escalation scans (for the benchmark's proof that they use indexes).
    /// </summary>
    public async Task<IReadOnlyList<(string Scan, string Plan)>> ExplainAsync(
        DateTime now,
        int limit,
        CancellationToken ct = default
    )
    {
        await using var c = await db.OpenAsync(ct);
        var result = new List<(string, string)>();
        foreach (
            var (scan, sql, args) in new (string, string, object)[]
            {
                ("reminders", ReminderSql, new { now, limit }),
                ("escalation", EscalationSql, new { now, limit }),
                ("follow-up", FollowUpSql, new { before = now.AddDays(-3), limit }),
                ("auto-close", UnratedSql, new { before = now.AddDays(-7), limit }),
            }
        )
        {
            var rows = await c.QueryAsync(new CommandDefinition("EXPLAIN " + sql, args, cancellationToken: ct));
            foreach (IDictionary<string, object?> row in rows)
                result.Add(
                    (
                        scan,
                        $"table={row["table"]} type={row["type"]} key={row["key"] ?? "NULL"} rows={row["rows"]} "
                            + $"extra={row["Extra"]}"
                    )
                );
        }
        return result;
    }

    private async Task<IReadOnlyList<ScanRow>> QueryAsync(string sql, object args, CancellationToken ct)
    {
        var names = (await categories.ListAllAsync(ct)).ToDictionary(x => x.Id, x => x.Name);
        await using var c = await db.OpenAsync(ct);
        return (
            await c.QueryAsync<ScanRow>(new CommandDefinition(sql, args, cancellationToken: ct, commandTimeout: 120))
        )
            .Select(r =>
                r with
                {
                    CategoryName = names.GetValueOrDefault(r.CategoryId, ""),
                    CreatedAt = r.CreatedAt.Utc(),
                    ResolveDueAt = r.ResolveDueAt.Utc(),
                    ResolvedAt = r.ResolvedAt.Utc(),
                    NextRemindAt = r.NextRemindAt.Utc(),
                    NextEscalateAt = r.NextEscalateAt.Utc(),
                }
            )
            .ToList();
    }

    private const string StaleClaimsSql = """
        SELECT o.id FROM service_order o STRAIGHT_JOIN category c ON c.id = o.category_id
        WHERE o.status = 'claimed' AND o.claimed_at < @oldest AND o.started_at IS NULL
          AND o.claimed_at < @now - INTERVAL c.claim_window_hours HOUR
        ORDER BY o.claimed_at LIMIT @limit
        """;

    /// <summary>
    /// Claims not started within their category's claim window (the scan behind "returns to the pool"). The shortest
    /// window bounds the range read on (status, claimed_at); STRAIGHT_JOIN keeps the optimiser from starting at
    /// category.
    /// </summary>
    public async Task<IReadOnlyList<long>> StaleClaimsAsync(
        DateTime now,
        int shortestWindowHours,
        int limit,
        CancellationToken ct = default
    )
    {
        await using var c = await db.OpenAsync(ct);
        return (
            await c.QueryAsync<long>(
                new CommandDefinition(
                    StaleClaimsSql,
                    new
                    {
                        now,
                        oldest = now.AddHours(-Math.Max(1, shortestWindowHours)),
                        limit,
                    },
                    cancellationToken: ct
                )
            )
        ).AsList();
    }
}
