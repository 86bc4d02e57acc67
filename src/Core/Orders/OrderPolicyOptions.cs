using System.ComponentModel.DataAnnotations;

namespace Governance.Core.Orders;

/// <summary>Settings of the "Orders" section: when reminders, escalation steps and the follow-up (回访) happen.</summary>
public sealed class OrderPolicyOptions
{
    public const string Section = "Orders";

    /// <summary>Remind the holder (or, for unclaimed orders, the grid worker) at half the window...</summary>
    public bool ReminderAtHalfway { get; set; } = true;

    /// <summary>...and this many hours before the deadline.</summary>
    [Range(1, 720)]
    public int ReminderHoursBefore { get; set; } = 24;

    /// <summary>
    /// Escalation climbs one level for each of these periods overdue: holder, grid worker, secretary, street.
    /// </summary>
    [Range(1, 720)]
    public int EscalationStepHours { get; set; } = 24;

    /// <summary>
    /// 回访: remind the resident to rate after this many days, and close as unrated after AutoCloseAfterDays.
    /// </summary>
    [Range(1, 90)]
    public int FollowUpAfterDays { get; set; } = 3;

    [Range(1, 180)]
    public int AutoCloseAfterDays { get; set; } = 7;

    /// <summary>The most orders one pass of a scheduled scan handles (the next pass takes the rest).</summary>
    [Range(100, 100_000)]
    public int ScanBatch { get; set; } = 5000;
}
