using Governance.Core.Notifications;
using Microsoft.Extensions.Logging;

namespace Governance.Core.Orders;

/// <summary>
/// 回访: a resolved order not rated after three days gets one reminder to the resident (recorded on the order with the
/// notice, so it is sent once); after seven days it is closed as unrated, which is different from "satisfied" and
/// counted apart.
/// </summary>
public sealed class FollowUp(
    OrderScans scans,
    OrderStore orders,
    OrderPolicyOptions options,
    TimeProvider clock,
    ILogger<FollowUp> log
)
{
    public async Task<(int Reminded, int Closed)> RunAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        int reminded = 0,
            closed = 0;
        foreach (
            var o in await scans.ResolvedUnratedAsync(now.AddDays(-options.AutoCloseAfterDays), options.ScanBatch, ct)
        )
        {
            var move = new OrderMove(
                o.Id,
                OrderStatus.Resolved,
                OrderStatus.Closed,
                new NewOrderEvent(
                    OrderEventKind.Closed,
                    OrderStatus.Resolved,
                    OrderStatus.Closed,
                    null,
                    "system",
                    $"办结{options.AutoCloseAfterDays}天未评价，自动关闭（记为未评价）"
                )
            )
            {
                Satisfaction = "unrated",
            };
            if (await orders.MoveAsync(move, now, ct))
                closed++;
        }
        foreach (var o in await scans.FollowUpDueAsync(now.AddDays(-options.FollowUpAfterDays), options.ScanBatch, ct))
        {
            if (o.ResidentId is not { } resident)
            {
                // Found by staff (a visit, a meeting): nobody to ask; recorded so the scan does not return it again.
                await scans.MarkFollowedUpAsync(o.Id, now, (_, _) => Task.CompletedTask, ct);
                continue;
            }
            var notice = new Notice(
                "followup",
                "请评价工单办理结果",
                $"您反映的{o.CategoryName}问题已办结，请回复满意、基本满意或不满意",
                o.Code
            );
            if (
                await scans.MarkFollowedUpAsync(
                    o.Id,
                    now,
                    (c, tx) =>
                        Outbox.EnqueueAsync(
                            c,
                            tx,
                            [resident],
                            notice,
                            $"followup:{o.Code}:{o.ResolvedAt!.Value.Ticks}",
                            now,
                            ct
                        ),
                    ct
                )
            )
                reminded++;
        }
        if (reminded + closed > 0)
            log.LogInformation("Follow-up: {Reminded} reminded, {Closed} closed unrated", reminded, closed);
        return (reminded, closed);
    }
}
