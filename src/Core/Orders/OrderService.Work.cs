using System.Data.Common;
using Governance.Core.Areas;
using Governance.Core.Errors;
using Governance.Core.Notifications;
using Governance.Core.People;
using Governance.Core.Time;

namespace Governance.Core.Orders;

/// <summary>
/// The claim pool and the work on an order: members and units claim, start, report progress, resolve or
/// release; unit admins assign to their members; staff assign, reassign and extend deadlines.
/// </summary>
public sealed partial class OrderService
{
    /// <summary>A member holding this many unfinished claims must finish one before claiming more.</summary>
    public const int MaxActiveClaims = 5;

    public async Task<Result<PageOf<PoolItem>>> PoolAsync(Caller caller, long? unitId, long? categoryId, bool skillsOnly, double? latitude, double? longitude,
        double? radiusKm, DateTime? dueBefore, int? page, int? pageSize, CancellationToken ct = default)
    {
        var p = page ?? 1;
        var size = pageSize ?? 20;
        if (p < 1 || size < 1 || size > MaxPageSize) return Error.Validation("paging.invalid", $"页码从1开始，每页1到{MaxPageSize}条", "page");
        if ((latitude is null) != (longitude is null) || latitude is < -90 or > 90 || longitude is < -180 or > 180)
            return Error.Validation("pool.invalid_point", "位置坐标不正确", "latitude");
        if (radiusKm is <= 0 or > 100) return Error.Validation("pool.invalid_radius", "距离范围应在0到100公里之间", "radiusKm");
        if (radiusKm is not null && latitude is null) return Error.Validation("pool.point_required", "按距离筛选需要提供当前位置", "latitude");

        IReadOnlyList<string> paths;
        var memberOnly = true;
        if (unitId is { } u)
        {
            var unit = caller.Units.FirstOrDefault(x => x.UnitId == u);
            if (unit is null) return Error.NotFound("unit.not_found", "单位不存在");
            if (unit.Status != "approved") return Error.Forbidden("pool.unit_not_approved", "单位报到通过后才能认领");
            paths = unit.CommunityPaths;
            memberOnly = false;
        }
        else
        {
            if (caller.MemberCommunities.Count == 0)
                return Error.Forbidden("pool.not_registered", "请先在社区报到，审核通过后就能认领社区的工单");
            paths = caller.MemberCommunities.Select(c => c.Path).ToList();
        }
        await ExpireStaleClaimsAsync(100, ct);
        var rows = await orders.PoolAsync(paths, memberOnly, categoryId, dueBefore, 500, ct);
        var places = await intake.PlacesAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var areaById = await LoadAreasAsync(rows.Select(r => r.AreaPath), ct);
        var items = rows.Select(r =>
        {
            var skills = r.CategorySkills.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            double? distance = latitude is null ? null : PointOf(r, places) is { } point
                ? Intake.PlaceDirectory.Meters(latitude.Value, longitude!.Value, point.Lat, point.Lng) : null;
            var summary = new OrderSummary(r.Code, r.Status, OrderStatus.ChineseName(r.Status), new CategoryRef(r.CategoryId, r.CategoryName),
                Shorten(r.Description, 60), AreaRefOf(r.AreaId, areaById), r.Urgency, ChinaTime.ToChina(r.ResolveDueAt), IsOverdue(r, now), r.EscalationLevel,
                ChinaTime.ToChina(r.CreatedAt));
            return new PoolItem(summary, distance is null ? null : Math.Round(distance.Value), skills, skills.Intersect(caller.Skills).Any(), r.MemberClaimable);
        })
        .Where(i => !skillsOnly || i.SkillsMatch)
        .Where(i => radiusKm is null || (i.DistanceMeters is { } d && d <= radiusKm * 1000))
        .ToList();
        if (latitude is not null) items = items.OrderBy(i => i.DistanceMeters ?? double.MaxValue).ThenBy(i => i.Order.ResolveBy).ToList();
        return new PageOf<PoolItem>(items.Skip((p - 1) * size).Take(size).ToList(), p, size, items.Count);
    }

