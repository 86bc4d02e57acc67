using Governance.Core.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Governance.Jobs;

/// <summary>What a job's trigger should be: a Quartz cron expression (China time) or an interval in seconds.</summary>
public sealed record JobSchedule(string Name, Type JobType, string? Cron, int? IntervalSeconds)
{
    /// <summary>The schedule as people read it on the jobs page and in the logs.</summary>
    public string Text => Cron ?? $"every {IntervalSeconds} s";
}

/// <summary>
/// Runs once a node's scheduler has started. Quartz adds only the triggers the store lacks (a node joining the cluster
/// must not reset the triggers the others are firing); this brings a stored trigger whose schedule no longer matches
/// the configuration in line, keeps it paused if it was, and leaves matching triggers untouched. Two nodes starting
/// with the same new schedule take turns under a named lock, so only the first replaces the trigger. The replacement
/// starts at the next whole second: a cron trigger's first fire may otherwise be the current second, which the old
/// trigger may just have fired.
/// </summary>
public sealed class ScheduleSync(
    [FromKeyedServices(JobsServices.SchedulerName)] ISchedulerFactory factory,
    IReadOnlyList<JobSchedule> schedules,
    Db db,
    TimeProvider clock,
    ILogger<ScheduleSync> log
) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        var scheduler = await factory.GetScheduler(ct);
        await db.UnderLockAsync("schedule-sync", TimeSpan.FromSeconds(60), () => SyncAsync(scheduler, ct), ct);
    }

    private async Task<int> SyncAsync(IScheduler scheduler, CancellationToken ct)
    {
        var changed = 0;
        foreach (var schedule in schedules)
        {
            var job = await scheduler.GetJobDetail(new JobKey(schedule.Name, JobsServices.Group), ct);
            if (job is not null && job.JobType.Type != schedule.JobType)
            {
                // A job whose class was renamed or replaced since it was stored: store it anew, triggers kept.
                var detail = JobBuilder
                    .Create()
                    .OfType(schedule.JobType)
                    .WithIdentity(job.Key)
                    .StoreDurably()
                    .RequestRecovery()
                    .Build();
                await scheduler.AddJob(detail, AddJobOptions.Replacing, ct);
                changed++;
            }
            var key = new TriggerKey(schedule.Name, JobsServices.Group);
            var stored = await scheduler.GetTrigger(key, ct);
            if (stored is null || Matches(stored, schedule))
                continue;
            var paused = await scheduler.GetTriggerState(key, ct) == TriggerState.Paused;
            var now = clock.GetUtcNow();
            var trigger = TriggerBuilder
                .Create()
                .ForJob(schedule.Name, JobsServices.Group)
                .WithIdentity(key)
                .WithSchedule(JobsServices.ScheduleOf(schedule))
                .StartAt(now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond)).AddSeconds(1))
                .Build();
            await scheduler.RescheduleJob(key, trigger, ct);
            if (paused)
                await scheduler.PauseTrigger(key, ct);
            log.LogInformation("Job {Job} rescheduled: {Schedule}", schedule.Name, schedule.Text);
            changed++;
        }
        return changed;
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;

    private static bool Matches(ITrigger stored, JobSchedule schedule) =>
        stored switch
        {
            ICronTrigger cron => schedule.Cron == cron.CronExpressionString
                && cron.TimeZone.Id == JobsServices.China.Id,
            ISimpleTrigger simple => schedule.IntervalSeconds is { } s
                && simple.RepeatInterval == TimeSpan.FromSeconds(s),
            _ => false,
        };
}
