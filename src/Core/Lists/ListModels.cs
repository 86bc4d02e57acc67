using Governance.Core.Errors;

namespace Governance.Core.Lists;

public static class ListKind
{
    public const string Need = "need",
        Resource = "resource",
        Project = "project";

    public static readonly string[] All = [Need, Resource, Project];

    public static string ChineseName(string kind) =>
        kind switch
        {
            Need => "需求清单",
            Resource => "资源清单",
            _ => "项目清单",
        };
}

public static class ListItemStatus
{
    public const string Open = "open",
        Claimed = "claimed",
        Done = "done",
        Withdrawn = "withdrawn";
}

public static class ClaimStatus
{
    public const string Claimed = "claimed",
        Submitted = "submitted",
        Returned = "returned",
        Done = "done",
        Withdrawn = "withdrawn";

    public static readonly string[] Live = [Claimed, Submitted, Returned];
}

public static class BookingStatus
{
    public const string Requested = "requested",
        Confirmed = "confirmed",
        Declined = "declined",
        Cancelled = "cancelled";
}

public sealed record ListItem(
    long Id,
    long CommunityId,
    string CommunityPath,
    string Kind,
    string Title,
    string Description,
    long? CategoryId,
    string Source,
    long? UnitId,
    string? UnitName,
    int? Capacity,
    DateTime? Deadline,
    string Status,
    DateTime CreatedAt
);

public sealed record ListClaim(
    long Id,
    long ItemId,
    string ItemTitle,
    string ItemKind,
    long CommunityId,
    string CommunityPath,
    long? UnitId,
    string? UnitName,
    long OwnerPersonId,
    string OwnerName,
    DateTime Deadline,
    string Status,
    string? Evidence,
    string? DecisionNote,
    DateTime CreatedAt
);

public sealed record ClaimEvent(string Kind, long PersonId, string PersonName, string? Note, DateTime CreatedAt);

/// <summary>
/// A claim with its history, the photos handed in with its progress and result, and the owner's public card (亮身份).
/// </summary>
public sealed record ClaimDetail(
    ListClaim Claim,
    IReadOnlyList<ClaimEvent> Events,
    IReadOnlyList<Orders.PhotoRef> Photos,
    Service.PublicCard? OwnerCard
);

public sealed record Booking(
    long Id,
    long ItemId,
    string ItemTitle,
    long? UnitId,
    long CommunityId,
    string CommunityPath,
    DateTime StartsAt,
    DateTime EndsAt,
    string Purpose,
    string Audience,
    string Status,
    long RequestedBy
)
{
    /// <summary>Whom the booking is for, in Chinese.</summary>
    public string AudienceName => Lists.Audience.Label(Audience);
}

public sealed record ResourceOpening(ListItem Item, IReadOnlyList<OpeningRule> Rules, IReadOnlyList<string> Described);

public sealed record ResourceDay(
    ResourceOpening Resource,
    DateOnly Date,
    bool WorkingDay,
    string Audience,
    IReadOnlyList<SlotState> Hours
);

/// <summary>
/// One hour of a resource on a day: open to the audience asked about, and whether a booking holds it.
/// </summary>
public sealed record SlotState(DateTimeOffset StartsAt, bool Open, bool Taken);

public sealed record NewListItem(
    string? Kind,
    string? Title,
    string? Description,
    long? CategoryId,
    string? Source,
    long? UnitId,
    int? Capacity,
    DateOnly? Deadline,
    IReadOnlyList<OpeningRule>? Rules = null
);