    /// <summary>The order's own point, else the centre of the nearest enclosing area that has one (grid, compound).</summary>
    private static (double Lat, double Lng)? PointOf(OrderRow r, Intake.PlaceDirectory places)
    {
        if (r.Latitude is { } lat && r.Longitude is { } lng) return ((double)lat, (double)lng);
        var ids = r.AreaPath.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(long.Parse).Reverse();
        foreach (var id in ids)
            if (places.Get(id) is { Latitude: { } a, Longitude: { } b }) return ((double)a, (double)b);
        return null;
    }

    public async Task<Result<OrderDetail>> ClaimAsync(Caller caller, string code, long? unitId, CancellationToken ct = default)
    {
        var row = await orders.GetByCodeAsync(code, ct);
        // Someone who could have claimed it (it was in their pool a moment ago) learns it was taken, not that it vanished.
        var eligible = row is not null && (CanSee(caller, row) || caller.IsApprovedMemberFor(row.AreaPath)
            || caller.Units.Any(u => u.Status == "approved" && u.CommunityPaths.Any(p => row.AreaPath.StartsWith(p, StringComparison.Ordinal))));
        if (!eligible || row is null) return NotFound();
        row = await ExpireStaleClaimAsync(row, ct);
        if (row.Status is OrderStatus.Claimed or OrderStatus.InProgress)
            return Error.Conflict("order.already_claimed", "来晚了一步，这个工单已经被认领了");
        long? person = null, unit = null;
        string claimer;
        if (unitId is { } u)
        {
            if (caller.UnitServing(u, row.AreaPath) is not { } scope)
                return Error.Forbidden("order.unit_cannot_claim", "该单位未在这个社区报到或结对，不能认领");
            unit = u;
            claimer = scope.Name;
        }
        else
        {
            if (!caller.IsApprovedMemberFor(row.AreaPath))
                return Error.Forbidden("order.not_registered", "请先在这个社区报到，审核通过后才能认领");
            if (!row.MemberClaimable) return Error.Forbidden("order.units_only", "这类工单需要由驻区单位认领");
            if (await orders.ActiveClaimsAsync(caller.PersonId, ct) >= MaxActiveClaims)
                return Error.Conflict("order.too_many_claims", $"您手上已有{MaxActiveClaims}个未办结的工单，请先办完再认领");
            person = caller.PersonId;
            claimer = $"党员 {caller.Name}";
        }
        if (!OrderStateMachine.TryMove(row.Status, OrderAction.Claim, out var to, out var why)) return Error.Conflict("order.illegal_transition", why);
        var now = clock.GetUtcNow().UtcDateTime;
        var move = new OrderMove(row.Id, row.Status, to, new NewOrderEvent(OrderEventKind.Claimed, row.Status, to, caller.PersonId,
            unit is null ? "member" : "unit_admin", unit is null ? null : $"{claimer}认领")) { ClaimerPersonId = person, ClaimerUnitId = unit };
        if (!await orders.MoveAsync(move, now, (c, tx) => NotifyReporterAsync(c, tx, row, OrderEventKind.Claimed, $"{claimer}已认领，会尽快处理", now, ct), ct))
            return Error.Conflict("order.already_claimed", "来晚了一步，这个工单已经被认领了");
        return await DetailAsync((await orders.GetAsync(row.Id, ct))!, caller, ct);
    }

    /// <summary>Unit admin: give a unit's claimed order to one of the unit's members.</summary>
    public async Task<Result<OrderDetail>> AssignMemberAsync(Caller caller, string code, long? personId, CancellationToken ct = default)
    {
        var row = await orders.GetByCodeAsync(code, ct);
        if (row is null || !CanSee(caller, row)) return NotFound();
        if (row.ClaimerUnitId is not { } unit || !caller.UnitAdminOf.Contains(unit))
            return Error.Forbidden("order.unit_admin_only", "只有认领单位的管理员可以指派");
        if (personId is null || await people.MemberUnitAsync(personId.Value, ct) != unit)
            return Error.Validation("order.not_unit_member", "只能指派给本单位的党员", "personId");
        return await WorkMoveAsync(caller, row, OrderAction.AssignMember, OrderEventKind.Assigned, "单位指派", ct,
            move => move with { ClaimerPersonId = personId, ClaimerUnitId = unit, ReplaceClaimer = true },
            notify: (c, tx, now) => Outbox.EnqueueAsync(c, tx, [personId.Value], new Notice("order_assigned", "单位给您指派了工单", Shorten(row.Description, 40), row.Code), $"assigned:{row.Code}:{row.Version}", now, ct));
    }

