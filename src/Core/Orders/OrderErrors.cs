using Governance.Core.Errors;
using static Governance.Core.Errors.ErrorKind;

namespace Governance.Core.Orders;

/// <summary>
/// Every expected failure of the order use cases, and which use case can answer which (for the API's documentation).
/// </summary>
public static class OrderErrors
{
    public static readonly ErrorCode NotFound = new("order.not_found", ErrorKind.NotFound, "工单不存在");
    public static readonly ErrorCode CategoryRequired = new(
        "order.category_required",
        Validation,
        "请选择问题类别",
        "categoryId"
    );
    public static readonly ErrorCode CategoryNotFound = new(
        "order.category_not_found",
        Validation,
        "所选问题类别不存在",
        "categoryId"
    );
    public static readonly ErrorCode DescriptionRequired = new(
        "order.description_required",
        Validation,
        "请描述遇到的问题",
        "description"
    );
    public static readonly ErrorCode DescriptionTooLong = new(
        "order.description_too_long",
        Validation,
        "问题描述太长",
        "description"
    );
    public static readonly ErrorCode LocationTooLong = new(
        "order.location_too_long",
        Validation,
        "位置描述太长",
        "locationText"
    );
    public static readonly ErrorCode InvalidUrgency = new(
        "order.invalid_urgency",
        Validation,
        "紧急程度只能是 normal 或 urgent",
        "urgency"
    );
    public static readonly ErrorCode InvalidPoint = new(
        "order.invalid_point",
        Validation,
        "位置坐标不正确",
        "latitude"
    );
    public static readonly ErrorCode InvalidSource = new("order.invalid_source", Validation, "来源不正确", "source");
    public static readonly ErrorCode BuildingNotFound = new(
        "order.building_not_found",
        Validation,
        "所选楼栋不存在",
        "buildingId"
    );
    public static readonly ErrorCode AreaNotFound = new(
        "order.area_not_found",
        Validation,
        "所选区域不存在或范围过大，请选到社区、小区、网格或楼栋",
        "areaId"
    );
    public static readonly ErrorCode PlaceRequired = new(
        "order.place_required",
        Validation,
        "请选择问题所在的楼栋或小区",
        "buildingId"
    );
    public static readonly ErrorCode AreaOutOfScope = new(
        "order.area_out_of_scope",
        Forbidden,
        "只能在自己负责的区域内登记工单"
    );
    public static readonly ErrorCode UnknownAnswer = new(
        "order.unknown_answer",
        Validation,
        "类别没有这个问题",
        "answers"
    );
    public static readonly ErrorCode AnswerTooLong = new("order.answer_too_long", Validation, "回答太长", "answers");
    public static readonly ErrorCode IllegalTransition = new(
        "order.illegal_transition",
        Conflict,
        "工单当前状态不能这样操作"
    );
    public static readonly ErrorCode StateChanged = new(
        "order.state_changed",
        Conflict,
        "工单刚刚被其他人处理，请刷新后重试"
    );
    public static readonly ErrorCode ReporterOnly = new("order.reporter_only", Forbidden, "只有提交人可以这样操作");
    public static readonly ErrorCode StaffOnly = new(
        "order.staff_only",
        Forbidden,
        "只有负责该区域的网格员、社区书记或街道工作人员可以这样操作"
    );
    public static readonly ErrorCode ClaimerOnly = new("order.claimer_only", Forbidden, "只有认领人可以办理这个工单");
    public static readonly ErrorCode InvalidRating = new(
        "order.invalid_rating",
        Validation,
        "评价只能是满意、基本满意或不满意",
        "rating"
    );
    public static readonly ErrorCode CommentTooLong = new(
        "order.comment_too_long",
        Validation,
        "评价内容太长",
        "comment"
    );
    public static readonly ErrorCode NotResolved = new("order.not_resolved", Conflict, "办结后才能评价");
    public static readonly ErrorCode ReasonRequired = new("order.reason_required", Validation, "请填写原因", "reason");
    public static readonly ErrorCode ReasonTooLong = new("order.reason_too_long", Validation, "原因太长", "reason");
    public static readonly ErrorCode NotOpen = new("order.not_open", Conflict, "工单已结束");
    public static readonly ErrorCode UrgeThrottled = new("order.urge_throttled", RateLimited, "您已催办过，请稍后再催");
    public static readonly ErrorCode Closed = new("order.closed", Conflict, "工单已结束，不能再补充");
    public static readonly ErrorCode NoteRequired = new(
        "order.note_required",
        Validation,
        "请填写内容或上传照片",
        "note"
    );
    public static readonly ErrorCode NoteTooLong = new("order.note_too_long", Validation, "内容太长", "note");
    public static readonly ErrorCode MergeTargetRequired = new(
        "order.merge_target_required",
        Validation,
        "请填写要合并到的工单编号",
        "intoCode"
    );
    public static readonly ErrorCode MergeTargetNotFound = new(
        "order.merge_target_not_found",
        Validation,
        "要合并到的工单不存在",
        "intoCode"
    );
    public static readonly ErrorCode MergeIntoItself = new(
        "order.merge_into_itself",
        Conflict,
        "不能把工单合并到它自己"
    );
    public static readonly ErrorCode MergeTargetClosed = new(
        "order.merge_target_closed",
        Conflict,
        "目标工单已结束，不能再合并进去"
    );
    public static readonly ErrorCode AssigneeRequired = new(
        "order.assignee_required",
        Validation,
        "请选择一位党员或一个单位（二选一）",
        "personId"
    );
    public static readonly ErrorCode AssigneeNotRegistered = new(
        "order.assignee_not_registered",
        Validation,
        "只能派给在这个社区报到通过的党员",
        "personId"
    );
    public static readonly ErrorCode UnitNotServing = new(
        "order.unit_not_serving",
        Validation,
        "该单位没有在这个社区报到或结对",
        "unitId"
    );
    public static readonly ErrorCode InvalidDeadline = new(
        "order.invalid_deadline",
        Validation,
        "新的办结期限必须晚于原期限和当前时间",
        "resolveBy"
    );
    public static readonly ErrorCode AlreadyClaimed = new(
        "order.already_claimed",
        Conflict,
        "来晚了一步，这个工单已经被认领了"
    );
    public static readonly ErrorCode TooManyClaims = new(
        "order.too_many_claims",
        Conflict,
        "您手上未办结的工单太多，请先办完再认领"
    );
    public static readonly ErrorCode NotRegistered = new(
        "order.not_registered",
        Forbidden,
        "请先在这个社区报到，审核通过后才能认领"
    );
    public static readonly ErrorCode UnitsOnly = new("order.units_only", Forbidden, "这类工单需要由驻区单位认领");
    public static readonly ErrorCode UnitCannotClaim = new(
        "order.unit_cannot_claim",
        Forbidden,
        "该单位未在这个社区报到或结对，不能认领"
    );
    public static readonly ErrorCode UnitAdminOnly = new(
        "order.unit_admin_only",
        Forbidden,
        "只有认领单位的管理员可以指派"
    );
    public static readonly ErrorCode NotUnitMember = new(
        "order.not_unit_member",
        Validation,
        "只能指派给本单位的党员",
        "personId"
    );
    public static readonly ErrorCode ResultRequired = new(
        "order.result_required",
        Validation,
        "请填写办理结果",
        "note"
    );
    public static readonly ErrorCode ResultTooLong = new("order.result_too_long", Validation, "办理结果太长", "note");
    public static readonly ErrorCode InvalidHours = new(
        "order.invalid_hours",
        Validation,
        "服务时长应在0.5到24小时之间",
        "hours"
    );
    public static readonly ErrorCode InvalidStatus = new(
        "order.invalid_status",
        Validation,
        "未知的工单状态",
        "status"
    );
    public static readonly ErrorCode PoolNotRegistered = new(
        "pool.not_registered",
        Forbidden,
        "请先在社区报到，审核通过后就能认领社区的工单"
    );
    public static readonly ErrorCode PoolUnitNotApproved = new(
        "pool.unit_not_approved",
        Forbidden,
        "单位报到通过后才能认领"
    );
    public static readonly ErrorCode PoolInvalidPoint = new(
        "pool.invalid_point",
        Validation,
        "位置坐标不正确",
        "latitude"
    );
    public static readonly ErrorCode PoolInvalidRadius = new(
        "pool.invalid_radius",
        Validation,
        "距离范围应在0到100公里之间",
        "radiusKm"
    );
    public static readonly ErrorCode PoolPointRequired = new(
        "pool.point_required",
        Validation,
        "按距离筛选需要提供当前位置",
        "latitude"
    );
    public static readonly ErrorCode PhotoNotFound = new("photo.not_found", ErrorKind.NotFound, "照片不存在");
    public static readonly ErrorCode PhotoTooMany = new("photo.too_many", Validation, "照片太多", "photos");
    public static readonly ErrorCode PhotoEmpty = new("photo.empty", Validation, "照片文件是空的", "photos");
    public static readonly ErrorCode PhotoTooLarge = new("photo.too_large", TooLarge, "照片太大");
    public static readonly ErrorCode PhotoInvalid = new(
        "photo.invalid_content",
        Validation,
        "只能上传 JPEG、PNG 或 WebP 格式的照片",
        "photos"
    );

