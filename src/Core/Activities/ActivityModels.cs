using Governance.Core.Errors;
using Governance.Core.Service;

namespace Governance.Core.Activities;

public sealed record NewPost(string? Name, string? Skills, int? Slots);

public sealed record NewActivity(
    string? Title,
    string? Description,
    string? Place,
    decimal? Latitude,
    decimal? Longitude,
    DateTimeOffset? StartsAt,
    DateTimeOffset? EndsAt,
    long? UnitId,
    IReadOnlyList<NewPost>? Posts
);

public sealed record Activity
{
    public long Id { get; init; }
    public long CommunityId { get; init; }
    public string CommunityPath { get; init; } = "";
    public long? UnitId { get; init; }
    public string? UnitName { get; init; }
    public long? SeriesId { get; init; }
    public string Title { get; init; } = "";
    public string Description { get; init; } = "";
    public string Place { get; init; } = "";
    public decimal? Latitude { get; init; }
    public decimal? Longitude { get; init; }
    public DateTime StartsAt { get; init; }
    public DateTime EndsAt { get; init; }
    public string Status { get; init; } = "";
    public long CreatedBy { get; init; }

    internal string CheckinSecret { get; init; } = "";
}

public sealed record ActivityPost(long Id, string Name, string Skills, int Slots, int Taken);

/// <summary>A sign-up as the organiser sees it, with the person's public card.</summary>
public sealed record Participant(
    long PersonId,
    long PostId,
    string Status,
    DateTime? CheckedInAt,
    DateTime? CheckedOutAt,
    int? ProposedMinutes,
    int? ApprovedMinutes,
    PublicCard Card
);

public sealed record ActivityDetail(
    Activity Activity,
    IReadOnlyList<ActivityPost> Posts,
    IReadOnlyList<Participant> Participants
);

/// <summary>
/// Hours approved for one person when the organiser closes an activity (minutes; null takes the proposal).
/// </summary>
public sealed record HoursApproval(long PersonId, int? Minutes);

public sealed record ServiceTotals(string Key, string Name, long PersonTimes, double Hours);

public sealed record ServiceStats(
    long Activities,
    long PersonTimes,
    double Hours,
    IReadOnlyList<ServiceTotals> ByActivity,
    IReadOnlyList<ServiceTotals> ByTeam,
    IReadOnlyList<ServiceTotals> ByUnit,
    IReadOnlyList<ServiceTotals> BySource
);

public static class ActivityErrors
{
    public static readonly ErrorCode CommunityNotFound = new(
        "activities.community_not_found",
        ErrorKind.NotFound,
        "社区不存在"
    );
    public static readonly ErrorCode OrganiserOnly = new(
        "activities.organiser_only",
        ErrorKind.Forbidden,
        "活动由社区工作人员或服务该社区的单位管理员组织和管理"
    );
    public static readonly ErrorCode Invalid = new(
        "activities.invalid",
        ErrorKind.Validation,
        "请填写活动名称（不超过60字）、地点、开始和结束时间（结束晚于开始、不早于现在、不超过12小时）和至少一个岗位",
        "title"
    );
    public static readonly ErrorCode InvalidPost = new(
        "activities.invalid_post",
        ErrorKind.Validation,
        "岗位须有名称（不超过30字）和1–500个名额，最多20个岗位",
        "posts"
    );
    public static readonly ErrorCode NotFound = new("activities.not_found", ErrorKind.NotFound, "活动不存在");
    public static readonly ErrorCode NotVolunteer = new(
        "activities.not_volunteer",
        ErrorKind.Forbidden,
        "请先报到成为在职党员或登记为志愿者"
    );
    public static readonly ErrorCode PostNotFound = new(
        "activities.post_not_found",
        ErrorKind.NotFound,
        "岗位不存在",
        "postId"
    );
    public static readonly ErrorCode PostFull = new("activities.post_full", ErrorKind.Conflict, "这个岗位已报满");
    public static readonly ErrorCode AlreadySigned = new(
        "activities.already_signed",
        ErrorKind.Conflict,
        "您已报名这个活动"
    );
    public static readonly ErrorCode NotOpen = new(
        "activities.not_open",
        ErrorKind.Conflict,
        "活动已开始、已结束或已取消，不能报名或取消报名"
    );
    public static readonly ErrorCode NotSigned = new("activities.not_signed", ErrorKind.Conflict, "您没有报名这个活动");
    public static readonly ErrorCode WrongCode = new(
        "activities.wrong_code",
        ErrorKind.Validation,
        "签到码不正确或已过期，请重新扫码",
        "code"
    );
    public static readonly ErrorCode OutsideWindow = new(
        "activities.outside_window",
        ErrorKind.Conflict,
        "只能在活动开始前30分钟到结束后1小时之间签到签退"
    );
    public static readonly ErrorCode TooFar = new(
        "activities.too_far",
        ErrorKind.Validation,
        "您不在活动地点附近（500米内），请到场后再签到",
        "latitude"
    );
    public static readonly ErrorCode NotCheckedIn = new(
        "activities.not_checked_in",
        ErrorKind.Conflict,
        "请先签到再签退"
    );
    public static readonly ErrorCode NotEnded = new(
        "activities.not_ended",
        ErrorKind.Conflict,
        "活动结束后才能审核时长"
    );
    public static readonly ErrorCode InvalidHours = new(
        "activities.invalid_hours",
        ErrorKind.Validation,
        "审核时长应在0到活动时长加1小时之间，且只能审核已签到的人",
        "approvals"
    );

    public static readonly ErrorCode[] Create = [CommunityNotFound, OrganiserOnly, Invalid, InvalidPost];
    public static readonly ErrorCode[] SignUp =
    [
        NotFound,
        NotVolunteer,
        PostNotFound,
        PostFull,
        AlreadySigned,
        NotOpen,
    ];
    public static readonly ErrorCode[] Check = [NotFound, NotSigned, WrongCode, OutsideWindow, TooFar, NotCheckedIn];
    public static readonly ErrorCode[] Close = [NotFound, OrganiserOnly, NotEnded, InvalidHours];
}
