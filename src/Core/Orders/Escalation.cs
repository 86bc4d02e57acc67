using Governance.Core.Notifications;
using Governance.Core.Text;
using Governance.Core.Time;
using Microsoft.Extensions.Logging;

namespace Governance.Core.Orders;

/// <summary>
/// Escalation after deadlines (督办), one level per step: 1 whoever holds the order, 2 the grid workers, 3 the community
/// secretary, 4 the street, 5 the county, which also summons the departments on duty for the order's category (吹哨报到,
/// see <see cref="Summons"/>; <see cref="OrderRecipients.ForEscalationLevelAsync"/>). A level is due when the order
/// has been overdue for (level - 1) steps; each escalation is a timeline event, a notice to that level and a visible
/// level on the order, and it schedules the next step. The level only rises from the value read, so overlapping runs
/// (two nodes, a re-run after a crash) escalate once; a backlog (after an outage) climbs one level per pass.
/// </summary>
public sealed class Escalation(
    OrderScans scans,
    OrderRecipients recipients,
    Summons summons,
    OrderPolicyOptions options,
    TimeProvider clock,
    ILogger<Escalation> log
)
{
    public const int TopLevel = 5;
    public static readonly string[] LevelNames = ["", "认领人", "网格员", "社区书记", "街道", "区县"];

    public async Task<int> RunAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var step = TimeSpan.FromHours(options.EscalationStepHours);
        var escalated = 0;
        foreach (var o in await scans.EscalationsDueAsync(now, options.ScanBatch, ct))
        {
            var seen = o.NextEscalateAt!.Value;
            var open = OrderStatus.Open.Contains(o.Status);
            var due =
                o.EscalationLevel >= TopLevel || !open || o.ResolveDueAt >= now
                    ? 0
                    : Math.Min(TopLevel, 1 + (int)Math.Floor((now - o.ResolveDueAt) / step));
            if (due <= o.EscalationLevel)
            {
                // Nothing due yet (an urgent order escalated when it was filed, a level reached by a concurrent run):
                // the next level is due once the order has been overdue that many steps. Or nothing is left to
                // escalate.
                DateTime? later =
                    o.EscalationLevel >= TopLevel || !open ? null : o.ResolveDueAt + step * o.EscalationLevel;
                await scans.RescheduleEscalationAsync(o.Id, seen, later, ct);
                continue;
            }
            var level = o.EscalationLevel + 1;
            DateTime? next = level >= TopLevel ? null : o.ResolveDueAt + step * level;
            var to = await recipients.ForEscalationLevelAsync(
                level,
                o.AreaPath,
                o.ClaimerPersonId,
                o.ClaimerUnitId,
                ct
            );
            var departments = level == TopLevel ? await summons.OnDutyAsync(o.CategoryId, ct) : [];
            to = [.. to, .. departments.SelectMany(d => d.Admins)];
            var overdue = now - o.ResolveDueAt;
            var late = overdue.TotalHours < 24 ? $"{(int)overdue.TotalHours}小时" : $"{(int)overdue.TotalDays}天";
            var note =
                $"已逾期{late}，升级到{LevelNames[level]}督办"
                + (departments.Count > 0 ? $"，吹哨：{string.Join("、", departments.Select(d => d.Name))}" : "");
            var notice = new Notice(
                "escalation",
                $"工单逾期督办（{LevelNames[level]}）",
                $"{o.CategoryName}：{Chars.Shorten(o.Description, 30)}，{note}",
                o.Code
            );
            var e = new NewOrderEvent(
                OrderEventKind.Escalated,
                null,
                null,
                null,
                "system",
                note,
                $$"""{"level":{{level}}}"""
            );
            var key = $"escalation:{o.Code}:{level}:{ChinaTime.ToChina(o.ResolveDueAt):yyyyMMddHHmm}";
            // Conditional on the level read: a concurrent run that got there first makes this a no-op.
            if (
                await scans.EscalateAsync(
                    o.Id,
                    level,
                    e,
                    next,
                    now,
                    async (c, tx) =>
                    {
                        foreach (var d in departments)
                            await Summons.InsertAsync(c, tx, o.Id, d.UnitId, $"逾期升级：{note}", null, now, ct);
                        await Outbox.EnqueueAsync(c, tx, to, notice, key, now, ct);
                    },
                    ct
                )
            )
                escalated++;
        }
        if (escalated > 0)
            log.LogInformation("Escalated {Count} overdue orders", escalated);
        return escalated;
    }
}
