using Governance.Core.Broadcasts;
using Governance.Core.Data;
using Governance.Core.Digest;
using Governance.Core.Members;
using Governance.Core.Orders;
using Quartz;

namespace Governance.Jobs;

// Jobs are thin: each calls one Core rule and leaves what it did as the fire's result (recorded in job_run). Quartz
// stores the class names with the triggers, so renaming one of these classes needs a migration of QRTZ_JOB_DETAILS.

[DisallowConcurrentExecution]
public sealed class SendRemindersJob(Db db, Reminders reminders) : IJob
{
    public ValueTask Execute(IJobExecutionContext context, CancellationToken ct) =>
        context.RunAsync(db, async () => $"{await reminders.RunAsync(ct)} reminders queued");
}

[DisallowConcurrentExecution]
public sealed class EscalateOverdueJob(Db db, Escalation escalation) : IJob
{
    public ValueTask Execute(IJobExecutionContext context, CancellationToken ct) =>
        context.RunAsync(db, async () => $"{await escalation.RunAsync(ct)} orders escalated");
}

[DisallowConcurrentExecution]
public sealed class SendWeeklyDigestJob(Db db, WeeklyDigest digest) : IJob
{
    public ValueTask Execute(IJobExecutionContext context, CancellationToken ct) =>
        context.RunAsync(db, async () => $"{await digest.RunAsync(ct)} digests queued");
}

[DisallowConcurrentExecution]
public sealed class FollowUpResolvedJob(Db db, FollowUp followUp) : IJob
{
    public ValueTask Execute(IJobExecutionContext context, CancellationToken ct) => context.RunAsync(db, async () =>
        {
            var (reminded, closed) = await followUp.RunAsync(ct);
            return $"{reminded} residents asked to rate, {closed} closed unrated";
        });
}

[DisallowConcurrentExecution]
public sealed class CheckParticipationJob(Db db, Participation participation) : IJob
{
    public ValueTask Execute(IJobExecutionContext context, CancellationToken ct) =>
        context.RunAsync(db, async () => $"{await participation.RunAsync(ct)} notices queued");
}

[DisallowConcurrentExecution]
public sealed class ExpireClaimsJob(Db db, ClaimExpiry expiry) : IJob
{
    public ValueTask Execute(IJobExecutionContext context, CancellationToken ct) =>
        context.RunAsync(db, async () => $"{await expiry.RunAsync(1000, ct)} claims returned to the pool");
}

[DisallowConcurrentExecution]
public sealed class RaiseUrgentAlertsJob(Db db, UrgentAlerts alerts) : IJob
{
    public ValueTask Execute(IJobExecutionContext context, CancellationToken ct) =>
        context.RunAsync(db, async () => $"{await alerts.RunAsync(ct)} urgent alerts raised to the street");
}

[DisallowConcurrentExecution]
public sealed class RemindPracticesJob(Db db, Governance.Core.Lists.PracticeReminders reminders) : IJob
{
    public ValueTask Execute(IJobExecutionContext context, CancellationToken ct) =>
        context.RunAsync(db, async () => $"{await reminders.RunAsync(ct)} practice reminders queued");
}

[DisallowConcurrentExecution]
public sealed class SendScheduledBroadcastsJob(Db db, BroadcastService broadcasts) : IJob
{
    public ValueTask Execute(IJobExecutionContext context, CancellationToken ct) => context.RunAsync(db, async () =>
        {
            var (expanded, finished) = await broadcasts.RunDueAsync(ct);
            return $"{expanded} broadcasts sent, {finished} finished";
        });
}

[DisallowConcurrentExecution]
public sealed class ComputeStatisticsJob(Db db, Governance.Core.Statistics.DailyStatistics statistics) : IJob
{
    public ValueTask Execute(IJobExecutionContext context, CancellationToken ct) =>
        context.RunAsync(db, async () => $"{await statistics.CatchUpAsync(ct)} days of statistics computed");
}

[DisallowConcurrentExecution]
public sealed class RemindAssessmentJob(Db db, Governance.Core.Assessment.Evaluations evaluations) : IJob
{
    public ValueTask Execute(IJobExecutionContext context, CancellationToken ct) =>
        context.RunAsync(db, async () => $"{await evaluations.RemindAsync(ct)} evaluation and survey reminders queued");
}

internal static class JobRun
{
    /// <summary>
    /// Runs a fire's work with its queries sharing one connection (as a request's do), and records what it did.
    /// </summary>
    public static async ValueTask RunAsync(this IJobExecutionContext context, Db db, Func<Task<string>> work)
    {
        await using var scope = db.Scope();
        context.Result = await work();
    }
}
