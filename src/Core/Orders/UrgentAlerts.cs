using Governance.Core.Notifications;
using Governance.Core.Text;
using Microsoft.Extensions.Logging;

namespace Governance.Core.Orders;

/// <summary>
/// An urgent report alerts its grid workers and secretary when it is filed. If nobody acknowledges it — the
/// acknowledge action, or any staff triage that moves it on from "submitted" — within its category's urgent
/// acknowledge window, the alert goes one level up, to the street (and again to the secretary), with the timeline
/// saying so; after the street there is no one higher in the tree, and the order stays on the urgent queue. Each step
/// moves only from the state read, so overlapping runs on two nodes alert once.
/// </summary>
public sealed class UrgentAlerts(
    OrderScans scans,
    OrderRecipients recipients,
    OrderPolicyOptions options,
    TimeProvider clock,
    ILogger<UrgentAlerts> log
)
{
    public const int StreetLevel = 2;

    public async Task<int> RunAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var raised = 0;
        foreach (var o in await scans.UrgentAlertsDueAsync(now, options.ScanBatch, ct))
        {
            // Moved on by staff (accepted, published, assigned, claimed) or closed: that was the acknowledgement.
            if (o.Status != OrderStatus.Submitted || o.UrgentAlertLevel >= StreetLevel)
            {
                await scans.StepUrgentAlertAsync(o, o.UrgentAlertLevel, null, null, now, null, ct);
                continue;
            }
            var level = o.UrgentAlertLevel + 1;
            var to = (await recipients.StreetAsync(o.AreaPath, ct))
                .Concat(await recipients.SecretariesAsync(o.AreaPath, ct))
                .Distinct()
                .ToList();
            var note = $"紧急诉求{o.UrgentAckHours}小时内无人响应，已通知街道";
            var notice = new Notice(
                "urgent_alert",
                $"紧急诉求无人响应 {o.CategoryName}",
                Chars.Shorten(o.Description, 60),
                o.Code
            );
            var moved = await scans.StepUrgentAlertAsync(
                o,
                level,
                null,
                new NewOrderEvent(OrderEventKind.Escalated, null, null, null, "system", note),
                now,
                (c, tx) => Outbox.EnqueueAsync(c, tx, to, notice, $"urgent:{o.Code}:{level}", now, ct),
                ct
            );
            if (moved)
            {
                raised++;
                log.LogWarning(
                    "Urgent order {Code} unacknowledged for {Hours} h: alerted the street",
                    o.Code,
                    o.UrgentAckHours
                );
            }
        }
        return raised;
    }
}
