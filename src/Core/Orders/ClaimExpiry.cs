using Governance.Core.Categories;
using Governance.Core.Notifications;

namespace Governance.Core.Orders;

/// <summary>
/// A claim not started within its category's claim window goes back to the pool, and whoever held it is told. Checked
/// when the order is touched (read, claimed, worked) and by the scheduled scan; idempotent, because the move happens
/// only from "claimed" and only once per claim.
/// </summary>
public sealed class ClaimExpiry(
    OrderStore orders,
    OrderScans scans,
    CategoryStore categories,
    OrderRecipients recipients,
    TimeProvider clock
)
{
    public async Task<OrderRow> ExpireIfStaleAsync(OrderRow row, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (
            row is not { Status: OrderStatus.Claimed, StartedAt: null, ClaimedAt: { } claimedAt }
            || claimedAt.AddHours(row.ClaimWindowHours) > now
        )
            return row;
        var previous = await recipients.ClaimersAsync(row.ClaimerPersonId, row.ClaimerUnitId, ct);
        var move = new OrderMove(
            row.Id,
            OrderStatus.Claimed,
            OrderStatus.Published,
            new NewOrderEvent(
                OrderEventKind.ClaimExpired,
                OrderStatus.Claimed,
                OrderStatus.Published,
                null,
                "system",
                $"认领后{row.ClaimWindowHours}小时内未开始办理"
            )
        )
        {
            ClearClaimer = true,
        };
        var notice = new Notice("claim_expired", "认领已超时", "工单已退回认领池", row.Code);
        await orders.MoveAsync(
            move,
            now,
            (c, tx) => Outbox.EnqueueAsync(c, tx, previous, notice, $"claim-expired:{row.Code}:{row.Version}", now, ct),
            ct
        );
        return (await orders.GetAsync(row.Id, ct))!;
    }

    /// <summary>
    /// The scan behind "claims not started in the window return to the pool"; returns how many returned.
    /// </summary>
    public async Task<int> RunAsync(int limit, CancellationToken ct)
    {
        var count = 0;
        var shortest = (await categories.ListAllAsync(ct)).Select(c => c.ClaimWindowHours).DefaultIfEmpty(1).Min();
        foreach (var id in await scans.StaleClaimsAsync(clock.GetUtcNow().UtcDateTime, shortest, limit, ct))
            if (
                await orders.GetAsync(id, ct) is { } row
                && (await ExpireIfStaleAsync(row, ct)).Status == OrderStatus.Published
            )
                count++;
        return count;
    }
}
