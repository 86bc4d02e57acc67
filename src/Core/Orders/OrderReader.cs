using Governance.Core.Areas;
using Governance.Core.Errors;
using Governance.Core.Paging;
using Governance.Core.People;
using Governance.Core.Text;
using Governance.Core.Time;

namespace Governance.Core.Orders;

/// <summary>
/// Who may see an order, and the order as they see it: the detail with its timeline and photos (phones masked or
/// not by role, 亮身份 names on staff and members' actions), lists, and a resident's own reports.
/// </summary>
public sealed class OrderReader(OrderStore orders, AreaStore areas, ClaimExpiry expiry, TimeProvider clock)
{
    public const int MaxPageSize = 100;

    /// <summary>
    /// Reporter, residents linked to it, staff over the place, the claimer (member or unit), and members or units that
    /// may claim it while it sits in the pool. Everyone else is told it does not exist.
    /// </summary>
    public static bool CanSee(Caller caller, OrderRow row) =>
        row.ResidentId == caller.PersonId
        || caller.IsStaffOver(row.AreaPath)
        || IsClaimer(caller, row)
        || (
            row.Status == OrderStatus.Published
            && (
                caller.IsApprovedMemberFor(row.AreaPath)
                || caller.Units.Any(u =>
                    u.Status == "approved"
                    && u.CommunityPaths.Any(p => row.AreaPath.StartsWith(p, StringComparison.Ordinal))
                )
            )
        );

    public static bool IsClaimer(Caller caller, OrderRow row) =>
        (row.ClaimerPersonId is { } p && p == caller.PersonId)
        || (row.ClaimerUnitId is { } u && caller.UnitAdminOf.Contains(u));

    /// <summary>The reporter or a resident whose own report was linked to this order.</summary>
    public async Task<bool> IsReporterAsync(Caller caller, OrderRow row, CancellationToken ct) =>
        row.ResidentId == caller.PersonId || await orders.IsFollowerAsync(row.Id, caller.PersonId, ct);

    /// <summary>The order by its code when the caller may see it (linked residents included), else null.</summary>
    public async Task<OrderRow?> VisibleAsync(Caller caller, string code, CancellationToken ct)
    {
        var row = await orders.GetByCodeAsync(code, ct);
        if (row is null)
            return null;
        return
            CanSee(caller, row)
            || await orders.IsFollowerAsync(row.Id, caller.PersonId, ct)
            || await orders.IsSummonedAsync(row.Id, caller.UnitAdminOf, ct)
            ? row
            : null;
    }

    public Task<OrderRow?> FindAsync(string code, CancellationToken ct) => orders.GetByCodeAsync(code, ct);

    public async Task<Result<OrderDetail>> GetAsync(Caller caller, string code, CancellationToken ct)
    {
        var row = await VisibleAsync(caller, code, ct);
        if (row is null)
            return OrderErrors.NotFound;
        row = await expiry.ExpireIfStaleAsync(row, ct);
        return await DetailAsync(row, caller, ct);
    }

    /// <summary>The order as the caller sees it now (after a change), by id.</summary>
    public async Task<OrderDetail> DetailAsync(long orderId, Caller caller, CancellationToken ct) =>
        await DetailAsync((await orders.GetAsync(orderId, ct))!, caller, ct);

    /// <summary>A resident's own reports and the ones they were linked to, newest first.</summary>
    public Task<IReadOnlyList<OrderRow>> MineAsync(Caller caller, int limit, CancellationToken ct) =>
        orders.MineAsync(caller.PersonId, limit, ct);

    public async Task<Result<(OrderRow Order, OrderPhotoRow Photo)>> PhotoAsync(
        Caller caller,
        string code,
        long photoId,
        CancellationToken ct
    )
    {
        var row = await VisibleAsync(caller, code, ct);
        if (row is null)
            return OrderErrors.NotFound;
        var photo = await orders.GetPhotoAsync(row.Id, photoId, ct);
        if (photo is null)
            return OrderErrors.PhotoNotFound;
        return (row, photo);
    }

