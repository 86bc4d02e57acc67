using System.ComponentModel.DataAnnotations;

namespace Governance.Jobs;

/// <summary>
/// Settings of the "Jobs" section: when each job fires (Quartz cron expressions, China Standard Time) and how often
/// idle loops look.
/// </summary>
public sealed class JobsOptions
{
    public const string Section = "Jobs";

    /// <summary>How long an idle outbox dispatcher waits before looking again.</summary>
    [Range(1, 600)]
    public int DispatchIntervalSeconds { get; set; } = 2;

    public string RemindersCron { get; set; } = "0 */5 * * * ?";
    public string EscalationCron { get; set; } = "30 */5 * * * ?";
    public string WeeklyDigestCron { get; set; } = "0 0 18 ? * FRI";
    public string FollowUpCron { get; set; } = "0 15 * * * ?";
    public string ParticipationCron { get; set; } = "0 0 9 ? * MON";
    public string ClaimExpiryCron { get; set; } = "0 */10 * * * ?";
    public string UrgentAlertsCron { get; set; } = "15 * * * * ?";
    public string PracticeRemindersCron { get; set; } = "0 20 * * * ?";

    /// <summary>Yesterday's statistics (and the six days before, recomputed), at 01:30 China time.</summary>
    public string StatisticsCron { get; set; } = "0 30 1 * * ?";

    /// <summary>Two-way evaluation and satisfaction-survey reminders, at 09:40 China time.</summary>
    public string AssessmentRemindersCron { get; set; } = "0 40 9 * * ?";

    [Range(1, 3600)]
    public int BroadcastIntervalSeconds { get; set; } = 15;

    /// <summary>
    /// How often an idle scheduler node looks for due fires; lower spreads fires across nodes sooner.
    /// </summary>
    [Range(1, 300)]
    public int IdleWaitSeconds { get; set; } = 5;

    /// <summary>How long the record of each scheduled fire (job_run) is kept.</summary>
    [Range(1, 3650)]
    public int JobRunRetentionDays { get; set; } = 14;
}
