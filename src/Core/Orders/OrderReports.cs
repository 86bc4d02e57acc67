using Governance.Core.Areas;
using Governance.Core.Calendar;
using Governance.Core.Categories;
using Governance.Core.Errors;
using Governance.Core.Intake;
using Governance.Core.Moderation;
using Governance.Core.Notifications;
using Governance.Core.People;
using Governance.Core.Text;
using Governance.Core.Time;

namespace Governance.Core.Orders;

public sealed record CreateOrderInput(
    long? CategoryId,
    string? Description,
    string? LocationText,
    long? BuildingId,
    long? AreaId,
    string? Urgency,
    decimal? Latitude,
    decimal? Longitude,
    string? Source
)
{
    /// <summary>Answers to the category's extra questions, by question key.</summary>
    public IReadOnlyDictionary<string, string>? Answers { get; init; }

    /// <summary>
    /// A staff entry (代录) made for a resident who phoned or walked in: the order is theirs (they follow it and are
    /// told), and the timeline says who entered it and how the resident came.
    /// </summary>
    public long? OnBehalfOf { get; init; }

    public string? EntryNote { get; init; }
}

public enum ReportOutcome
{
    /// <summary>A new order.</summary>
    Created,

    /// <summary>The same open problem had been reported by someone else: the report joined that order.</summary>
    Linked,

    /// <summary>The reporter had already reported it: the new text and photos were added to their order.</summary>
    AlreadyReported,
}

/// <summary>What became of a report: the order it is now part of, and how.</summary>
public sealed record SubmittedReport(
    ReportOutcome Outcome,
    long OrderId,
    string Code,
    string Status,
    DateTimeOffset ResolveBy,
    bool Urgent
);

