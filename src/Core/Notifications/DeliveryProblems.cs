using System.Text.Json;
using Governance.Core.Errors;
using Governance.Core.Paging;
using Governance.Core.People;
using Governance.Core.Time;

namespace Governance.Core.Notifications;

public sealed record DeliveryProblemView(
    long Id,
    long? PersonId,
    string? Name,
    string Kind,
    string Channel,
    string Status,
    int Attempts,
    string? LastError,
    string? Title,
    string? OrderCode,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt
);

/// <summary>
/// Notices that could not be delivered, for the staff of the place they are about, who may send one again.
/// </summary>
public sealed class DeliveryProblems(DeliveryStore store, TimeProvider clock)
{
    public const int MaxPageSize = 200;

    public async Task<Result<PageOf<DeliveryProblemView>>> ListAsync(
        Caller caller,
        string? status,
        int? page,
        int? pageSize,
        CancellationToken ct
    )
    {
        if (!caller.IsStaff)
            return CommonErrors.StaffOnly;
        status ??= DeliveryStatus.Dead;
        if (status is not (DeliveryStatus.Dead or DeliveryStatus.Failed))
            return NotificationErrors.InvalidStatus;
        int p = page ?? 1,
            size = pageSize ?? 50;
        if (p < 1 || p > Orders.OrderReader.MaxPage || size is < 1 or > MaxPageSize)
            return CommonErrors.PagingInvalid.With($"页码从1到{Orders.OrderReader.MaxPage}，每页1到{MaxPageSize}条");
        var (items, total) = await store.ProblemsAsync(
            caller.Staff.Select(s => s.AreaPath).ToList(),
            status,
            p,
            size,
            ct
        );
        return new PageOf<DeliveryProblemView>(items.Select(View).ToList(), p, size, total);
    }

    public async Task<Result<DeliveryProblemView>> RetryAsync(Caller caller, long id, CancellationToken ct)
    {
        var d = await store.GetAsync(id, ct);
        if (d is null || d.AreaPath is null || !caller.IsStaffOver(d.AreaPath))
            return NotificationErrors.NotFound;
        if (!await store.RetryDeadAsync(id, clock.GetUtcNow().UtcDateTime, ct))
            return NotificationErrors.NotDead;
        return View((await store.GetAsync(id, ct))!);
    }

    private static DeliveryProblemView View(DeliveryStore.ProblemDelivery d)
    {
        string? title = null,
            code = null;
        using (var doc = JsonDocument.Parse(d.Payload))
        {
            var root = doc.RootElement;
            if (root.TryGetProperty("title", out var t))
                title = t.GetString();
            else if (root.TryGetProperty("text", out var x))
                title = x.GetString();
            if (root.TryGetProperty("orderCode", out var o) && o.ValueKind == JsonValueKind.String)
                code = o.GetString();
        }
        return new DeliveryProblemView(
            d.Id,
            d.PersonId,
            d.Name,
            d.Kind,
            d.Channel,
            d.Status,
            d.Attempts,
            d.LastError,
            title,
            code,
            ChinaTime.ToChina(d.CreatedAt),
            ChinaTime.ToChina(d.UpdatedAt)
        );
    }
}
