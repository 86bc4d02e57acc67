using Governance.Core.Areas;
using Governance.Core.Data;
using Governance.Core.Errors;
using Governance.Core.Lists;
using Governance.Core.Notifications;
using Governance.Core.People;
using Governance.Core.Text;
using Governance.Core.Time;

namespace Governance.Core.Meetings;

public sealed record MeetingDetail(
    long Id,
    long AreaId,
    string Title,
    DateTimeOffset ScheduledAt,
    string Place,
    string Status,
    string? Minutes,
    IReadOnlyList<MeetingItem> Items,
    IReadOnlyList<MeetingInvitee> Invitees
);

public sealed record MeetingSummary(long Id, string Title, DateTimeOffset ScheduledAt, string Place, string Status);

public sealed record AgendaProposal(
    IReadOnlyList<ProposedOrder> OverdueOrders,
    IReadOnlyList<ProposedItem> UnclaimedItems
);

public static class MeetingErrors
{
    public static readonly ErrorCode CommunityNotFound = new(
        "meetings.community_not_found",
        ErrorKind.NotFound,
        "社区不存在"
    );
    public static readonly ErrorCode StaffOnly = new(
        "meetings.staff_only",
        ErrorKind.Forbidden,
        "只有本社区（或上级）工作人员可以召集和主持会议"
    );
    public static readonly ErrorCode TitleRequired = new(
        "meetings.title_required",
        ErrorKind.Validation,
        "请填写会议名称和地点（各不超过100字）",
        "title"
    );
    public static readonly ErrorCode InvalidTime = new(
        "meetings.invalid_time",
        ErrorKind.Validation,
        "会议时间须在将来",
        "scheduledAt"
    );
    public static readonly ErrorCode NotFound = new("meetings.not_found", ErrorKind.NotFound, "会议不存在");
    public static readonly ErrorCode Closed = new("meetings.closed", ErrorKind.Conflict, "会议已结束");
    public static readonly ErrorCode ItemRequired = new(
        "meetings.item_required",
        ErrorKind.Validation,
        "议题须给出标题，或工单号、清单事项之一",
        "title"
    );
    public static readonly ErrorCode ItemNotFound = new("meetings.item_not_found", ErrorKind.NotFound, "议题不存在");
    public static readonly ErrorCode NotInvited = new(
        "meetings.not_invited",
        ErrorKind.Forbidden,
        "您不在这次会议的参会名单上"
    );
    public static readonly ErrorCode WrongCode = new(
        "meetings.wrong_code",
        ErrorKind.Validation,
        "签到码不对或已过期，请重新扫码",
        "code"
    );
    public static readonly ErrorCode NotCheckedIn = new(
        "meetings.not_checked_in",
        ErrorKind.Forbidden,
        "请先签到再认领"
    );
    public static readonly ErrorCode MinutesRequired = new(
        "meetings.minutes_required",
        ErrorKind.Validation,
        "请填写会议纪要（不超过10000字）",
        "minutes"
    );

    public static readonly ErrorCode[] Schedule = [CommunityNotFound, StaffOnly, TitleRequired, InvalidTime];
    public static readonly ErrorCode[] Read = [NotFound];
    public static readonly ErrorCode[] Agenda = [NotFound, StaffOnly, Closed, ItemRequired];
    public static readonly ErrorCode[] CheckIn = [NotFound, NotInvited, Closed, WrongCode];
    public static readonly ErrorCode[] ClaimOnTheSpot =
    [
        NotFound,
        ItemNotFound,
        NotInvited,
        NotCheckedIn,
        Closed,
        .. ListErrors.Claim,
    ];
    public static readonly ErrorCode[] Close = [NotFound, StaffOnly, Closed, MinutesRequired];
    public static readonly ErrorCode[] Ledger = [CommunityNotFound, StaffOnly];
}

