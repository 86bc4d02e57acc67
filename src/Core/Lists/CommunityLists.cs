using Governance.Core.Areas;
using Governance.Core.Calendar;
using Governance.Core.Errors;
using Governance.Core.Evidence;
using Governance.Core.Notifications;
using Governance.Core.Orders;
using Governance.Core.People;
using Governance.Core.Text;
using Governance.Core.Time;

namespace Governance.Core.Lists;

/// <summary>
/// 双向认领: a community's need, resource and project lists. Staff list needs and projects; a unit's admin lists what
/// the unit opens. Units (through their admins) and members registered in the community claim needs and projects; a
/// claim has an owner, a deadline, progress, evidence and a close-out the community confirms or sends back. The
/// community books a unit's resource by the hour; the unit confirms or declines. Every step is a history line and a
/// notice through the outbox.
///
/// Why claims are not service orders: an order is a resident's report with an SLA, a claimer pool and a resident who
/// rates it; a list claim is an agreement between a community and a unit, closed out by the community, with a
/// deadline the two set. Sharing the order machine would mean a "resident" who is a secretary and ratings that mean
/// confirmation. They share the outbox, the recipients and (later) the statistics instead.
/// </summary>
public sealed class CommunityLists(
    ListStore store,
    AreaStore areas,
    Registrations.RegistrationStore units,
    OrderRecipients recipients,
    WorkCalendarCache calendars,
    EvidencePhotos evidence,
    TimeProvider clock
)
{
    public static readonly string[] Sources = ["report", "visit", "survey", "meeting", "community", "unit"];
    public const int MaxBookingHours = 12;

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    private static bool CanSee(Caller caller, string communityPath) =>
        caller.IsStaffOver(communityPath)
        || caller.IsApprovedMemberFor(communityPath)
        || caller.Units.Any(u =>
            u.Status == "approved" && u.CommunityPaths.Any(p => p.StartsWith(communityPath, StringComparison.Ordinal))
        );

    private async Task<Result<Area>> CommunityAsync(Caller caller, long communityId, CancellationToken ct)
    {
        if (await areas.GetAsync(communityId, ct) is not { Kind: AreaKind.Community } community)
            return ListErrors.CommunityNotFound;
        return CanSee(caller, community.Path) ? community : ListErrors.NotAllowed;
    }

    /// <summary>
    /// Staff: the community's claims in a state — by default those handed in and waiting for 销号 (submitted).
    /// </summary>
    public async Task<Result<IReadOnlyList<ListClaim>>> ClaimsAsync(
        Caller caller,
        long communityId,
        string? status,
        CancellationToken ct
    )
    {
        var community = await CommunityAsync(caller, communityId, ct);
        if (!community.IsOk)
            return community.Error!;
        if (!caller.IsStaffOver(community.Value!.Path))
            return ListErrors.StaffOnly;
        status ??= "submitted";
        if (status is not ("claimed" or "submitted" or "returned" or "done" or "withdrawn"))
            return CommonErrors.FieldInvalid.With("status 应为 claimed、submitted、returned、done 或 withdrawn");
        return Result<IReadOnlyList<ListClaim>>.From(await store.ClaimsAsync(communityId, status, ct));
    }

    public async Task<Result<IReadOnlyList<ListItem>>> BrowseAsync(
        Caller caller,
        long communityId,
        string? kind,
        CancellationToken ct
    )
    {
        var community = await CommunityAsync(caller, communityId, ct);
        if (!community.IsOk)
            return community.Error!;
        if (kind is not null && !ListKind.All.Contains(kind))
            return ListErrors.InvalidKind;
        return Result<IReadOnlyList<ListItem>>.From(await store.ItemsAsync(communityId, kind, 500, ct));
    }

    public async Task<Result<ListItem>> AddAsync(
        Caller caller,
        long communityId,
        NewListItem input,
        CancellationToken ct
    )
    {
        var community = await CommunityAsync(caller, communityId, ct);
        if (!community.IsOk)
            return community.Error!;
        var path = community.Value!.Path;
        if (input.Kind is null || !ListKind.All.Contains(input.Kind))
            return ListErrors.InvalidKind;
        var title = input.Title?.Trim();
        if (string.IsNullOrEmpty(title) || Chars.Count(title) > 100 || Chars.HasControl(title))
            return ListErrors.TitleRequired;
        if (input.Description is { } d && (Chars.Count(d) > 1000 || Chars.HasControl(d)))
            return ListErrors.DescriptionTooLong;
        if (input.Capacity is { } cap && cap is < 1 or > 100_000)
            return ListErrors.InvalidCapacity;
        if (input.Deadline is { } due && due < ChinaTime.Today(Now))
            return ListErrors.InvalidDeadline;
        string source;
        if (input.Kind == ListKind.Resource)
        {
            // A resource is listed by the unit that opens it, for a community it serves.
            if (input.UnitId is not { } unitId || caller.UnitServing(unitId, path) is null)
                return ListErrors.UnitRequired;
            source = "unit";
            if (input.Rules is { } rules && ResourceRules.Check(rules) is { } wrong)
                return ListErrors.InvalidRules.With(wrong);
        }
        else
        {
            if (!caller.IsStaffOver(path))
                return ListErrors.NotAllowed.With("需求和项目由社区工作人员登记");
            source = input.Source ?? "community";
            if (!Sources.Contains(source) || source == "unit")
                return ListErrors.InvalidSource;
        }
        var id = await store.AddItemAsync(
            communityId,
            input with
            {
                Title = title,
                Description = input.Description?.Trim(),
                Source = source,
                UnitId = input.Kind == ListKind.Resource ? input.UnitId : null,
                Rules = input.Kind == ListKind.Resource ? input.Rules : null,
            },
            caller.PersonId,
            Now,
            ct
        );
        return (await store.ItemAsync(id, ct))!;
    }

    /// <summary>
    /// A point raised at a joint meeting becomes a need of the community (source "meeting"), listed in the name of
    /// whoever scheduled the meeting.
    /// </summary>
    public async Task<long> AddFromMeetingAsync(long communityId, string title, long meetingId, CancellationToken ct)
    {
        var createdBy = await store.MeetingOwnerAsync(meetingId, ct);
        return await store.AddItemAsync(
            communityId,
            new NewListItem(
                ListKind.Need,
                Chars.Cut(title, 100),
                $"联席会议提出（会议 {meetingId}）",
                null,
                "meeting",
                null,
                null,
                null
            ),
            createdBy,
            Now,
            ct
        );
    }

    /// <summary>
    /// A unit (its admin, for a community it serves) or a member registered in the community claims a need or a
    /// project; the community's secretaries are told. The deadline is the item's, or 30 days.
    /// </summary>
    public async Task<Result<ClaimDetail>> ClaimAsync(Caller caller, long itemId, long? unitId, CancellationToken ct)
    {
        var item = await store.ItemAsync(itemId, ct);
        if (item is null || !CanSee(caller, item.CommunityPath))
            return ListErrors.ItemNotFound;
        if (item.Kind == ListKind.Resource)
            return ListErrors.NotClaimable;
        if (item.Status != ListItemStatus.Open)
            return ListErrors.AlreadyClaimed;
        string claimant;
        if (unitId is { } u)
        {
            if (caller.UnitServing(u, item.CommunityPath) is not { } unit)
                return ListErrors.CannotClaim;
            claimant = unit.Name;
        }
        else if (caller.IsApprovedMemberFor(item.CommunityPath))
            claimant = caller.Name;
        else
            return ListErrors.CannotClaim;
        var now = Now;
        var deadline = item.Deadline ?? ChinaTime.Today(now).AddDays(30).ToDateTime(TimeOnly.MinValue);
        var secretaries = await recipients.SecretariesAsync(item.CommunityPath, ct);
        var notice = new Notice(
            "list_claimed",
            $"{ListKind.ChineseName(item.Kind)}已被认领",
            $"{claimant}认领了「{Chars.Shorten(item.Title, 30)}」，{deadline:M月d日}前完成",
            Ref: $"list:{item.Id}"
        );
        var id = await store.ClaimItemAsync(
            item.Id,
            unitId,
            caller.PersonId,
            deadline,
            now,
            (c, tx) => Outbox.EnqueueAsync(c, tx, secretaries, notice, $"list-claimed:{item.Id}:{now.Ticks}", now, ct),
            ct
        );
        if (id is null)
            return ListErrors.AlreadyClaimed;
        return (await store.ClaimAsync(id.Value, ct))!;
    }

    private async Task<Result<ClaimDetail>> OwnedClaimAsync(Caller caller, long claimId, CancellationToken ct)
    {
        var detail = await store.ClaimAsync(claimId, ct);
        if (detail is null || !CanSee(caller, detail.Claim.CommunityPath))
            return ListErrors.ClaimNotFound;
        var claim = detail.Claim;
        var owns = claim.OwnerPersonId == caller.PersonId || (claim.UnitId is { } u && caller.UnitAdminOf.Contains(u));
        return owns ? detail : ListErrors.OwnerOnly;
    }

    private static Result<string> Note(string? note, int max) =>
        note?.Trim() is { Length: > 0 } n && Chars.Count(n) <= max && !Chars.HasControl(n)
            ? n
            : ListErrors.NoteRequired;

    /// <summary>The owner reports progress (a returned claim goes back to work with it).</summary>
    public Task<Result<ClaimDetail>> ProgressAsync(
        Caller caller,
        long claimId,
        string? note,
        IReadOnlyList<PhotoUpload> photos,
        CancellationToken ct
    ) => OwnerStepAsync(caller, claimId, note, photos, submit: false, ct);

    /// <summary>
    /// The owner hands in the result with its evidence; the community's secretaries are asked to confirm.
    /// </summary>
    public Task<Result<ClaimDetail>> SubmitAsync(
        Caller caller,
        long claimId,
        string? result,
        IReadOnlyList<PhotoUpload> photos,
        CancellationToken ct
    ) => OwnerStepAsync(caller, claimId, result, photos, submit: true, ct);

    /// <summary>
    /// A step of the claim's owner on a claim at work (claimed, or returned): a note with photos, kept as progress or
    /// handed in for confirmation; the photos' files are written first and removed again if the step is refused.
    /// </summary>
    private async Task<Result<ClaimDetail>> OwnerStepAsync(
        Caller caller,
        long claimId,
        string? note,
        IReadOnlyList<PhotoUpload> photos,
        bool submit,
        CancellationToken ct
    )
    {
        var owned = await OwnedClaimAsync(caller, claimId, ct);
        if (!owned.IsOk)
            return owned.Error!;
        var text = Note(note, 1000);
        if (!text.IsOk)
            return text.Error!;
        var claim = owned.Value!.Claim;
        var now = Now;
        var saved = await evidence.SaveFilesAsync(photos, now, ct);
        if (!saved.IsOk)
            return saved.Error!;
        var step = submit ? "submitted" : "progress";
        var secretaries = submit ? await recipients.SecretariesAsync(claim.CommunityPath, ct) : [];
        var notice = new Notice(
            "list_submitted",
            "认领事项待确认",
            $"{claim.UnitName ?? claim.OwnerName}完成了「{Chars.Shorten(claim.ItemTitle, 30)}」，请确认",
            Ref: $"claim:{claim.Id}"
        );
        var moved = await store.MoveClaimAsync(
            claim.Id,
            claim.ItemId,
            [ClaimStatus.Claimed, ClaimStatus.Returned],
            submit ? ClaimStatus.Submitted : ClaimStatus.Claimed,
            caller.PersonId,
            step,
            text.Value,
            null,
            now,
            async (c, tx) =>
            {
                await EvidencePhotos.AttachAsync(
                    c,
                    tx,
                    EvidencePhotos.Claim,
                    claim.Id,
                    step,
                    saved.Value!,
                    caller.PersonId,
                    now,
                    ct
                );
                if (submit)
                    await Outbox.EnqueueAsync(
                        c,
                        tx,
                        secretaries,
                        notice,
                        $"claim-submitted:{claim.Id}:{owned.Value.Events.Count}",
                        now,
                        ct
                    );
            },
            ct
        );
        if (!moved)
            evidence.Discard(saved.Value!);
        return moved ? (await store.ClaimAsync(claim.Id, ct))! : ListErrors.WrongClaimState;
    }

    /// <summary>A photo of a claim, for whoever may see the claim.</summary>
    public async Task<Result<EvidencePhotoFile>> PhotoAsync(
        Caller caller,
        long claimId,
        long photoId,
        CancellationToken ct
    )
    {
        var detail = await store.ClaimAsync(claimId, ct);
        if (detail is null || !CanSee(caller, detail.Claim.CommunityPath))
            return ListErrors.ClaimNotFound;
        return await evidence.FileAsync(EvidencePhotos.Claim, claimId, photoId, ct) is { } file
            ? file
            : ListErrors.PhotoNotFound;
    }

    /// <summary>
    /// Community staff close out a submitted claim (销号: the item is done) or send it back with a reason; the owner is
    /// told either way.
    /// </summary>
    public async Task<Result<ClaimDetail>> DecideAsync(
        Caller caller,
        long claimId,
        bool accept,
        string? reason,
        CancellationToken ct
    )
    {
        var detail = await store.ClaimAsync(claimId, ct);
        if (detail is null || !CanSee(caller, detail.Claim.CommunityPath))
            return ListErrors.ClaimNotFound;
        var claim = detail.Claim;
        if (!caller.IsStaffOver(claim.CommunityPath))
            return ListErrors.StaffOnly;
        string? note = null;
        if (!accept)
        {
            if (reason?.Trim() is not { Length: > 0 } r || Chars.Count(r) > 200 || Chars.HasControl(r))
                return ListErrors.ReasonRequired;
            note = r;
        }
        var now = Now;
        var notice = new Notice(
            "list_decided",
            accept ? "认领事项已确认完成" : "认领事项被退回",
            accept
                ? $"「{Chars.Shorten(claim.ItemTitle, 30)}」已确认完成，感谢！"
                : $"「{Chars.Shorten(claim.ItemTitle, 30)}」被退回：{note}",
            Ref: $"claim:{claim.Id}"
        );
        var moved = await store.MoveClaimAsync(
            claim.Id,
            claim.ItemId,
            [ClaimStatus.Submitted],
            accept ? ClaimStatus.Done : ClaimStatus.Returned,
            caller.PersonId,
            accept ? "done" : "returned",
            note,
            accept ? ListItemStatus.Done : null,
            now,
            (c, tx) =>
                Outbox.EnqueueAsync(
                    c,
                    tx,
                    [claim.OwnerPersonId],
                    notice,
                    $"claim-decided:{claim.Id}:{detail.Events.Count}",
                    now,
                    ct
                ),
            ct
        );
        return moved ? (await store.ClaimAsync(claim.Id, ct))! : ListErrors.WrongClaimState;
    }

    /// <summary>
    /// Community staff book a unit's resource for whole hours (China time); the unit's admins are asked to confirm. Two
    /// bookings of one hour cannot both be taken: the second is told the slot is taken.
    /// </summary>
    public async Task<Result<Booking>> BookAsync(
        Caller caller,
        long itemId,
        DateTimeOffset? startsAt,
        DateTimeOffset? endsAt,
        string? purpose,
        string? audience,
        CancellationToken ct
    )
    {
        var item = await store.ItemAsync(itemId, ct);
        if (item is null || !CanSee(caller, item.CommunityPath))
            return ListErrors.ItemNotFound;
        if (item.Kind != ListKind.Resource || item.UnitId is null)
            return ListErrors.NotAResource;
        // Who books decides for whom: the owning unit's admins book for its own staff (confirmed at once), another
        // serving unit's admins for their unit, and community staff for the community or its residents.
        string who;
        if (caller.UnitAdminOf.Contains(item.UnitId.Value))
            who = Audience.OwnStaff;
        else if (caller.IsStaffOver(item.CommunityPath))
        {
            who = audience ?? Audience.Community;
            if (who is not (Audience.Community or Audience.Resident))
                return ListErrors.InvalidAudience;
        }
        else if (caller.UnitAdminOf.Any(u => caller.UnitServing(u, item.CommunityPath) is not null))
            who = Audience.OtherUnit;
        else
            return ListErrors.StaffOnly.With("资源由社区工作人员或共建单位管理员预约");
        var now = Now;
        if (
            startsAt is not { } from
            || endsAt is not { } to
            || from.Minute != 0
            || from.Second != 0
            || to.Minute != 0
            || to.Second != 0
            || to <= from
            || (to - from).TotalHours > MaxBookingHours
            || from.UtcDateTime < now
        )
            return ListErrors.InvalidSlot;
        if (purpose?.Trim() is not { Length: > 0 } why || Chars.Count(why) > 200 || Chars.HasControl(why))
            return ListErrors.PurposeRequired;
        var rules = await store.RulesAsync(item.Id, ct);
        var calendar = await calendars.GetAsync(ct);
        var (chinaFrom, chinaTo) = (ChinaTime.ToChina(from).DateTime, ChinaTime.ToChina(to).DateTime);
        if (!ResourceRules.Admits(rules, who, calendar, chinaFrom, chinaTo))
            return ListErrors.Closed.With(ClosedMessage(rules, who));
        var admins = await units.UnitAdminsAsync(item.UnitId.Value, ct);
        var china = ChinaTime.ToChina(from);
        var notice = new Notice(
            "booking_requested",
            "资源预约待确认",
            $"{Audience.Label(who)}预约「{Chars.Shorten(item.Title, 20)}」{china:M月d日 HH:mm}起"
                + $"{(to - from).TotalHours:0}小时：{why}",
            Ref: $"list:{item.Id}"
        );
        var id = await store.BookAsync(
            item.Id,
            from.UtcDateTime,
            to.UtcDateTime,
            why,
            who,
            who == Audience.OwnStaff,
            caller.PersonId,
            now,
            (c, tx, bookingId) =>
                who == Audience.OwnStaff
                    ? Task.CompletedTask
                    : Outbox.EnqueueAsync(c, tx, admins, notice, $"booking:{bookingId}", now, ct),
            ct
        );
        if (id is null)
            return ListErrors.SlotTaken;
        return (await store.BookingAsync(id.Value, ct))!;
    }

    private static string ClosedMessage(IReadOnlyList<OpeningRule> rules, string audience)
    {
        var open = rules.Where(r => r.Audience == audience).Select(r => r.Describe()).ToList();
        return open.Count == 0
            ? $"这项资源不对{Audience.Label(audience)}开放"
            : $"这个时段不对{Audience.Label(audience)}开放，开放时间为" + string.Join("；", open);
    }

    /// <summary>The owning unit's admin replaces a resource's opening rules ("1+3").</summary>
    public async Task<Result<ResourceOpening>> SetRulesAsync(
        Caller caller,
        long itemId,
        IReadOnlyList<OpeningRule>? rules,
        CancellationToken ct
    )
    {
        var item = await store.ItemAsync(itemId, ct);
        if (item is null || !CanSee(caller, item.CommunityPath))
            return ListErrors.ItemNotFound;
        if (item.Kind != ListKind.Resource || item.UnitId is null)
            return ListErrors.NotAResource;
        if (!caller.UnitAdminOf.Contains(item.UnitId.Value))
            return ListErrors.UnitAdminOnly.With("只有开放该资源的单位管理员可以设置开放规则");
        if (ResourceRules.Check(rules ?? []) is { } wrong)
            return ListErrors.InvalidRules.With(wrong);
        await store.ReplaceRulesAsync(item.Id, rules ?? [], ct);
        return await OpeningAsync(item, ct);
    }

    private async Task<ResourceOpening> OpeningAsync(ListItem item, CancellationToken ct)
    {
        var rules = await store.RulesAsync(item.Id, ct);
        return new ResourceOpening(item, rules, rules.Select(r => r.Describe()).ToList());
    }

    /// <summary>
    /// A resource's hours on one day (China time) for an audience: open or closed by the rules, taken or free, so
    /// whoever books sees what is left before asking.
    /// </summary>
    public async Task<Result<ResourceDay>> AvailabilityAsync(
        Caller caller,
        long itemId,
        DateOnly? date,
        string? audience,
        CancellationToken ct
    )
    {
        var item = await store.ItemAsync(itemId, ct);
        if (item is null || !CanSee(caller, item.CommunityPath))
            return ListErrors.ItemNotFound;
        if (item.Kind != ListKind.Resource || item.UnitId is null)
            return ListErrors.NotAResource;
        var who = audience ?? Audience.Community;
        if (!Audience.All.Contains(who))
            return ListErrors.InvalidAudience;
        var day = date ?? ChinaTime.Today(Now);
        var opening = await OpeningAsync(item, ct);
        var calendar = await calendars.GetAsync(ct);
        var start = ChinaTime.ToUtc(day, TimeOnly.MinValue);
        var taken = (await store.TakenSlotsAsync(item.Id, start, start.AddDays(1), ct)).ToHashSet();
        var hours = Enumerable
            .Range(0, 24)
            .Select(h =>
            {
                var china = day.ToDateTime(new TimeOnly(h, 0));
                var utc = start.AddHours(h);
                return new SlotState(
                    new DateTimeOffset(china, ChinaTime.Offset),
                    ResourceRules.Admits(opening.Rules, who, calendar, china, china.AddHours(1)),
                    taken.Contains(utc)
                );
            })
            .ToList();
        return new ResourceDay(opening, day, calendar.IsWorkingDay(day), who, hours);
    }

    /// <summary>The resource's unit confirms or declines a booking; whoever asked is told.</summary>
    /// <summary>A unit admin's bookings to decide and coming up, on the unit's resources.</summary>
    public async Task<Result<IReadOnlyList<Booking>>> UnitBookingsAsync(
        Caller caller,
        long unitId,
        CancellationToken ct
    )
    {
        if (!caller.UnitAdminOf.Contains(unitId))
            return ListErrors.UnitAdminOnly;
        return Result<IReadOnlyList<Booking>>.From(await store.UnitBookingsAsync(unitId, Now, ct));
    }

    public async Task<Result<Booking>> DecideBookingAsync(
        Caller caller,
        long bookingId,
        bool confirm,
        CancellationToken ct
    )
    {
        var booking = await store.BookingAsync(bookingId, ct);
        if (booking is null || !CanSee(caller, booking.CommunityPath))
            return ListErrors.BookingNotFound;
        if (booking.UnitId is not { } unitId || !caller.UnitAdminOf.Contains(unitId))
            return ListErrors.UnitAdminOnly;
        var now = Now;
        var notice = new Notice(
            "booking_decided",
            confirm ? "资源预约已确认" : "资源预约被拒绝",
            $"「{Chars.Shorten(booking.ItemTitle, 20)}」{ChinaTime.ToChina(booking.StartsAt):M月d日 HH:mm}的预约"
                + (confirm ? "已确认" : "未获同意，时段已释放"),
            Ref: $"list:{booking.ItemId}"
        );
        var decided = await store.DecideBookingAsync(
            bookingId,
            confirm,
            caller.PersonId,
            now,
            (c, tx) =>
                Outbox.EnqueueAsync(c, tx, [booking.RequestedBy], notice, $"booking-decided:{bookingId}", now, ct),
            ct
        );
        return decided ? (await store.BookingAsync(bookingId, ct))! : ListErrors.AlreadyDecided;
    }
}
