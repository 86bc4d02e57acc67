using System.Text.Json;
using Governance.Core.Areas;
using Governance.Core.Errors;
using Governance.Core.Notifications;
using Governance.Core.Paging;
using Governance.Core.People;
using Governance.Core.Text;
using Governance.Core.Time;

namespace Governance.Core.Broadcasts;

public static class Audience
{
    public const string Members = "members",
        Residents = "residents",
        Both = "both",
        List = "list";
}

public sealed record BroadcastView(
    long Id,
    string Title,
    string Body,
    long AreaId,
    string Audience,
    string Status,
    DateTimeOffset? SendAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset? SentAt,
    int? Recipients,
    DeliveryTotals? Totals
);

public sealed record BroadcastPreview(int Recipients, IReadOnlyDictionary<string, int> ByChannel);

public sealed record RecipientView(
    long PersonId,
    string Name,
    string Channel,
    string Status,
    int Attempts,
    string? LastError,
    string? Receipt,
    DateTimeOffset? SentAt,
    long DeliveryId
);

/// <summary>
/// Secretaries' notices: compose, choose an audience (an area subtree's members, residents or both, or a list of
/// people), preview how many and on which channels, send now or at a time, and follow each recipient's delivery.
/// Sending expands the audience into outbox rows in one statement, keyed per broadcast and person, so a repeated send
/// adds nobody twice.
/// </summary>
public sealed class BroadcastService(
    BroadcastStore store,
    AreaStore areas,
    DeliveryStore deliveries,
    TimeProvider clock
)
{
    public const int MaxTitle = 20,
        MaxBody = 1000,
        MaxList = 5000,
        PageSize = 50;

    public async Task<Result<BroadcastView>> CreateAsync(
        Caller caller,
        string? title,
        string? body,
        long? areaId,
        string? audience,
        IReadOnlyList<long>? personIds,
        CancellationToken ct
    )
    {
        title = title?.Trim();
        body = body?.Trim();
        if (string.IsNullOrEmpty(title) || Chars.Count(title) > MaxTitle || Chars.HasControl(title))
            return BroadcastErrors.InvalidTitle.With($"标题需要1到{MaxTitle}个字");
        if (string.IsNullOrEmpty(body) || Chars.Count(body) > MaxBody)
            return BroadcastErrors.InvalidBody.With($"内容需要1到{MaxBody}个字");
        if (audience is not (Audience.Members or Audience.Residents or Audience.Both or Audience.List))
            return BroadcastErrors.InvalidAudience;
        var area = areaId is null ? null : await areas.GetAsync(areaId.Value, ct);
        if (area is null)
            return BroadcastErrors.AreaRequired;
        if (!CanBroadcastIn(caller, area.Path))
            return caller.IsStaffOver(area.Path) ? BroadcastErrors.SecretaryOnly : CommonErrors.AreaNotFound;
        string? ids = null;
        if (audience == Audience.List)
        {
            var list = (personIds ?? []).Distinct().ToList();
            if (list.Count == 0 || list.Count > MaxList)
                return BroadcastErrors.InvalidList.With($"名单需要1到{MaxList}人");
            if (await store.CountInScopeAsync(area.Path, list, ct) != list.Count)
                return BroadcastErrors.PersonOutOfScope;
            ids = JsonSerializer.Serialize(list);
        }
        var id = await store.CreateAsync(
            caller.PersonId,
            area.Id,
            area.Path,
            audience,
            ids,
            title,
            body,
            clock.GetUtcNow().UtcDateTime,
            ct
        );
        return await ViewAsync((await store.GetAsync(id, ct))!, ct);
    }

    public async Task<Result<BroadcastPreview>> PreviewAsync(Caller caller, long id, CancellationToken ct)
    {
        var row = await VisibleAsync(caller, id, ct);
        if (row is null)
            return BroadcastErrors.NotFound;
        var byChannel = await store.PreviewAsync(row, ct);
        return new BroadcastPreview(byChannel.Values.Sum(), byChannel);
    }

    /// <summary>
    /// Sends now (expanding the audience into the outbox) or schedules for <paramref name="at"/>, which must be ahead.
    /// </summary>
    public async Task<Result<BroadcastView>> SendAsync(Caller caller, long id, DateTimeOffset? at, CancellationToken ct)
    {
        var row = await VisibleAsync(caller, id, ct);
        if (row is null)
            return BroadcastErrors.NotFound;
        if (row.Status is not ("draft" or "scheduled"))
            return BroadcastErrors.AlreadySent;
        var now = clock.GetUtcNow().UtcDateTime;
        if (at is { } when)
        {
            // A time that has passed is a mistake (a wrong date, a form left open overnight), not a request to send
            // now.
            if (when.UtcDateTime <= now)
                return BroadcastErrors.InvalidTime.With("定时发送的时间已经过去了，请重新选择，或直接发送");
            if (when.UtcDateTime > now.AddDays(90))
                return BroadcastErrors.InvalidTime.With("定时发送最多提前90天");
            if (when.UtcDateTime > now.AddMinutes(1))
            {
                if (!await store.ScheduleAsync(id, when.UtcDateTime, ct))
                    return BroadcastErrors.AlreadySent;
                return await ViewAsync((await store.GetAsync(id, ct))!, ct);
            }
        }
        await store.ExpandAsync(row, Notice(row), now, ct);
        return await ViewAsync((await store.GetAsync(id, ct))!, ct);
    }

    public async Task<Result<BroadcastView>> CancelAsync(Caller caller, long id, CancellationToken ct)
    {
        var row = await VisibleAsync(caller, id, ct);
        if (row is null)
            return BroadcastErrors.NotFound;
        if (!await store.CancelAsync(id, ct))
            return BroadcastErrors.AlreadySent.With("这条通知已经发出了，不能取消");
        return await ViewAsync((await store.GetAsync(id, ct))!, ct);
    }

    /// <summary>For the scheduled job: expands broadcasts whose time has come, and marks finished ones sent.</summary>
    public async Task<(int Expanded, int Finished)> RunDueAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var expanded = 0;
        foreach (var row in await store.DueAsync(now, ct))
            if (await store.ExpandAsync(row, Notice(row), now, ct) is not null)
                expanded++;
        return (expanded, await store.FinishAsync(ct));
    }

    private static Notice Notice(BroadcastRow row) => new("broadcast", row.Title, row.Body, null, row.Id.ToString());

    public async Task<Result<BroadcastView>> GetAsync(Caller caller, long id, CancellationToken ct)
    {
        var row = await VisibleAsync(caller, id, ct);
        return row is null ? BroadcastErrors.NotFound : await ViewAsync(row, ct);
    }

    public async Task<Result<PageOf<RecipientView>>> RecipientsAsync(
        Caller caller,
        long id,
        string? status,
        int? page,
        int? pageSize,
        CancellationToken ct
    )
    {
        var row = await VisibleAsync(caller, id, ct);
        if (row is null)
            return BroadcastErrors.NotFound;
        if (status is not (null or "pending" or "sending" or "sent" or "failed" or "dead"))
            return BroadcastErrors.InvalidStatus;
        int p = page ?? 1,
            size = pageSize ?? 50;
        if (p < 1 || p > Orders.OrderReader.MaxPage || size is < 1 or > 200)
            return CommonErrors.PagingInvalid.With($"页码从1到{Orders.OrderReader.MaxPage}，每页1到200条");
        var (items, total) = await deliveries.RecipientsAsync(id, status, p, size, ct);
        return new PageOf<RecipientView>(
            items
                .Select(r => new RecipientView(
                    r.PersonId,
                    r.Name,
                    r.Channel,
                    r.Status,
                    r.Attempts,
                    r.LastError,
                    r.Receipt,
                    r.SentAt is { } s ? ChinaTime.ToChina(s) : null,
                    r.DeliveryId
                ))
                .ToList(),
            p,
            size,
            total
        );
    }

    /// <summary>
    /// Broadcasts in the caller's areas, newest first, a page at a time (the cursor is the last id seen).
    /// </summary>
    public async Task<Result<CursorPage<BroadcastView>>> ListAsync(Caller caller, string? cursor, CancellationToken ct)
    {
        long? before = null;
        if (cursor is not null)
        {
            if (!long.TryParse(cursor, out var b) || b <= 0)
                return CommonErrors.CursorInvalid;
            before = b;
        }
        var paths = caller
            .Staff.Where(s => s.Role is StaffRole.Secretary or StaffRole.StreetAdmin or StaffRole.CountyAdmin)
            .Select(s => s.AreaPath)
            .ToList();
        var rows = await store.ListAsync(paths, before, PageSize + 1, ct);
        var views = new List<BroadcastView>();
        foreach (var r in rows.Take(PageSize))
            views.Add(await ViewAsync(r, ct));
        return new CursorPage<BroadcastView>(views, rows.Count > PageSize ? rows[PageSize - 1].Id.ToString() : null);
    }

    private static bool CanBroadcastIn(Caller caller, string path) =>
        caller.Staff.Any(s =>
            s.Role is StaffRole.Secretary or StaffRole.StreetAdmin or StaffRole.CountyAdmin
            && path.StartsWith(s.AreaPath, StringComparison.Ordinal)
        );

    private async Task<BroadcastRow?> VisibleAsync(Caller caller, long id, CancellationToken ct)
    {
        var row = await store.GetAsync(id, ct);
        return row is not null && CanBroadcastIn(caller, row.AreaPath) ? row : null;
    }

    private async Task<BroadcastView> ViewAsync(BroadcastRow r, CancellationToken ct) =>
        new(
            r.Id,
            r.Title,
            r.Body,
            r.AreaId,
            r.Audience,
            r.Status,
            r.SendAt is { } s ? ChinaTime.ToChina(s) : null,
            ChinaTime.ToChina(r.CreatedAt),
            r.SentAt is { } t ? ChinaTime.ToChina(t) : null,
            r.Recipients,
            r.Status is "sending" or "sent" ? await deliveries.TotalsAsync(r.Id, ct) : null
        );
}