/// <summary>
/// Joint meetings (联席会议, the monthly 多网合一会) of a community with its units: scheduled by its staff with the serving
/// units' admins and the community's staff invited (and told); the agenda proposed from overdue orders and unclaimed
/// needs and projects and edited by the secretary; attendance checked in with a six-digit code that changes every
/// minute (shown on the screen as a QR code the mini-program scans); agenda items claimed on the spot by those present,
/// each becoming a list claim with an owner and a deadline; minutes on closing; and the ledger: unfinished items are
/// carried onto the next meeting when it is scheduled, and each unit's taken and finished items are counted.
/// </summary>
public sealed class JointMeetings(MeetingStore store, AreaStore areas, CommunityLists lists, TimeProvider clock)
{
    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    public async Task<Result<MeetingDetail>> ScheduleAsync(
        Caller caller,
        long communityId,
        string? title,
        DateTimeOffset? scheduledAt,
        string? place,
        CancellationToken ct
    )
    {
        if (await areas.GetAsync(communityId, ct) is not { Kind: AreaKind.Community } community)
            return MeetingErrors.CommunityNotFound;
        if (!caller.IsStaffOver(community.Path))
            return MeetingErrors.StaffOnly;
        if (
            title?.Trim() is not { Length: > 0 } name
            || place?.Trim() is not { Length: > 0 } where
            || Chars.Count(name) > 100
            || Chars.Count(where) > 100
        )
            return MeetingErrors.TitleRequired;
        var now = Now;
        if (scheduledAt is not { } at || at.UtcDateTime <= now)
            return MeetingErrors.InvalidTime;
        var invitees = await store.DefaultInviteesAsync(community.Id, community.Path, ct);
        var notice = new Notice(
            "meeting_invited",
            $"会议通知：{Chars.Shorten(name, 20)}",
            $"{ChinaTime.ToChina(at):M月d日 HH:mm}在{where}召开，请准时参加并扫码签到",
            Ref: null
        );
        var id = await store.CreateAsync(
            community.Id,
            name,
            at.UtcDateTime,
            where,
            Checkin.RotatingCode.NewSecret(),
            caller.PersonId,
            invitees,
            now,
            (c, tx, meetingId) =>
                Outbox.EnqueueAsync(
                    c,
                    tx,
                    invitees.Select(i => i.PersonId),
                    notice with
                    {
                        Ref = $"meeting:{meetingId}",
                    },
                    $"meeting:{meetingId}",
                    now,
                    ct
                ),
            ct
        );
        return await DetailAsync(id, ct);
    }

    private async Task<MeetingDetail> DetailAsync(long id, CancellationToken ct)
    {
        var m = (await store.GetAsync(id, ct))!;
        var (items, invitees) = await store.DetailAsync(id, ct);
        return new MeetingDetail(
            m.Id,
            m.AreaId,
            m.Title,
            ChinaTime.ToChina(m.ScheduledAt.Utc()),
            m.Place,
            m.Status,
            m.Minutes,
            items,
            invitees
        );
    }

    /// <summary>A meeting for its area's staff and its invitees; anyone else is told it does not exist.</summary>
    private async Task<(Meeting? Meeting, bool Staff, MeetingInvitee? Invitee)> AccessAsync(
        Caller caller,
        long id,
        CancellationToken ct
    )
    {
        var m = await store.GetAsync(id, ct);
        if (m is null)
            return (null, false, null);
        var staff = caller.IsStaffOver(m.AreaPath);
        var invitee = await store.InviteeAsync(id, caller.PersonId, ct);
        return staff || invitee is not null ? (m, staff, invitee) : (null, false, null);
    }

    public async Task<Result<MeetingDetail>> GetAsync(Caller caller, long id, CancellationToken ct)
    {
        var (m, _, _) = await AccessAsync(caller, id, ct);
        return m is null ? MeetingErrors.NotFound : await DetailAsync(id, ct);
    }

    public async Task<Result<AgendaProposal>> ProposeAsync(Caller caller, long id, CancellationToken ct)
    {
        var (m, staff, _) = await AccessAsync(caller, id, ct);
        if (m is null)
            return MeetingErrors.NotFound;
        if (!staff)
            return MeetingErrors.StaffOnly;
        var (orders, items) = await store.ProposalAsync(m.AreaId, m.AreaPath, Now, ct);
        return new AgendaProposal(orders, items);
    }

    /// <summary>The secretary puts an item on the agenda: an order (by code), a list item, or a point raised.</summary>
    public async Task<Result<MeetingDetail>> AddItemAsync(
        Caller caller,
        long id,
        string? title,
        string? orderCode,
        long? listItemId,
        CancellationToken ct
    )
    {
        var (m, staff, _) = await AccessAsync(caller, id, ct);
        if (m is null)
            return MeetingErrors.NotFound;
        if (!staff)
            return MeetingErrors.StaffOnly;
        if (m.Status != "scheduled")
            return MeetingErrors.Closed;
        var label = title?.Trim();
        if (listItemId is { } li)
        {
            if (await store.OpenItemTitleAsync(m.AreaId, li, ct) is not { } itemTitle)
                return MeetingErrors.ItemRequired.With("只能把本社区未认领的需求或项目列入议程");
            label ??= itemTitle;
        }
        if (string.IsNullOrEmpty(label) || Chars.Count(label) > 200)
            return MeetingErrors.ItemRequired;
        await store.AddItemAsync(m.Id, label, orderCode?.Trim().ToUpperInvariant(), listItemId, Now, ct);
        return await DetailAsync(m.Id, ct);
    }

