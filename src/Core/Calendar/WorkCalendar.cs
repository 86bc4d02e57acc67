using Dapper;
using Governance.Core.Data;
using Governance.Core.Time;

namespace Governance.Core.Calendar;

/// <summary>
/// Monday to Friday are working days, except public holidays; some weekend days are make-up working
/// days (调休). Only the exceptions are stored (work_calendar), published yearly by the State Council.
/// </summary>
public sealed class WorkCalendar(IReadOnlyDictionary<DateOnly, bool> exceptions)
{
    public static readonly WorkCalendar WeekdaysOnly = new(new Dictionary<DateOnly, bool>());

    public bool IsWorkingDay(DateOnly day) =>
        exceptions.TryGetValue(day, out var working)
            ? working
            : day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);

    public DateOnly NextWorkingDayAfter(DateOnly day)
    {
        var d = day.AddDays(1);
        while (!IsWorkingDay(d))
            d = d.AddDays(1);
        return d;
    }
}

public sealed class WorkCalendarStore(Db db)
{
    private const string LoadSql = "SELECT day, kind FROM work_calendar";

    public async Task<WorkCalendar> LoadAsync(CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<(DateTime Day, string Kind)>(
            new CommandDefinition(LoadSql, cancellationToken: ct)
        );
        return new WorkCalendar(rows.ToDictionary(r => DateOnly.FromDateTime(r.Day), r => r.Kind == "workday"));
    }
}

/// <summary>The calendar changes a few times a year; keep a copy and reload it every few minutes.</summary>
public sealed class WorkCalendarCache(WorkCalendarStore store, TimeProvider clock)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (WorkCalendar Calendar, DateTimeOffset LoadedAt)? _current;

    public async Task<WorkCalendar> GetAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        if (_current is { } c && now - c.LoadedAt < Lifetime)
            return c.Calendar;
        await _gate.WaitAsync(ct);
        try
        {
            if (_current is { } again && now - again.LoadedAt < Lifetime)
                return again.Calendar;
            var calendar = await store.LoadAsync(ct);
            _current = (calendar, now);
            return calendar;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Invalidate() => _current = null;
}

public sealed record Deadlines(DateTime AcknowledgeBy, DateTime ResolveBy);

/// <summary>
/// Deadlines from a category's SLA, in China Standard Time.
/// Urgent orders count clock hours. Normal orders count on the working-day calendar:
/// acknowledge-within hours elapse only on working days, and "resolve within N working days" ends at
/// 23:59:59 on the Nth working day after the day of submission (the day itself does not count, as in
/// 12345 practice: 自受理次日起计算).
/// </summary>
public static class DeadlineCalculator
{
    public static Deadlines Compute(
        int ackHours,
        int resolveValue,
        string resolveUnit,
        int urgentAckHours,
        int urgentResolveHours,
        bool urgent,
        DateTime submittedUtc,
        WorkCalendar calendar
    )
    {
        if (urgent)
            return new Deadlines(submittedUtc.AddHours(urgentAckHours), submittedUtc.AddHours(urgentResolveHours));
        var ack = AddWorkingHours(submittedUtc, ackHours, calendar);
        var resolve =
            resolveUnit == Categories.ResolveUnit.Hours
                ? AddWorkingHours(submittedUtc, resolveValue, calendar)
                : EndOfNthWorkingDayAfter(submittedUtc, resolveValue, calendar);
        return new Deadlines(ack, resolve);
    }

    public static Deadlines Compute(Categories.Category c, bool urgent, DateTime submittedUtc, WorkCalendar calendar) =>
        Compute(
            c.AckHours,
            c.ResolveValue,
            c.ResolveUnit,
            c.UrgentAckHours,
            c.UrgentResolveHours,
            urgent,
            submittedUtc,
            calendar
        );

    /// <summary>Adds hours that elapse only during China-local working days.</summary>
    public static DateTime AddWorkingHours(DateTime startUtc, double hours, WorkCalendar calendar)
    {
        var local = ChinaTime.ToChina(startUtc).DateTime;
        var remaining = TimeSpan.FromHours(hours);
        while (true)
        {
            var day = DateOnly.FromDateTime(local);
            var endOfDay = day.AddDays(1).ToDateTime(TimeOnly.MinValue);
            if (calendar.IsWorkingDay(day))
            {
                var available = endOfDay - local;
                if (remaining <= available)
                    return DateTime.SpecifyKind(local + remaining - ChinaTime.Offset, DateTimeKind.Utc);
                remaining -= available;
            }
            local = endOfDay;
        }
    }

    public static DateTime EndOfNthWorkingDayAfter(DateTime startUtc, int workingDays, WorkCalendar calendar)
    {
        var day = ChinaTime.Today(startUtc);
        for (var i = 0; i < workingDays; i++)
            day = calendar.NextWorkingDayAfter(day);
        return ChinaTime.ToUtc(day, new TimeOnly(23, 59, 59));
    }
}
