using Dapper;
using Governance.Core.Areas;
using Governance.Core.Data;
using Governance.Core.Errors;
using Governance.Core.Lists;
using Governance.Core.People;
using Governance.Core.Time;

namespace Governance.Core.Statistics;

public static class StatErrors
{
    public static readonly ErrorCode AreaNotFound = new("stats.area_not_found", ErrorKind.NotFound, "区域不存在");
    public static readonly ErrorCode StaffOnly = new(
        "stats.staff_only",
        ErrorKind.Forbidden,
        "只有本区域或上级工作人员可以查看统计"
    );
    public static readonly ErrorCode BadPeriod = new(
        "stats.bad_period",
        ErrorKind.Validation,
        "统计时段应为 from ≤ to 的日期（yyyy-MM-dd），最长五年",
        "from"
    );
    public static readonly ErrorCode UnknownLevel = new(
        "stats.unknown_level",
        ErrorKind.Validation,
        "排名对象应为 street、community、grid、unit 或 member",
        "level"
    );
    public static readonly ErrorCode UnknownMetric = new(
        "stats.unknown_metric",
        ErrorKind.Validation,
        "排名指标应为 satisfaction、response、resolution、hours、visits 或 claims",
        "metric"
    );
    public static readonly ErrorCode UnknownTable = new(
        "stats.unknown_table",
        ErrorKind.NotFound,
        "没有这张统计表：可导出 areas（下级区域）、units（单位）、categories（类别）、members（党员）或 rankings（排名）"
    );

    public static readonly ErrorCode[] Read = [AreaNotFound, StaffOnly, BadPeriod];
    public static readonly ErrorCode[] Rank = [AreaNotFound, StaffOnly, BadPeriod, UnknownLevel, UnknownMetric];
    public static readonly ErrorCode[] Export =
    [
        AreaNotFound,
        StaffOnly,
        BadPeriod,
        UnknownLevel,
        UnknownMetric,
        UnknownTable,
        LedgerErrors.UnknownFormat,
    ];
}

/// <summary>A row of a statistics table: a place, unit, category or member with its figures.</summary>
public sealed record StatRow(long Id, string Name, string? Parent, Figures Figures);

public sealed record SeriesPoint(string Period, Figures Figures);

/// <summary>Orders open now under a place (init properties: the sums come back as DECIMAL).</summary>
public sealed record LiveCounts
{
    public long Open { get; init; }
    public long NewToday { get; init; }
    public long Urgent { get; init; }
    public long Overdue { get; init; }
    public long Escalated { get; init; }
}

public sealed record Dashboard(
    long AreaId,
    string AreaName,
    string AreaKind,
    DateOnly From,
    DateOnly To,
    DateOnly? ComputedThrough,
    LiveCounts Live,
    Figures Period,
    Figures Previous,
    IReadOnlyList<SeriesPoint> Series,
    IReadOnlyList<StatRow> Children,
    IReadOnlyList<StatDefinition> Definitions
);

public sealed record RankingEntry(
    int? Rank,
    long Id,
    string Name,
    string? Parent,
    double? Value,
    long Sample,
    double? Smoothed,
    bool BelowSample,
    int? PreviousRank,
    double? PreviousValue,
    double? Change
);

public sealed record Ranking(
    string Level,
    string Metric,
    StatDefinition Definition,
    DateOnly From,
    DateOnly To,
    DateOnly PreviousFrom,
    DateOnly PreviousTo,
    string Method,
    int MinSample,
    IReadOnlyList<RankingEntry> Entries
);

