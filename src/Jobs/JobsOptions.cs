namespace Governance.Jobs;

/// <summary>Settings of the "Jobs" section. Cron expressions are Quartz's and run in China Standard Time.</summary>
public sealed class JobsOptions
{
    public const string Section = "Jobs";

    /// <summary>How long an idle outbox dispatcher waits before looking again.</summary>
    public int DispatchIntervalSeconds { get; set; } = 2;
    public string RemindersCron { get; set; } = "0 */5 * * * ?";
    public string EscalationCron { get; set; } = "30 */5 * * * ?";
    public string WeeklyDigestCron { get; set; } = "0 0 18 ? * FRI";
    public string FollowUpCron { get; set; } = "0 15 * * * ?";
    public string ParticipationCron { get; set; } = "0 0 9 ? * MON";
    public string ClaimExpiryCron { get; set; } = "0 */10 * * * ?";
    public int BroadcastIntervalSeconds { get; set; } = 15;
    /// <summary>How often an idle scheduler node looks for due fires; lower spreads fires across nodes sooner.</summary>
    public int IdleWaitSeconds { get; set; } = 5;

    /// <summary>Remind the claimer (or, for unclaimed orders, the grid worker) at half the window...</summary>
    public bool ReminderAtHalfway { get; set; } = true;
    /// <summary>...and this many hours before the deadline.</summary>
    public int ReminderHoursBefore { get; set; } = 24;
    /// <summary>Escalation climbs one level for each of these periods overdue: claimer, grid worker, secretary, street.</summary>
    public int EscalationStepHours { get; set; } = 24;
    /// <summary>回访: remind the resident to rate after this many days, and close as unrated after AutoCloseDays.</summary>
    public int FollowUpAfterDays { get; set; } = 3;
    public int AutoCloseAfterDays { get; set; } = 7;
    /// <summary>Participation check: members with no service for this many days are told (and their unit admin).</summary>
    public int InactiveAfterDays { get; set; } = 180;
    public int ScanBatch { get; set; } = 5000;
    /// <summary>How long the record of each scheduled fire (job_run) is kept.</summary>
    public int JobRunRetentionDays { get; set; } = 14;
}
