using Governance.Core.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace Governance.Jobs;

/// <summary>One scheduled job as the jobs page shows it.</summary>
public sealed record JobView(
    string Name,
    string Schedule,
    string State,
    DateTimeOffset? NextFire,
    DateTimeOffset? PreviousFire,
    IReadOnlyList<JobRunView> Runs
);

public sealed record JobRunView(
    DateTimeOffset ScheduledAt,
    string Node,
    int Runs,
    string Outcome,
    string? Result,
    double? Seconds
);

/// <summary>
/// What Hangfire's dashboard gives, over Quartz: every job with its schedule, state, next and previous fire, and its
/// last runs from job_run (status, duration, error); pause, resume and trigger now. Works on any node: the scheduler
/// object on an API-only node is never started, so it only reads and writes the shared store, and the cluster's
/// running nodes carry out what it asks.
/// </summary>
public sealed class JobsDashboard(
    [FromKeyedServices(JobsServices.SchedulerName)] ISchedulerFactory factory,
    IReadOnlyList<JobSchedule> schedules,
    JobRunStore runs
)
{
    public IReadOnlyList<JobSchedule> Schedules => schedules;

    public async Task<IReadOnlyList<JobView>> ListAsync(int runsPerJob, CancellationToken ct = default)
    {
        var scheduler = await factory.GetScheduler(ct);
        var list = new List<JobView>();
        foreach (var s in schedules)
        {
            var key = new TriggerKey(s.Name, JobsServices.Group);
            var trigger = await scheduler.GetTrigger(key, ct);
            var state = trigger is null ? TriggerState.None : await scheduler.GetTriggerState(key, ct);
            var recent = await runs.RecentAsync(s.Name, runsPerJob, ct);
            list.Add(
                new JobView(
                    s.Name,
                    s.Text,
                    state.ToString().ToLowerInvariant(),
                    trigger?.NextFireTimeUtc,
                    trigger?.PreviousFireTimeUtc,
                    recent
                        .Select(r => new JobRunView(
                            new DateTimeOffset(r.ScheduledAt, TimeSpan.Zero),
                            r.Node,
                            r.Runs,
                            r.Outcome,
                            r.Result,
                            r.FinishedAt is { } f ? (f - r.StartedAt).TotalSeconds : null
                        ))
                        .ToList()
                )
            );
        }
        return list;
    }

    public bool Knows(string name) => schedules.Any(s => s.Name == name);

    public async Task PauseAsync(string name, CancellationToken ct = default) =>
        await (await factory.GetScheduler(ct)).PauseTrigger(new TriggerKey(name, JobsServices.Group), ct);

    public async Task ResumeAsync(string name, CancellationToken ct = default) =>
        await (await factory.GetScheduler(ct)).ResumeTrigger(new TriggerKey(name, JobsServices.Group), ct);

    /// <summary>A one-off fire now, run by whichever running node takes it, recorded in job_run like any.</summary>
    public async Task TriggerAsync(string name, CancellationToken ct = default) =>
        await (await factory.GetScheduler(ct)).TriggerJob(new JobKey(name, JobsServices.Group), ct);
}

/// <summary>
/// On a node that does not run jobs, the scheduler object the jobs page reads through is built in the background once
/// the node has started (about 300 ms of Quartz's set-up), instead of on the first visit to the page.
/// </summary>
public sealed class JobsDashboardWarmUp(
    [FromKeyedServices(JobsServices.SchedulerName)] ISchedulerFactory factory,
    Microsoft.Extensions.Logging.ILogger<JobsDashboardWarmUp> log
) : Microsoft.Extensions.Hosting.BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield(); // never on the start-up path
        try
        {
            await factory.GetScheduler(stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The page builds it on its first visit instead, and reports what is wrong then.
            Microsoft.Extensions.Logging.LoggerExtensions.LogWarning(
                log,
                ex,
                "Jobs page: the scheduler object could not be built ahead"
            );
        }
    }
}
