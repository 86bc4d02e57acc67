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
/// it), 2 the grid worker, 3 the community secretary, 4 the street. A level is due when the order has been overdue
/// for (level - 1) steps; each escalation is a timeline event, a notice to that level and a visible level on the order,
/// and it schedules the next step. The level only rises from the value read, so overlapping runs (two nodes, a re-run
/// after a crash) escalate once; a backlog (after an outage) climbs one level per pass.
/// </summary>
public sealed class EscalationRunner(OrderScans scans, PersonStore people, RegistrationStore units, Db db,
    JobsOptions options, TimeProvider clock, ILogger<EscalationRunner> log)
{
    public const int TopLevel = 4;
    public static readonly string[] LevelNames = ["", "认领人", "网格员", "社区书记", "街道"];

    public async Task<int> RunOnceAsync(CancellationToken ct = default)
    {
        await using var scope = db.Scope(); // the pass's queries share one connection
        var now = clock.GetUtcNow().UtcDateTime;
        var step = TimeSpan.FromHours(options.EscalationStepHours);
        var escalated = 0;
        foreach (var o in await scans.EscalationsDueAsync(now, options.ScanBatch, ct))
        {
            var seen = o.NextEscalateAt!.Value;
            var due = o.EscalationLevel >= TopLevel || !OrderStatus.Open.Contains(o.Status) || o.ResolveDueAt >= now ? 0
                : Math.Min(TopLevel, 1 + (int)Math.Floor((now - o.ResolveDueAt) / step));
            if (due <= o.EscalationLevel)
            {
                // Nothing due yet (an urgent order escalated when it was filed, a level reached by a concurrent run): the next
                // level is due once the order has been overdue that many steps. Or nothing is left to escalate.
                DateTime? later = o.EscalationLevel >= TopLevel || !OrderStatus.Open.Contains(o.Status) ? null : o.ResolveDueAt + step * o.EscalationLevel;
                await scans.RescheduleEscalationAsync(o.Id, seen, later, ct);
                continue;
            }
            var level = o.EscalationLevel + 1;
            DateTime? next = level >= TopLevel ? null : o.ResolveDueAt + step * level;
            var recipients = await RecipientsAsync(o, level, ct);
            var overdue = now - o.ResolveDueAt;
            var note = $"已逾期{(overdue.TotalHours < 24 ? $"{(int)overdue.TotalHours}小时" : $"{(int)overdue.TotalDays}天")}，升级到{LevelNames[level]}督办";
            var notice = new Notice("escalation", $"工单逾期督办（{LevelNames[level]}）", $"{o.CategoryName}：{o.Description[..Math.Min(30, o.Description.Length)]}，{note}", o.Code);
            await using var c = await db.OpenAsync(ct);
            await using var tx = await c.BeginTransactionAsync(ct);
            // Conditional on the level read: a concurrent run that got there first makes this a no-op.
            if (!await OrderStore.EscalateAsync(c, tx, o.Id, level, new NewOrderEvent(OrderEventKind.Escalated, null, null, null, "system", note,
                    $$"""{"level":{{level}}}"""), now, ct, reschedule: true, next))
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
