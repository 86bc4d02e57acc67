using Governance.Core.Data;
using Governance.Core.Orders;

namespace Governance.Jobs.Claims;

/// <summary>Claims not started within their category's claim window go back to the pool (also done when the order is touched).</summary>
public sealed class ClaimExpiryRunner(OrderService orders, Db db)
{
    public async Task<int> RunOnceAsync(CancellationToken ct = default)
    {
        await using var scope = db.Scope(); // the pass's queries share one connection
        return await orders.ExpireStaleClaimsAsync(1000, ct);
    }
}
