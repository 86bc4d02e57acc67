namespace Governance.Core.Statistics;

/// <summary>The scopes statistics are kept for.</summary>
public static class StatScope
{
    public const string Area = "area",
        Unit = "unit",
        Member = "member",
        Category = "category",
        AreaCategory = "area_cat";
    public static readonly string[] All = [Area, Unit, Member, Category, AreaCategory];

    /// <summary>
    /// A category within a county, street or community (scope area_cat) is kept under one id: area id × 10,000 +
    /// category id (categories are numbered below 10,000).
    /// </summary>
    public static long AreaCategoryId(long areaId, long categoryId) => areaId * 10_000 + categoryId;
}

/// <summary>
/// The counts and sums kept per day and scope (one stat_daily row), added up for a period. Every field is additive, so
/// a period's figures are computed from the sums of its days (<see cref="Figures"/>).
/// </summary>
public sealed class StatCounts
{
    /// <summary>
    /// The columns of stat_daily after (day, scope, scope_id), in order; property names are these in Pascal case.
    /// </summary>
    public static readonly string[] Columns =
    [
        "received",
        "ack_due",
        "ack_on_time",
        "resolve_due",
        "resolve_on_time",
        "rated",
        "satisfied",
        "resolved",
        "responded",
        "response_minutes",
        "resolve_minutes",
        "h_4h",
        "h_8h",
        "h_1d",
        "h_2d",
        "h_3d",
        "h_5d",
        "h_7d",
        "h_10d",
        "h_15d",
        "h_30d",
        "h_over",
        "reopened",
        "escalated",
        "summoned",
        "list_items",
        "claims_done",
        "meetings",
        "activities",
        "service_minutes",
        "visits",
    ];

    /// <summary>Upper bounds of the resolution-time histogram, in hours (the last bucket is open).</summary>
    public static readonly double[] BucketHours = [4, 8, 24, 48, 72, 120, 168, 240, 360, 720, double.PositiveInfinity];

    public static readonly string[] BucketLabels =
    [
        "4小时内",
        "8小时内",
        "1天内",
        "2天内",
        "3天内",
        "5天内",
        "7天内",
        "10天内",
        "15天内",
        "30天内",
        "30天以上",
    ];

    public long Received { get; set; }
    public long AckDue { get; set; }
    public long AckOnTime { get; set; }
    public long ResolveDue { get; set; }
    public long ResolveOnTime { get; set; }
    public long Rated { get; set; }
    public long Satisfied { get; set; }
    public long Resolved { get; set; }
    public long Responded { get; set; }
    public long ResponseMinutes { get; set; }
    public long ResolveMinutes { get; set; }
    public long H4h { get; set; }
    public long H8h { get; set; }
    public long H1d { get; set; }
    public long H2d { get; set; }
    public long H3d { get; set; }
    public long H5d { get; set; }
    public long H7d { get; set; }
    public long H10d { get; set; }
    public long H15d { get; set; }
    public long H30d { get; set; }
    public long HOver { get; set; }
    public long Reopened { get; set; }
    public long Escalated { get; set; }
    public long Summoned { get; set; }
    public long ListItems { get; set; }
    public long ClaimsDone { get; set; }
    public long Meetings { get; set; }
    public long Activities { get; set; }
    public long ServiceMinutes { get; set; }
    public long Visits { get; set; }

    /// <summary>The values in <see cref="Columns"/> order.</summary>
    public long[] Values() =>
        [
            Received,
            AckDue,
            AckOnTime,
            ResolveDue,
            ResolveOnTime,
            Rated,
            Satisfied,
            Resolved,
            Responded,
            ResponseMinutes,
            ResolveMinutes,
            .. Histogram(),
            Reopened,
            Escalated,
            Summoned,
            ListItems,
            ClaimsDone,
            Meetings,
            Activities,
            ServiceMinutes,
            Visits,
        ];

    public long[] Histogram() => [H4h, H8h, H1d, H2d, H3d, H5d, H7d, H10d, H15d, H30d, HOver];

    /// <summary>Counts one resolution taking <paramref name="hours"/> into its bucket.</summary>
    public void AddResolution(double hours)
    {
        var i = Array.FindIndex(BucketHours, b => hours <= b);
        switch (i)
        {
            case 0:
                H4h++;
                break;
            case 1:
                H8h++;
                break;
            case 2:
                H1d++;
                break;
            case 3:
                H2d++;
                break;
            case 4:
                H3d++;
                break;
            case 5:
                H5d++;
                break;
            case 6:
                H7d++;
                break;
            case 7:
                H10d++;
                break;
            case 8:
                H15d++;
                break;
            case 9:
                H30d++;
                break;
            default:
                HOver++;
                break;
        }
    }

