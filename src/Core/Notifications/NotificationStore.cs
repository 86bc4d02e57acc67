using Governance.Core.Data;

namespace Governance.Core.Notifications;

/// <summary>
/// Enqueues notices that are not part of another change (for those, use Outbox inside that transaction).
/// </summary>
public sealed class NotificationStore(Db db)
{
    public async Task<int> EnqueueAsync(
        IEnumerable<long> personIds,
        Notice notice,
        string idempotencyKey,
        DateTime now,
        CancellationToken ct = default
    )
    {
        await using var c = await db.OpenAsync(ct);
        return await Outbox.EnqueueAsync(c, null, personIds, notice, idempotencyKey, now, ct);
    }

    /// <summary>Personal notices (a digest), one statement per kind and 2,000 people.</summary>
    public async Task<int> EnqueueManyAsync(IReadOnlyList<Outbox.Personal> notices, DateTime now, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await Outbox.EnqueueManyAsync(c, null, notices, now, ct);
    }

    public async Task<int> EnqueueCustomerServiceAsync(
        long? personId,
        string openid,
        string text,
        string idempotencyKey,
        DateTime now,
        CancellationToken ct = default
    )
    {
        await using var c = await db.OpenAsync(ct);
        return await Outbox.EnqueueCustomerServiceAsync(c, null, personId, openid, text, idempotencyKey, now, ct);
    }
}