    public async Task<Result<PageOf<OrderSummary>>> ListAsync(
        Caller caller,
        IReadOnlyList<string>? statuses,
        long? areaId,
        long? categoryId,
        bool? overdue,
        int? page,
        int? pageSize,
        CancellationToken ct,
        string? urgency = null,
        bool shortlisted = false
    )
    {
        if (statuses?.FirstOrDefault(s => !OrderStatus.All.Contains(s)) is { } bad)
            return OrderErrors.InvalidStatus.With($"未知的工单状态：{bad}");
        if (urgency is not (null or "urgent" or "normal"))
            return OrderErrors.InvalidStatus.With("紧急程度只能是 urgent 或 normal");
        var p = page ?? 1;
        var size = pageSize ?? 20;
        if (p < 1 || p > MaxPage || size < 1 || size > MaxPageSize)
            return CommonErrors.PagingInvalid.With($"页码从1到{MaxPage}，每页1到{MaxPageSize}条");
        string? areaPath = null;
        if (areaId is { } id)
        {
            var area = await areas.GetAsync(id, ct);
            if (area is null)
                return OrderErrors.AreaNotFound.With("所选区域不存在");
            areaPath = area.Path;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var result = await orders.ListAsync(
            caller,
            new OrderListFilter(statuses, areaPath, categoryId, overdue, p, size)
            {
                Urgency = urgency,
                Shortlisted = shortlisted,
            },
            now,
            ct
        );
        var areaById = await LoadAreasAsync(result.Items.Select(r => r.AreaPath), ct);
        var items = result.Items.Select(r => Summary(r, areaById, now)).ToList();
        return new PageOf<OrderSummary>(items, result.Page, result.PageSize, result.Total);
    }

    /// <summary>
    /// Offset paging stops here (20,000 rows at the largest page size); past it a filter narrows the list.
    /// </summary>
    public const int MaxPage = 200;

    public OrderSummary Summary(OrderRow r, IReadOnlyDictionary<long, Area> areaById, DateTime now) =>
        new(
            r.Code,
            r.Status,
            OrderStatus.ChineseName(r.Status),
            new CategoryRef(r.CategoryId, r.CategoryName),
            Chars.Shorten(r.Description, 60),
            AreaRefOf(r.AreaId, areaById),
            r.Urgency,
            ChinaTime.ToChina(r.ResolveDueAt),
            IsOverdue(r, now),
            r.EscalationLevel,
            ChinaTime.ToChina(r.CreatedAt)
        );

    public async Task<OrderDetail> DetailAsync(OrderRow row, Caller caller, CancellationToken ct)
    {
        var (events, photoRows) = await orders.TimelineAsync(row.Id, ct);
        var areaById = await LoadAreasAsync([row.AreaPath], ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var staff = caller.IsStaffOver(row.AreaPath);
        static PhotoRef Ref(OrderPhotoRow p) => new(p.Id, p.ContentType, p.ByteSize);
        var timeline = events
            .Select(e => new TimelineEntry(
                e.Id,
                ChinaTime.ToChina(e.CreatedAt),
                e.Kind,
                OrderEventKind.ChineseName(e.Kind),
                e.FromStatus,
                e.ToStatus,
                e.ActorRole,
                ActorLabel(e),
                e.Note,
                photoRows.Where(p => p.EventId == e.Id).Select(Ref).ToList()
            ))
            .ToList();
        return new OrderDetail(
            row.Code,
            row.Status,
            OrderStatus.ChineseName(row.Status),
            row.Source,
            new CategoryRef(row.CategoryId, row.CategoryName),
            row.Description,
            row.LocationText,
            row.Latitude,
            row.Longitude,
            AreaRefOf(row.AreaId, areaById),
            row.Urgency,
            ChinaTime.ToChina(row.AckDueAt),
            ChinaTime.ToChina(row.ResolveDueAt),
            IsOverdue(row, now),
            row.EscalationLevel,
            row.Satisfaction,
            row.MergedIntoCode,
            row.RejectReason,
            ChinaTime.ToChina(row.CreatedAt),
            ChinaTime.ToChina(row.UpdatedAt),
            photoRows.Select(Ref).ToList(),
            timeline
        )
        {
            Claimer =
                row.ClaimerPersonId is null && row.ClaimerUnitId is null
                    ? null
                    : new ClaimerView(
                        row.ClaimerPersonId,
                        row.ClaimerName,
                        staff || row.ClaimerPersonId == caller.PersonId
                            ? row.ClaimerPhone
                            : PhoneMask.Mask(row.ClaimerPhone),
                        row.ClaimerUnitId,
                        row.ClaimerUnitName
                    ),
            Reporter =
                row.ReporterName is null ? null
                : staff ? new ReporterView(row.ReporterName, row.ReporterPhone)
                : IsClaimer(caller, row) ? new ReporterView(row.ReporterName, PhoneMask.Mask(row.ReporterPhone))
                : null,
            Answers = row.Extra is null
                ? null
                : System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(row.Extra),
            ContentFlag = staff ? row.ContentFlag : null,
            ServiceHours = row.ServiceMinutes is { } m ? Math.Round(m / 60.0, 1) : null,
        };
    }

    /// <summary>Staff and members act under their name (亮身份); residents stay anonymous to others.</summary>
    private static string ActorLabel(OrderEventRow e) =>
        e.ActorRole switch
        {
            StaffRole.GridWorker => $"网格员 {e.ActorName}",
            StaffRole.Secretary => $"社区书记 {e.ActorName}",
            StaffRole.StreetAdmin => $"街道 {e.ActorName}",
            StaffRole.CountyAdmin => $"区县 {e.ActorName}",
            "member" => $"党员 {e.ActorName}",
            "unit_admin" => $"单位 {e.ActorName}",
            "system" => "系统",
            _ => "居民",
        };

    public async Task<Dictionary<long, Area>> LoadAreasAsync(IEnumerable<string> paths, CancellationToken ct)
    {
        var ids = paths
            .SelectMany(p => p.Split('/', StringSplitOptions.RemoveEmptyEntries))
            .Select(long.Parse)
            .Distinct();
        return (await areas.GetManyAsync(ids, ct)).ToDictionary(a => a.Id);
    }

    private static AreaRef AreaRefOf(long areaId, IReadOnlyDictionary<long, Area> byId)
    {
        var area = byId[areaId];
        // Skip the grid in the display name (residents know compounds and buildings, not grids), and the county, which
        // every place in the product shares.
        var names = area
            .PathIds.Where(byId.ContainsKey)
            .Select(id => byId[id])
            .Where(a => a.Kind is not (AreaKind.Grid or AreaKind.County) || a.Id == area.Id)
            .Select(a => a.Name);
        return new AreaRef(area.Id, area.Kind, area.Name, string.Join(" ", names));
    }

    public static bool IsOverdue(OrderRow r, DateTime now) =>
        OrderStatus.Open.Contains(r.Status) && r.ResolveDueAt < now;
}
