using System.ComponentModel.DataAnnotations;
using Governance.Core;
using Governance.Jobs.Dispatch;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace Governance.Jobs;

/// <summary>
/// What a node does ("Roles": "api,jobs" by default): API-only and jobs-only nodes are both possible.
/// </summary>
public sealed record NodeRoles(bool Api, bool Jobs)
{
    public static NodeRoles Of(IConfiguration config)
    {
        var roles = (config["Roles"] ?? "api,jobs")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        return new NodeRoles(roles.Contains("api"), roles.Contains("jobs"));
    }
}

public static class JobsServices
{
    public const string Group = "governance";

    /// <summary>The Quartz scheduler's name: its instance name and the key of its services.</summary>
    public const string SchedulerName = "governance";

    /// <summary>China Standard Time for cron schedules ("Friday 18:00" means 18:00 in China on every node).</summary>
    public static TimeZoneInfo China { get; } = FindChina();

    private static TimeZoneInfo FindChina()
    {
        foreach (var id in new[] { "Asia/Shanghai", "China Standard Time" })
        {
            try
            {
                return TimeZoneInfo.FindSystemTimeZoneById(id);
            }
            catch (TimeZoneNotFoundException) { }
        }
        throw new InvalidOperationException("No time-zone data for Asia/Shanghai; install tzdata.");
    }

    /// <summary>
    /// On a node whose roles include "jobs": the clustered Quartz scheduler with one trigger per job, the record of
    /// every fire, and the outbox dispatcher. Every other node gets the same scheduler object, never started, for the
    /// jobs page (pause, resume, trigger now act on the shared store). Quartz builds its triggers while services are
    /// registered, so the "Jobs" section is read (and validated) here as well as bound for the services that inject it.
    /// </summary>
    public static IServiceCollection AddGovernanceJobs(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<JobsOptions>(JobsOptions.Section);
        services.AddSingleton<JobRunListener>();
        var jobs = configuration.GetSection(JobsOptions.Section).Get<JobsOptions>() ?? new JobsOptions();
        Validator.ValidateObject(jobs, new ValidationContext(jobs), validateAllProperties: true);
        var connectionString = configuration["Database:ConnectionString"];
        if (string.IsNullOrWhiteSpace(connectionString))
            return services;
        var run = NodeRoles.Of(configuration).Jobs;
        services.AddGovernanceScheduler(connectionString, jobs, run);
        services.AddSingleton<JobsDashboard>();
        if (run)
            services.AddHostedService<OutboxDispatcherService>();
        else
            services.AddHostedService<JobsDashboardWarmUp>();
        return services;
    }

