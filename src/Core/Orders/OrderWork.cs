using System.Data.Common;
using Governance.Core.Errors;
using Governance.Core.Notifications;
using Governance.Core.Paging;
using Governance.Core.People;
using Governance.Core.Text;

namespace Governance.Core.Orders;

/// <summary>
/// The claim pool and the work on an order: members and units claim, start, report progress, resolve or release; unit
/// admins give the unit's orders to their members. A claim not started in time goes back (see <see
/// cref="ClaimExpiry"/>).
/// </summary>
public sealed class OrderWork(
    OrderStore orders,
    OrderReader reader,
    OrderChanges changes,
    OrderReports reports,
    OrderRecipients recipients,
    ClaimExpiry expiry,
    PersonStore people,
    Categories.CategoryStore categories,
    PhotoStorage photos
)
{
    /// <summary>A member holding this many unfinished claims must finish one before claiming more.</summary>
    public const int MaxActiveClaims = 5;

    /// <summary>
    /// Published orders the caller may claim — in the communities where the member is approved, or that the unit serves
    /// — filtered and paged in the database: by category, by the caller's skills, by distance from a point (sorted
    /// nearest first), by deadline. Every published order in scope is reachable, however many there are.
    /// </summary>
    public async Task<Result<PageOf<PoolItem>>> PoolAsync(Caller caller, PoolQuery query, CancellationToken ct)
    {
        var p = query.Page ?? 1;
        var size = query.PageSize ?? 20;
        if (p < 1 || p > OrderReader.MaxPage || size < 1 || size > OrderReader.MaxPageSize)
            return CommonErrors.PagingInvalid.With(
                $"页码从1到{OrderReader.MaxPage}，每页1到{OrderReader.MaxPageSize}条"
            );
        if (
            (query.Latitude is null) != (query.Longitude is null)
            || query.Latitude is < -90 or > 90
            || query.Longitude is < -180 or > 180
        )
            return OrderErrors.PoolInvalidPoint;
        if (query.RadiusKm is <= 0 or > 100)
            return OrderErrors.PoolInvalidRadius;
        if (query.RadiusKm is not null && query.Latitude is null)
            return OrderErrors.PoolPointRequired;

        IReadOnlyList<string> paths;
        var memberOnly = true;
        if (query.UnitId is { } u)
        {
            var unit = caller.Units.FirstOrDefault(x => x.UnitId == u);
            if (unit is null)
                return CommonErrors.UnitNotFound;
            if (unit.Status != "approved")
                return OrderErrors.PoolUnitNotApproved;
            paths = unit.CommunityPaths;
            memberOnly = false;
        }
        else
        {
            if (caller.MemberCommunities.Count == 0)
                return OrderErrors.PoolNotRegistered;
            paths = caller.MemberCommunities.Select(c => c.Path).ToList();
        }
        await expiry.RunAsync(100, ct);
        IReadOnlyList<long>? categoryIds = query.CategoryId is { } only ? [only] : null;
        if (query.SkillsOnly)
        {
            var fitting = (await categories.ListActiveAsync(ct))
                .Where(c => c.SkillList.Intersect(caller.Skills).Any())
                .Select(c => c.Id);
            categoryIds = (categoryIds is null ? fitting : fitting.Intersect(categoryIds)).ToList();
        }
        var filter = new PoolFilter(
            paths,
            memberOnly,
            categoryIds,
            query.DueBefore,
            query.Latitude,
            query.Longitude,
            query.RadiusKm,
            p,
            size
        );
        var (rows, total) = await orders.PoolAsync(filter, ct);
        var now = changes.Now;
        var areaById = await reader.LoadAreasAsync(rows.Select(r => r.Row.AreaPath), ct);
        var items = rows.Select(r =>
            {
                var skills = r.Row.CategorySkills.Split(
                    ',',
                    StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries
                );
                return new PoolItem(
                    reader.Summary(r.Row, areaById, now),
                    r.DistanceMeters is { } d ? Math.Round(d) : null,
                    skills,
                    skills.Intersect(caller.Skills).Any(),
                    r.Row.MemberClaimable
                );
            })
            .ToList();
        return new PageOf<PoolItem>(items, p, size, total);
    }

    public async Task<Result<OrderDetail>> ClaimAsync(Caller caller, string code, long? unitId, CancellationToken ct)
    {
        var row = await reader.FindAsync(code, ct);
        // Someone who could have claimed it (it was in their pool a moment ago) learns it was taken, not that it
        // vanished.
        var eligible =
            row is not null
            && (
                OrderReader.CanSee(caller, row)
                || caller.IsApprovedMemberFor(row.AreaPath)
                || caller.Units.Any(x =>
                    x.Status == "approved"
                    && x.CommunityPaths.Any(p => row.AreaPath.StartsWith(p, StringComparison.Ordinal))
                )
            );
        if (!eligible || row is null)
            return OrderErrors.NotFound;
        row = await expiry.ExpireIfStaleAsync(row, ct);
        if (row.Status is OrderStatus.Claimed or OrderStatus.InProgress)
            return OrderErrors.AlreadyClaimed;
        long? person = null,
            unit = null;
        string claimer;
        if (unitId is { } u)
        {
            if (caller.UnitServing(u, row.AreaPath) is not { } scope)
                return OrderErrors.UnitCannotClaim;
            unit = u;
            claimer = scope.Name;
        }
        else
        {
            if (!caller.IsApprovedMemberFor(row.AreaPath))
                return OrderErrors.NotRegistered;
            if (!row.MemberClaimable)
                return OrderErrors.UnitsOnly;
            if (await orders.ActiveClaimsAsync(caller.PersonId, ct) >= MaxActiveClaims)
                return OrderErrors.TooManyClaims.With($"您手上已有{MaxActiveClaims}个未办结的工单，请先办完再认领");
            person = caller.PersonId;
            claimer = $"党员 {caller.Name}";
        }
        var to = OrderChanges.Target(row.Status, OrderAction.Claim);
        if (!to.IsOk)
            return to.Error!;
        var now = changes.Now;
        var move = new OrderMove(
            row.Id,
            row.Status,
            to.Value!,
            new NewOrderEvent(
                OrderEventKind.Claimed,
                row.Status,
                to.Value,
                caller.PersonId,
                unit is null ? "member" : "unit_admin",
                unit is null ? null : $"{claimer}认领"
            )
        )
        {
            ClaimerPersonId = person,
            ClaimerUnitId = unit,
        };
        if (
            !await orders.MoveAsync(
                move,
                now,
                (c, tx) =>
                    OrderRecipients.NotifyReporterAsync(
                        c,
                        tx,
                        row,
                        OrderEventKind.Claimed,
                        $"{claimer}已认领，会尽快处理",
                        now,
                        ct
                    ),
                ct
            )
        )
            return OrderErrors.AlreadyClaimed;
        return await reader.DetailAsync(row.Id, caller, ct);
    }

    /// <summary>Unit admin: give a unit's claimed order to one of the unit's members.</summary>
    public async Task<Result<OrderDetail>> AssignMemberAsync(
        Caller caller,
        string code,
        long? personId,
        CancellationToken ct
    )
    {
        var row = await reader.VisibleAsync(caller, code, ct);
        if (row is null)
            return OrderErrors.NotFound;
        if (row.ClaimerUnitId is not { } unit || !caller.UnitAdminOf.Contains(unit))
            return OrderErrors.UnitAdminOnly;
        if (personId is null || await people.MemberUnitAsync(personId.Value, ct) != unit)
            return OrderErrors.NotUnitMember;
        var notice = new Notice("order_assigned", "单位给您指派了工单", Chars.Shorten(row.Description, 40), row.Code);
        return await WorkMoveAsync(
            caller,
            row,
            OrderAction.AssignMember,
            OrderEventKind.Assigned,
            "单位指派",
            ct,
            move => move with { ClaimerPersonId = personId, ClaimerUnitId = unit, ReplaceClaimer = true },
            (c, tx, now) =>
                Outbox.EnqueueAsync(c, tx, [personId.Value], notice, $"assigned:{row.Code}:{row.Version}", now, ct)
        );
    }

    public async Task<Result<OrderDetail>> StartAsync(Caller caller, string code, CancellationToken ct)
    {
        var held = await HeldAsync(caller, code, ct);
        if (!held.IsOk)
            return held.Error!;
        return await WorkMoveAsync(caller, held.Value!, OrderAction.Start, OrderEventKind.Started, null, ct, m => m);
    }

    public async Task<Result<OrderDetail>> ProgressAsync(
        Caller caller,
        string code,
        string? note,
        IReadOnlyList<PhotoUpload> uploads,
        CancellationToken ct
    )
    {
        var held = await HeldAsync(caller, code, ct);
        if (!held.IsOk)
            return held.Error!;
        var row = held.Value!;
        if (row.Status is not (OrderStatus.Claimed or OrderStatus.InProgress))
            return OrderErrors.IllegalTransition.With(
                $"工单当前状态为「{OrderStatus.ChineseName(row.Status)}」，不能再报进展"
            );
        var checkedNote = await reports.NoteAsync(caller, note, uploads, ct);
        if (!checkedNote.IsOk)
            return checkedNote.Error!;
        var stored = await reports.SavePhotosAsync(uploads, ct);
        var now = changes.Now;
        try
        {
            await orders.AppendAsync(
                row.Id,
                new NewOrderEvent(
                    OrderEventKind.Progress,
                    null,
                    null,
                    caller.PersonId,
                    ActorRole(caller, row),
                    checkedNote.Value
                )
                {
                    Photos = stored,
                },
                now,
                (c, tx) =>
                    OrderRecipients.NotifyReporterAsync(
                        c,
                        tx,
                        row,
                        OrderEventKind.Progress,
                        checkedNote.Value ?? "上传了现场照片",
                        now,
                        ct
                    ),
                ct
            );
        }
        catch
        {
            foreach (var s in stored)
                photos.Delete(s);
            throw;
        }
        return await reader.DetailAsync(row.Id, caller, ct);
    }

    public async Task<Result<OrderDetail>> ResolveAsync(
        Caller caller,
        string code,
        string? note,
        double? hours,
        IReadOnlyList<PhotoUpload> uploads,
        CancellationToken ct
    )
    {
        var held = await HeldAsync(caller, code, ct);
        if (!held.IsOk)
            return held.Error!;
        var row = held.Value!;
        note = note?.Trim();
        if (string.IsNullOrEmpty(note))
            return OrderErrors.ResultRequired;
        if (Chars.Count(note) > OrderReports.MaxReasonChars * 5)
            return OrderErrors.ResultTooLong.With($"办理结果不能超过{OrderReports.MaxReasonChars * 5}字");
        if (hours is not null and (< 0.5 or > 24))
            return OrderErrors.InvalidHours;
        var checkedNote = await reports.NoteAsync(caller, note, uploads, ct);
        if (!checkedNote.IsOk)
            return checkedNote.Error!;
        var minutes = (int)Math.Round((hours ?? 1) * 60);
        var stored = await reports.SavePhotosAsync(uploads, ct);
        var result = await WorkMoveAsync(
            caller,
            row,
            OrderAction.Resolve,
            OrderEventKind.Resolved,
            note,
            ct,
            m => m with { Event = m.Event with { Photos = stored } },
            async (c, tx, now) =>
            {
                if (row.ClaimerPersonId is { } member)
                    await OrderStore.CreditServiceAsync(c, tx, row.Id, member, minutes, ct);
                await OrderRecipients.NotifyReporterAsync(
                    c,
                    tx,
                    row,
                    OrderEventKind.Resolved,
                    "已办结，请回复满意、基本满意或不满意",
                    now,
                    ct
                );
            }
        );
        if (!result.IsOk)
            foreach (var s in stored)
                photos.Delete(s);
        return result;
    }

    public async Task<Result<OrderDetail>> ReleaseAsync(
        Caller caller,
        string code,
        string? reason,
        CancellationToken ct
    )
    {
        var held = await HeldAsync(caller, code, ct);
        if (!held.IsOk)
            return held.Error!;
        var row = held.Value!;
        reason = reason?.Trim();
        if (string.IsNullOrEmpty(reason))
            return OrderErrors.ReasonRequired.With("请说明退回的原因");
        if (Chars.Count(reason) > OrderReports.MaxReasonChars)
            return OrderErrors.ReasonTooLong.With($"原因不能超过{OrderReports.MaxReasonChars}字");
        var grid = await recipients.GridWorkersAsync(row.AreaPath, ct);
        var notice = new Notice("order_released", "工单被退回认领池", reason, row.Code);
        return await WorkMoveAsync(
            caller,
            row,
            OrderAction.Release,
            OrderEventKind.Released,
            reason,
            ct,
            m => m with { ClearClaimer = true },
            (c, tx, now) => Outbox.EnqueueAsync(c, tx, grid, notice, $"released:{row.Code}:{row.Version}", now, ct)
        );
    }

    /// <summary>The order, when the caller holds it (the member, or an admin of the claiming unit).</summary>
    private async Task<Result<OrderRow>> HeldAsync(Caller caller, string code, CancellationToken ct)
    {
        var row = await reader.VisibleAsync(caller, code, ct);
        if (row is null)
            return OrderErrors.NotFound;
        row = await expiry.ExpireIfStaleAsync(row, ct);
        if (!OrderReader.IsClaimer(caller, row))
            return OrderErrors.ClaimerOnly;
        return row;
    }

    private static string ActorRole(Caller caller, OrderRow row) =>
        row.ClaimerPersonId == caller.PersonId ? "member"
        : row.ClaimerUnitId is { } u && caller.UnitAdminOf.Contains(u) ? "unit_admin"
        : caller.RoleFor(row.AreaPath);

    private async Task<Result<OrderDetail>> WorkMoveAsync(
        Caller caller,
        OrderRow row,
        OrderAction action,
        string eventKind,
        string? note,
        CancellationToken ct,
        Func<OrderMove, OrderMove> shape,
        Func<DbConnection, DbTransaction, DateTime, Task>? notify = null
    )
    {
        var to = OrderChanges.Target(row.Status, action);
        if (!to.IsOk)
            return to.Error!;
        var now = changes.Now;
        var move = shape(
            new OrderMove(
                row.Id,
                row.Status,
                to.Value!,
                new NewOrderEvent(eventKind, row.Status, to.Value, caller.PersonId, ActorRole(caller, row), note)
            )
        );
        return await changes.MoveAsync(
            caller,
            row,
            move,
            now,
            notify is null ? null : (c, tx) => notify(c, tx, now),
            ct
        );
    }
}

/// <summary>What the claim pool is asked for.</summary>
public sealed record PoolQuery(
    long? UnitId,
    long? CategoryId,
    bool SkillsOnly,
    double? Latitude,
    double? Longitude,
    double? RadiusKm,
    DateTime? DueBefore,
    int? Page,
    int? PageSize
);