    private static readonly ErrorCode[] Photos = [PhotoTooMany, PhotoEmpty, PhotoTooLarge, PhotoInvalid];

    public static readonly ErrorCode[] Create =
    [
        CategoryRequired,
        CategoryNotFound,
        DescriptionRequired,
        DescriptionTooLong,
        LocationTooLong,
        InvalidUrgency,
        InvalidPoint,
        InvalidSource,
        BuildingNotFound,
        AreaNotFound,
        PlaceRequired,
        AreaOutOfScope,
        UnknownAnswer,
        AnswerTooLong,
        CommonErrors.ContentRejected,
        CommonErrors.FieldInvalid,
        .. Photos,
    ];
    public static readonly ErrorCode[] Read = [NotFound];
    public static readonly ErrorCode[] List = [InvalidStatus, AreaNotFound, CommonErrors.PagingInvalid];
    public static readonly ErrorCode[] Photo = [NotFound, PhotoNotFound];
    public static readonly ErrorCode[] Triage = [NotFound, StaffOnly, IllegalTransition, StateChanged];
    public static readonly ErrorCode[] Reject = [.. Triage, ReasonRequired, ReasonTooLong];
    public static readonly ErrorCode[] Merge =
    [
        .. Triage,
        MergeTargetRequired,
        MergeTargetNotFound,
        MergeIntoItself,
        MergeTargetClosed,
        ReasonTooLong,
    ];
    public static readonly ErrorCode[] Recategorize = [NotFound, StaffOnly, CategoryRequired, CategoryNotFound];
    public static readonly ErrorCode[] Assign = [.. Triage, AssigneeRequired, AssigneeNotRegistered, UnitNotServing];
    public static readonly ErrorCode[] Extend =
    [
        NotFound,
        StaffOnly,
        NotOpen,
        ReasonRequired,
        InvalidDeadline,
        StateChanged,
    ];
    public static readonly ErrorCode[] Urge = [NotFound, ReporterOnly, NotOpen, UrgeThrottled];