    public async Task<Result<OrderDetail>> StartAsync(Caller caller, string code, CancellationToken ct = default)
    {
        var (row, error) = await ClaimerRowAsync(caller, code, ct);
        if (error is not null) return error;
        return await WorkMoveAsync(caller, row!, OrderAction.Start, OrderEventKind.Started, null, ct, m => m);
    }

    public async Task<Result<OrderDetail>> ProgressAsync(Caller caller, string code, string? note, IReadOnlyList<PhotoUpload> uploads, CancellationToken ct = default)
    {
        var (row, error) = await ClaimerRowAsync(caller, code, ct);
        if (error is not null) return error;
        if (row!.Status is not (OrderStatus.Claimed or OrderStatus.InProgress))
            return Error.Conflict("order.illegal_transition", $"工单当前状态为「{OrderStatus.ChineseName(row.Status)}」，不能再报进展");
        return await AppendWithPhotosAsync(caller, row, OrderEventKind.Progress, note, uploads, notifyReporter: true, ct);
    }

    public async Task<Result<OrderDetail>> ResolveAsync(Caller caller, string code, string? note, double? hours, IReadOnlyList<PhotoUpload> uploads, CancellationToken ct = default)
    {
        var (row, error) = await ClaimerRowAsync(caller, code, ct);
        if (error is not null) return error;
        note = note?.Trim();
        if (string.IsNullOrEmpty(note)) return Error.Validation("order.result_required", "请填写办理结果", "note");
        if (CountChars(note) > MaxReasonChars * 5) return Error.Validation("order.result_too_long", $"办理结果不能超过{MaxReasonChars * 5}字", "note");
        if (hours is not null and (< 0.5 or > 24)) return Error.Validation("order.invalid_hours", "服务时长应在0.5到24小时之间", "hours");
        if (photos.Validate(uploads) is { } photoError) return photoError;
        var minutes = (int)Math.Round((hours ?? 1) * 60);
        var stored = await SavePhotosAsync(uploads, ct);
        var result = await WorkMoveAsync(caller, row!, OrderAction.Resolve, OrderEventKind.Resolved, note, ct, m => m with { Event = m.Event with { Photos = stored } },
            notify: async (c, tx, now) =>
            {
                if (row!.ClaimerPersonId is { } member) await OrderStore.CreditServiceAsync(c, tx, row.Id, member, minutes, ct);
                await NotifyReporterAsync(c, tx, row, OrderEventKind.Resolved, "已办结，请回复满意、基本满意或不满意", now, ct);
            });
        if (!result.IsOk) foreach (var s in stored) photos.Delete(s);
        return result;
    }

    public async Task<Result<OrderDetail>> ReleaseAsync(Caller caller, string code, string? reason, CancellationToken ct = default)
    {
        var (row, error) = await ClaimerRowAsync(caller, code, ct);
        if (error is not null) return error;
        reason = reason?.Trim();
        if (string.IsNullOrEmpty(reason)) return Error.Validation("order.reason_required", "请说明退回的原因", "reason");
        var grid = await people.StaffOverAsync(row!.AreaPath, [StaffRole.GridWorker], ct);
        return await WorkMoveAsync(caller, row, OrderAction.Release, OrderEventKind.Released, reason, ct, m => m with { ClearClaimer = true },
            notify: (c, tx, now) => Outbox.EnqueueAsync(c, tx, grid, new Notice("order_released", "工单被退回认领池", reason, row.Code), $"released:{row.Code}:{row.Version}", now, ct));
    }