    public void Add(StatCounts o)
    {
        Received += o.Received;
        AckDue += o.AckDue;
        AckOnTime += o.AckOnTime;
        ResolveDue += o.ResolveDue;
        ResolveOnTime += o.ResolveOnTime;
        Rated += o.Rated;
        Satisfied += o.Satisfied;
        Resolved += o.Resolved;
        Responded += o.Responded;
        ResponseMinutes += o.ResponseMinutes;
        ResolveMinutes += o.ResolveMinutes;
        H4h += o.H4h;
        H8h += o.H8h;
        H1d += o.H1d;
        H2d += o.H2d;
        H3d += o.H3d;
        H5d += o.H5d;
        H7d += o.H7d;
        H10d += o.H10d;
        H15d += o.H15d;
        H30d += o.H30d;
        HOver += o.HOver;
        Reopened += o.Reopened;
        Escalated += o.Escalated;
        Summoned += o.Summoned;
        ListItems += o.ListItems;
        ClaimsDone += o.ClaimsDone;
        Meetings += o.Meetings;
        Activities += o.Activities;
        ServiceMinutes += o.ServiceMinutes;
        Visits += o.Visits;
    }

    public bool IsEmpty => Values().All(v => v == 0);

    public Figures ToFigures() => Figures.Of(this);
}

/// <summary>
/// What people read: the three rates (三率), the times and the counts of a scope over a period. A rate with nothing
/// to measure is null (shown as "—"), never 0 or 100. Definitions: <see cref="StatDefinitions"/>.
/// </summary>
public sealed record Figures(
    long Received,
    double? ResponseRate,
    double? ResolutionRate,
    double? SatisfactionRate,
    long AckDue,
    long ResolveDue,
    long Rated,
    long Resolved,
    double? AvgResponseHours,
    double? AvgResolveHours,
    string? P90Resolve,
    double? P90ResolveHours,
    long Reopened,
    long Escalated,
    long Summoned,
    long ListItems,
    long ClaimsDone,
    long Meetings,
    long Activities,
    double ServiceHours,
    long Visits
)
{
    public static Figures Of(StatCounts c)
    {
        var (label, hours) = P90(c.Histogram());
        return new(
            c.Received,
            Rate(c.AckOnTime, c.AckDue),
            Rate(c.ResolveOnTime, c.ResolveDue),
            Rate(c.Satisfied, c.Rated),
            c.AckDue,
            c.ResolveDue,
            c.Rated,
            c.Resolved,
            c.Responded == 0 ? null : Math.Round(c.ResponseMinutes / 60.0 / c.Responded, 1),
            c.Resolved == 0 ? null : Math.Round(c.ResolveMinutes / 60.0 / c.Resolved, 1),
            label,
            hours,
            c.Reopened,
            c.Escalated,
            c.Summoned,
            c.ListItems,
            c.ClaimsDone,
            c.Meetings,
            c.Activities,
            Math.Round(c.ServiceMinutes / 60.0, 1),
            c.Visits
        );
    }

    /// <summary>A percentage with one decimal, or null when nothing was measured.</summary>
    public static double? Rate(long part, long whole) =>
        whole == 0 ? null : Math.Round(100.0 * part / whole, 1, MidpointRounding.AwayFromZero);

    /// <summary>
    /// The 90th percentile of resolution times, as the histogram bucket it falls in: its label ("2天内") and its upper
    /// bound in hours (null for the open last bucket). Null when nothing was resolved.
    /// </summary>
    public static (string? Label, double? Hours) P90(long[] histogram)
    {
        var total = histogram.Sum();
        if (total == 0)
            return (null, null);
        var needed = (long)Math.Ceiling(total * 0.9);
        long seen = 0;
        for (var i = 0; i < histogram.Length; i++)
        {
            seen += histogram[i];
            if (seen >= needed)
                return (
                    StatCounts.BucketLabels[i],
                    double.IsInfinity(StatCounts.BucketHours[i]) ? null : StatCounts.BucketHours[i]
                );
        }
        return (StatCounts.BucketLabels[^1], null);
    }
}
