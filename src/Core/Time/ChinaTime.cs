namespace Governance.Core.Time;

/// <summary>
/// Business rules (working days, "Friday 18:00", "this week", order-code days) run in China Standard
/// Time. China has had no daylight saving since 1991, so a fixed UTC+8 offset is exact and does not
/// depend on the host having tzdata installed.
/// </summary>
public static class ChinaTime
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);

    public static DateTimeOffset ToChina(DateTime utc) =>
        new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)).ToOffset(Offset);

    public static DateTimeOffset ToChina(DateTimeOffset value) => value.ToOffset(Offset);

    public static DateOnly Today(DateTime utc) => DateOnly.FromDateTime(ToChina(utc).DateTime);

    /// <summary>The UTC instant at which the given China-local date and time occurs.</summary>
    public static DateTime ToUtc(DateOnly day, TimeOnly time) =>
        DateTime.SpecifyKind(day.ToDateTime(time) - Offset, DateTimeKind.Utc);
}