    /// <summary>The code to show on the screen now (staff only).</summary>
    public async Task<Result<string>> CodeAsync(Caller caller, long id, CancellationToken ct)
    {
        var (m, staff, _) = await AccessAsync(caller, id, ct);
        if (m is null)
            return MeetingErrors.NotFound;
        return staff ? Checkin.RotatingCode.Of(m.CheckinSecret, Now) : MeetingErrors.StaffOnly;
    }

    /// <summary>An invitee checks in with the code on the screen (this minute's, or the last minute's).</summary>
    public async Task<Result<MeetingDetail>> CheckInAsync(Caller caller, long id, string? code, CancellationToken ct)
    {
        var (m, _, invitee) = await AccessAsync(caller, id, ct);
        if (m is null)
            return MeetingErrors.NotFound;
        if (invitee is null)
            return MeetingErrors.NotInvited;
        if (m.Status != "scheduled")
            return MeetingErrors.Closed;
        var now = Now;
        if (!Checkin.RotatingCode.Matches(m.CheckinSecret, code, now))
            return MeetingErrors.WrongCode;
        await store.CheckInAsync(m.Id, caller.PersonId, now, ct);
        return await DetailAsync(m.Id, ct);
    }

    /// <summary>
    /// Claimed on the spot by someone checked in: a point raised becomes a need of the community (source: meeting)
    /// first; then it is claimed like any list item, by the unit the invitee came for or by themselves.
    /// </summary>
    public async Task<Result<MeetingDetail>> ClaimAsync(
        Caller caller,
        long id,
        long itemId,
        long? unitId,
        CancellationToken ct
    )
    {
        var (m, _, invitee) = await AccessAsync(caller, id, ct);
        if (m is null)
            return MeetingErrors.NotFound;
        if (invitee is null)
            return MeetingErrors.NotInvited;
        if (invitee.CheckedInAt is null)
            return MeetingErrors.NotCheckedIn;
        if (m.Status != "scheduled")
            return MeetingErrors.Closed;
        var (items, _) = await store.DetailAsync(m.Id, ct);
        if (items.FirstOrDefault(i => i.Id == itemId) is not { } item)
            return MeetingErrors.ItemNotFound;
        var listItemId = item.ListItemId;
        if (listItemId is null)
        {
            // The community's own need, raised at the meeting: listed by the system for the meeting's staff.
            var added = await lists.AddFromMeetingAsync(m.AreaId, item.Title, m.Id, ct);
            await store.LinkItemAsync(item.Id, added, ct);
            listItemId = added;
        }
        var claimed = await lists.ClaimAsync(caller, listItemId.Value, unitId ?? invitee.UnitId, ct);
        if (!claimed.IsOk)
            return claimed.Error!;
        return await DetailAsync(m.Id, ct);
    }

    public async Task<Result<MeetingDetail>> CloseAsync(Caller caller, long id, string? minutes, CancellationToken ct)
    {
        var (m, staff, _) = await AccessAsync(caller, id, ct);
        if (m is null)
            return MeetingErrors.NotFound;
        if (!staff)
            return MeetingErrors.StaffOnly;
        if (minutes?.Trim() is not { Length: > 0 } text || Chars.Count(text) > 10_000)
            return MeetingErrors.MinutesRequired;
        if (!await store.CloseAsync(m.Id, text, Now, ct))
            return MeetingErrors.Closed;
        return await DetailAsync(m.Id, ct);
    }

    /// <summary>The community's ledger: per unit, the meeting items it took and finished.</summary>
    /// <summary>Staff: the community's meetings, newest first, as the console lists them.</summary>
    public async Task<Result<IReadOnlyList<MeetingSummary>>> ListAsync(
        Caller caller,
        long communityId,
        CancellationToken ct
    )
    {
        if (await areas.GetAsync(communityId, ct) is not { Kind: AreaKind.Community } community)
            return MeetingErrors.CommunityNotFound;
        if (!caller.IsStaffOver(community.Path))
            return MeetingErrors.StaffOnly;
        var list = await store.ListAsync(community.Id, ct);
        return Result<IReadOnlyList<MeetingSummary>>.From(
            list.Select(m => new MeetingSummary(
                    m.Id,
                    m.Title,
                    ChinaTime.ToChina(DateTime.SpecifyKind(m.ScheduledAt, DateTimeKind.Utc)),
                    m.Place,
                    m.Status
                ))
                .ToList()
        );
    }

    public async Task<Result<IReadOnlyList<UnitLedgerLine>>> LedgerAsync(
        Caller caller,
        long communityId,
        CancellationToken ct
    )
    {
        if (await areas.GetAsync(communityId, ct) is not { Kind: AreaKind.Community } community)
            return MeetingErrors.CommunityNotFound;
        if (!caller.IsStaffOver(community.Path))
            return MeetingErrors.StaffOnly;
        return Result<IReadOnlyList<UnitLedgerLine>>.From(await store.UnitLedgerAsync(community.Id, ct));
    }
}
