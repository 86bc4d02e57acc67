using Governance.Core.Orders;

namespace Governance.Jobs.Claims;

/// <summary>Claims not started within their category's claim window go back to the pool (also done when the order is touched).</summary>
public sealed class ClaimExpiryRunner(OrderService orders)
{
    public Task<int> RunOnceAsync(CancellationToken ct = default) => orders.ExpireStaleClaimsAsync(1000, ct);
}
