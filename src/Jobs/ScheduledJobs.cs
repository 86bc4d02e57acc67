using Governance.Jobs.Broadcasts;
using Governance.Jobs.Claims;
using Governance.Jobs.Digest;
using Governance.Jobs.Escalation;
using Governance.Jobs.FollowUp;
using Governance.Jobs.Participation;
using Governance.Jobs.Reminders;
using Quartz;

namespace Governance.Jobs;

// Jobs are thin: each calls a runner that tests call directly, and leaves what it did as the fire's result
// (recorded in job_run). Quartz stores the class names with the triggers, so renaming one of these classes
// needs a migration of QRTZ_JOB_DETAILS.

[DisallowConcurrentExecution]
public sealed class SendRemindersJob(ReminderRunner runner) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct) => context.Result = $"{await runner.RunOnceAsync(ct)} reminders queued";
}

[DisallowConcurrentExecution]
public sealed class EscalateOverdueJob(EscalationRunner runner) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct) => context.Result = $"{await runner.RunOnceAsync(ct)} orders escalated";
}

[DisallowConcurrentExecution]
public sealed class SendWeeklyDigestJob(WeeklyDigestRunner runner) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct) => context.Result = $"{await runner.RunOnceAsync(ct)} digests queued";
}

[DisallowConcurrentExecution]
public sealed class FollowUpResolvedJob(FollowUpRunner runner) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct)
    {
        var (reminded, closed) = await runner.RunOnceAsync(ct);
        context.Result = $"{reminded} residents asked to rate, {closed} closed unrated";
    }
}

[DisallowConcurrentExecution]
public sealed class CheckParticipationJob(ParticipationRunner runner) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct) => context.Result = $"{await runner.RunOnceAsync(ct)} notices queued";
}

[DisallowConcurrentExecution]
public sealed class ExpireClaimsJob(ClaimExpiryRunner runner) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct) => context.Result = $"{await runner.RunOnceAsync(ct)} claims returned to the pool";
}

[DisallowConcurrentExecution]
public sealed class SendScheduledBroadcastsJob(BroadcastRunner runner) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct)
    {
        var (expanded, finished) = await runner.RunOnceAsync(ct);
        context.Result = $"{expanded} broadcasts sent, {finished} finished";
    }
}