    /// <summary>Staff: assign directly to a registered member or a unit serving the community (派单), or reassign (改派).</summary>
    public async Task<Result<OrderDetail>> AssignAsync(Caller caller, string code, long? personId, long? unitId, bool reassign, CancellationToken ct = default)
    {
        var row = await orders.GetByCodeAsync(code, ct);
        if (row is null || !CanSee(caller, row)) return NotFound();
        if (!caller.IsStaffOver(row.AreaPath)) return Error.Forbidden("order.staff_only", "只有负责该区域的工作人员可以派单");
        if ((personId is null) == (unitId is null)) return Error.Validation("order.assignee_required", "请选择一位党员或一个单位（二选一）", "personId");
        string name;
        if (personId is { } p)
        {
            var assignee = await people.LoadCallerAsync(p, ct);
            if (assignee is null || !assignee.IsApprovedMemberFor(row.AreaPath))
                return Error.Validation("order.assignee_not_registered", "只能派给在这个社区报到通过的党员", "personId");
            name = $"党员 {assignee.Name}";
        }
        else
        {
            var unit = await registrations.GetUnitAsync(unitId!.Value, ct);
            var serves = unit is { Status: "approved" } && (row.AreaPath.StartsWith(unit.AreaPath, StringComparison.Ordinal)
                || (await registrations.PairingsAsync(unit.Id, null, "approved", ct)).Any(x => row.AreaPath.StartsWith(x.CommunityPath, StringComparison.Ordinal)));
            if (!serves) return Error.Validation("order.unit_not_serving", "该单位没有在这个社区报到或结对", "unitId");
            name = unit!.Name;
        }
        var action = reassign ? OrderAction.Reassign : OrderAction.Assign;
        var recipients = personId is { } pid ? new[] { pid } : await registrations.UnitAdminsAsync(unitId!.Value, ct);
        return await WorkMoveAsync(caller, row, action, reassign ? OrderEventKind.Reassigned : OrderEventKind.Assigned, $"派给{name}", ct,
            m => m with { ClaimerPersonId = personId, ClaimerUnitId = unitId, ReplaceClaimer = true },
            notify: async (c, tx, now) =>
            {
                await Outbox.EnqueueAsync(c, tx, recipients, new Notice("order_assigned", "给您派了一个工单", Shorten(row.Description, 40), row.Code), $"assigned:{row.Code}:{row.Version}", now, ct);
                if (!reassign) await NotifyReporterAsync(c, tx, row, OrderEventKind.Claimed, $"已安排{name}办理", now, ct);
            });
    }

    public async Task<Result<OrderDetail>> ExtendAsync(Caller caller, string code, DateTimeOffset? resolveBy, string? reason, CancellationToken ct = default)
    {
        var row = await orders.GetByCodeAsync(code, ct);
        if (row is null || !CanSee(caller, row)) return NotFound();
        if (!caller.IsStaffOver(row.AreaPath)) return Error.Forbidden("order.staff_only", "只有负责该区域的工作人员可以延期");
        if (!OrderStatus.Open.Contains(row.Status)) return Error.Conflict("order.not_open", $"工单当前状态为「{OrderStatus.ChineseName(row.Status)}」，不需要延期");
        reason = reason?.Trim();
        if (string.IsNullOrEmpty(reason)) return Error.Validation("order.reason_required", "请说明延期的原因", "reason");
        var now = clock.GetUtcNow().UtcDateTime;
        if (resolveBy is null || resolveBy.Value.UtcDateTime <= row.ResolveDueAt || resolveBy.Value.UtcDateTime <= now)
            return Error.Validation("order.invalid_deadline", "新的办结期限必须晚于原期限和当前时间", "resolveBy");
        var due = resolveBy.Value.UtcDateTime;
        var recipients = new List<long>();
        if (row.ResidentId is { } r) recipients.Add(r);
        if (row.ClaimerPersonId is { } cp) recipients.Add(cp);
        if (!await orders.ExtendAsync(row.Id, row.Status, due, new NewOrderEvent(OrderEventKind.DeadlineExtended, null, null, caller.PersonId, caller.RoleFor(row.AreaPath), reason,
                $$"""{"from":"{{ChinaTime.ToChina(row.ResolveDueAt):yyyy-MM-dd HH:mm}}","to":"{{ChinaTime.ToChina(due):yyyy-MM-dd HH:mm}}"}"""), now,
                (c, tx) => Outbox.EnqueueAsync(c, tx, recipients, new Notice("order_extended", "办理期限已延长", $"新期限 {ChinaTime.ToChina(due):M月d日 HH:mm}：{reason}", row.Code),
                    $"extended:{row.Code}:{row.Version}", now, ct), ct))
            return Error.Conflict("order.state_changed", "工单刚刚被其他人处理，请刷新后重试");
        return await DetailAsync((await orders.GetAsync(row.Id, ct))!, caller, ct);
    }

