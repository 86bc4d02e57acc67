using Governance.Core.Calendar;

namespace Governance.Core.Lists;

/// <summary>Whom a resource's booking is for.</summary>
public static class Audience
{
    public const string OwnStaff = "own_staff",
        OtherUnit = "other_unit",
        Community = "community",
        Resident = "resident";

    public static readonly string[] All = [OwnStaff, OtherUnit, Community, Resident];

    public static string Label(string audience) =>
        audience switch
        {
            OwnStaff => "本单位职工",
            OtherUnit => "其他单位",
            Community => "社区",
            Resident => "居民",
            _ => audience,
        };
}

public static class RuleDays
{
    public const string Workday = "workday",
        RestDay = "rest_day",
        Any = "any";

    public static readonly string[] All = [Workday, RestDay, Any];

    public static string Label(string days) =>
        days switch
        {
            Workday => "工作日",
            RestDay => "休息日",
            _ => "每天",
        };
}

/// <summary>
/// One opening window of a resource: for an audience, on a kind of day, from opens to closes (China time).
/// </summary>
public sealed record OpeningRule(string Audience, string Days, TimeSpan Opens, TimeSpan Closes)
{
    public string Describe() =>
        $"{Lists.Audience.Label(Audience)}：{RuleDays.Label(Days)} {Clock(Opens)}–{Clock(Closes)}";

    private static string Clock(TimeSpan t) => $"{(int)t.TotalHours:00}:{t.Minutes:00}";
}

/// <summary>
/// "1+3" opening rules: a booking is allowed when every hour it takes lies inside one window for its audience on a day
/// of the right kind on the working-day calendar. No rules at all means open to everyone at any hour (how a resource
/// listed without rules has always behaved).
/// </summary>
public static class ResourceRules
{
    public const int MaxRules = 12;

    /// <summary>Null when the rules are well formed; otherwise what is wrong, in Chinese.</summary>
    public static string? Check(IReadOnlyList<OpeningRule> rules)
    {
        if (rules.Count > MaxRules)
            return $"开放规则最多{MaxRules}条";
        foreach (var r in rules)
        {
            if (!Audience.All.Contains(r.Audience))
                return "开放对象应为 own_staff（本单位职工）、other_unit（其他单位）、community（社区）或 resident（居民）";
            if (!RuleDays.All.Contains(r.Days))
                return "开放日应为 workday（工作日）、rest_day（休息日）或 any（每天）";
            if (
                r.Opens < TimeSpan.Zero
                || r.Closes > TimeSpan.FromHours(24)
                || r.Opens >= r.Closes
                || (r.Opens.Minutes != 0 && r.Opens.Minutes != 30)
                || (r.Closes.Minutes != 0 && r.Closes.Minutes != 30)
                || r.Opens.Seconds != 0
                || r.Closes.Seconds != 0
            )
                return "开放时段应为整点或半点，开始早于结束，结束不晚于24:00";
        }
        return null;
    }

    /// <summary>
    /// True when each hour from <paramref name="from"/> to <paramref name="to"/> (China time) is open to the audience.
    /// </summary>
    public static bool Admits(
        IReadOnlyList<OpeningRule> rules,
        string audience,
        WorkCalendar calendar,
        DateTime from,
        DateTime to
    )
    {
        if (rules.Count == 0)
            return true;
        for (var hour = from; hour < to; hour = hour.AddHours(1))
            if (!rules.Any(r => Covers(r, audience, calendar, hour)))
                return false;
        return true;
    }

    private static bool Covers(OpeningRule r, string audience, WorkCalendar calendar, DateTime hour)
    {
        if (r.Audience != audience)
            return false;
        var day = DateOnly.FromDateTime(hour);
        var working = calendar.IsWorkingDay(day);
        if ((r.Days == RuleDays.Workday && !working) || (r.Days == RuleDays.RestDay && working))
            return false;
        return hour.TimeOfDay >= r.Opens && hour.TimeOfDay + TimeSpan.FromHours(1) <= r.Closes;
    }
}
