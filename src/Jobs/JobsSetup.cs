using Governance.Core.Data;
using Governance.Jobs.Broadcasts;
using Governance.Jobs.Claims;
using Governance.Jobs.Digest;
using Governance.Jobs.Escalation;
using Governance.Jobs.FollowUp;
using Governance.Jobs.Dispatch;
using Governance.Jobs.Participation;
using Governance.Jobs.Reminders;
using Microsoft.Extensions.DependencyInjection;
using Quartz;


namespace Governance.Jobs;

public static class JobsSetup
{
    public const string Group = "governance";

    /// <summary>China Standard Time for cron schedules ("Friday 18:00" means 18:00 in China on every node).</summary>
    public static TimeZoneInfo China { get; } = FindChina();

    private static TimeZoneInfo FindChina()
    {
        foreach (var id in new[] { "Asia/Shanghai", "China Standard Time" })
            try { return TimeZoneInfo.FindSystemTimeZoneById(id); } catch (TimeZoneNotFoundException) { }
        throw new InvalidOperationException("No time-zone data for Asia/Shanghai; install tzdata.");
    }

    /// <summary>The runners and the outbox dispatcher: plain classes, used by the jobs, the API and the tests.</summary>
    public static IServiceCollection AddGovernanceRunners(this IServiceCollection services, JobsOptions options, DispatcherOptions dispatcher)
    {
        services.AddSingleton(options);
        services.AddSingleton(dispatcher);
        services.AddSingleton<OutboxDispatcher>();
        services.AddSingleton<ReminderRunner>();
        services.AddSingleton<EscalationRunner>();
        services.AddSingleton<WeeklyDigestRunner>();
        services.AddSingleton<FollowUpRunner>();
        services.AddSingleton<ParticipationRunner>();
        services.AddSingleton<ClaimExpiryRunner>();
        services.AddSingleton<BroadcastRunner>();
        services.AddSingleton<JobRunListener>();
        return services;
    }

    /// <summary>
    /// Quartz with its persistent, clustered store on our database: every node that runs jobs joins the same
    /// cluster, each fire runs on one node, and a node that dies has its recoverable jobs re-run elsewhere
    /// (so every runner is idempotent). Each job and trigger has a stable identity.
    /// </summary>
    public static IServiceCollection AddGovernanceScheduler(this IServiceCollection services, string connectionString, JobsOptions o)
    {
        services.AddQuartz("governance", q =>
        {
            ConfigureStore(q, connectionString);
            // How long an idle node waits before looking for due triggers again (Quartz's default is 30 s).
            q.ConfigureScheduler(s => s.IdleWaitTime = TimeSpan.FromSeconds(Math.Max(1, o.IdleWaitSeconds)));
            q.UseTimeProvider(TimeProvider.System);
            Simple<SendScheduledBroadcastsJob>(q, "send-scheduled-broadcasts", o.BroadcastIntervalSeconds);
            Cron<SendRemindersJob>(q, "send-reminders", o.RemindersCron);
            Cron<EscalateOverdueJob>(q, "escalate-overdue", o.EscalationCron);
            Cron<SendWeeklyDigestJob>(q, "send-weekly-digest", o.WeeklyDigestCron);
            Cron<FollowUpResolvedJob>(q, "follow-up-resolved", o.FollowUpCron);
            Cron<CheckParticipationJob>(q, "check-participation", o.ParticipationCron);
            Cron<ExpireClaimsJob>(q, "expire-claims", o.ClaimExpiryCron);
            q.AddJobListener<JobRunListener>(GroupMatcher<JobKey>.GroupEquals(Group));
        });
        services.AddQuartzHostedService(h => h.WaitForJobsToComplete = true);
        services.AddHostedService<OutboxDispatcherService>();
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

    private static void Simple<TJob>(IQuartzBuilder q, string name, int seconds) where TJob : IJob
    {
        var key = new JobKey(name, Group);
        q.AddJob<TJob>(j => j.WithIdentity(key).StoreDurably().RequestRecovery());
        q.AddTrigger(t => t.ForJob(key).WithIdentity(name, Group)
            .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromSeconds(seconds)).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)));
    }

    private static void Cron<TJob>(IQuartzBuilder q, string name, string cron) where TJob : IJob
    {
        var key = new JobKey(name, Group);
        q.AddJob<TJob>(j => j.WithIdentity(key).StoreDurably().RequestRecovery());
        q.AddTrigger(t => t.ForJob(key).WithIdentity(name, Group)
            .WithCronSchedule(cron, c => c.InTimeZone(China).WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed)));
    }
}
