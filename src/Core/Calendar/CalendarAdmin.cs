using System.Globalization;
using Dapper;
using Governance.Core.Categories;
using Governance.Core.Data;
using Governance.Core.Errors;
using Governance.Core.People;
using Governance.Core.Time;
using static Governance.Core.Errors.ErrorKind;

namespace Governance.Core.Calendar;

public static class CalendarErrors
{
    public static readonly ErrorCode NotAllowed = new(
        "calendar.not_allowed",
        Forbidden,
        "只有街道或县级管理员可以维护工作日历"
    );
    public static readonly ErrorCode YearInvalid = new("calendar.year_invalid", Validation, "年份不正确", "year");
    public static readonly ErrorCode CsvInvalid = new("calendar.csv_invalid", Validation, "日历文件格式不正确", "csv");

    public static readonly ErrorCode[] Read = [YearInvalid];
    public static readonly ErrorCode[] Import = [NotAllowed, YearInvalid, CsvInvalid];
}

/// <summary>One exception to "Monday to Friday": a holiday (休) or a make-up working day (班).</summary>
public sealed record CalendarDay(DateOnly Day, string Kind, string? Name);

/// <summary>What an import did: the year's exceptions now, and the open orders whose deadline moved.</summary>
public sealed record CalendarImport(int Year, int Holidays, int Workdays, int OrdersMoved, IReadOnlyList<string> Moved);

/// <summary>
/// The working-day calendar, per year, as the State Council publishes it each winter (放假调休通知): a CSV of holidays
/// and make-up working days replaces that year's exceptions, and every open, normal-urgency order whose deadline was
/// counted on the calendar (not extended by hand) gets its deadlines counted again from when it was reported, with a
/// line on its timeline. Urgent orders count clock hours and are left alone.
/// </summary>
public sealed class CalendarAdmin(Db db, WorkCalendarCache cache, CategoryStore categories, TimeProvider clock)
{
    private const string YearSql = """
        SELECT day AS Day, kind AS Kind, name AS Name FROM work_calendar WHERE day BETWEEN @from AND @to ORDER BY day
        """;

    private const string DeleteSql = "DELETE FROM work_calendar WHERE day BETWEEN @from AND @to";
    private const string InsertSql = "INSERT INTO work_calendar (day, kind, name) VALUES (@Day, @Kind, @Name)";

    // Open orders counted on the calendar: not urgent, never extended by hand, due on or after the year starts or
    // reported in it.
    private const string OpenSql = """
        SELECT o.id AS Id, o.code AS Code, o.status AS Status, o.category_id AS CategoryId, o.created_at AS CreatedAt,
               o.ack_due_at AS AckDueAt, o.resolve_due_at AS ResolveDueAt, o.escalation_level AS EscalationLevel
          FROM service_order o
         WHERE o.status IN ('submitted','accepted','published','claimed','in_progress') AND o.urgency = 'normal'
           AND (o.resolve_due_at >= @from OR o.created_at >= @from) AND o.created_at <= @to
           AND NOT EXISTS (SELECT 1 FROM order_event e WHERE e.order_id = o.id AND e.kind = 'deadline_extended')
        """;

    // The first reminder half-way to the new deadline, as when a deadline is set (OrderStore.Halfway).
    private static readonly string MoveSql = $"""
        UPDATE service_order SET ack_due_at = @ack, resolve_due_at = @due,
          next_remind_at = CASE WHEN @due > @now THEN {Orders.OrderStore.Halfway("@now", "@due")}
                                ELSE next_remind_at END,
          next_escalate_at = CASE WHEN escalation_level = 0 THEN @due ELSE next_escalate_at END,
          updated_at = @now, version = version + 1
         WHERE id = @id AND resolve_due_at = @oldDue
        """;

    private const string EventSql = """
        INSERT INTO order_event (order_id, kind, from_status, to_status, actor_id, actor_role, note, data, created_at)
        VALUES (@id, @kind, @status, @status, @actor, @role, @note, @data, @now)
        """;

