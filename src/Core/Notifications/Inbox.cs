using Governance.Core.Errors;
using Governance.Core.People;
using Governance.Core.Time;

namespace Governance.Core.Notifications;

public sealed record InboxItemView(
    long Id,
    string Kind,
    string Title,
    string Body,
    string? OrderCode,
    DateTimeOffset CreatedAt,
    bool Read
);

/// <summary>
/// The in-app inbox (the channel of last resort) and the subscribe-message grants that decide the first channel.
/// </summary>
public sealed class Inbox(DeliveryStore store, TimeProvider clock)
{
    public async Task<IReadOnlyList<InboxItemView>> ListAsync(Caller caller, int? limit, CancellationToken ct) =>
        (await store.InboxAsync(caller.PersonId, Math.Clamp(limit ?? 50, 1, 200), ct))
            .Select(i => new InboxItemView(
                i.Id,
                i.Kind,
                i.Title,
                i.Body,
                i.OrderCode,
                ChinaTime.ToChina(i.CreatedAt),
                i.ReadAt is not null
            ))
            .ToList();

    public Task<int> MarkReadAsync(Caller caller, long? upToId, CancellationToken ct) =>
        store.MarkInboxReadAsync(caller.PersonId, upToId, clock.GetUtcNow().UtcDateTime, ct);

    /// <summary>After wx.requestSubscribeMessage: each accepted template allows one subscribe message.</summary>
    public async Task<Result<int>> GrantAsync(Caller caller, IReadOnlyList<string>? templateIds, CancellationToken ct)
    {
        var ids = templateIds ?? [];
        var known = (await store.TemplatesAsync(ct))
            .Where(t => t.Channel == DeliveryChannel.Subscribe)
            .Select(t => t.TemplateId)
            .ToHashSet();
        if (ids.Count is 0 or > 10 || ids.Any(t => !known.Contains(t)))
            return NotificationErrors.SubscriptionsInvalid;
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var id in ids)
            await store.GrantAsync(caller.PersonId, id, now, DeliveryStore.GrantSource.Client, ct);
        return ids.Count;
    }
}
