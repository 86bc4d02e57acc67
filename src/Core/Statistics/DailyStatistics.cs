using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dapper;
using Governance.Core.Data;
using Governance.Core.Time;
using Microsoft.Extensions.Logging;

namespace Governance.Core.Statistics;

/// <summary>
/// Computes the statistics of one China day into stat_daily: every event of the day (an order received, a response or
/// resolution deadline reached, a rating, a reopening, an escalation, a summons, a list item, a claim closed, a
/// meeting, an activity, service hours, a visit) is read once and counted for each scope it belongs to — every area
/// above the place (county, street, community, compound, grid), the category, the unit and the member who held the
/// order. A day is replaced whole in one transaction, so a rerun gives the same rows and a reader never sees half a
/// day. <see cref="CatchUpAsync"/> continues from the last computed day.
/// </summary>
public sealed class DailyStatistics(Db db, TimeProvider clock, ILogger<DailyStatistics> log)
{
    /// <summary>
    /// Days recomputed every night before the new one, for late changes (an extended deadline, a reopening).
    /// </summary>
    public const int RecomputeDays = 7;

    /// <summary>
    /// The nightly run: recomputes the last <see cref="RecomputeDays"/> computed days and computes every day after them
    /// up to yesterday (a first run starts at the day of the first thing counted). Returns the days computed.
    /// </summary>
    public async Task<int> CatchUpAsync(CancellationToken ct)
    {
        var yesterday = ChinaTime.Today(clock.GetUtcNow().UtcDateTime).AddDays(-1);
        DateTime? last;
        await using (var c = await db.OpenAsync(ct))
            last = await c.ExecuteScalarAsync<DateTime?>(
                new CommandDefinition("SELECT MAX(day) FROM stat_day", cancellationToken: ct)
            );
        var from = last is { } l
            ? DateOnly.FromDateTime(l).AddDays(-(RecomputeDays - 1))
            : await FirstDayAsync(ct) ?? yesterday;
        return await ComputeRangeAsync(from, yesterday, ct);
    }

    /// <summary>
    /// The China day of the first thing counted (an order, a list item, a meeting …), where a rebuild starts.
    /// </summary>
    public async Task<DateOnly?> FirstDayAsync(CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var first = await c.ExecuteScalarAsync<DateTime?>(
            new CommandDefinition(
                """
                SELECT MIN(t) FROM (
                  SELECT MIN(created_at) AS t FROM service_order UNION ALL SELECT MIN(created_at) FROM list_item
                  UNION ALL SELECT MIN(scheduled_at) FROM meeting UNION ALL SELECT MIN(starts_at) FROM activity
                  UNION ALL SELECT MIN(visited_at) FROM visit
                  UNION ALL SELECT CAST(MIN(served_on) AS DATETIME) FROM service_record) x
                """,
                cancellationToken: ct
            )
        );
        return first is { } f ? ChinaTime.Today(f) : null;
    }

    /// <summary>Recomputes every day from <paramref name="from"/> to <paramref name="to"/> (a full rebuild).</summary>
    public async Task<int> RebuildAsync(DateOnly from, DateOnly to, CancellationToken ct)
    {
        var days = await ComputeRangeAsync(from, to, ct);
        log.LogInformation("Statistics rebuilt for {Days} days from {From} to {To}", days, from, to);
        return days;
    }