    public static readonly ErrorCode NotUrgent = new("order.not_urgent", ErrorKind.Conflict, "这不是紧急工单，无需响应确认");
    public static readonly ErrorCode AlreadyAcknowledged = new(
        "order.already_acknowledged",
        ErrorKind.Conflict,
        "这条紧急诉求已经有人响应了"
    );
    public static readonly ErrorCode[] Acknowledge = [NotFound, StaffOnly, NotUrgent, AlreadyAcknowledged];
    public static readonly ErrorCode[] Cancel =
    [
        NotFound,
        ReporterOnly,
        IllegalTransition,
        StateChanged,
        ReasonTooLong,
    ];
    public static readonly ErrorCode[] Rate =
    [
        NotFound,
        ReporterOnly,
        InvalidRating,
        CommentTooLong,
        NotResolved,
        ReasonRequired,
        StateChanged,
        CommonErrors.ContentRejected,
    ];
    public static readonly ErrorCode[] Comment =
    [
        NotFound,
        ReporterOnly,
        Closed,
        NoteRequired,
        NoteTooLong,
        CommonErrors.ContentRejected,
        .. Photos,
    ];
    public static readonly ErrorCode[] Claim =
    [
        NotFound,
        AlreadyClaimed,
        TooManyClaims,
        NotRegistered,
        UnitsOnly,
        UnitCannotClaim,
        IllegalTransition,
    ];
    public static readonly ErrorCode[] AssignMember =
    [
        NotFound,
        UnitAdminOnly,
        NotUnitMember,
        IllegalTransition,
        StateChanged,
    ];
    public static readonly ErrorCode[] Work = [NotFound, ClaimerOnly, IllegalTransition, StateChanged];
    public static readonly ErrorCode[] Progress = [.. Work, NoteRequired, NoteTooLong, .. Photos];
    public static readonly ErrorCode[] Resolve = [.. Work, ResultRequired, ResultTooLong, InvalidHours, .. Photos];
    public static readonly ErrorCode[] Release = [.. Work, ReasonRequired, ReasonTooLong];
    public static readonly ErrorCode[] Pool =
    [
        PoolNotRegistered,
        PoolUnitNotApproved,
        PoolInvalidPoint,
        PoolInvalidRadius,
        PoolPointRequired,
        CommonErrors.UnitNotFound,
        CommonErrors.PagingInvalid,
    ];
}