public static class ListErrors
{
    public static readonly ErrorCode CommunityNotFound = new(
        "lists.community_not_found",
        ErrorKind.NotFound,
        "社区不存在"
    );
    public static readonly ErrorCode NotAllowed = new(
        "lists.not_allowed",
        ErrorKind.Forbidden,
        "您不能查看或操作这个社区的清单"
    );
    public static readonly ErrorCode InvalidKind = new(
        "lists.invalid_kind",
        ErrorKind.Validation,
        "清单类型应为 need（需求）、resource（资源）或 project（项目）",
        "kind"
    );
    public static readonly ErrorCode TitleRequired = new(
        "lists.title_required",
        ErrorKind.Validation,
        "请填写标题（不超过100字）",
        "title"
    );
    public static readonly ErrorCode DescriptionTooLong = new(
        "lists.description_too_long",
        ErrorKind.Validation,
        "说明不能超过1000字",
        "description"
    );
    public static readonly ErrorCode InvalidSource = new(
        "lists.invalid_source",
        ErrorKind.Validation,
        "来源应为 report、visit、survey、meeting 或 community",
        "source"
    );
    public static readonly ErrorCode UnitRequired = new(
        "lists.unit_required",
        ErrorKind.Validation,
        "资源须由开放它的单位登记：请给出 unitId，且您须是该单位的管理员",
        "unitId"
    );
    public static readonly ErrorCode InvalidCapacity = new(
        "lists.invalid_capacity",
        ErrorKind.Validation,
        "容量应为1到100000之间的整数",
        "capacity"
    );
    public static readonly ErrorCode InvalidDeadline = new(
        "lists.invalid_deadline",
        ErrorKind.Validation,
        "截止日期不能早于今天",
        "deadline"
    );
    public static readonly ErrorCode ItemNotFound = new("lists.item_not_found", ErrorKind.NotFound, "清单事项不存在");
    public static readonly ErrorCode NotClaimable = new(
        "lists.not_claimable",
        ErrorKind.Conflict,
        "只有需求和项目可以认领，资源请预约"
    );
    public static readonly ErrorCode AlreadyClaimed = new(
        "lists.already_claimed",
        ErrorKind.Conflict,
        "这个事项已被认领"
    );
    public static readonly ErrorCode CannotClaim = new(
        "lists.cannot_claim",
        ErrorKind.Forbidden,
        "只有在本社区报到的党员，或服务本社区的单位管理员可以认领"
    );
    public static readonly ErrorCode ClaimNotFound = new("lists.claim_not_found", ErrorKind.NotFound, "认领记录不存在");
    public static readonly ErrorCode OwnerOnly = new(
        "lists.owner_only",
        ErrorKind.Forbidden,
        "只有认领人（或认领单位的管理员）可以更新进展"
    );
    public static readonly ErrorCode NoteRequired = new(
        "lists.note_required",
        ErrorKind.Validation,
        "请填写内容（不超过1000字）",
        "note"
    );
    public static readonly ErrorCode WrongClaimState = new(
        "lists.wrong_claim_state",
        ErrorKind.Conflict,
        "认领当前的状态不能进行这个操作"
    );
    public static readonly ErrorCode StaffOnly = new(
        "lists.staff_only",
        ErrorKind.Forbidden,
        "只有社区工作人员可以确认或退回"
    );
    public static readonly ErrorCode ReasonRequired = new(
        "lists.reason_required",
        ErrorKind.Validation,
        "退回时请说明原因（不超过200字）",
        "reason"
    );
    public static readonly ErrorCode NotAResource = new(
        "lists.not_a_resource",
        ErrorKind.Conflict,
        "只有资源清单里的事项可以预约"
    );
    public static readonly ErrorCode InvalidSlot = new(
        "lists.invalid_slot",
        ErrorKind.Validation,
        "预约须为整点开始和结束、不早于现在、最长12小时",
        "startsAt"
    );
    public static readonly ErrorCode PurposeRequired = new(
        "lists.purpose_required",
        ErrorKind.Validation,
        "请说明用途（不超过200字）",
        "purpose"
    );
    public static readonly ErrorCode SlotTaken = new(
        "lists.slot_taken",
        ErrorKind.Conflict,
        "这个时段已被预约，请换一个时间"
    );
    public static readonly ErrorCode InvalidRules = new(
        "lists.invalid_rules",
        ErrorKind.Validation,
        "开放规则不正确",
        "rules"
    );
    public static readonly ErrorCode InvalidAudience = new(
        "lists.invalid_audience",
        ErrorKind.Validation,
        "预约对象应为 community（社区）或 resident（居民）；单位管理员预约时由系统判定",
        "audience"
    );
    public static readonly ErrorCode Closed = new(
        "lists.resource_closed",
        ErrorKind.Conflict,
        "这个时段不对该对象开放"
    );
    public static readonly ErrorCode PhotoNotFound = new("lists.photo_not_found", ErrorKind.NotFound, "照片不存在");
    public static readonly ErrorCode BookingNotFound = new(
        "lists.booking_not_found",
        ErrorKind.NotFound,
        "预约不存在"
    );
    public static readonly ErrorCode UnitAdminOnly = new(
        "lists.unit_admin_only",
        ErrorKind.Forbidden,
        "只有开放该资源的单位管理员可以确认或拒绝预约"
    );
    public static readonly ErrorCode AlreadyDecided = new(
        "lists.already_decided",
        ErrorKind.Conflict,
        "这个预约已经处理过了"
    );

    public static readonly ErrorCode[] Browse = [CommunityNotFound, NotAllowed, InvalidKind];
    public static readonly ErrorCode[] Create =
    [
        CommunityNotFound,
        NotAllowed,
        InvalidKind,
        TitleRequired,
        DescriptionTooLong,
        InvalidSource,
        UnitRequired,
        InvalidCapacity,
        InvalidDeadline,
        InvalidRules,
    ];
    public static readonly ErrorCode[] Claim = [ItemNotFound, NotClaimable, AlreadyClaimed, CannotClaim];
    public static readonly ErrorCode[] Progress =
    [
        ClaimNotFound,
        OwnerOnly,
        NoteRequired,
        WrongClaimState,
        Orders.OrderErrors.PhotoTooMany,
        Orders.OrderErrors.PhotoEmpty,
        Orders.OrderErrors.PhotoTooLarge,
        Orders.OrderErrors.PhotoInvalid,
    ];
    public static readonly ErrorCode[] Decide = [ClaimNotFound, StaffOnly, ReasonRequired, WrongClaimState];
    public static readonly ErrorCode[] Book =
    [
        ItemNotFound,
        NotAResource,
        StaffOnly,
        InvalidSlot,
        PurposeRequired,
        InvalidAudience,
        Closed,
        SlotTaken,
    ];
    public static readonly ErrorCode[] Rules = [ItemNotFound, NotAResource, UnitAdminOnly, InvalidRules];
    public static readonly ErrorCode[] Availability = [ItemNotFound, NotAResource, InvalidAudience];
    public static readonly ErrorCode[] DecideBooking = [BookingNotFound, UnitAdminOnly, AlreadyDecided];
}
