using Governance.Core.Categories;
using Governance.Core.Errors;
using Governance.Core.Intake;
using Governance.Core.Notifications;
using Governance.Core.People;
using Governance.Core.Registrations;
using Governance.Core.Text;
using Governance.Core.Time;

namespace Governance.Core.Orders;

/// <summary>
/// What staff over a place do with a new report: accept (受理), reject with a reason, publish to the claim pool, merge a
/// duplicate, correct the category, assign (派单) or reassign (改派), and extend the deadline. Every action is the caller's
/// under their name on the timeline, and the people concerned are told in the same commit.
/// </summary>
public sealed class OrderTriage(
    OrderStore orders,
    OrderReader reader,
    OrderChanges changes,
    CategoryStore categories,
    PersonStore people,
    RegistrationStore registrations,
    IntakeService intake
)
{
    public Task<Result<OrderDetail>> AcceptAsync(Caller caller, string code, CancellationToken ct) =>
        StaffMoveAsync(
            caller,
            code,
            OrderAction.Accept,
            OrderEventKind.Accepted,
            null,
            (_, move) => move,
            ct,
            notifyReporter: "已受理，正在安排办理"
        );

    /// <summary>
    /// Staff acknowledge an urgent alert (收到，正在处置): the alert stops climbing the hierarchy and the timeline shows
    /// who responded and when. The order's status does not change.
    /// </summary>
    public async Task<Result<OrderDetail>> AcknowledgeAsync(Caller caller, string code, CancellationToken ct)
    {
        var row = await reader.VisibleAsync(caller, code, ct);
        if (row is null)
            return OrderErrors.NotFound;
        if (!caller.IsStaffOver(row.AreaPath))
            return OrderErrors.StaffOnly.With("只有负责该区域的工作人员可以响应紧急诉求");
        if (row.Urgency != Urgency.Urgent)
            return OrderErrors.NotUrgent;
        var acknowledged = await orders.AcknowledgeUrgentAsync(
            row.Id,
            new NewOrderEvent(
                OrderEventKind.Acknowledged,
                null,
                null,
                caller.PersonId,
                caller.RoleFor(row.AreaPath),
                "已响应紧急诉求，正在处置"
            ),
            caller.PersonId,
            changes.Now,
            ct
        );
        return acknowledged ? await reader.DetailAsync(row.Id, caller, ct) : OrderErrors.AlreadyAcknowledged;
    }

    public Task<Result<OrderDetail>> PublishAsync(Caller caller, string code, CancellationToken ct) =>
        StaffMoveAsync(caller, code, OrderAction.Publish, OrderEventKind.Published, null, (_, move) => move, ct);

    /// <summary>Rejected (不予受理) with its reason; the reporter and linked residents are told why.</summary>
    public async Task<Result<OrderDetail>> RejectAsync(Caller caller, string code, string? reason, CancellationToken ct)
    {
        reason = reason?.Trim();
        if (string.IsNullOrEmpty(reason))
            return OrderErrors.ReasonRequired.With("请填写退回原因");
        if (Chars.Count(reason) > OrderReports.MaxReasonChars)
            return OrderErrors.ReasonTooLong.With($"原因不能超过{OrderReports.MaxReasonChars}字");
        return await StaffMoveAsync(
            caller,
            code,
            OrderAction.Reject,
            OrderEventKind.Rejected,
            reason,
            (_, move) => move with { RejectReason = reason },
            ct,
            notifyReporter: $"不予受理：{reason}"
        );
    }

    /// <summary>
    /// A duplicate joins another open order; its reporter is told which one and follows it from now on.
    /// </summary>
    public async Task<Result<OrderDetail>> MergeAsync(
        Caller caller,
        string code,
        string? intoCode,
        string? note,
        CancellationToken ct
    )
    {
        if (string.IsNullOrWhiteSpace(intoCode))
            return OrderErrors.MergeTargetRequired;
        if (note is not null && Chars.Count(note) > OrderReports.MaxReasonChars)
            return OrderErrors.ReasonTooLong.With($"说明不能超过{OrderReports.MaxReasonChars}字");
        var target = await reader.VisibleAsync(caller, intoCode.Trim(), ct);
        if (target is null)
            return OrderErrors.MergeTargetNotFound;
        if (!caller.IsStaffOver(target.AreaPath))
            return OrderErrors.StaffOnly;
        if (target.Code == code)
            return OrderErrors.MergeIntoItself;
        if (OrderStatus.IsTerminal(target.Status))
            return OrderErrors.MergeTargetClosed.With(
                $"目标工单{target.Code}已{OrderStatus.ChineseName(target.Status)}，不能再合并进去"
            );
        return await StaffMoveAsync(
            caller,
            code,
            OrderAction.Merge,
            OrderEventKind.Merged,
            note,
            (_, move) =>
                move with
                {
                    MergedIntoId = target.Id,
                    Event = move.Event with { Data = $$"""{"into":"{{target.Code}}"}""" },
                },
            ct,
            row =>
                [
                    (
                        target.Id,
                        new NewOrderEvent(
                            OrderEventKind.MergedFrom,
                            null,
                            null,
                            caller.PersonId,
                            caller.RoleFor(target.AreaPath),
                            note,
                            $$"""{"from":"{{row.Code}}"}"""
                        )
                    ),
                ],
            notifyReporter: $"与工单{target.Code}反映的是同一问题，已合并办理，进展会继续通知您",
            follow: row => row.ResidentId is { } r ? (target.Id, r) : null
        );
    }

    /// <summary>Staff: correct an order's category; the correction becomes training data for the classifier.</summary>
    public async Task<Result<OrderDetail>> RecategorizeAsync(
        Caller caller,
        string code,
        long? categoryId,
        CancellationToken ct
    )
    {
        if (categoryId is null)
            return OrderErrors.CategoryRequired;
        var row = await reader.VisibleAsync(caller, code, ct);
        if (row is null)
            return OrderErrors.NotFound;
        if (!caller.IsStaffOver(row.AreaPath))
            return OrderErrors.StaffOnly.With("只有负责该区域的工作人员可以调整类别");
        var category = await categories.GetAsync(categoryId.Value, ct);
        if (category is not { Active: true })
            return OrderErrors.CategoryNotFound;
        if (category.Id == row.CategoryId)
            return await reader.DetailAsync(row, caller, ct);
        var now = changes.Now;
        await orders.RecategorizeAsync(
            row.Id,
            category.Id,
            new NewOrderEvent(
                OrderEventKind.Recategorized,
                null,
                null,
                caller.PersonId,
                caller.RoleFor(row.AreaPath),
                $"{row.CategoryName} → {category.Name}"
            ),
            now,
            (c, tx) => IntakeExampleStore.AddAsync(c, tx, row.Description, category.Id, "correction", row.Id, now, ct),
            ct
        );
        intake.Invalidate();
        return await reader.DetailAsync(row.Id, caller, ct);
    }

    /// <summary>
    /// Staff: assign directly (派单) to a registered member or a unit serving the community, or reassign (改派). The
    /// claiming rules hold here too: an order of a units-only category goes to a unit, never straight to a member.
    /// </summary>
    public async Task<Result<OrderDetail>> AssignAsync(
        Caller caller,
        string code,
        long? personId,
        long? unitId,
        bool reassign,
        CancellationToken ct
    )
    {
        var row = await reader.VisibleAsync(caller, code, ct);
        if (row is null)
            return OrderErrors.NotFound;
        if (!caller.IsStaffOver(row.AreaPath))
            return OrderErrors.StaffOnly.With("只有负责该区域的工作人员可以派单");
        if ((personId is null) == (unitId is null))
            return OrderErrors.AssigneeRequired;
        string name;
        if (personId is { } p)
        {
            if (!row.MemberClaimable)
                return OrderErrors.UnitsOnly.With("这类工单需要派给驻区单位，由单位安排党员办理");
            var assignee = await people.LoadCallerAsync(p, ct);
            if (assignee is null || !assignee.IsApprovedMemberFor(row.AreaPath))
                return OrderErrors.AssigneeNotRegistered;
            name = $"党员 {assignee.Name}";
        }
        else
        {
            var unit = await registrations.GetUnitAsync(unitId!.Value, ct);
            var serves =
                unit is { Status: "approved" }
                && (
                    row.AreaPath.StartsWith(unit.AreaPath, StringComparison.Ordinal)
                    || (await registrations.PairingsAsync(unit.Id, null, "approved", ct)).Any(x =>
                        row.AreaPath.StartsWith(x.CommunityPath, StringComparison.Ordinal)
                    )
                );
            if (!serves)
                return OrderErrors.UnitNotServing;
            name = unit!.Name;
        }
        var action = reassign ? OrderAction.Reassign : OrderAction.Assign;
        var to = OrderChanges.Target(row.Status, action);
        if (!to.IsOk)
            return to.Error!;
        var assignees = personId is { } pid
            ? new[] { pid }
            : (await registrations.UnitAdminsAsync(unitId!.Value, ct)).ToArray();
        var now = changes.Now;
        var move = new OrderMove(
            row.Id,
            row.Status,
            to.Value!,
            new NewOrderEvent(
                reassign ? OrderEventKind.Reassigned : OrderEventKind.Assigned,
                row.Status,
                to.Value,
                caller.PersonId,
                caller.RoleFor(row.AreaPath),
                $"派给{name}"
            )
        )
        {
            ClaimerPersonId = personId,
            ClaimerUnitId = unitId,
            ReplaceClaimer = true,
        };
        var notice = new Notice("order_assigned", "给您派了一个工单", Chars.Shorten(row.Description, 40), row.Code);
        return await changes.MoveAsync(
            caller,
            row,
            move,
            now,
            async (c, tx) =>
            {
                await Outbox.EnqueueAsync(c, tx, assignees, notice, $"assigned:{row.Code}:{row.Version}", now, ct);
                if (!reassign)
                    await OrderRecipients.NotifyReporterAsync(
                        c,
                        tx,
                        row,
                        OrderEventKind.Claimed,
                        $"已安排{name}办理",
                        now,
                        ct
                    );
            },
            ct
        );
    }

    /// <summary>Staff: a later deadline, with the reason; the reporter and the claimer are told.</summary>
    public async Task<Result<OrderDetail>> ExtendAsync(
        Caller caller,
        string code,
        DateTimeOffset? resolveBy,
        string? reason,
        CancellationToken ct
    )
    {
        var row = await reader.VisibleAsync(caller, code, ct);
        if (row is null)
            return OrderErrors.NotFound;
        if (!caller.IsStaffOver(row.AreaPath))
            return OrderErrors.StaffOnly.With("只有负责该区域的工作人员可以延期");
        if (!OrderStatus.Open.Contains(row.Status))
            return OrderErrors.NotOpen.With($"工单当前状态为「{OrderStatus.ChineseName(row.Status)}」，不需要延期");
        reason = reason?.Trim();
        if (string.IsNullOrEmpty(reason))
            return OrderErrors.ReasonRequired.With("请说明延期的原因");
        if (Chars.Count(reason) > OrderReports.MaxReasonChars)
            return OrderErrors.ReasonTooLong.With($"原因不能超过{OrderReports.MaxReasonChars}字");
        var now = changes.Now;
        if (resolveBy is null || resolveBy.Value.UtcDateTime <= row.ResolveDueAt || resolveBy.Value.UtcDateTime <= now)
            return OrderErrors.InvalidDeadline;
        var due = resolveBy.Value.UtcDateTime;
        var told = new List<long>();
        if (row.ResidentId is { } r)
            told.Add(r);
        if (row.ClaimerPersonId is { } cp)
            told.Add(cp);
        var e = new NewOrderEvent(
            OrderEventKind.DeadlineExtended,
            null,
            null,
            caller.PersonId,
            caller.RoleFor(row.AreaPath),
            reason,
            System.Text.Json.JsonSerializer.Serialize(
                new
                {
                    from = $"{ChinaTime.ToChina(row.ResolveDueAt):yyyy-MM-dd HH:mm}",
                    to = $"{ChinaTime.ToChina(due):yyyy-MM-dd HH:mm}",
                }
            )
        );
        var notice = new Notice(
            "order_extended",
            "办理期限已延长",
            $"新期限 {ChinaTime.ToChina(due):M月d日 HH:mm}：{reason}",
            row.Code
        );
        if (
            !await orders.ExtendAsync(
                row.Id,
                row.Status,
                due,
                e,
                now,
                (c, tx) => Outbox.EnqueueAsync(c, tx, told, notice, $"extended:{row.Code}:{row.Version}", now, ct),
                ct
            )
        )
            return await changes.StateChangedAsync(row, ct);
        return await reader.DetailAsync(row.Id, caller, ct);
    }

    private async Task<Result<OrderDetail>> StaffMoveAsync(
        Caller caller,
        string code,
        OrderAction action,
        string eventKind,
        string? note,
        Func<OrderRow, OrderMove, OrderMove> shape,
        CancellationToken ct,
        Func<OrderRow, (long, NewOrderEvent)[]>? alsoRecord = null,
        string? notifyReporter = null,
        Func<OrderRow, (long OrderId, long PersonId)?>? follow = null
    )
    {
        var row = await reader.VisibleAsync(caller, code, ct);
        if (row is null)
            return OrderErrors.NotFound;
        if (!caller.IsStaffOver(row.AreaPath))
            return OrderErrors.StaffOnly.With(
                $"只有负责该区域的网格员、社区书记或街道工作人员可以{OrderStateMachine.ActionName(action)}工单"
            );
        var to = OrderChanges.Target(row.Status, action);
        if (!to.IsOk)
            return to.Error!;
        var move = shape(
            row,
            new OrderMove(
                row.Id,
                row.Status,
                to.Value!,
                new NewOrderEvent(eventKind, row.Status, to.Value, caller.PersonId, caller.RoleFor(row.AreaPath), note)
            )
        );
        var now = changes.Now;
        var followed = follow?.Invoke(row);
        return await changes.MoveAsync(
            caller,
            row,
            move,
            now,
            notifyReporter is null && followed is null
                ? null
                : async (c, tx) =>
                {
                    if (notifyReporter is not null)
                        await OrderRecipients.NotifyReporterAsync(c, tx, row, eventKind, notifyReporter, now, ct);
                    if (followed is { } f)
                        await OrderStore.FollowAsync(c, tx, f.OrderId, f.PersonId, now, ct);
                },
            ct,
            alsoRecord?.Invoke(row) ?? []
        );
    }
}