/// <summary>
/// What residents do with their reports, for every channel (mini-program form, chat, staff entering a report for
/// someone): file one — or join the open order that already covers it —, urge, comment, cancel, rate, and ask
/// for a person.
/// </summary>
public sealed class OrderReports(
    OrderStore orders,
    OrderReader reader,
    OrderChanges changes,
    OrderRecipients recipients,
    CategoryStore categories,
    AreaStore areas,
    WorkCalendarCache calendar,
    PhotoStorage photos,
    NotificationStore notifications,
    ITextModeration moderation,
    TimeProvider clock
)
{
    public static readonly TimeSpan UrgeInterval = TimeSpan.FromHours(12);
    public static readonly TimeSpan DuplicateWindow = TimeSpan.FromDays(14);
    public const int MaxDescriptionChars = 1000;
    public const int MaxLocationChars = 200;
    public const int MaxReasonChars = 200;

    /// <summary>
    /// Below this bigram overlap two reports are different problems, even in the same place and category.
    /// </summary>
    public const double DuplicateSimilarity = 0.2;

    private static readonly string[] StaffSources = [OrderSource.Visit, OrderSource.Meeting, OrderSource.Staff];
    private static readonly string[] ResidentSources =
    [
        OrderSource.MiniProgram,
        OrderSource.WechatChat,
        OrderSource.Open311,
    ];

    /// <summary>Files a report and answers with the order as the caller sees it (the forms' answer).</summary>
    public async Task<Result<(ReportOutcome Outcome, OrderDetail Order)>> CreateAsync(
        Caller caller,
        CreateOrderInput input,
        IReadOnlyList<PhotoUpload> uploads,
        CancellationToken ct
    )
    {
        var submitted = await SubmitAsync(caller, input, uploads, [], ct);
        if (!submitted.IsOk)
            return submitted.Error!;
        return (submitted.Value!.Outcome, await reader.DetailAsync(submitted.Value.OrderId, caller, ct));
    }

    /// <summary>
    /// Files a report: every rule, the content check for text from the mini-program, the deadlines, the timeline and,
    /// when urgent, the alerts. A resident's report of a problem that an open order at the same place and category
    /// already describes joins that order instead (their text and photos on its timeline, and they follow it), decided
    /// here once for every channel. Staff entries are always new orders: staff merge by hand when they mean to.
    /// <paramref name="alreadyStored"/> are photos the channel saved while the report was drafted (the chat).
    /// </summary>
    public async Task<Result<SubmittedReport>> SubmitAsync(
        Caller caller,
        CreateOrderInput input,
        IReadOnlyList<PhotoUpload> uploads,
        IReadOnlyList<StoredPhoto> alreadyStored,
        CancellationToken ct
    )
    {
        if (input.CategoryId is null)
            return OrderErrors.CategoryRequired;
        var description = input.Description?.Trim();
        if (string.IsNullOrEmpty(description))
            return OrderErrors.DescriptionRequired;
        // The column holds 2000 code points; 1000 perceived characters of plain text or emoji fit comfortably.
        if (
            Chars.Count(description) > MaxDescriptionChars
            || description.EnumerateRunes().Count() > 2 * MaxDescriptionChars
        )
            return OrderErrors.DescriptionTooLong.With($"问题描述不能超过{MaxDescriptionChars}字");
        var locationText = string.IsNullOrWhiteSpace(input.LocationText) ? null : input.LocationText.Trim();
        if (locationText is not null && Chars.Count(locationText) > MaxLocationChars)
            return OrderErrors.LocationTooLong.With($"位置描述不能超过{MaxLocationChars}字");
        if (input.Urgency is not null and not (Urgency.Normal or Urgency.Urgent))
            return OrderErrors.InvalidUrgency;
        if (
            (input.Latitude is null) != (input.Longitude is null)
            || input.Latitude is < -90 or > 90
            || input.Longitude is < -180 or > 180
        )
            return OrderErrors.InvalidPoint;
        var source = input.Source ?? (caller.IsStaff ? OrderSource.Staff : OrderSource.MiniProgram);
        if (!ResidentSources.Contains(source) && !StaffSources.Contains(source))
            return OrderErrors.InvalidSource;

        var category = await categories.GetAsync(input.CategoryId.Value, ct);
        if (category is not { Active: true })
            return OrderErrors.CategoryNotFound;

        var placeResult = await ResolvePlaceAsync(caller, input, ct);
        if (!placeResult.IsOk)
            return placeResult.Error!;
        var area = placeResult.Value!;
        var staffSource = StaffSources.Contains(source);
        if (staffSource && !caller.IsStaffOver(area))
            return OrderErrors.AreaOutOfScope;

        if (photos.Validate(uploads) is { } photoError)
            return photoError;
        var answers = ValidateAnswers(category, input.Answers);
        if (!answers.IsOk)
            return answers.Error!;
        var flag = (string?)null;
        if (source == OrderSource.MiniProgram)
        {
            var check = await moderation.CheckAsync(
                caller.PersonId,
                string.Join("\n", new[] { description, locationText }.Where(t => t is not null)),
                TextScene.Comment,
                ct
            );
            if (check.Verdict == ModerationVerdict.Reject)
                return CommonErrors.ContentRejected;
            flag = check.Flag;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var urgent = (input.Urgency ?? category.DefaultUrgency) == Urgency.Urgent;
        if (!staffSource && await FindDuplicateAsync(category.Id, area, description, now, ct) is { } existing)
            return await JoinAsync(caller, existing, description, uploads, alreadyStored, now, ct);

        var deadlines = DeadlineCalculator.Compute(category, urgent, now, await calendar.GetAsync(ct));
        var code = await orders.NextCodeAsync(now, ct);
        var order = new NewOrder(
            source,
            staffSource ? input.OnBehalfOf : caller.PersonId,
            area.Id,
            area.Path,
            category.Id,
            description,
            locationText,
            input.Latitude,
            input.Longitude,
            urgent ? Urgency.Urgent : Urgency.Normal,
            deadlines.AcknowledgeBy,
            deadlines.ResolveBy,
            caller.PersonId,
            answers.Value,
            flag
        );
        var created = new NewOrderEvent(
            OrderEventKind.Created,
            null,
            OrderStatus.Submitted,
            caller.PersonId,
            caller.RoleFor(area.Path),
            staffSource ? input.EntryNote : null
        );

        var stored = new List<StoredPhoto>(alreadyStored);
        long id;
        try
        {
            foreach (var upload in uploads)
                stored.Add(await photos.SaveAsync(upload, now, ct));
            var alert = urgent ? await UrgentAlertAsync(area.Path, code, category.Name, description, ct) : null;
            id = await orders.CreateAsync(
                code,
                order,
                created,
                stored,
                now,
                ct,
                alert is null
                    ? null
                    : async (c, tx, orderId) =>
                    {
                        // Urgent: escalation starts at once, grid workers and the secretary are alerted in the same
                        // commit.
                        await OrderStore.EscalateAsync(
                            c,
                            tx,
                            orderId,
                            1,
                            new NewOrderEvent(
                                OrderEventKind.Escalated,
                                null,
                                null,
                                null,
                                "system",
                                "紧急诉求：已通知网格员和社区书记"
                            ),
                            now,
                            ct
                        );
                        await Outbox.EnqueueAsync(
                            c,
                            tx,
                            alert.Value.Staff,
                            alert.Value.Notice,
                            $"urgent:{code}",
                            now,
                            ct
                        );
                        await OrderStore.ScheduleUrgentAlertAsync(
                            c,
                            tx,
                            orderId,
                            now.AddHours(Math.Max(1, category.UrgentAckHours)),
                            ct
                        );
                    }
            );
        }
        catch
        {
            // Nothing half-done: files written for a report that was not saved are removed.
            foreach (var s in stored.Skip(alreadyStored.Count))
                photos.Delete(s);
            throw;
        }
        return new SubmittedReport(
            ReportOutcome.Created,
            id,
            code,
            OrderStatus.Submitted,
            ChinaTime.ToChina(deadlines.ResolveBy),
            urgent
        );
    }

    /// <summary>
    /// An open order of the same category at the same place that describes the same problem: the order a new report
    /// should join instead of becoming a duplicate. Same building; or, for a report placed only at a compound or grid,
    /// anywhere below it.
    /// </summary>
    private async Task<OrderRow?> FindDuplicateAsync(
        long categoryId,
        Area area,
        string description,
        DateTime now,
        CancellationToken ct
    )
    {
        var prefix = area.Kind == AreaKind.Building ? null : area.Path;
        var candidates = await orders.FindOpenCandidatesAsync(categoryId, area.Id, prefix, now - DuplicateWindow, ct);
        return candidates
            .Select(o => (Order: o, Score: TextSimilarity.Jaccard(o.Description, description)))
            .Where(x => x.Score >= DuplicateSimilarity)
            .OrderByDescending(x => x.Score)
            .Select(x => x.Order)
            .FirstOrDefault();
    }

    /// <summary>
    /// The report joins an open order: its text and photos go on that order's timeline, so nothing the resident sent is
    /// lost; someone else's order gains a follower (who hears of every step); the reporter's own order gets the detail.
    /// </summary>
    private async Task<Result<SubmittedReport>> JoinAsync(
        Caller caller,
        OrderRow existing,
        string text,
        IReadOnlyList<PhotoUpload> uploads,
        IReadOnlyList<StoredPhoto> alreadyStored,
        DateTime now,
        CancellationToken ct
    )
    {
        var stored = new List<StoredPhoto>(alreadyStored);
        try
        {
            foreach (var upload in uploads)
                stored.Add(await photos.SaveAsync(upload, now, ct));
            var own = existing.ResidentId == caller.PersonId;
            var e = new NewOrderEvent(
                own ? OrderEventKind.Comment : OrderEventKind.LinkedReport,
                null,
                null,
                caller.PersonId,
                "resident",
                Chars.Shorten(text, 200)
            )
            {
                Photos = stored,
            };
            if (own)
                await orders.AppendAsync(existing.Id, e, now, null, ct);
            else
                await orders.LinkReportAsync(existing.Id, caller.PersonId, e, now, ct);
            return new SubmittedReport(
                own ? ReportOutcome.AlreadyReported : ReportOutcome.Linked,
                existing.Id,
                existing.Code,
                existing.Status,
                ChinaTime.ToChina(existing.ResolveDueAt),
                existing.Urgency == Urgency.Urgent
            );
        }
        catch
        {
            foreach (var s in stored.Skip(alreadyStored.Count))
                photos.Delete(s);
            throw;
        }
    }

    private static Result<string?> ValidateAnswers(Category category, IReadOnlyDictionary<string, string>? answers)
    {
        if (answers is null || answers.Count == 0)
            return Result<string?>.From(null);
        var keys = category.QuestionKeys;
        if (answers.Keys.FirstOrDefault(k => !keys.Contains(k)) is { } unknown)
            return OrderErrors.UnknownAnswer.With($"「{category.Name}」没有问题 {unknown}");
        if (answers.Values.Any(v => v is null || Chars.Count(v) > MaxReasonChars))
            return OrderErrors.AnswerTooLong.With($"每个回答不能超过{MaxReasonChars}字");
        return Result<string?>.From(System.Text.Json.JsonSerializer.Serialize(answers, Outbox.Json));
    }

    private async Task<(IReadOnlyList<long> Staff, Notice Notice)?> UrgentAlertAsync(
        string areaPath,
        string code,
        string categoryName,
        string description,
        CancellationToken ct
    )
    {
        var staff = (await recipients.GridWorkersAsync(areaPath, ct))
            .Concat(await recipients.SecretariesAsync(areaPath, ct))
            .Distinct()
            .ToList();
        return (staff, new Notice("urgent_alert", $"紧急诉求 {categoryName}", Chars.Shorten(description, 60), code));
    }

    /// <summary>
    /// The checks a staff entry must pass before its resident is created (the rest, such as the content check, do not
    /// apply to staff): null when it would be accepted.
    /// </summary>
    public async Task<Error?> ValidateStaffEntryAsync(Caller caller, CreateOrderInput input, CancellationToken ct)
    {
        if (input.CategoryId is null)
            return OrderErrors.CategoryRequired;
        var description = input.Description?.Trim();
        if (string.IsNullOrEmpty(description))
            return OrderErrors.DescriptionRequired;
        if (Chars.Count(description) > MaxDescriptionChars)
            return OrderErrors.DescriptionTooLong.With($"问题描述不能超过{MaxDescriptionChars}字");
        if (input.LocationText is { } location && Chars.Count(location.Trim()) > MaxLocationChars)
            return OrderErrors.LocationTooLong.With($"位置描述不能超过{MaxLocationChars}字");
        if (input.Urgency is not null and not (Urgency.Normal or Urgency.Urgent))
            return OrderErrors.InvalidUrgency;
        if (await categories.GetAsync(input.CategoryId.Value, ct) is not { Active: true } category)
            return OrderErrors.CategoryNotFound;
        var place = await ResolvePlaceAsync(caller, input, ct);
        if (!place.IsOk)
            return place.Error;
        if (!caller.IsStaffOver(place.Value!))
            return OrderErrors.AreaOutOfScope;
        var answers = ValidateAnswers(category, input.Answers);
        return answers.IsOk ? null : answers.Error;
    }

    private async Task<Result<Area>> ResolvePlaceAsync(Caller caller, CreateOrderInput input, CancellationToken ct)
    {
        if (input.BuildingId is { } buildingId)
        {
            var building = await areas.GetAsync(buildingId, ct);
            if (building is not { Kind: AreaKind.Building })
                return OrderErrors.BuildingNotFound;
            return building;
        }
        if (input.AreaId is { } areaId)
        {
            var area = await areas.GetAsync(areaId, ct);
            if (area is null || area.Kind is AreaKind.Street or AreaKind.County)
                return OrderErrors.AreaNotFound;
            return area;
        }
        if (caller.HomeBuildingId is { } home && await areas.GetAsync(home, ct) is { } homeArea)
            return homeArea;
        return OrderErrors.PlaceRequired;
    }

    /// <summary>Resident: cancel (撤销) a report before anyone claimed it.</summary>
    public async Task<Result<OrderDetail>> CancelAsync(Caller caller, string code, string? reason, CancellationToken ct)
    {
        var row = await reader.VisibleAsync(caller, code, ct);
        if (row is null)
            return OrderErrors.NotFound;
        if (row.ResidentId != caller.PersonId && !caller.IsStaffOver(row.AreaPath))
            return OrderErrors.ReporterOnly.With("只有提交人可以撤销工单");
        reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        if (reason is not null && Chars.Count(reason) > MaxReasonChars)
            return OrderErrors.ReasonTooLong.With($"原因不能超过{MaxReasonChars}字");
        if (!OrderStateMachine.TryMove(row.Status, OrderAction.Cancel, out var to, out var why))
            return OrderErrors.IllegalTransition.With(
                row.Status is OrderStatus.Claimed or OrderStatus.InProgress
                    ? "工单已有人认领办理，不能撤销了；如不再需要，可以联系网格员"
                    : why
            );
        var now = changes.Now;
        var move = new OrderMove(
            row.Id,
            row.Status,
            to,
            new NewOrderEvent(
                OrderEventKind.Cancelled,
                row.Status,
                to,
                caller.PersonId,
                caller.RoleFor(row.AreaPath),
                reason
            )
        );
        if (row.Urgency != Urgency.Urgent)
            return await changes.MoveAsync(caller, row, move, now, null, ct);
        // The staff an urgent alert reached are told it was withdrawn, in the same commit, so nobody rushes out.
        var alerted = (await recipients.GridWorkersAsync(row.AreaPath, ct))
            .Concat(await recipients.SecretariesAsync(row.AreaPath, ct))
            .Concat(
                row.UrgentAlertLevel >= UrgentAlerts.StreetLevel ? await recipients.StreetAsync(row.AreaPath, ct) : []
            )
            .Distinct()
            .ToList();
        var notice = new Notice(
            "urgent_cancelled",
            $"紧急诉求已撤销 {row.CategoryName}",
            $"居民撤销了紧急诉求：{reason ?? "未说明原因"}",
            row.Code
        );
        return await changes.MoveAsync(
            caller,
            row,
            move,
            now,
            (c, tx) => Outbox.EnqueueAsync(c, tx, alerted, notice, $"urgent-cancelled:{row.Code}", now, ct),
            ct
        );
    }

    public static readonly string[] Ratings = ["satisfied", "basically_satisfied", "unsatisfied"];

    /// <summary>
    /// Resident: rate a resolved order. 满意 / 基本满意 close it; 不满意 needs a reason and reopens it (重办):
    /// back to the same claimer when there is one, otherwise back to the pool, with a new deadline.
    /// </summary>
    public async Task<Result<OrderDetail>> RateAsync(
        Caller caller,
        string code,
        string? rating,
        string? comment,
        CancellationToken ct
    )
    {
        if (rating is null || !Ratings.Contains(rating))
            return OrderErrors.InvalidRating;
        comment = string.IsNullOrWhiteSpace(comment) ? null : comment.Trim();
        if (comment is not null && Chars.Count(comment) > MaxReasonChars)
            return OrderErrors.CommentTooLong.With($"评价内容不能超过{MaxReasonChars}字");
        var row = await reader.VisibleAsync(caller, code, ct);
        if (row is null)
            return OrderErrors.NotFound;
        if (row.ResidentId != caller.PersonId)
            return OrderErrors.ReporterOnly.With("只有提交人可以评价工单");
        if (row.Status != OrderStatus.Resolved)
            return OrderErrors.NotResolved.With(
                $"工单当前状态为「{OrderStatus.ChineseName(row.Status)}」，办结后才能评价"
            );
        var now = changes.Now;
        var rated = new NewOrderEvent(
            OrderEventKind.Rated,
            null,
            null,
            caller.PersonId,
            "resident",
            comment,
            $$"""{"rating":"{{rating}}"}"""
        );
        if (rating != "unsatisfied")
        {
            var close = new OrderMove(
                row.Id,
                row.Status,
                OrderStatus.Closed,
                new NewOrderEvent(
                    OrderEventKind.Closed,
                    row.Status,
                    OrderStatus.Closed,
                    caller.PersonId,
                    "resident",
                    null
                )
            )
            {
                Satisfaction = rating,
                PrecedingEvent = rated,
            };
            return await changes.MoveAsync(caller, row, close, now, null, ct);
        }
        if (comment is null)
            return OrderErrors.ReasonRequired.With("请说明不满意的原因，我们会安排重新办理");
        var action =
            row.ClaimerPersonId is not null || row.ClaimerUnitId is not null
                ? OrderAction.ReopenToClaimer
                : OrderAction.ReopenToPool;
        var to = OrderChanges.Target(row.Status, action);
        if (!to.IsOk)
            return to.Error!;
        var category = (await categories.GetAsync(row.CategoryId, ct))!;
        var due = DeadlineCalculator
            .Compute(category, row.Urgency == Urgency.Urgent, now, await calendar.GetAsync(ct))
            .ResolveBy;
        var notify = await recipients.ClaimersAsync(row.ClaimerPersonId, row.ClaimerUnitId, ct);
        var reopen = new OrderMove(
            row.Id,
            row.Status,
            to.Value!,
            new NewOrderEvent(
                OrderEventKind.Reopened,
                row.Status,
                to.Value,
                caller.PersonId,
                "resident",
                comment,
                $$"""{"resolveBy":"{{ChinaTime.ToChina(due):yyyy-MM-dd HH:mm}}"}"""
            )
        )
        {
            Satisfaction = "unsatisfied",
            NewResolveDueAt = due,
            ClearClaimer = action == OrderAction.ReopenToPool,
            PrecedingEvent = rated,
        };
        return await changes.MoveAsync(
            caller,
            row,
            reopen,
            now,
            (c, tx) =>
                Outbox.EnqueueAsync(
                    c,
                    tx,
                    notify,
                    new Notice("order_reopened", "居民不满意，工单重办", comment, row.Code),
                    $"reopened:{row.Code}:{row.Version}",
                    now,
                    ct
                ),
            ct
        );
    }

    /// <summary>
    /// Resident: urge (催办) an open order they reported or were linked to; at most once every 12 hours per person and
    /// order. Whoever holds the order hears of it, and the timeline records who urged.
    /// </summary>
    public async Task<Result<OrderDetail>> UrgeAsync(Caller caller, string code, CancellationToken ct)
    {
        var row = await reader.VisibleAsync(caller, code, ct);
        if (row is null)
            return OrderErrors.NotFound;
        if (!await reader.IsReporterAsync(caller, row, ct))
            return OrderErrors.ReporterOnly.With("只有反映这个问题的居民可以催办");
        if (!OrderStatus.Open.Contains(row.Status))
            return OrderErrors.NotOpen.With($"工单当前状态为「{OrderStatus.ChineseName(row.Status)}」，不需要催办");
        var now = changes.Now;
        if (
            await orders.LastEventAtAsync(row.Id, OrderEventKind.Urged, caller.PersonId, ct) is { } last
            && now - last < UrgeInterval
        )
        {
            var wait = UrgeInterval - (now - last);
            return OrderErrors.UrgeThrottled.With(
                $"您已催办过，{Math.Max(1, (int)Math.Ceiling(wait.TotalHours))}小时后可再次催办"
            );
        }
        var handlers = await recipients.HandlersAsync(row.AreaPath, row.ClaimerPersonId, row.ClaimerUnitId, ct);
        var notice = new Notice(
            "order_urged",
            "居民催办",
            $"{row.CategoryName}：{Chars.Shorten(row.Description, 40)}",
            row.Code
        );
        await orders.AppendAsync(
            row.Id,
            new NewOrderEvent(OrderEventKind.Urged, null, null, caller.PersonId, "resident", null),
            now,
            (c, tx) =>
                Outbox.EnqueueAsync(
                    c,
                    tx,
                    handlers,
                    notice,
                    $"urged:{row.Code}:{caller.PersonId}:{now.Ticks}",
                    now,
                    ct
                ),
            ct
        );
        return await reader.DetailAsync(row.Id, caller, ct);
    }

    /// <summary>Resident: add a follow-up comment or photo to their report; the holder hears of it.</summary>
    public async Task<Result<OrderDetail>> CommentAsync(
        Caller caller,
        string code,
        string? note,
        IReadOnlyList<PhotoUpload> uploads,
        CancellationToken ct
    )
    {
        var row = await reader.VisibleAsync(caller, code, ct);
        if (row is null)
            return OrderErrors.NotFound;
        if (!await reader.IsReporterAsync(caller, row, ct))
            return OrderErrors.ReporterOnly.With("只有反映人可以补充内容");
        if (OrderStatus.IsTerminal(row.Status))
            return OrderErrors.Closed.With($"工单已{OrderStatus.ChineseName(row.Status)}，不能再补充");
        var checkedNote = await NoteAsync(caller, note, uploads, ct);
        if (!checkedNote.IsOk)
            return checkedNote.Error!;
        var stored = await SavePhotosAsync(uploads, ct);
        var now = changes.Now;
        try
        {
            var claimers = await recipients.ClaimersAsync(row.ClaimerPersonId, row.ClaimerUnitId, ct);
            var notice = new Notice("order_comment", "居民补充了内容", checkedNote.Value ?? "上传了照片", row.Code);
            await orders.AppendAsync(
                row.Id,
                new NewOrderEvent(OrderEventKind.Comment, null, null, caller.PersonId, "resident", checkedNote.Value)
                {
                    Photos = stored,
                },
                now,
                (c, tx) => Outbox.EnqueueAsync(c, tx, claimers, notice, $"comment:{row.Code}:{now.Ticks}", now, ct),
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

    /// <summary>
    /// A note that goes with photos: trimmed, within the limit, passed by the content check; null when only photos
    /// came.
    /// </summary>
    internal async Task<Result<string?>> NoteAsync(
        Caller caller,
        string? note,
        IReadOnlyList<PhotoUpload> uploads,
        CancellationToken ct
    )
    {
        note = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        if (note is null && uploads.Count == 0)
            return OrderErrors.NoteRequired;
        if (note is not null && Chars.Count(note) > MaxDescriptionChars)
            return OrderErrors.NoteTooLong.With($"内容不能超过{MaxDescriptionChars}字");
        if (photos.Validate(uploads) is { } photoError)
            return photoError;
        if (
            note is not null
            && (await moderation.CheckAsync(caller.PersonId, note, TextScene.Comment, ct)).Verdict
                == ModerationVerdict.Reject
        )
            return CommonErrors.ContentRejected;
        return Result<string?>.From(note);
    }

    internal async Task<List<StoredPhoto>> SavePhotosAsync(IReadOnlyList<PhotoUpload> uploads, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var stored = new List<StoredPhoto>();
        foreach (var u in uploads)
            stored.Add(await photos.SaveAsync(u, now, ct));
        return stored;
    }

    /// <summary>Resident asks for a person (人工): the grid workers of the place hear of it.</summary>
    public async Task<IReadOnlyList<long>> HandoverAsync(
        Caller caller,
        OrderRow? order,
        string areaPath,
        string? text,
        CancellationToken ct
    )
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var staff = await recipients.GridWorkersAsync(areaPath, ct);
        var notice = new Notice(
            "handover",
            "居民请求人工服务",
            text is null ? "居民在公众号中请求网格员联系" : Chars.Shorten(text, 60),
            order?.Code
        );
        var key = $"handover:{caller.PersonId}:{ChinaTime.Today(now):yyyyMMdd}:{order?.Code}";
        if (order is not null)
            await orders.AppendAsync(
                order.Id,
                new NewOrderEvent(OrderEventKind.Handover, null, null, caller.PersonId, "resident", text),
                now,
                (c, tx) => Outbox.EnqueueAsync(c, tx, staff, notice, key, now, ct),
                ct
            );
        else
            await notifications.EnqueueAsync(staff, notice, key, now, ct);
        return staff;
    }
}