    /// <summary>
    /// Computes the days, two at a time (one day's reads overlap the other's writes: days share no rows, and a deadlock
    /// between their index locks is run again), then the months they fall in once each.
    /// </summary>
    private async Task<int> ComputeRangeAsync(DateOnly from, DateOnly to, CancellationToken ct)
    {
        var days = Math.Max(0, to.DayNumber - from.DayNumber + 1);
        await Parallel.ForEachAsync(
            Enumerable.Range(0, days).Select(from.AddDays),
            new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = ct },
            async (d, token) => await Db.RetryOnDeadlockAsync(() => ComputeOnceAsync(d, token), token)
        );
        for (var m = new DateOnly(from.Year, from.Month, 1); m <= to; m = m.AddMonths(1))
            await Db.RetryOnDeadlockAsync(() => RollUpMonthAsync(m, ct), ct);
        return days;
    }

    /// <summary>
    /// Computes one China day and its month's sums; returns the day's rows. A deadlock with a concurrent run of the
    /// same day (a rebuild by hand while the nightly job runs) rolls the whole day back, so it is simply run again.
    /// </summary>
    public async Task<int> ComputeAsync(DateOnly day, CancellationToken ct)
    {
        var rows = await Db.RetryOnDeadlockAsync(() => ComputeOnceAsync(day, ct), ct);
        await Db.RetryOnDeadlockAsync(() => RollUpMonthAsync(new DateOnly(day.Year, day.Month, 1), ct), ct);
        return rows;
    }

    /// <summary>Replaces a month's rows of stat_monthly with the sums of its days in stat_daily.</summary>
    private async Task<int> RollUpMonthAsync(DateOnly month, CancellationToken ct)
    {
        var args = new
        {
            scopes = StatScope.All,
            month = month.ToDateTime(TimeOnly.MinValue),
            next = month.AddMonths(1).ToDateTime(TimeOnly.MinValue),
        };
        var columns = string.Join(", ", StatCounts.Columns);
        var sums = string.Join(", ", StatCounts.Columns.Select(col => $"SUM({col})"));
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        await c.ExecuteAsync(
            new CommandDefinition(
                "DELETE FROM stat_monthly WHERE scope IN @scopes AND day = @month",
                args,
                tx,
                cancellationToken: ct
            )
        );
        var rows = await c.ExecuteAsync(
            new CommandDefinition(
                $"""
                INSERT INTO stat_monthly (day, scope, scope_id, {columns})
                SELECT @month, scope, scope_id, {sums} FROM stat_daily
                 WHERE scope IN @scopes AND day >= @month AND day < @next GROUP BY scope, scope_id
                """,
                args,
                tx,
                cancellationToken: ct
            )
        );
        await tx.CommitAsync(ct);
        return rows;
    }

    private async Task<int> ComputeOnceAsync(DateOnly day, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var from = ChinaTime.ToUtc(day, TimeOnly.MinValue);
        var to = ChinaTime.ToUtc(day.AddDays(1), TimeOnly.MinValue);
        var args = new
        {
            from,
            to,
            day = day.ToDateTime(TimeOnly.MinValue),
        };
        await using var c = await db.OpenAsync(ct);
        var places = (
            await c.QueryAsync<(long Id, string Kind)>(new CommandDefinition(PlacesSql, cancellationToken: ct))
        ).ToDictionary(p => p.Id, p => p.Kind);
        var tally = new Tally(places);

        foreach (
            var o in await c.QueryAsync<OrderFact>(new CommandDefinition(ReceivedSql, args, cancellationToken: ct))
        )
            tally.Order(o, s => s.Received++, holders: false);
        foreach (var o in await c.QueryAsync<OrderFact>(new CommandDefinition(ClaimedSql, args, cancellationToken: ct)))
            tally.Holders(o, s => s.Received++);
        foreach (var o in await c.QueryAsync<OrderFact>(new CommandDefinition(AckDueSql, args, cancellationToken: ct)))
        {
            var onTime = o.RespondedAt is { } r && r <= o.DueAt;
            tally.Order(
                o,
                s =>
                {
                    s.AckDue++;
                    if (onTime)
                        s.AckOnTime++;
                },
                holders: false
            );
        }
        foreach (
            var o in await c.QueryAsync<OrderFact>(new CommandDefinition(ResolveDueSql, args, cancellationToken: ct))
        )
        {
            var onTime = o.ResolvedAt is { } r && r <= o.DueAt;
            tally.Order(o, s =>
            {
                s.ResolveDue++;
                if (onTime)
                    s.ResolveOnTime++;
            });
        }
        foreach (
            var o in await c.QueryAsync<OrderFact>(new CommandDefinition(ResolvedSql, args, cancellationToken: ct))
        )
        {
            var hours = (o.ResolvedAt!.Value - o.CreatedAt).TotalHours;
            var response = o.RespondedAt is { } r ? (long)Math.Max(0, (r - o.CreatedAt).TotalMinutes) : (long?)null;
            tally.Order(o, s =>
            {
                s.Resolved++;
                s.ResolveMinutes += (long)Math.Max(0, hours * 60);
                s.AddResolution(hours);
                if (response is { } m)
                {
                    s.Responded++;
                    s.ResponseMinutes += m;
                }
            });
        }
        foreach (var e in await c.QueryAsync<OrderFact>(new CommandDefinition(EventsSql, args, cancellationToken: ct)))
        {
            Action<StatCounts>? count = e.Kind switch
            {
                "rated" when Rating(e.Data) is { } rating => s =>
                {
                    s.Rated++;
                    if (rating is "satisfied" or "basically_satisfied")
                        s.Satisfied++;
                }
                ,
                "reopened" => s => s.Reopened++,
                "escalated" => s => s.Escalated++,
                _ => null,
            };
            if (count is not null)
                tally.Order(e, count);
        }
        foreach (var o in await c.QueryAsync<OrderFact>(new CommandDefinition(SummonsSql, args, cancellationToken: ct)))
        {
            tally.Order(o with { UnitId = null, PersonId = null }, s => s.Summoned++);
            tally.Scope(StatScope.Unit, o.UnitId!.Value).Summoned++;
        }
        foreach (
            var f in await c.QueryAsync<PracticeFact>(new CommandDefinition(PracticeSql, args, cancellationToken: ct))
        )
        {
            Action<StatCounts> count = f.Kind switch
            {
                "list_item" => s => s.ListItems++,
                "claim_done" => s => s.ClaimsDone++,
                "meeting" => s => s.Meetings++,
                "activity" => s => s.Activities++,
                "visit" => s => s.Visits++,
                _ => s => s.ServiceMinutes += f.Minutes,
            };
            tally.Practice(f, count);
        }

        var rows = tally.Rows().ToList();
        await using var tx = await c.BeginTransactionAsync(ct);
        await c.ExecuteAsync(
            // By scope and day (ix_stat_daily_day): by the day alone it would scan the whole table.
            new CommandDefinition(
                "DELETE FROM stat_daily WHERE scope IN @scopes AND day = @day",
                new { scopes = StatScope.All, args.day },
                tx,
                cancellationToken: ct
            )
        );
        foreach (var batch in rows.Chunk(500))
            await c.ExecuteAsync(new CommandDefinition(InsertSql(day, batch), transaction: tx, cancellationToken: ct));
        await c.ExecuteAsync(
            new CommandDefinition(
                """
                INSERT INTO stat_day (day, rows_written, duration_ms, computed_at) VALUES (@day, @rows, @ms, @now)
                ON DUPLICATE KEY UPDATE rows_written = VALUES(rows_written), duration_ms = VALUES(duration_ms),
                  computed_at = VALUES(computed_at)
                """,
                new
                {
                    day = args.day,
                    rows = rows.Count,
                    ms = (int)watch.ElapsedMilliseconds,
                    now = clock.GetUtcNow().UtcDateTime,
                },
                tx,
                cancellationToken: ct
            )
        );
        await tx.CommitAsync(ct);
        return rows.Count;
    }

    private static string? Rating(string? data)
    {
        if (data is null)
            return null;
        foreach (var r in new[] { "basically_satisfied", "unsatisfied", "satisfied" })
            if (data.Contains($"\"{r}\"", StringComparison.Ordinal))
                return r;
        return null;
    }

    /// <summary>
    /// Rows are numbers only (scope names are constants), written as literals: 500 rows in one statement.
    /// </summary>
    private static string InsertSql(DateOnly day, IEnumerable<(string Scope, long Id, StatCounts Counts)> rows)
    {
        var sb = new StringBuilder("INSERT INTO stat_daily (day, scope, scope_id, ");
        sb.Append(string.Join(", ", StatCounts.Columns)).Append(") VALUES ");
        var first = true;
        var d = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        foreach (var (scope, id, counts) in rows)
        {
            if (!first)
                sb.Append(',');
            first = false;
            sb.Append("('").Append(d).Append("','").Append(scope).Append("',").Append(id);
            foreach (var v in counts.Values())
                sb.Append(',').Append(v.ToString(CultureInfo.InvariantCulture));
            sb.Append(')');
        }
        return sb.ToString();
    }

    /// <summary>The counts of the day by scope.</summary>
    private sealed class Tally(Dictionary<long, string> places)
    {
        private readonly Dictionary<(string, long), StatCounts> _rows = [];

        public StatCounts Scope(string scope, long id)
        {
            if (!_rows.TryGetValue((scope, id), out var s))
                _rows[(scope, id)] = s = new StatCounts();
            return s;
        }

        /// <summary>Counts an order's event for its areas and category, and (unless told not to) its holders.</summary>
        public void Order(OrderFact o, Action<StatCounts> count, bool holders = true)
        {
            foreach (var id in AreasOf(o.Path))
                count(Scope(StatScope.Area, id));
            if (o.CategoryId is { } category)
            {
                count(Scope(StatScope.Category, category));
                foreach (var id in AreasOf(o.Path).Where(id => places[id] is "county" or "street" or "community"))
                    count(Scope(StatScope.AreaCategory, StatScope.AreaCategoryId(id, category)));
            }
            if (holders)
                Holders(o, count);
        }

        public void Holders(OrderFact o, Action<StatCounts> count)
        {
            if (o.UnitId is { } unit)
                count(Scope(StatScope.Unit, unit));
            if (o.PersonId is { } person)
                count(Scope(StatScope.Member, person));
        }

        public void Practice(PracticeFact f, Action<StatCounts> count)
        {
            foreach (var id in AreasOf(f.Path))
                count(Scope(StatScope.Area, id));
            if (f.UnitId is { } unit)
                count(Scope(StatScope.Unit, unit));
            if (f.PersonId is { } person)
                count(Scope(StatScope.Member, person));
        }

        private IEnumerable<long> AreasOf(string? path) =>
            path is null
                ? []
                : path.Split('/', StringSplitOptions.RemoveEmptyEntries)
                    .Select(s => long.Parse(s, CultureInfo.InvariantCulture))
                    .Where(places.ContainsKey);

        public IEnumerable<(string Scope, long Id, StatCounts Counts)> Rows() =>
            _rows.Where(r => !r.Value.IsEmpty).Select(r => (r.Key.Item1, r.Key.Item2, r.Value));
    }

    /// <summary>An order (or one of its events) as the day's queries read it.</summary>
    private sealed record OrderFact
    {
        public string Path { get; init; } = "";
        public long? CategoryId { get; init; }
        public long? UnitId { get; init; }
        public long? PersonId { get; init; }
        public DateTime CreatedAt { get; init; }
        public DateTime DueAt { get; init; }
        public DateTime? RespondedAt { get; init; }
        public DateTime? ResolvedAt { get; init; }
        public string? Kind { get; init; }
        public string? Data { get; init; }
    }

    private sealed record PracticeFact
    {
        public string Kind { get; init; } = "";
        public string? Path { get; init; }
        public long? UnitId { get; init; }
        public long? PersonId { get; init; }
        public long Minutes { get; init; }
    }

    /// <summary>Places statistics are kept for: every area above the building.</summary>
    private const string PlacesSql = "SELECT id, kind FROM area WHERE kind <> 'building'";

    /// <summary>The order's holder: the claiming member and their unit, or the claiming unit.</summary>
    private const string Holder = """
        o.area_path AS Path, o.category_id AS CategoryId, COALESCE(o.claimer_unit_id, m.unit_id) AS UnitId,
        o.claimer_person_id AS PersonId, o.created_at AS CreatedAt,
        CASE WHEN o.accepted_at IS NULL THEN o.claimed_at WHEN o.claimed_at IS NULL THEN o.accepted_at
             ELSE LEAST(o.accepted_at, o.claimed_at) END AS RespondedAt, o.resolved_at AS ResolvedAt
        """;

    /// <summary>The statuses of orders that stayed in the flow (not rejected, merged or cancelled).</summary>
    private const string InFlow = "('submitted','accepted','published','claimed','in_progress','resolved','closed')";

    private const string ReceivedSql =
        "SELECT o.area_path AS Path, o.category_id AS CategoryId FROM service_order o "
        + "WHERE o.created_at >= @from AND o.created_at < @to";

    private const string ClaimedSql = $"""
        SELECT {Holder} FROM service_order o LEFT JOIN member m ON m.person_id = o.claimer_person_id
         WHERE o.claimed_at >= @from AND o.claimed_at < @to AND o.status IN {InFlow}
        """;

    private const string AckDueSql = $"""
        SELECT {Holder}, o.ack_due_at AS DueAt FROM service_order o LEFT JOIN member m ON m.person_id =
          o.claimer_person_id
         WHERE o.ack_due_at >= @from AND o.ack_due_at < @to AND o.status IN {InFlow}
        """;

    private const string ResolveDueSql = $"""
        SELECT {Holder}, o.resolve_due_at AS DueAt FROM service_order o
          LEFT JOIN member m ON m.person_id = o.claimer_person_id
         WHERE o.status IN {InFlow} AND o.resolve_due_at >= @from AND o.resolve_due_at < @to
        """;

    private const string ResolvedSql = $"""
        SELECT {Holder} FROM service_order o LEFT JOIN member m ON m.person_id = o.claimer_person_id
         WHERE o.resolved_at >= @from AND o.resolved_at < @to
        """;

    private const string EventsSql = $"""
        SELECT {Holder}, e.kind AS Kind, e.data AS Data FROM order_event e JOIN service_order o ON o.id = e.order_id
          LEFT JOIN member m ON m.person_id = o.claimer_person_id
         WHERE e.kind IN ('rated', 'reopened', 'escalated') AND e.created_at >= @from AND e.created_at < @to
        """;

    private const string SummonsSql = """
        SELECT o.area_path AS Path, o.category_id AS CategoryId, s.unit_id AS UnitId
          FROM order_summons s JOIN service_order o ON o.id = s.order_id
         WHERE s.created_at >= @from AND s.created_at < @to
        """;

    private const string PracticeSql = """
        SELECT 'list_item' AS Kind, a.path AS Path, NULL AS UnitId, NULL AS PersonId, 0 AS Minutes
          FROM list_item i JOIN area a ON a.id = i.community_id WHERE i.created_at >= @from AND i.created_at < @to
        UNION ALL
        SELECT 'claim_done', a.path, c.unit_id, NULL, 0
          FROM list_claim c JOIN list_item i ON i.id = c.item_id JOIN area a ON a.id = i.community_id
         WHERE c.decided_at >= @from AND c.decided_at < @to AND c.status = 'done'
        UNION ALL
        SELECT 'meeting', a.path, NULL, NULL, 0 FROM meeting m JOIN area a ON a.id = m.area_id
         WHERE m.scheduled_at >= @from AND m.scheduled_at < @to
        UNION ALL
        SELECT 'activity', a.path, x.unit_id, NULL, 0 FROM activity x JOIN area a ON a.id = x.community_id
         WHERE x.status IN ('open', 'closed') AND x.starts_at >= @from AND x.starts_at < @to
        UNION ALL
        SELECT 'service', a.path, r.unit_id, r.person_id, r.minutes
          FROM service_record r LEFT JOIN area a ON a.id = r.community_id WHERE r.served_on = @day
        UNION ALL
        SELECT 'visit', a.path, NULL, v.visitor_id, 0
          FROM visit v JOIN household h ON h.id = v.household_id JOIN area a ON a.id = h.building_id
         WHERE v.visited_at >= @from AND v.visited_at < @to
        """;
}