    /// <summary>Resident: add a follow-up comment or photo to their report.</summary>
    public async Task<Result<OrderDetail>> CommentAsync(Caller caller, string code, string? note, IReadOnlyList<PhotoUpload> uploads, CancellationToken ct = default)
    {
        var row = await orders.GetByCodeAsync(code, ct);
        if (row is null || !await CanSeeAsync(caller, row, ct)) return NotFound();
        if (row.ResidentId != caller.PersonId && !await orders.IsFollowerAsync(row.Id, caller.PersonId, ct))
            return Error.Forbidden("order.reporter_only", "只有反映人可以补充内容");
        if (row.Status is OrderStatus.Closed or OrderStatus.Rejected or OrderStatus.Merged or OrderStatus.Cancelled)
            return Error.Conflict("order.closed", $"工单已{OrderStatus.ChineseName(row.Status)}，不能再补充");
        return await AppendWithPhotosAsync(caller, row, OrderEventKind.Comment, note, uploads, notifyReporter: false, ct);
    }

    private async Task<Result<OrderDetail>> AppendWithPhotosAsync(Caller caller, OrderRow row, string kind, string? note, IReadOnlyList<PhotoUpload> uploads, bool notifyReporter, CancellationToken ct)
    {
        note = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        if (note is null && uploads.Count == 0) return Error.Validation("order.note_required", "请填写内容或上传照片", "note");
        if (note is not null && CountChars(note) > MaxDescriptionChars) return Error.Validation("order.note_too_long", $"内容不能超过{MaxDescriptionChars}字", "note");
        if (photos.Validate(uploads) is { } photoError) return photoError;
        var stored = await SavePhotosAsync(uploads, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        try
        {
            var claimer = row.ClaimerPersonId;
            await orders.AppendAsync(row.Id, new NewOrderEvent(kind, null, null, caller.PersonId, ActorRoleOf(caller, row), note) { Photos = stored }, now,
                async (c, tx) =>
                {
                    if (notifyReporter) await NotifyReporterAsync(c, tx, row, kind, note ?? "上传了现场照片", now, ct);
                    else if (claimer is { } cp) await Outbox.EnqueueAsync(c, tx, [cp], new Notice("order_comment", "居民补充了内容", note ?? "上传了照片", row.Code), $"comment:{row.Code}:{now.Ticks}", now, ct);
                }, ct);
        }
        catch
        {
            foreach (var s in stored) photos.Delete(s);
            throw;
        }
        return await DetailAsync((await orders.GetAsync(row.Id, ct))!, caller, ct);
    }

    private async Task<List<StoredPhoto>> SavePhotosAsync(IReadOnlyList<PhotoUpload> uploads, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var stored = new List<StoredPhoto>();
        foreach (var u in uploads) stored.Add(await photos.SaveAsync(u, now, ct));
        return stored;
    }

    /// <summary>The order, when the caller is its claimer (the member, or an admin of the claiming unit).</summary>
    private async Task<(OrderRow? Row, Error? Error)> ClaimerRowAsync(Caller caller, string code, CancellationToken ct)
    {
        var row = await orders.GetByCodeAsync(code, ct);
        if (row is null || !CanSee(caller, row)) return (null, NotFound());
        row = await ExpireStaleClaimAsync(row, ct);
        if (!IsClaimer(caller, row)) return (null, Error.Forbidden("order.claimer_only", "只有认领人可以办理这个工单"));
        return (row, null);
    }

    private static string ActorRoleOf(Caller caller, OrderRow row) =>
        row.ClaimerPersonId == caller.PersonId ? "member"
        : row.ClaimerUnitId is { } u && caller.UnitAdminOf.Contains(u) ? "unit_admin"
        : caller.RoleFor(row.AreaPath);

    private async Task<Result<OrderDetail>> WorkMoveAsync(Caller caller, OrderRow row, OrderAction action, string eventKind, string? note, CancellationToken ct,
        Func<OrderMove, OrderMove> shape, Func<DbConnection, DbTransaction, DateTime, Task>? notify = null)
    {
        if (!OrderStateMachine.TryMove(row.Status, action, out var to, out var why)) return Error.Conflict("order.illegal_transition", why);
        var now = clock.GetUtcNow().UtcDateTime;
        var move = shape(new OrderMove(row.Id, row.Status, to, new NewOrderEvent(eventKind, row.Status, to, caller.PersonId, ActorRoleOf(caller, row), note)));
        if (!await orders.MoveAsync(move, now, notify is null ? null : (c, tx) => notify(c, tx, now), ct))
        {
            var current = await orders.GetAsync(row.Id, ct);
            return Error.Conflict("order.state_changed", $"工单刚刚被其他人处理，当前状态为「{OrderStatus.ChineseName(current?.Status ?? row.Status)}」，请刷新后重试");
        }
        return await DetailAsync((await orders.GetAsync(row.Id, ct))!, caller, ct);
    }

    /// <summary>Tells the reporter and everyone linked to the order, in the same transaction as the change.</summary>
    private async Task NotifyReporterAsync(DbConnection c, DbTransaction tx, OrderRow row, string eventKind, string body, DateTime now, CancellationToken ct)
    {
        var recipients = await OrderStore.FollowersAsync(c, tx, row.Id, ct);
        if (row.ResidentId is { } resident) recipients.Add(resident);
        var title = $"工单{OrderEventKind.ChineseName(eventKind)}";
        await Outbox.EnqueueAsync(c, tx, recipients, new Notice($"order_{eventKind}", title, body, row.Code, $"pages/order/detail?code={row.Code}"),
            $"order:{row.Code}:{eventKind}:{row.Version}", now, ct);
    }

    /// <summary>
    /// A claim not started within its category's claim window goes back to the pool (checked when the order
    /// is touched, and by the scheduled scan). Idempotent: the move only happens from "claimed".
    /// </summary>
    private async Task<OrderRow> ExpireStaleClaimAsync(OrderRow row, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (row is not { Status: OrderStatus.Claimed, StartedAt: null, ClaimedAt: { } claimedAt } || claimedAt.AddHours(row.ClaimWindowHours) > now) return row;
        var previous = row.ClaimerPersonId is { } p ? new[] { p } : row.ClaimerUnitId is { } u ? (await registrations.UnitAdminsAsync(u, ct)).ToArray() : [];
        await orders.MoveAsync(new OrderMove(row.Id, OrderStatus.Claimed, OrderStatus.Published,
            new NewOrderEvent(OrderEventKind.ClaimExpired, OrderStatus.Claimed, OrderStatus.Published, null, "system", $"认领后{row.ClaimWindowHours}小时内未开始办理")) { ClearClaimer = true },
            now, (c, tx) => Outbox.EnqueueAsync(c, tx, previous, new Notice("claim_expired", "认领已超时", "工单已退回认领池", row.Code), $"claim-expired:{row.Code}:{row.Version}", now, ct), ct);
        return (await orders.GetAsync(row.Id, ct))!;
    }

    /// <summary>The scan behind "claims not started in the window return to the pool"; returns how many returned.</summary>
    public async Task<int> ExpireStaleClaimsAsync(int limit, CancellationToken ct = default)
    {
        var count = 0;
        var shortest = (await categories.ListAllAsync(ct)).Select(c => c.ClaimWindowHours).DefaultIfEmpty(1).Min();
        foreach (var id in await orders.StaleClaimsAsync(clock.GetUtcNow().UtcDateTime, shortest, limit, ct))
            if (await orders.GetAsync(id, ct) is { } row && (await ExpireStaleClaimAsync(row, ct)).Status == OrderStatus.Published) count++;
        return count;
    }
}
