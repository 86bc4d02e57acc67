using System.Globalization;
using Governance.Core.Areas;
using Governance.Core.Calendar;
using Governance.Core.Categories;
using Governance.Core.Errors;
using Governance.Core.Intake;
using Governance.Core.Notifications;
using Governance.Core.People;
using Governance.Core.Time;

namespace Governance.Core.Orders;

public sealed record CreatedOrder(string Code, DateTimeOffset ResolveBy, bool Urgent);

public sealed record CreateOrderInput(
    long? CategoryId, string? Description, string? LocationText, long? BuildingId, long? AreaId,
    string? Urgency, decimal? Latitude, decimal? Longitude, string? Source)
{
    /// <summary>Answers to the category's extra questions, by question key.</summary>
    public IReadOnlyDictionary<string, string>? Answers { get; init; }
    /// <summary>Set by the channel when the text check said "review" or could not run.</summary>
    public string? ContentFlag { get; init; }
}

/// <summary>
/// The rules of service orders, shared by every channel (mini-program form, chat, staff console):
/// validation, scoping, deadlines, the state machine and the timeline.
/// </summary>
public sealed partial class OrderService(
    OrderStore orders, CategoryStore categories, AreaStore areas, PersonStore people,
    WorkCalendarCache calendar, PhotoStorage photos, IntakeService intake, NotificationStore notifications,
    Registrations.RegistrationStore registrations, TimeProvider clock)
{
    public static readonly TimeSpan UrgeInterval = TimeSpan.FromHours(12);
    public static readonly TimeSpan DuplicateWindow = TimeSpan.FromDays(14);
    public const int MaxDescriptionChars = 1000;
    public const int MaxLocationChars = 200;
    public const int MaxReasonChars = 200;
    public const int MaxPageSize = 100;

    private static readonly string[] StaffSources = [OrderSource.Visit, OrderSource.Meeting, OrderSource.Staff];

    /// <summary>Files a report and returns it as the caller sees it, with its timeline (the forms' answer).</summary>
    public async Task<Result<OrderDetail>> CreateAsync(Caller caller, CreateOrderInput input, IReadOnlyList<PhotoUpload> uploads, CancellationToken ct = default,
        IReadOnlyList<StoredPhoto>? alreadyStored = null)
    {
        var created = await SubmitAsync(caller, input, uploads, ct, alreadyStored);
        if (!created.IsOk) return created.Error!;
        return await DetailAsync((await orders.GetByCodeAsync(created.Value!.Code, ct))!, caller, ct);
    }

    /// <summary>Files a report: every rule, the deadlines, the timeline and, when urgent, the alerts; returns its code and deadline (all a chat reply needs).</summary>
    public async Task<Result<CreatedOrder>> SubmitAsync(Caller caller, CreateOrderInput input, IReadOnlyList<PhotoUpload> uploads, CancellationToken ct = default,
        IReadOnlyList<StoredPhoto>? alreadyStored = null)
    {
        if (input.CategoryId is null)
            return Error.Validation("order.category_required", "请选择问题类别", "categoryId");
        var description = input.Description?.Trim();
        if (string.IsNullOrEmpty(description))
            return Error.Validation("order.description_required", "请描述遇到的问题", "description");
        // The column holds 2000 code points; 1000 perceived characters of plain text or emoji fit comfortably.
        if (CountChars(description) > MaxDescriptionChars || description.EnumerateRunes().Count() > 2 * MaxDescriptionChars)
            return Error.Validation("order.description_too_long", $"问题描述不能超过{MaxDescriptionChars}字", "description");
        var locationText = string.IsNullOrWhiteSpace(input.LocationText) ? null : input.LocationText.Trim();
        if (locationText is not null && CountChars(locationText) > MaxLocationChars)
            return Error.Validation("order.location_too_long", $"位置描述不能超过{MaxLocationChars}字", "locationText");
        if (input.Urgency is not null and not (Urgency.Normal or Urgency.Urgent))
            return Error.Validation("order.invalid_urgency", "紧急程度只能是 normal 或 urgent", "urgency");
        if ((input.Latitude is null) != (input.Longitude is null)
            || input.Latitude is < -90 or > 90 || input.Longitude is < -180 or > 180)
            return Error.Validation("order.invalid_point", "位置坐标不正确", "latitude");
        var source = input.Source ?? (caller.IsStaff ? OrderSource.Staff : OrderSource.MiniProgram);
        if (source is not (OrderSource.MiniProgram or OrderSource.WechatChat) && !StaffSources.Contains(source))
            return Error.Validation("order.invalid_source", "来源不正确", "source");

        var category = await categories.GetAsync(input.CategoryId.Value, ct);
        if (category is not { Active: true })
            return Error.Validation("order.category_not_found", "所选问题类别不存在", "categoryId");

        var placeResult = await ResolvePlaceAsync(caller, input, ct);
        if (!placeResult.IsOk) return placeResult.Error!;
        var area = placeResult.Value!;
        var staffSource = StaffSources.Contains(source);
        if (staffSource && !caller.IsStaffOver(area))
            return Error.Forbidden("order.area_out_of_scope", "只能在自己负责的区域内登记工单");

        if (photos.Validate(uploads) is { } photoError) return photoError;
        var answers = ValidateAnswers(category, input.Answers);
        if (!answers.IsOk) return answers.Error!;

        var now = clock.GetUtcNow().UtcDateTime;
        var urgent = (input.Urgency ?? category.DefaultUrgency) == Urgency.Urgent;
        var deadlines = DeadlineCalculator.Compute(category, urgent, now, await calendar.GetAsync(ct));
        var code = await orders.NextCodeAsync(now, ct);
        var order = new NewOrder(source, staffSource ? null : caller.PersonId, area.Id, area.Path, category.Id, description,
            locationText, input.Latitude, input.Longitude, urgent ? Urgency.Urgent : Urgency.Normal,
            deadlines.AcknowledgeBy, deadlines.ResolveBy, caller.PersonId, answers.Value, input.ContentFlag);
        var created = new NewOrderEvent(OrderEventKind.Created, null, OrderStatus.Submitted, caller.PersonId, caller.RoleFor(area.Path), null);

        var stored = new List<StoredPhoto>(alreadyStored ?? []);
        try
        {
            foreach (var upload in uploads) stored.Add(await photos.SaveAsync(upload, now, ct));
            var alert = urgent ? await UrgentAlertAsync(area.Path, code, category.Name, description, ct) : null;
            await orders.CreateAsync(code, order, created, stored, now, ct, alert is null ? null : async (c, tx, id) =>
            {
                // Urgent: escalation starts at once, grid workers and the secretary are alerted in the same commit.
                await OrderStore.EscalateAsync(c, tx, id, 1, new NewOrderEvent(OrderEventKind.Escalated, null, null, null, "system",
                    "紧急诉求：已通知网格员和社区书记"), now, ct);
                await Outbox.EnqueueAsync(c, tx, alert.Value.Staff, alert.Value.Notice, $"urgent:{code}", now, ct);
            });
        }
        catch
        {
            // Nothing half-done: files written for a report that was not saved are removed.
            foreach (var s in stored.Skip(alreadyStored?.Count ?? 0)) photos.Delete(s);
            throw;
        }
        return new CreatedOrder(code, ChinaTime.ToChina(deadlines.ResolveBy), urgent);
    }

    private static Result<string?> ValidateAnswers(Category category, IReadOnlyDictionary<string, string>? answers)
    {
        if (answers is null || answers.Count == 0) return Result<string?>.From(null);
        var keys = new HashSet<string>();
        if (category.Questions is { } json)
            foreach (var q in System.Text.Json.JsonDocument.Parse(json).RootElement.EnumerateArray())
                if (q.TryGetProperty("key", out var k) && k.GetString() is { } key) keys.Add(key);
        if (answers.Keys.FirstOrDefault(k => !keys.Contains(k)) is { } unknown)
            return Error.Validation("order.unknown_answer", $"「{category.Name}」没有问题 {unknown}", "answers");
        if (answers.Values.Any(v => v is null || CountChars(v) > MaxReasonChars))
            return Error.Validation("order.answer_too_long", $"每个回答不能超过{MaxReasonChars}字", "answers");
        return Result<string?>.From(System.Text.Json.JsonSerializer.Serialize(answers, Outbox.Json));
    }

    private async Task<(IReadOnlyList<long> Staff, Notice Notice)?> UrgentAlertAsync(string areaPath, string code, string categoryName, string description, CancellationToken ct)
    {
        var staff = await people.StaffOverAsync(areaPath, [StaffRole.GridWorker, StaffRole.Secretary], ct);
        return (staff, new Notice("urgent_alert", $"紧急诉求 {categoryName}", Shorten(description, 60), code, $"pages/order/detail?code={code}"));
    }

    private async Task<Result<Area>> ResolvePlaceAsync(Caller caller, CreateOrderInput input, CancellationToken ct)
    {
        if (input.BuildingId is { } buildingId)
        {
            var building = await areas.GetAsync(buildingId, ct);
            if (building is not { Kind: AreaKind.Building })
                return Error.Validation("order.building_not_found", "所选楼栋不存在", "buildingId");
            return building;
        }
        if (input.AreaId is { } areaId)
        {
            var area = await areas.GetAsync(areaId, ct);
            if (area is null || area.Kind == AreaKind.Street)
                return Error.Validation("order.area_not_found", "所选区域不存在或范围过大，请选到社区、小区、网格或楼栋", "areaId");
            return area;
        }
        if (caller.HomeBuildingId is { } home && await areas.GetAsync(home, ct) is { } homeArea)
            return homeArea;
        return Error.Validation("order.place_required", "请选择问题所在的楼栋或小区", "buildingId");
    }

    public async Task<Result<OrderDetail>> GetAsync(Caller caller, string code, CancellationToken ct = default)
    {
        var row = await orders.GetByCodeAsync(code, ct);
        if (row is null || !await CanSeeAsync(caller, row, ct)) return NotFound();
        row = await ExpireStaleClaimAsync(row, ct);
        return await DetailAsync(row, caller, ct);
    }

    /// <summary>A resident's own reports and the ones they were linked to, newest first.</summary>
    public async Task<IReadOnlyList<OrderRow>> MineAsync(Caller caller, int limit, CancellationToken ct = default) =>
        await orders.MineAsync(caller.PersonId, limit, ct);

    public Task<OrderRow?> FindRowAsync(string code, CancellationToken ct = default) => orders.GetByCodeAsync(code, ct);

    /// <summary>Resident: cancel (撤销) a report before anyone claimed it.</summary>
    public async Task<Result<OrderDetail>> CancelAsync(Caller caller, string code, string? reason, CancellationToken ct = default)
    {
        var row = await orders.GetByCodeAsync(code, ct);
        if (row is null || !CanSee(caller, row)) return NotFound();
        if (row.ResidentId != caller.PersonId && !caller.IsStaffOver(row.AreaPath))
            return Error.Forbidden("order.reporter_only", "只有提交人可以撤销工单");
        if (!OrderStateMachine.TryMove(row.Status, OrderAction.Cancel, out var to, out var why))
            return Error.Conflict("order.illegal_transition", row.Status is OrderStatus.Claimed or OrderStatus.InProgress
                ? "工单已有人认领办理，不能撤销了；如不再需要，可以联系网格员" : why);
        return await MoveAndDetailAsync(caller, row, new OrderMove(row.Id, row.Status, to,
            new NewOrderEvent(OrderEventKind.Cancelled, row.Status, to, caller.PersonId, caller.RoleFor(row.AreaPath), reason)), ct);
    }

    public static readonly string[] Ratings = ["satisfied", "basically_satisfied", "unsatisfied"];

    /// <summary>
    /// Resident: rate a resolved order. 满意 / 基本满意 close it; 不满意 needs a reason and reopens it (重办):
    /// back to the same claimer when there is one, otherwise back to the pool, with a new deadline.
    /// </summary>
    public async Task<Result<OrderDetail>> RateAsync(Caller caller, string code, string? rating, string? comment, CancellationToken ct = default)
    {
        if (rating is null || !Ratings.Contains(rating))
            return Error.Validation("order.invalid_rating", "评价只能是满意、基本满意或不满意", "rating");
        comment = string.IsNullOrWhiteSpace(comment) ? null : comment.Trim();
        if (comment is not null && CountChars(comment) > MaxReasonChars)
            return Error.Validation("order.comment_too_long", $"评价内容不能超过{MaxReasonChars}字", "comment");
        var row = await orders.GetByCodeAsync(code, ct);
        if (row is null || !CanSee(caller, row)) return NotFound();
        if (row.ResidentId != caller.PersonId) return Error.Forbidden("order.reporter_only", "只有提交人可以评价工单");
        if (row.Status != OrderStatus.Resolved)
            return Error.Conflict("order.not_resolved", $"工单当前状态为「{OrderStatus.ChineseName(row.Status)}」，办结后才能评价");
        var rated = new NewOrderEvent(OrderEventKind.Rated, null, null, caller.PersonId, "resident", comment, $$"""{"rating":"{{rating}}"}""");
        if (rating != "unsatisfied")
            return await MoveAndDetailAsync(caller, row, new OrderMove(row.Id, row.Status, OrderStatus.Closed,
                new NewOrderEvent(OrderEventKind.Closed, row.Status, OrderStatus.Closed, caller.PersonId, "resident", null)) { Satisfaction = rating }, ct, rated);
        if (comment is null)
            return Error.Validation("order.reason_required", "请说明不满意的原因，我们会安排重新办理", "comment");
        var action = row.ClaimerPersonId is not null || row.ClaimerUnitId is not null ? OrderAction.ReopenToClaimer : OrderAction.ReopenToPool;
        OrderStateMachine.TryMove(row.Status, action, out var to, out _);
        var category = (await categories.GetAsync(row.CategoryId, ct))!;
        var now = clock.GetUtcNow().UtcDateTime;
        var due = DeadlineCalculator.Compute(category, row.Urgency == Urgency.Urgent, now, await calendar.GetAsync(ct)).ResolveBy;
        var notify = row.ClaimerPersonId is { } claimer ? new[] { claimer } : [];
        return await MoveAndDetailAsync(caller, row, new OrderMove(row.Id, row.Status, to,
            new NewOrderEvent(OrderEventKind.Reopened, row.Status, to, caller.PersonId, "resident", comment,
                $$"""{"resolveBy":"{{ChinaTime.ToChina(due):yyyy-MM-dd HH:mm}}"}"""))
        { Satisfaction = "unsatisfied", NewResolveDueAt = due, ClearClaimer = action == OrderAction.ReopenToPool }, ct, rated,
            (c, tx) => Outbox.EnqueueAsync(c, tx, notify, new Notice("order_reopened", "居民不满意，工单重办", comment, row.Code), $"reopened:{row.Code}:{now.Ticks}", now, ct));
    }

    /// <summary>Resident: urge (催办) an open order; at most once every 12 hours per person and order.</summary>
    public async Task<Result<OrderDetail>> UrgeAsync(Caller caller, string code, CancellationToken ct = default)
    {
        var row = await orders.GetByCodeAsync(code, ct);
        if (row is null || !await CanSeeAsync(caller, row, ct)) return NotFound();
        if (!OrderStatus.Open.Contains(row.Status))
            return Error.Conflict("order.not_open", $"工单当前状态为「{OrderStatus.ChineseName(row.Status)}」，不需要催办");
        var now = clock.GetUtcNow().UtcDateTime;
        if (await orders.LastEventAtAsync(row.Id, OrderEventKind.Urged, caller.PersonId, ct) is { } last && now - last < UrgeInterval)
        {
            var wait = UrgeInterval - (now - last);
            return new Error("order.urge_throttled", $"您已催办过，{Math.Max(1, (int)Math.Ceiling(wait.TotalHours))}小时后可再次催办", ErrorKind.RateLimited);
        }
        var handlers = row.ClaimerPersonId is { } claimer ? [claimer] : await people.StaffOverAsync(row.AreaPath, [StaffRole.GridWorker], ct);
        await orders.AppendAsync(row.Id, new NewOrderEvent(OrderEventKind.Urged, null, null, caller.PersonId, "resident", null), now,
            (c, tx) => Outbox.EnqueueAsync(c, tx, handlers, new Notice("order_urged", "居民催办", $"{row.CategoryName}：{Shorten(row.Description, 40)}", row.Code),
                $"urged:{row.Code}:{caller.PersonId}:{now.Ticks}", now, ct), ct);
        return await DetailAsync((await orders.GetAsync(row.Id, ct))!, caller, ct);
    }

    /// <summary>Below this bigram overlap two reports are different problems, even in the same place and category.</summary>
    public const double DuplicateSimilarity = 0.2;

    /// <summary>
    /// An open order of the same category at the same place that describes the same problem: the order a new
    /// report should join instead of becoming a duplicate.
    /// </summary>
    public async Task<OrderRow?> FindDuplicateAsync(long categoryId, long areaId, string description, CancellationToken ct = default)
    {
        var area = await areas.GetAsync(areaId, ct);
        if (area is null) return null;
        // Same building; or, for a report placed only at a compound or grid, anywhere below it.
        string? prefix = area.Kind == AreaKind.Building ? null : area.Path;
        var candidates = await orders.FindOpenCandidatesAsync(categoryId, areaId, prefix, clock.GetUtcNow().UtcDateTime - DuplicateWindow, ct);
        return candidates.Select(o => (Order: o, Score: TextSimilarity.Jaccard(o.Description, description)))
            .Where(x => x.Score >= DuplicateSimilarity).OrderByDescending(x => x.Score).Select(x => x.Order).FirstOrDefault();
    }

    /// <summary>Links a resident to an existing open order (their report is recorded on its timeline).</summary>
    public async Task LinkReportAsync(Caller caller, OrderRow order, string text, CancellationToken ct = default) =>
        await orders.LinkReportAsync(order.Id, caller.PersonId,
            new NewOrderEvent(OrderEventKind.LinkedReport, null, null, caller.PersonId, "resident", Shorten(text, 200)), clock.GetUtcNow().UtcDateTime, ct);

    /// <summary>Resident asks for a person (人工): the grid workers of the place hear of it.</summary>
    public async Task<IReadOnlyList<long>> HandoverAsync(Caller caller, OrderRow? order, string areaPath, string? text, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var staff = await people.StaffOverAsync(areaPath, [StaffRole.GridWorker], ct);
        if (staff.Count == 0) staff = await people.StaffOverAsync(areaPath, [StaffRole.Secretary], ct);
        var notice = new Notice("handover", "居民请求人工服务", text is null ? "居民在公众号中请求网格员联系" : Shorten(text, 60), order?.Code);
        var key = $"handover:{caller.PersonId}:{ChinaTime.Today(now):yyyyMMdd}:{order?.Code}";
        if (order is not null)
            await orders.AppendAsync(order.Id, new NewOrderEvent(OrderEventKind.Handover, null, null, caller.PersonId, "resident", text), now,
                (c, tx) => Outbox.EnqueueAsync(c, tx, staff, notice, key, now, ct), ct);
        else
            await notifications.EnqueueAsync(staff, notice, key, now, ct);
        return staff;
    }

    /// <summary>Staff: correct an order's category; the correction becomes training data for the classifier.</summary>
    public async Task<Result<OrderDetail>> RecategorizeAsync(Caller caller, string code, long? categoryId, CancellationToken ct = default)
    {
        if (categoryId is null) return Error.Validation("order.category_required", "请选择问题类别", "categoryId");
        var row = await orders.GetByCodeAsync(code, ct);
        if (row is null || !CanSee(caller, row)) return NotFound();
        if (!caller.IsStaffOver(row.AreaPath)) return Error.Forbidden("order.staff_only", "只有负责该区域的工作人员可以调整类别");
        var category = await categories.GetAsync(categoryId.Value, ct);
        if (category is not { Active: true }) return Error.Validation("order.category_not_found", "所选问题类别不存在", "categoryId");
        if (category.Id == row.CategoryId) return await DetailAsync(row, caller, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        await orders.RecategorizeAsync(row.Id, category.Id, new NewOrderEvent(OrderEventKind.Recategorized, null, null, caller.PersonId,
            caller.RoleFor(row.AreaPath), $"{row.CategoryName} → {category.Name}"), now,
            (c, tx) => IntakeExampleStore.AddAsync(c, tx, row.Description, category.Id, "correction", row.Id, now, ct), ct);
        intake.Invalidate();
        return await DetailAsync((await orders.GetAsync(row.Id, ct))!, caller, ct);
    }

    private async Task<Result<OrderDetail>> MoveAndDetailAsync(Caller caller, OrderRow row, OrderMove move, CancellationToken ct, NewOrderEvent? preceding = null,
        Func<System.Data.Common.DbConnection, System.Data.Common.DbTransaction, Task>? alsoInTransaction = null)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (!await orders.MoveAsync(move with { PrecedingEvent = preceding }, now, alsoInTransaction, ct))
        {
            var current = await orders.GetAsync(row.Id, ct);
            return Error.Conflict("order.state_changed", $"工单刚刚被其他人处理，当前状态为「{OrderStatus.ChineseName(current?.Status ?? row.Status)}」，请刷新后重试");
        }
        return await DetailAsync((await orders.GetAsync(row.Id, ct))!, caller, ct);
    }

    private async Task<bool> CanSeeAsync(Caller caller, OrderRow row, CancellationToken ct) =>
        CanSee(caller, row) || await orders.IsFollowerAsync(row.Id, caller.PersonId, ct);

    public async Task<Result<(OrderRow Order, OrderPhotoRow Photo)>> GetPhotoAsync(Caller caller, string code, long photoId, CancellationToken ct = default)
    {
        var row = await orders.GetByCodeAsync(code, ct);
        if (row is null || !CanSee(caller, row)) return NotFound();
        var photo = await orders.GetPhotoAsync(row.Id, photoId, ct);
        if (photo is null) return Error.NotFound("photo.not_found", "照片不存在");
        return (row, photo);
    }

    public async Task<Result<PageOf<OrderSummary>>> ListAsync(Caller caller, IReadOnlyList<string>? statuses, long? areaId, long? categoryId,
        bool? overdue, int? page, int? pageSize, CancellationToken ct = default)
    {
        if (statuses?.FirstOrDefault(s => !OrderStatus.All.Contains(s)) is { } bad)
            return Error.Validation("order.invalid_status", $"未知的工单状态：{bad}", "status");
        var p = page ?? 1;
        var size = pageSize ?? 20;
        if (p < 1 || size < 1 || size > MaxPageSize)
            return Error.Validation("paging.invalid", $"页码从1开始，每页1到{MaxPageSize}条", "page");
        string? areaPath = null;
        if (areaId is { } id)
        {
            var area = await areas.GetAsync(id, ct);
            if (area is null) return Error.Validation("order.area_not_found", "所选区域不存在", "areaId");
            areaPath = area.Path;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var result = await orders.ListAsync(caller, new OrderListFilter(statuses, areaPath, categoryId, overdue, p, size), now, ct);
        var areaById = await LoadAreasAsync(result.Items.Select(r => r.AreaPath), ct);
        var items = result.Items.Select(r => new OrderSummary(r.Code, r.Status, OrderStatus.ChineseName(r.Status),
            new CategoryRef(r.CategoryId, r.CategoryName), Shorten(r.Description, 60), AreaRefOf(r.AreaId, areaById), r.Urgency,
            ChinaTime.ToChina(r.ResolveDueAt), IsOverdue(r, now), r.EscalationLevel, ChinaTime.ToChina(r.CreatedAt))).ToList();
        return new PageOf<OrderSummary>(items, result.Page, result.PageSize, result.Total);
    }

    public Task<Result<OrderDetail>> AcceptAsync(Caller caller, string code, CancellationToken ct = default) =>
        StaffMoveAsync(caller, code, OrderAction.Accept, OrderEventKind.Accepted, null, (row, move) => move, ct, notifyResident: "已受理，正在安排办理");

    public Task<Result<OrderDetail>> PublishAsync(Caller caller, string code, CancellationToken ct = default) =>
        StaffMoveAsync(caller, code, OrderAction.Publish, OrderEventKind.Published, null, (row, move) => move, ct);

    public Task<Result<OrderDetail>> RejectAsync(Caller caller, string code, string? reason, CancellationToken ct = default)
    {
        reason = reason?.Trim();
        if (string.IsNullOrEmpty(reason))
            return Task.FromResult<Result<OrderDetail>>(Error.Validation("order.reason_required", "请填写退回原因", "reason"));
        if (CountChars(reason) > MaxReasonChars)
            return Task.FromResult<Result<OrderDetail>>(Error.Validation("order.reason_too_long", $"原因不能超过{MaxReasonChars}字", "reason"));
        return StaffMoveAsync(caller, code, OrderAction.Reject, OrderEventKind.Rejected, reason, (row, move) => move with { RejectReason = reason }, ct);
    }

    public async Task<Result<OrderDetail>> MergeAsync(Caller caller, string code, string? intoCode, string? note, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(intoCode))
            return Error.Validation("order.merge_target_required", "请填写要合并到的工单编号", "intoCode");
        if (note is not null && CountChars(note) > MaxReasonChars)
            return Error.Validation("order.reason_too_long", $"说明不能超过{MaxReasonChars}字", "note");
        var target = await orders.GetByCodeAsync(intoCode.Trim(), ct);
        if (target is null || !CanSee(caller, target))
            return Error.Validation("order.merge_target_not_found", "要合并到的工单不存在", "intoCode");
        if (!caller.IsStaffOver(target.AreaPath))
            return Error.Forbidden("order.staff_only", "只有负责该区域的网格员、社区书记或街道工作人员可以合并工单");
        if (target.Code == code)
            return Error.Conflict("order.merge_into_itself", "不能把工单合并到它自己");
        if (OrderStatus.IsTerminal(target.Status))
            return Error.Conflict("order.merge_target_closed", $"目标工单{target.Code}已{OrderStatus.ChineseName(target.Status)}，不能再合并进去");
        return await StaffMoveAsync(caller, code, OrderAction.Merge, OrderEventKind.Merged, note,
            (row, move) => move with { MergedIntoId = target.Id, Event = move.Event with { Data = $$"""{"into":"{{target.Code}}"}""" } }, ct,
            row => [(target.Id, new NewOrderEvent(OrderEventKind.MergedFrom, null, null, caller.PersonId, caller.RoleFor(target.AreaPath), note, $$"""{"from":"{{row.Code}}"}"""))]);
    }

    private async Task<Result<OrderDetail>> StaffMoveAsync(Caller caller, string code, OrderAction action, string eventKind, string? note,
        Func<OrderRow, OrderMove, OrderMove> shape, CancellationToken ct, Func<OrderRow, (long, NewOrderEvent)[]>? alsoRecord = null, string? notifyResident = null)
    {
        var row = await orders.GetByCodeAsync(code, ct);
        if (row is null || !CanSee(caller, row)) return NotFound();
        if (!caller.IsStaffOver(row.AreaPath))
            return Error.Forbidden("order.staff_only", $"只有负责该区域的网格员、社区书记或街道工作人员可以{OrderStateMachine.ActionName(action)}工单");
        if (!OrderStateMachine.TryMove(row.Status, action, out var to, out var reason))
            return Error.Conflict("order.illegal_transition", reason);
        var move = shape(row, new OrderMove(row.Id, row.Status, to,
            new NewOrderEvent(eventKind, row.Status, to, caller.PersonId, caller.RoleFor(row.AreaPath), note)));
        var now = clock.GetUtcNow().UtcDateTime;
        if (!await orders.MoveAsync(move, now, notifyResident is null ? null : (c, tx) => NotifyReporterAsync(c, tx, row, eventKind, notifyResident, now, ct), ct,
                alsoRecord?.Invoke(row) ?? []))
        {
            var current = await orders.GetAsync(row.Id, ct);
            return Error.Conflict("order.state_changed",
                $"工单刚刚被其他人处理，当前状态为「{OrderStatus.ChineseName(current?.Status ?? row.Status)}」，请刷新后重试");
        }
        return await DetailAsync((await orders.GetAsync(row.Id, ct))!, caller, ct);
    }

    /// <summary>
    /// Reporter, staff over the place, the claimer (member or unit), and members or units that may claim it
    /// while it sits in the pool. Everyone else is told it does not exist.
    /// </summary>
    public static bool CanSee(Caller caller, OrderRow row) =>
        row.ResidentId == caller.PersonId || caller.IsStaffOver(row.AreaPath) || IsClaimer(caller, row)
        || (row.Status == OrderStatus.Published && (caller.IsApprovedMemberFor(row.AreaPath)
            || caller.Units.Any(u => u.Status == "approved" && u.CommunityPaths.Any(p => row.AreaPath.StartsWith(p, StringComparison.Ordinal)))));

    private static Error NotFound() => Error.NotFound("order.not_found", "工单不存在");

    private async Task<OrderDetail> DetailAsync(OrderRow row, Caller caller, CancellationToken ct)
    {
        var (events, photoRows) = await orders.TimelineAsync(row.Id, ct);
        var areaById = await LoadAreasAsync([row.AreaPath], ct);
        var now = clock.GetUtcNow().UtcDateTime;
        PhotoRef Ref(OrderPhotoRow p) => new(p.Id, p.ContentType, p.ByteSize, $"/api/orders/{row.Code}/photos/{p.Id}");
        var timeline = events.Select(e => new TimelineEntry(e.Id, ChinaTime.ToChina(e.CreatedAt), e.Kind, OrderEventKind.ChineseName(e.Kind),
            e.FromStatus, e.ToStatus, e.ActorRole, ActorLabel(e), e.Note,
            photoRows.Where(p => p.EventId == e.Id).Select(Ref).ToList())).ToList();
        return new OrderDetail(row.Code, row.Status, OrderStatus.ChineseName(row.Status), row.Source,
            new CategoryRef(row.CategoryId, row.CategoryName), row.Description, row.LocationText, row.Latitude, row.Longitude,
            AreaRefOf(row.AreaId, areaById), row.Urgency, ChinaTime.ToChina(row.AckDueAt), ChinaTime.ToChina(row.ResolveDueAt),
            IsOverdue(row, now), row.EscalationLevel, row.Satisfaction, row.MergedIntoCode, row.RejectReason,
            ChinaTime.ToChina(row.CreatedAt), ChinaTime.ToChina(row.UpdatedAt), photoRows.Select(Ref).ToList(), timeline)
        {
            Claimer = row.ClaimerPersonId is null && row.ClaimerUnitId is null ? null : new ClaimerView(row.ClaimerPersonId, row.ClaimerName,
                caller.IsStaffOver(row.AreaPath) || row.ClaimerPersonId == caller.PersonId ? row.ClaimerPhone : PhoneMask.Mask(row.ClaimerPhone),
                row.ClaimerUnitId, row.ClaimerUnitName),
            Reporter = row.ReporterName is null ? null
                : caller.IsStaffOver(row.AreaPath) ? new ReporterView(row.ReporterName, row.ReporterPhone)
                : IsClaimer(caller, row) ? new ReporterView(row.ReporterName, PhoneMask.Mask(row.ReporterPhone)) : null,
            Answers = row.Extra is null ? null : System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(row.Extra),
            ContentFlag = caller.IsStaffOver(row.AreaPath) ? row.ContentFlag : null,
            ServiceHours = row.ServiceMinutes is { } m ? Math.Round(m / 60.0, 1) : null,
        };
    }

    private static bool IsClaimer(Caller caller, OrderRow row) =>
        (row.ClaimerPersonId is { } p && p == caller.PersonId) || (row.ClaimerUnitId is { } u && caller.UnitAdminOf.Contains(u));

    /// <summary>Staff and members act under their name (亮身份); residents stay anonymous to others.</summary>
    private static string ActorLabel(OrderEventRow e) => e.ActorRole switch
    {
        StaffRole.GridWorker => $"网格员 {e.ActorName}",
        StaffRole.Secretary => $"社区书记 {e.ActorName}",
        StaffRole.StreetAdmin => $"街道 {e.ActorName}",
        "member" => $"党员 {e.ActorName}",
        "system" => "系统",
        _ => "居民",
    };

    private async Task<Dictionary<long, Area>> LoadAreasAsync(IEnumerable<string> paths, CancellationToken ct)
    {
        var ids = paths.SelectMany(p => p.Split('/', StringSplitOptions.RemoveEmptyEntries)).Select(long.Parse).Distinct();
        return (await areas.GetManyAsync(ids, ct)).ToDictionary(a => a.Id);
    }

    private static AreaRef AreaRefOf(long areaId, Dictionary<long, Area> byId)
    {
        var area = byId[areaId];
        // Skip the grid in the display name: residents know compounds and buildings, not grids.
        var names = area.PathIds.Where(byId.ContainsKey).Select(id => byId[id])
            .Where(a => a.Kind != AreaKind.Grid || a.Id == area.Id).Select(a => a.Name);
        return new AreaRef(area.Id, area.Kind, area.Name, string.Join(" ", names));
    }

    private static bool IsOverdue(OrderRow r, DateTime now) => OrderStatus.Open.Contains(r.Status) && r.ResolveDueAt < now;

    /// <summary>Counts user-perceived characters, so an emoji is one character, as a resident would count.</summary>
    public static int CountChars(string s) => new StringInfo(s).LengthInTextElements;

    private static string Shorten(string s, int max)
    {
        var info = new StringInfo(s);
        return info.LengthInTextElements <= max ? s : info.SubstringByTextElements(0, max) + "…";
    }
}