    private sealed record OpenOrder
    {
        public long Id { get; init; }
        public string Code { get; init; } = "";
        public string Status { get; init; } = "";
        public long CategoryId { get; init; }
        public DateTime CreatedAt { get; init; }
        public DateTime AckDueAt { get; init; }
        public DateTime ResolveDueAt { get; init; }
        public int EscalationLevel { get; init; }
    }

    private static bool MayEdit(Caller caller) =>
        caller.Staff.Any(s => s.Role is StaffRole.StreetAdmin or StaffRole.CountyAdmin);

    public async Task<Result<IReadOnlyList<CalendarDay>>> YearAsync(int year, CancellationToken ct = default)
    {
        if (year is < 2000 or > 2100)
            return CalendarErrors.YearInvalid;
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<(DateTime Day, string Kind, string? Name)>(
            new CommandDefinition(YearSql, Params(year), cancellationToken: ct)
        );
        return Result<IReadOnlyList<CalendarDay>>.From(
            rows.Select(r => new CalendarDay(DateOnly.FromDateTime(r.Day), r.Kind, r.Name)).ToList()
        );
    }

    /// <summary>
    /// Reads "date,kind,name" lines (a header line is optional; kind is holiday/休 or workday/班; the date is
    /// yyyy-MM-dd and in <paramref name="year"/>). Every bad line is reported with its number; nothing is changed
    /// unless the whole file is good.
    /// </summary>
    public static Result<IReadOnlyList<CalendarDay>> Parse(int year, string? csv)
    {
        var days = new List<CalendarDay>();
        var problems = new List<string>();
        var lines = (csv ?? "").Replace("\r", "").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim().TrimStart('\uFEFF');
            if (line.Length == 0 || i == 0 && line.StartsWith("date", StringComparison.OrdinalIgnoreCase))
                continue;
            var cells = line.Split(',', 3, StringSplitOptions.TrimEntries);
            if (!DateOnly.TryParseExact(cells[0], "yyyy-MM-dd", CultureInfo.InvariantCulture, default, out var day))
            {
                problems.Add($"第 {i + 1} 行：日期应为 yyyy-MM-dd");
                continue;
            }
            if (day.Year != year)
            {
                problems.Add($"第 {i + 1} 行：{cells[0]} 不在 {year} 年");
                continue;
            }
            var kind = cells.Length > 1 ? cells[1] : "";
            kind = kind switch
            {
                "holiday" or "休" or "假" => "holiday",
                "workday" or "班" => "workday",
                _ => "",
            };
            if (kind == "")
            {
                problems.Add($"第 {i + 1} 行：类型应为 holiday（休）或 workday（班）");
                continue;
            }
            if (days.Any(d => d.Day == day))
            {
                problems.Add($"第 {i + 1} 行：{cells[0]} 重复");
                continue;
            }
            var name = cells.Length > 2 && cells[2].Length > 0 ? cells[2][..Math.Min(cells[2].Length, 50)] : null;
            days.Add(new CalendarDay(day, kind, name));
        }
        if (problems.Count > 0)
            return CalendarErrors.CsvInvalid.With(string.Join("；", problems.Take(10)));
        if (days.Count == 0)
            return CalendarErrors.CsvInvalid.With("日历文件没有任何日期");
        return days;
    }

    public async Task<Result<CalendarImport>> ImportAsync(
        Caller caller,
        int year,
        string? csv,
        CancellationToken ct = default
    )
    {
        if (!MayEdit(caller))
            return CalendarErrors.NotAllowed;
        if (year is < 2000 or > 2100)
            return CalendarErrors.YearInvalid;
        var parsed = Parse(year, csv);
        if (!parsed.IsOk)
            return parsed.Error!;
        var days = parsed.Value!;
        var now = clock.GetUtcNow().UtcDateTime;
        await using (var c = await db.OpenAsync(ct))
        await using (var tx = await c.BeginTransactionAsync(ct))
        {
            await c.ExecuteAsync(new CommandDefinition(DeleteSql, Params(year), tx, cancellationToken: ct));
            await c.ExecuteAsync(
                new CommandDefinition(
                    InsertSql,
                    days.Select(d => new
                    {
                        Day = d.Day.ToDateTime(TimeOnly.MinValue),
                        d.Kind,
                        d.Name,
                    }),
                    tx,
                    cancellationToken: ct
                )
            );
            await tx.CommitAsync(ct);
        }
        cache.Invalidate(); // this node at once; the others within the cache's five minutes
        var moved = await RecountAsync(caller, year, now, ct);
        return new CalendarImport(
            year,
            days.Count(d => d.Kind == "holiday"),
            days.Count(d => d.Kind == "workday"),
            moved.Count,
            moved
        );
    }

    private async Task<List<string>> RecountAsync(Caller caller, int year, DateTime now, CancellationToken ct)
    {
        var calendar = await cache.GetAsync(ct);
        List<OpenOrder> open;
        await using (var c = await db.OpenAsync(ct))
            open = (
                await c.QueryAsync<OpenOrder>(new CommandDefinition(OpenSql, UtcParams(year), cancellationToken: ct))
            ).AsList();
        var moved = new List<string>();
        var role = caller.Staff.FirstOrDefault(s => s.Role is StaffRole.StreetAdmin or StaffRole.CountyAdmin)?.Role;
        foreach (var o in open)
        {
            if (await categories.GetAsync(o.CategoryId, ct) is not { } category)
                continue;
            var fresh = DeadlineCalculator.Compute(category, false, o.CreatedAt.Utc(), calendar);
            if (fresh.ResolveBy == o.ResolveDueAt.Utc() && fresh.AcknowledgeBy == o.AckDueAt.Utc())
                continue;
            var note =
                $"工作日历调整，办理期限由 {ChinaTime.ToChina(o.ResolveDueAt.Utc()):M月d日 HH:mm} "
                + $"改为 {ChinaTime.ToChina(fresh.ResolveBy):M月d日 HH:mm}";
            await using var c = await db.OpenAsync(ct);
            await using var tx = await c.BeginTransactionAsync(ct);
            var changed = await c.ExecuteAsync(
                new CommandDefinition(
                    MoveSql,
                    new
                    {
                        o.Id,
                        ack = fresh.AcknowledgeBy,
                        due = fresh.ResolveBy,
                        oldDue = o.ResolveDueAt,
                        now,
                    },
                    tx,
                    cancellationToken: ct
                )
            );
            if (changed == 0)
                continue; // changed meanwhile (extended, closed): left as it is
            var data = System.Text.Json.JsonSerializer.Serialize(
                new { from = o.ResolveDueAt.Utc(), to = fresh.ResolveBy }
            );
            await c.ExecuteAsync(
                new CommandDefinition(
                    EventSql,
                    new
                    {
                        o.Id,
                        o.Status,
                        kind = Orders.OrderEventKind.DeadlineRecounted,
                        actor = caller.PersonId,
                        role,
                        note,
                        data,
                        now,
                    },
                    tx,
                    cancellationToken: ct
                )
            );
            await tx.CommitAsync(ct);
            moved.Add(o.Code);
        }
        return moved;
    }

    /// <summary>The year's days as @from and @to (work_calendar.day is a date).</summary>
    private static object Params(int year) => new { from = new DateTime(year, 1, 1), to = new DateTime(year, 12, 31) };

    /// <summary>The year in China as UTC times, for orders' timestamps.</summary>
    private static object UtcParams(int year) =>
        new
        {
            from = ChinaTime.ToUtc(new DateOnly(year, 1, 1), TimeOnly.MinValue),
            to = ChinaTime.ToUtc(new DateOnly(year + 1, 1, 1), TimeOnly.MinValue),
        };
}