/// <summary>
/// Reads the precomputed statistics (from the replica when one is configured): a period's figures for any scope, series
/// for charts, the table of an area's children, units, categories and members, the dashboard and the rankings. Every
/// figure is computed from the summed counts of its days, with the definitions alongside.
/// </summary>
public sealed class StatisticsReader(
    ReadDb read,
    AreaStore areas,
    Categories.CategoryStore categoryStore,
    TimeProvider clock
)
{
    public static readonly string[] Levels = ["street", "community", "grid", "unit", "member"];
    public static readonly string[] Metrics = ["satisfaction", "response", "resolution", "hours", "visits", "claims"];
    public static readonly string[] Tables = ["areas", "units", "categories", "members", "rankings"];

    /// <summary>
    /// Below this many ratings (or deadlines) a place is listed but not ranked, unless asked otherwise.
    /// </summary>
    public const int DefaultMinSample = 30;

    private static readonly string Sums = string.Join(", ", StatCounts.Columns.Select(c => $"SUM({c}) AS {Pascal(c)}"));

    private static string Pascal(string column) =>
        string.Concat(column.Split('_').Select(p => char.ToUpperInvariant(p[0]) + p[1..]));

    /// <summary>The period asked for, defaulting to the last 30 computed days (to yesterday).</summary>
    public Result<(DateOnly From, DateOnly To)> Period(DateOnly? from, DateOnly? to)
    {
        var yesterday = ChinaTime.Today(clock.GetUtcNow().UtcDateTime).AddDays(-1);
        var t = to ?? yesterday;
        var f = from ?? t.AddDays(-29);
        if (f > t || t.DayNumber - f.DayNumber > 366 * 5)
            return StatErrors.BadPeriod;
        return (f, t);
    }

    /// <summary>
    /// The area, when the caller is staff over it (a secretary their community, a street or the county).
    /// </summary>
    public async Task<Result<Area>> AreaForAsync(Caller caller, long areaId, CancellationToken ct)
    {
        if (await areas.GetAsync(areaId, ct) is not { } area || area.Kind == AreaKind.Building)
            return StatErrors.AreaNotFound;
        if (!caller.IsStaffOver(area.Path))
            return StatErrors.StaffOnly;
        return area;
    }

    /// <summary>The place (for staff over it) and the period asked for: what every read starts with.</summary>
    private async Task<Result<(Area Area, DateOnly From, DateOnly To)>> AreaAndPeriodAsync(
        Caller caller,
        long areaId,
        DateOnly? fromDay,
        DateOnly? toDay,
        CancellationToken ct
    )
    {
        var found = await AreaForAsync(caller, areaId, ct);
        if (!found.IsOk)
            return found.Error!;
        var period = Period(fromDay, toDay);
        if (!period.IsOk)
            return period.Error!;
        return (found.Value!, period.Value.From, period.Value.To);
    }

    /// <summary>
    /// Summed counts per scope id over the period (all ids of the scope when <paramref name="ids"/> is null).
    /// </summary>
    public async Task<Dictionary<long, StatCounts>> TotalsAsync(
        string scope,
        IReadOnlyCollection<long>? ids,
        DateOnly from,
        DateOnly to,
        CancellationToken ct
    )
    {
        if (ids is { Count: 0 })
            return [];
        var rows = await SumAsync<long>(
            "scope_id",
            ids is null ? "" : "AND scope_id IN @ids",
            new { scope, ids },
            from,
            to,
            ct
        );
        return rows.ToDictionary(r => r.Key, r => r.Counts);
    }

    /// <summary>Summed counts per scope id for the ids in [lowId, highId) (the categories of one place).</summary>
    private async Task<Dictionary<long, StatCounts>> TotalsBetweenAsync(
        string scope,
        long lowId,
        long highId,
        DateOnly from,
        DateOnly to,
        CancellationToken ct
    ) =>
        (
            await SumAsync<long>(
                "scope_id",
                "AND scope_id >= @lowId AND scope_id < @highId",
                new
                {
                    scope,
                    lowId,
                    highId,
                },
                from,
                to,
                ct
            )
        ).ToDictionary(r => r.Key, r => r.Counts);

    public async Task<StatCounts> TotalAsync(string scope, long id, DateOnly from, DateOnly to, CancellationToken ct) =>
        (await TotalsAsync(scope, [id], from, to, ct)).GetValueOrDefault(id) ?? new StatCounts();

    /// <summary>A place's figures by day, ISO week or month, for staff over it.</summary>
    public async Task<Result<IReadOnlyList<SeriesPoint>>> SeriesForAsync(
        Caller caller,
        long areaId,
        DateOnly? fromDay,
        DateOnly? toDay,
        string? interval,
        CancellationToken ct
    )
    {
        var asked = await AreaAndPeriodAsync(caller, areaId, fromDay, toDay, ct);
        if (!asked.IsOk)
            return asked.Error!;
        var (_, from, to) = asked.Value;
        return Result<IReadOnlyList<SeriesPoint>>.From(
            await SeriesAsync(StatScope.Area, areaId, from, to, interval ?? "day", ct)
        );
    }

    /// <summary>A scope's figures by day, ISO week or month, for charts.</summary>
    public async Task<IReadOnlyList<SeriesPoint>> SeriesAsync(
        string scope,
        long id,
        DateOnly from,
        DateOnly to,
        string interval,
        CancellationToken ct
    )
    {
        var key = interval switch
        {
            "month" => "DATE_FORMAT(day, '%Y-%m')",
            "week" => "DATE_FORMAT(day, '%x-W%v')",
            _ => "DATE_FORMAT(day, '%Y-%m-%d')",
        };
        var rows = await SumAsync<string>(
            key,
            "AND scope_id = @id",
            new { scope, id },
            from,
            to,
            ct,
            byDay: interval != "month"
        );
        return rows.OrderBy(r => r.Key, StringComparer.Ordinal)
            .Select(r => new SeriesPoint(r.Key, r.Counts.ToFigures()))
            .ToList();
    }

    /// <summary>
    /// The one read of the statistics: the counts of a scope (@scope in <paramref name="args"/>) over the period,
    /// summed by <paramref name="key"/> (a column or expression of day, scope_id), narrowed by <paramref
    /// name="filter"/>. The period's whole months come from stat_monthly (twelve rows a year per place), the days
    /// around them from stat_daily; <paramref name="byDay"/> reads days only (a series by day or week).
    /// </summary>
    private async Task<List<(TKey Key, StatCounts Counts)>> SumAsync<TKey>(
        string key,
        string filter,
        object args,
        DateOnly from,
        DateOnly to,
        CancellationToken ct,
        bool byDay = false
    )
    {
        var firstMonth = from.Day == 1 ? from : new DateOnly(from.Year, from.Month, 1).AddMonths(1);
        var afterMonths = new DateOnly(to.Year, to.Month, 1);
        if (to.AddDays(1).Day == 1)
            afterMonths = afterMonths.AddMonths(1);
        if (byDay || afterMonths <= firstMonth)
            (firstMonth, afterMonths) = (from, from); // no whole month: every day from stat_daily
        var parameters = new DynamicParameters(args);
        parameters.Add("from", from.ToDateTime(TimeOnly.MinValue));
        parameters.Add("to", to.ToDateTime(TimeOnly.MinValue));
        parameters.Add("months", firstMonth.ToDateTime(TimeOnly.MinValue));
        parameters.Add("afterMonths", afterMonths.ToDateTime(TimeOnly.MinValue));
        var columns = string.Join(", ", StatCounts.Columns);
        await using var c = await read.Db.OpenAsync(ct);
        var rows = await c.QueryAsync<StatCounts, TKey, (TKey Key, StatCounts Counts)>(
            new CommandDefinition(
                $"""
                SELECT {Sums}, {key} AS SumKey FROM (
                  SELECT day, scope_id, {columns} FROM stat_monthly
                   WHERE scope = @scope AND day >= @months AND day < @afterMonths {filter}
                  UNION ALL
                  SELECT day, scope_id, {columns} FROM stat_daily
                   WHERE scope = @scope AND day >= @from AND day < @months {filter}
                  UNION ALL
                  SELECT day, scope_id, {columns} FROM stat_daily
                   WHERE scope = @scope AND day >= @afterMonths AND day <= @to {filter}
                ) x GROUP BY {key}
                """,
                parameters,
                cancellationToken: ct
            ),
            (counts, k) => (k, counts),
            splitOn: "SumKey"
        );
        return rows.ToList();
    }

    /// <summary>The last day computed (figures are complete up to it).</summary>
    public async Task<DateOnly?> ComputedThroughAsync(CancellationToken ct)
    {
        await using var c = await read.Db.OpenAsync(ct);
        var last = await c.ExecuteScalarAsync<DateTime?>(
            new CommandDefinition("SELECT MAX(day) FROM stat_day", cancellationToken: ct)
        );
        return last is { } l ? DateOnly.FromDateTime(l) : null;
    }

    public async Task<Result<Dashboard>> DashboardAsync(
        Caller caller,
        long areaId,
        DateOnly? fromDay,
        DateOnly? toDay,
        CancellationToken ct
    )
    {
        var asked = await AreaAndPeriodAsync(caller, areaId, fromDay, toDay, ct);
        if (!asked.IsOk)
            return asked.Error!;
        var (area, from, to) = asked.Value;
        var length = to.DayNumber - from.DayNumber + 1;
        var live = await LiveAsync(area.Path, ct);
        var total = await TotalAsync(StatScope.Area, area.Id, from, to, ct);
        var previous = await TotalAsync(StatScope.Area, area.Id, from.AddDays(-length), from.AddDays(-1), ct);
        var series = await SeriesAsync(StatScope.Area, area.Id, from, to, length > 92 ? "month" : "day", ct);
        var children = await ChildRowsAsync(area, from, to, ct);
        return new Dashboard(
            area.Id,
            area.Name,
            area.Kind,
            from,
            to,
            await ComputedThroughAsync(ct),
            live,
            total.ToFigures(),
            previous.ToFigures(),
            series,
            children,
            StatDefinitions.All
        );
    }

    /// <summary>
    /// Now, from the orders themselves: open, new today, urgent, overdue and escalated under the place.
    /// </summary>
    private async Task<LiveCounts> LiveAsync(string path, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var today = ChinaTime.ToUtc(ChinaTime.Today(now), TimeOnly.MinValue);
        await using var c = await read.Db.OpenAsync(ct);
        return await c.QuerySingleAsync<LiveCounts>(
            new CommandDefinition(
                """
                SELECT COUNT(*) AS Open, COALESCE(SUM(created_at >= @today), 0) AS NewToday,
                       COALESCE(SUM(urgency = 'urgent'), 0) AS Urgent, COALESCE(SUM(resolve_due_at < @now), 0) AS
                         Overdue,
                       COALESCE(SUM(escalation_level > 0), 0) AS Escalated
                  FROM service_order
                 WHERE status IN ('submitted','accepted','published','claimed','in_progress')
                   AND area_path LIKE CONCAT(@path, '%')
                """,
                new
                {
                    path,
                    now,
                    today,
                },
                cancellationToken: ct
            )
        );
    }

    /// <summary>Each candidate with its figures (empty ones for those with nothing counted).</summary>
    private static List<StatRow> Rows(IEnumerable<Candidate> candidates, Dictionary<long, StatCounts> totals) =>
        candidates
            .Select(x => new StatRow(x.Id, x.Name, x.Parent, (totals.GetValueOrDefault(x.Id) ?? new()).ToFigures()))
            .ToList();

    /// <summary>The area's children (streets of a county, communities of a street …) with their figures.</summary>
    public async Task<IReadOnlyList<StatRow>> ChildRowsAsync(
        Area area,
        DateOnly from,
        DateOnly to,
        CancellationToken ct
    )
    {
        var children = await areas.ChildrenAsync(area.Id, ct);
        var totals = await TotalsAsync(StatScope.Area, children.Select(a => a.Id).ToList(), from, to, ct);
        return Rows(children.Select(a => new Candidate(a.Id, a.Name, area.Name)), totals);
    }

    public async Task<Result<IReadOnlyList<StatRow>>> TableAsync(
        Caller caller,
        long areaId,
        string table,
        DateOnly? fromDay,
        DateOnly? toDay,
        CancellationToken ct
    )
    {
        var asked = await AreaAndPeriodAsync(caller, areaId, fromDay, toDay, ct);
        if (!asked.IsOk)
            return asked.Error!;
        var (area, from, to) = asked.Value;
        switch (table)
        {
            case "areas":
                return Result<IReadOnlyList<StatRow>>.From(await ChildRowsAsync(area, from, to, ct));
            case "categories":
                {
                    var categories = await categoryStore.ListAllAsync(ct);
                    var totals = await CategoryTotalsAsync(area, from, to, ct);
                    return Result<IReadOnlyList<StatRow>>.From(
                        Rows(categories.Select(x => new Candidate(x.Id, x.Name, null)), totals)
                    );
                }
            case "units":
            case "members":
                {
                    var scope = table == "units" ? StatScope.Unit : StatScope.Member;
                    var candidates = await CandidatesAsync(table == "units" ? "unit" : "member", area, ct);
                    var totals = await TotalsAsync(scope, candidates.Select(x => x.Id).ToList(), from, to, ct);
                    return Result<IReadOnlyList<StatRow>>.From(Rows(candidates, totals));
                }
            default:
                return StatErrors.UnknownTable;
        }
    }

    /// <summary>Per-category figures county-wide (a root) or within a street or community.</summary>
    private async Task<Dictionary<long, StatCounts>> CategoryTotalsAsync(
        Area area,
        DateOnly from,
        DateOnly to,
        CancellationToken ct
    )
    {
        if (area.ParentId is null)
            return await TotalsAsync(StatScope.Category, null, from, to, ct);
        var totals = await TotalsBetweenAsync(
            StatScope.AreaCategory,
            StatScope.AreaCategoryId(area.Id, 0),
            StatScope.AreaCategoryId(area.Id + 1, 0),
            from,
            to,
            ct
        );
        return totals.ToDictionary(t => t.Key % 10_000, t => t.Value);
    }

    private sealed record Candidate(long Id, string Name, string? Parent);

    /// <summary>Who is ranked or listed under a place, with the name of what they belong to.</summary>
    private async Task<IReadOnlyList<Candidate>> CandidatesAsync(string level, Area area, CancellationToken ct)
    {
        await using var c = await read.Db.OpenAsync(ct);
        var sql = level switch
        {
            "unit" => """
                SELECT u.id AS Id, u.name AS Name, CASE u.kind WHEN 'department' THEN '职能部门' ELSE '驻区单位' END AS Parent
                  FROM unit u WHERE u.status = 'approved' AND (
                    u.area_id IN (SELECT id FROM area WHERE path LIKE CONCAT(@path, '%'))
                    OR u.id IN (SELECT p.unit_id FROM unit_pairing p JOIN area a ON a.id = p.community_id
                                 WHERE p.status = 'approved' AND a.path LIKE CONCAT(@path, '%')))
                 ORDER BY u.id
                """,
            "member" => """
                SELECT p.id AS Id, p.name AS Name, MIN(u.name) AS Parent
                  FROM registration r JOIN area a ON a.id = r.community_id JOIN person p ON p.id = r.person_id
                  LEFT JOIN member m ON m.person_id = p.id LEFT JOIN unit u ON u.id = m.unit_id
                 WHERE r.status = 'approved' AND a.path LIKE CONCAT(@path, '%')
                 GROUP BY p.id, p.name ORDER BY p.id
                """,
            _ => """
                SELECT a.id AS Id, a.name AS Name, parent.name AS Parent
                  FROM area a LEFT JOIN area parent ON parent.id = a.parent_id
                 WHERE a.kind = @level AND a.path LIKE CONCAT(@path, '%') ORDER BY a.path
                """,
        };
        return (
            await c.QueryAsync<Candidate>(
                new CommandDefinition(sql, new { path = area.Path, level }, cancellationToken: ct)
            )
        ).ToList();
    }

    /// <summary>
    /// Ranks the communities, grids, streets, units or members under a place by a metric over a period, against the
    /// previous period of the same length. Rates need a sample: with method "minimum" (the default) those below
    /// <paramref name="minSample"/> are listed after the ranked ones, unranked ("样本不足"); with "smoothed" everyone is
    /// ranked by the rate pulled toward the overall rate by minSample imaginary cases ((part + m·p̄) / (whole + m)).
    /// </summary>
    public async Task<Result<Ranking>> RankAsync(
        Caller caller,
        long areaId,
        string? level,
        string? metric,
        DateOnly? fromDay,
        DateOnly? toDay,
        int? minSample,
        string? method,
        CancellationToken ct
    )
    {
        level ??= "community";
        metric ??= "satisfaction";
        if (!Levels.Contains(level))
            return StatErrors.UnknownLevel;
        if (!Metrics.Contains(metric))
            return StatErrors.UnknownMetric;
        var asked = await AreaAndPeriodAsync(caller, areaId, fromDay, toDay, ct);
        if (!asked.IsOk)
            return asked.Error!;
        var (area, from, to) = asked.Value;
        var length = to.DayNumber - from.DayNumber + 1;
        var (pFrom, pTo) = (from.AddDays(-length), from.AddDays(-1));
        var m = Math.Clamp(minSample ?? DefaultMinSample, 0, 100_000);
        var smoothed = method == "smoothed";
        var candidates = await CandidatesAsync(level, area, ct);
        var scope = level switch
        {
            "unit" => StatScope.Unit,
            "member" => StatScope.Member,
            _ => StatScope.Area,
        };
        var ids = candidates.Select(x => x.Id).ToList();
        // The two periods are read at once, on two connections (a month's ranking of 432 grids reads 26,000 rows).
        var nowRead = TotalsAsync(scope, level == "member" ? null : ids, from, to, ct);
        var beforeRead = TotalsAsync(scope, level == "member" ? null : ids, pFrom, pTo, ct);
        var (now, before) = (await nowRead, await beforeRead);
        var current = Score(candidates, now, metric, m, smoothed);
        var previous = Score(candidates, before, metric, m, smoothed).ToDictionary(e => e.Id);
        var entries = current
            .Select(e =>
            {
                var p = previous.GetValueOrDefault(e.Id);
                return e with
                {
                    PreviousRank = p?.Rank,
                    PreviousValue = p?.Value,
                    Change = e.Value is { } v && p?.Value is { } pv ? Math.Round(v - pv, 1) : null,
                };
            })
            .Where(e => level != "member" || e.Sample > 0 || e.Value is > 0)
            .Take(level == "member" ? 100 : int.MaxValue)
            .ToList();
        var definition = StatDefinitions.All.Single(d => d.Key == MetricKey(metric));
        return new Ranking(
            level,
            metric,
            definition,
            from,
            to,
            pFrom,
            pTo,
            IsRate(metric) ? (smoothed ? "smoothed" : "minimum") : "count",
            IsRate(metric) ? m : 0,
            entries
        );
    }

    private static bool IsRate(string metric) => metric is "satisfaction" or "response" or "resolution";

    private static string MetricKey(string metric) =>
        metric switch
        {
            "satisfaction" => "satisfactionRate",
            "response" => "responseRate",
            "resolution" => "resolutionRate",
            "hours" => "serviceHours",
            "visits" => "visits",
            _ => "claimsDone",
        };

    /// <summary>(part, whole) of a rate, or (value, 1) of a count.</summary>
    private static (double Part, long Whole) Measure(StatCounts c, string metric) =>
        metric switch
        {
            "satisfaction" => (c.Satisfied, c.Rated),
            "response" => (c.AckOnTime, c.AckDue),
            "resolution" => (c.ResolveOnTime, c.ResolveDue),
            "hours" => (Math.Round(c.ServiceMinutes / 60.0, 1), 0),
            "visits" => (c.Visits, 0),
            _ => (c.ClaimsDone, 0),
        };

    private static List<RankingEntry> Score(
        IReadOnlyList<Candidate> candidates,
        Dictionary<long, StatCounts> totals,
        string metric,
        int m,
        bool smoothed
    )
    {
        var measured = candidates.Select(x => (x, Measure(totals.GetValueOrDefault(x.Id) ?? new(), metric))).ToList();
        if (!IsRate(metric))
        {
            var byValue = measured.OrderByDescending(t => t.Item2.Part).ThenBy(t => t.x.Id).ToList();
            return byValue
                .Select(
                    (t, i) =>
                        new RankingEntry(
                            i + 1,
                            t.x.Id,
                            t.x.Name,
                            t.x.Parent,
                            t.Item2.Part,
                            0,
                            null,
                            false,
                            null,
                            null,
                            null
                        )
                )
                .ToList();
        }
        var allPart = measured.Sum(t => t.Item2.Part);
        var allWhole = measured.Sum(t => t.Item2.Whole);
        var prior = allWhole == 0 ? 0 : allPart / allWhole;
        var scored = measured
            .Select(t =>
            {
                var (part, whole) = t.Item2;
                double? rate = whole == 0 ? null : Math.Round(100.0 * part / whole, 1, MidpointRounding.AwayFromZero);
                double? smooth = whole + m == 0 ? null : Math.Round(100.0 * (part + m * prior) / (whole + m), 1);
                var below = !smoothed && whole < Math.Max(m, 1);
                return new RankingEntry(
                    null,
                    t.x.Id,
                    t.x.Name,
                    t.x.Parent,
                    rate,
                    whole,
                    smoothed ? smooth : null,
                    below,
                    null,
                    null,
                    null
                );
            })
            .ToList();
        var ranked = scored
            .Where(e => !e.BelowSample)
            .OrderByDescending(e => smoothed ? e.Smoothed : e.Value)
            .ThenByDescending(e => e.Sample)
            .ThenBy(e => e.Id)
            .Select((e, i) => e with { Rank = i + 1 });
        var unranked = scored.Where(e => e.BelowSample).OrderByDescending(e => e.Sample).ThenBy(e => e.Id);
        return [.. ranked, .. unranked];
    }

    /// <summary>A statistics table or a ranking as a ledger, for .xlsx or CSV.</summary>
    public static Ledger TableLedger(string title, string nameHeading, IReadOnlyList<StatRow> rows)
    {
        var columns = new List<LedgerColumn> { new("name", nameHeading, 16), new("parent", "所属", 14) };
        columns.AddRange(
            StatDefinitions.All.Select(d => new LedgerColumn(d.Key, Heading(d), Math.Max(10, d.Name.Length * 2 + 4)))
        );
        var data = rows.Select(r =>
            {
                var cells = new Dictionary<string, object?> { ["name"] = r.Name, ["parent"] = r.Parent };
                foreach (var p in typeof(Figures).GetProperties())
                {
                    var key = char.ToLowerInvariant(p.Name[0]) + p.Name[1..];
                    cells[key] = p.GetValue(r.Figures);
                }
                return (IReadOnlyDictionary<string, object?>)cells;
            })
            .ToList();
        return new Ledger(title, columns, data) { Notes = Notes() };
    }

    public static Ledger RankingLedger(string title, Ranking ranking)
    {
        var d = ranking.Definition;
        LedgerColumn[] columns =
        [
            new("rank", "名次", 6),
            new("name", "名称", 16),
            new("parent", "所属", 14),
            new("value", Heading(d), 12),
            new("sample", "样本量", 8),
            new("smoothed", "平滑后", 8),
            new("note", "说明", 10),
            new("previousRank", "上期名次", 8),
            new("previousValue", "上期" + Heading(d), 12),
            new("change", "变化", 8),
        ];
        var rows = ranking
            .Entries.Select(e =>
                (IReadOnlyDictionary<string, object?>)
                    new Dictionary<string, object?>
                    {
                        ["rank"] = e.Rank,
                        ["name"] = e.Name,
                        ["parent"] = e.Parent,
                        ["value"] = e.Value,
                        ["sample"] = e.Sample,
                        ["smoothed"] = e.Smoothed,
                        ["note"] = e.BelowSample ? $"样本不足{ranking.MinSample}" : null,
                        ["previousRank"] = e.PreviousRank,
                        ["previousValue"] = e.PreviousValue,
                        ["change"] = e.Change,
                    }
            )
            .ToList();
        return new Ledger(title, columns, rows) { Notes = Notes() };
    }

    private static string Heading(StatDefinition d) => d.Unit is "" ? d.Name : $"{d.Name}（{d.Unit}）";

    /// <summary>The definitions, written on a sheet of their own beside every exported table.</summary>
    public static IReadOnlyList<(string Name, string Definition)> Notes() =>
        StatDefinitions.All.Select(d => (Heading(d), d.Definition)).ToList();
}
