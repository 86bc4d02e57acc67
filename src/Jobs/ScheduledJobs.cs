using Governance.Jobs.Broadcasts;
using Governance.Jobs.Claims;
using Governance.Jobs.Digest;
using Governance.Jobs.Escalation;
using Governance.Jobs.FollowUp;
using Governance.Jobs.Outbox;
using Governance.Jobs.Participation;
using Governance.Jobs.Reminders;
using Quartz;

namespace Governance.Jobs;

// Jobs are thin: each calls a runner that tests call directly. Quartz stores the class names with the
// triggers, so renaming one of these classes needs a migration of QRTZ_JOB_DETAILS.

[DisallowConcurrentExecution]
public sealed class DispatchOutboxJob(OutboxDispatcher dispatcher) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct) => await dispatcher.DrainAsync(50, ct);
}

[DisallowConcurrentExecution]
public sealed class SendRemindersJob(ReminderRunner runner) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct) => await runner.RunOnceAsync(ct);
}

[DisallowConcurrentExecution]
public sealed class EscalateOverdueJob(EscalationRunner runner) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct) => await runner.RunOnceAsync(ct);
}

[DisallowConcurrentExecution]
public sealed class SendWeeklyDigestJob(WeeklyDigestRunner runner) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct) => await runner.RunOnceAsync(ct);
}

[DisallowConcurrentExecution]
public sealed class FollowUpResolvedJob(FollowUpRunner runner) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct) => await runner.RunOnceAsync(ct);
}

[DisallowConcurrentExecution]
public sealed class CheckParticipationJob(ParticipationRunner runner) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct) => await runner.RunOnceAsync(ct);
}

[DisallowConcurrentExecution]
public sealed class ExpireClaimsJob(ClaimExpiryRunner runner) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct) => await runner.RunOnceAsync(ct);
}

[DisallowConcurrentExecution]
public sealed class SendScheduledBroadcastsJob(BroadcastRunner runner) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct) => await runner.RunOnceAsync(ct);
}
