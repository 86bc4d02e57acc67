using Governance.Core.Data;
using Governance.Core.Notifications;
using Governance.Core.Orders;
using Governance.Core.People;
using Governance.Core.Registrations;
using Governance.Core.Time;
using Microsoft.Extensions.Logging;

namespace Governance.Jobs.Escalation;

/// <summary>
/// Escalation after deadlines (督办), one level per step: 1 the claimer (the grid worker when nobody claimed
/// it), 2 the grid worker, 3 the community secretary, 4 the street. Each step is a timeline event, a notice
/// to that level and a visible escalation level on the order; the level only rises from the value read, so
/// overlapping runs (two nodes, a re-run after a crash) escalate once.
/// </summary>
public sealed class EscalationRunner(OrderScans scans, PersonStore people, RegistrationStore units, Db db,
    JobsOptions options, TimeProvider clock, ILogger<EscalationRunner> log)
{
    public static readonly string[] LevelNames = ["", "认领人", "网格员", "社区书记", "街道"];

    public async Task<int> RunOnceAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var escalated = 0;
        foreach (var o in await scans.EscalationCandidatesAsync(now, options.EscalationStepHours, options.ScanBatch, ct))
        {
            var level = o.EscalationLevel + 1;
            var recipients = await RecipientsAsync(o, level, ct);
            var overdue = now - o.ResolveDueAt;
            var note = $"已逾期{(overdue.TotalHours < 24 ? $"{(int)overdue.TotalHours}小时" : $"{(int)overdue.TotalDays}天")}，升级到{LevelNames[level]}督办";
            var notice = new Notice("escalation", $"工单逾期督办（{LevelNames[level]}）", $"{o.CategoryName}：{o.Description[..Math.Min(30, o.Description.Length)]}，{note}", o.Code);
            await using var c = await db.OpenAsync(ct);
            await using var tx = await c.BeginTransactionAsync(ct);
            // Conditional on the level read: a concurrent run that got there first makes this a no-op.
            if (!await OrderStore.EscalateAsync(c, tx, o.Id, level, new NewOrderEvent(OrderEventKind.Escalated, null, null, null, "system", note,
                    $$"""{"level":{{level}}}"""), now, ct))
            {
                await tx.RollbackAsync(ct);
                continue;
            }
            await Outbox.EnqueueAsync(c, tx, recipients, notice, $"escalation:{o.Code}:{level}:{ChinaTime.ToChina(o.ResolveDueAt):yyyyMMddHHmm}", now, ct);
            await tx.CommitAsync(ct);
            escalated++;
        }
        if (escalated > 0) log.LogInformation("Escalated {Count} overdue orders", escalated);
        return escalated;
    }

    private async Task<IReadOnlyList<long>> RecipientsAsync(ScanRow o, int level, CancellationToken ct) => level switch
    {
        1 when o.ClaimerPersonId is { } p => [p],
        1 when o.ClaimerUnitId is { } u => await units.UnitAdminsAsync(u, ct),
        1 or 2 => await people.StaffOverAsync(o.AreaPath, [StaffRole.GridWorker], ct),
        3 => await people.StaffOverAsync(o.AreaPath, [StaffRole.Secretary], ct),
        _ => await people.StaffOverAsync(o.AreaPath, [StaffRole.StreetAdmin], ct),
    };
}
