using Governance.Core.Jobs;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Governance.Jobs;

/// <summary>
/// Records every fire of our jobs in job_run, on whichever node runs it (see JobRunStore), and prunes old rows
/// once an hour per node. A failed run is recorded as failed with its error, and logged, never just dropped.
/// </summary>
public sealed class JobRunListener(
    JobRunStore runs,
    JobsOptions options,
    TimeProvider clock,
    ILogger<JobRunListener> log
) : IJobListener
{
    private DateTime _nextPrune = DateTime.MinValue;

    public string Name => "job-run-log";

    public async ValueTask JobToBeExecuted(IJobExecutionContext context, CancellationToken ct = default)
    {
        try
        {
            await runs.StartedAsync(
                context.JobDetail.Key.Name,
                Scheduled(context),
                context.Scheduler.SchedulerInstanceId,
                Now,
                ct
            );
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log.LogError(ex, "Could not record the start of {Job}", context.JobDetail.Key.Name);
        }
    }

    public ValueTask JobExecutionVetoed(IJobExecutionContext context, CancellationToken ct = default) =>
        ValueTask.CompletedTask;

    public async ValueTask JobWasExecuted(
        IJobExecutionContext context,
        JobExecutionException? jobException,
        CancellationToken ct = default
    )
    {
        var job = context.JobDetail.Key.Name;
        if (jobException is not null)
            log.LogError(jobException, "Scheduled job {Job} failed", job);
        try
        {
            // Recorded even while the node shuts down: the run did finish.
            await runs.FinishedAsync(
                job,
                Scheduled(context),
                jobException is null,
                jobException?.InnerException?.Message ?? jobException?.Message ?? context.Result?.ToString(),
                Now,
                CancellationToken.None
            );
            if (Now >= _nextPrune)
            {
                _nextPrune = Now.AddHours(1);
                await runs.PruneAsync(Now.AddDays(-options.JobRunRetentionDays), CancellationToken.None);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log.LogError(ex, "Could not record the end of {Job}", job);
        }
    }

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>
    /// The fire's scheduled time to the millisecond, as DATETIME(3) keeps it (so the finishing update finds the row).
    /// </summary>
    private static DateTime Scheduled(IJobExecutionContext context)
    {
        var at = (context.ScheduledFireTimeUtc ?? context.FireTimeUtc).UtcDateTime;
        return new DateTime(at.Ticks - at.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
    }
}