    /// <summary>
    /// Quartz with its persistent, clustered store on our database: every node that runs jobs joins the same
    /// cluster, each fire runs on one node, and a node that dies has its recoverable jobs re-run elsewhere
    /// (so every job is idempotent). Each job and trigger has a stable identity.
    /// </summary>
    public static IServiceCollection AddGovernanceScheduler(
        this IServiceCollection services,
        string connectionString,
        JobsOptions o,
        bool run = true
    )
    {
        var schedules = new List<JobSchedule>();
        // A node that starts must not replace the triggers the cluster already runs: a replaced trigger starts over
        // from "now" and could fire again a fire another node is running, and it would lose a pause set on the jobs
        // page. New triggers are added; a stored trigger whose schedule differs from the configuration is
        // rescheduled by ScheduleSync after start-up (keeping its pause).
        services.Configure<QuartzOptions>(SchedulerName, o => o.Scheduling.IgnoreDuplicates = true);
        services.AddQuartz(SchedulerName, q =>
        {
            ConfigureStore(q, connectionString);
            // How long an idle node waits before looking for due triggers again (Quartz's default is 30 s).
            q.ConfigureScheduler(s => s.IdleWaitTime = TimeSpan.FromSeconds(Math.Max(1, o.IdleWaitSeconds)));
            q.UseTimeProvider(TimeProvider.System);
            Simple<SendScheduledBroadcastsJob>(q, schedules, "send-scheduled-broadcasts", o.BroadcastIntervalSeconds);
            Cron<SendRemindersJob>(q, schedules, "send-reminders", o.RemindersCron);
            Cron<EscalateOverdueJob>(q, schedules, "escalate-overdue", o.EscalationCron);
            Cron<SendWeeklyDigestJob>(q, schedules, "send-weekly-digest", o.WeeklyDigestCron);
            Cron<FollowUpResolvedJob>(q, schedules, "follow-up-resolved", o.FollowUpCron);
            Cron<CheckParticipationJob>(q, schedules, "check-participation", o.ParticipationCron);
            Cron<ExpireClaimsJob>(q, schedules, "expire-claims", o.ClaimExpiryCron);
            Cron<RaiseUrgentAlertsJob>(q, schedules, "raise-urgent-alerts", o.UrgentAlertsCron);
            Cron<RemindPracticesJob>(q, schedules, "remind-practices", o.PracticeRemindersCron);
            Cron<ComputeStatisticsJob>(q, schedules, "compute-statistics", o.StatisticsCron);
            Cron<RemindAssessmentJob>(q, schedules, "remind-assessment", o.AssessmentRemindersCron);
            q.AddJobListener<JobRunListener>(GroupMatcher<JobKey>.GroupEquals(Group));
        });
        services.AddSingleton<IReadOnlyList<JobSchedule>>(schedules);
        if (!run)
            return services; // the scheduler object only, for the jobs page: never started here
        services.AddQuartzHostedService(h => h.WaitForJobsToComplete = true);
        services.AddHostedService<ScheduleSync>(); // after Quartz's hosted service: the scheduler exists by then
        return services;
    }

    public static void ConfigureStore(IQuartzBuilder q, string connectionString)
    {
        // A generated instance id per node; setting the literal "AUTO" in code would give every node the same id.
        q.ConfigureScheduler(o => o.GenerateInstanceId = true);
        q.UsePersistentStore(s =>
        {
            s.UseMySqlConnector(c => c.ConnectionString = connectionString);
            s.UseSystemTextJsonSerializer();
            s.UseClustering(c => c.CheckinInterval = TimeSpan.FromSeconds(5));
            // The tables come from sql/0005_quartz.sql, applied by our migration runner.
            s.ConfigureStore(o => o.TablePrefix = "QRTZ_");
        });
    }

    /// <summary>The schedule of a job's trigger (at start-up, and when ScheduleSync replaces a trigger).</summary>
    public static IScheduleBuilder ScheduleOf(JobSchedule schedule) =>
        schedule.Cron is { } cron
            ? CronScheduleBuilder
                .Create(cron)
                .InTimeZone(China)
                .WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed)
            : SimpleScheduleBuilder
                .Create()
                .WithInterval(TimeSpan.FromSeconds(schedule.IntervalSeconds ?? 60))
                .RepeatForever()
                .WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount);

    private static void Simple<TJob>(IQuartzBuilder q, List<JobSchedule> schedules, string name, int seconds)
        where TJob : IJob => Add<TJob>(q, schedules, new JobSchedule(name, typeof(TJob), null, seconds));

    private static void Cron<TJob>(IQuartzBuilder q, List<JobSchedule> schedules, string name, string cron)
        where TJob : IJob => Add<TJob>(q, schedules, new JobSchedule(name, typeof(TJob), cron, null));

    private static void Add<TJob>(IQuartzBuilder q, List<JobSchedule> schedules, JobSchedule schedule)
        where TJob : IJob
    {
        schedules.Add(schedule);
        var key = new JobKey(schedule.Name, Group);
        q.AddJob<TJob>(j => j.WithIdentity(key).StoreDurably().RequestRecovery());
        q.AddTrigger(t => t.ForJob(key).WithIdentity(schedule.Name, Group).WithSchedule(ScheduleOf(schedule)));
    }
}
