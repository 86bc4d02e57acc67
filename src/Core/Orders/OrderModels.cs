namespace Governance.Core.Orders;

public static class OrderSource
{
    public const string WechatChat = "wechat_chat",
        MiniProgram = "mini_program",
        Visit = "visit",
        Meeting = "meeting",
        Staff = "staff",
        Open311 = "open311";
}

public static class OrderEventKind
{
    public const string Created = "created",
        Accepted = "accepted",
        Rejected = "rejected",
        Published = "published",
        Merged = "merged",
        MergedFrom = "merged_from",
        Cancelled = "cancelled",
        Urged = "urged",
        LinkedReport = "linked_report",
        Recategorized = "recategorized",
        Escalated = "escalated",
        Rated = "rated",
        Reopened = "reopened",
        Closed = "closed",
        Handover = "handover",
        Claimed = "claimed",
        Assigned = "assigned",
        Reassigned = "reassigned",
        Started = "started",
        Progress = "progress",
        Resolved = "resolved",
        Released = "released",
        ClaimExpired = "claim_expired",
        DeadlineExtended = "deadline_extended",
        DeadlineRecounted = "deadline_recounted",
        Comment = "comment",
        Acknowledged = "acknowledged",
        Summoned = "summoned",
        SummonsAnswered = "summons_answered";

    public static string ChineseName(string kind) =>
        kind switch
        {
            Created => "提交诉求",
            Accepted => "已受理",
            Rejected => "不予受理",
            Published => "发布到认领池",
            Merged => "合并为重复工单",
            MergedFrom => "合并了重复工单",
            Cancelled => "已撤销",
            Urged => "居民催办",
            LinkedReport => "又有居民反映同一问题",
            Recategorized => "调整问题类别",
            Escalated => "升级督办",
            Rated => "居民评价",
            Reopened => "重新办理",
            Closed => "已关闭",
            Handover => "转人工（网格员）",
            Claimed => "已认领",
            Assigned => "派单",
            Reassigned => "改派",
            Started => "开始办理",
            Progress => "办理进展",
            Resolved => "已办结",
            Released => "退回认领池",
            ClaimExpired => "认领超时，退回认领池",
            DeadlineExtended => "延长办理期限",
            DeadlineRecounted => "工作日历调整，重新计算期限",
            Comment => "居民补充",
            Acknowledged => "已响应",
            Summoned => "吹哨：部门报到",
            SummonsAnswered => "部门报到",
            _ => kind,
        };
}

/// <summary>Row shape of service_order as the stores read it.</summary>
public record OrderRow
{
    public long Id { get; init; }
    public string Code { get; init; } = "";
    public string Source { get; init; } = "";
    public long? ResidentId { get; init; }
    public long AreaId { get; init; }
    public string AreaPath { get; init; } = "";
    public long CategoryId { get; init; }
    public string CategoryName { get; init; } = "";
    public string Description { get; init; } = "";
    public string? LocationText { get; init; }
    public decimal? Latitude { get; init; }
    public decimal? Longitude { get; init; }
    public string Urgency { get; init; } = "";

    /// <summary>Who an urgent alert reached: 1 grid workers and secretary, 2 also the street.</summary>
    public int UrgentAlertLevel { get; init; }
    public string Status { get; init; } = "";
    public DateTime AckDueAt { get; init; }
    public DateTime ResolveDueAt { get; init; }
    public long? ClaimerPersonId { get; init; }
    public long? ClaimerUnitId { get; init; }
    public int EscalationLevel { get; init; }
    public string? Satisfaction { get; init; }
    public long? MergedIntoId { get; init; }
    public string? MergedIntoCode { get; init; }
    public string? RejectReason { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; init; }
    public int Version { get; init; }
    public DateTime? ClaimedAt { get; init; }
    public DateTime? StartedAt { get; init; }
    public DateTime? ResolvedAt { get; init; }
    public int ClaimWindowHours { get; init; }
    public bool MemberClaimable { get; init; }
    public string CategorySkills { get; init; } = "";
    public string? ContentFlag { get; init; }
    public string? Extra { get; init; }
    public int? ServiceMinutes { get; init; }
    public string? ClaimerName { get; init; }
    public string? ClaimerPhone { get; init; }
    public string? ClaimerUnitName { get; init; }
    public string? ReporterName { get; init; }
    public string? ReporterPhone { get; init; }
}

public sealed record OrderEventRow(
    long Id,
    long OrderId,
    string Kind,
    string? FromStatus,
    string? ToStatus,
    long? ActorId,
    string ActorRole,
    string? ActorName,
    string? Note,
    string? Data,
    DateTime CreatedAt
);

public sealed record OrderPhotoRow(
    long Id,
    long OrderId,
    long? EventId,
    string StorageKey,
    string ContentType,
    int ByteSize,
    string Sha256,
    DateTime CreatedAt
);

public sealed record NewOrderEvent(
    string Kind,
    string? FromStatus,
    string? ToStatus,
    long? ActorId,
    string ActorRole,
    string? Note,
    string? Data = null
)
{
    /// <summary>Photos that belong to this event (a progress report, a resolution, a follow-up).</summary>
    public IReadOnlyList<StoredPhoto> Photos { get; init; } = [];
}

public sealed record NewOrder(
    string Source,
    long? ResidentId,
    long AreaId,
    string AreaPath,
    long CategoryId,
    string Description,
    string? LocationText,
    decimal? Latitude,
    decimal? Longitude,
    string Urgency,
    DateTime AckDueAt,
    DateTime ResolveDueAt,
    long? CreatedBy,
    string? Extra = null,
    string? ContentFlag = null
);

public sealed record StoredPhoto(string StorageKey, string ContentType, int ByteSize, string Sha256);

/// <summary>A status change, re-checked against the expected status inside the UPDATE.</summary>
public sealed record OrderMove(long OrderId, string From, string To, NewOrderEvent Event)
{
    public string? RejectReason { get; init; }
    public long? MergedIntoId { get; init; }
    public string? Satisfaction { get; init; }
    public DateTime? NewResolveDueAt { get; init; }
    public long? ClaimerPersonId { get; init; }
    public long? ClaimerUnitId { get; init; }

    /// <summary>Back to the pool: the claim is dropped.</summary>
    public bool ClearClaimer { get; init; }

    /// <summary>Reassignment: both claimer columns take the given values, nulls included.</summary>
    public bool ReplaceClaimer { get; init; }

    /// <summary>An event recorded just before the status change (a rating before the close it causes).</summary>
    public NewOrderEvent? PrecedingEvent { get; init; }
}

public sealed record OrderListFilter(
    IReadOnlyList<string>? Statuses,
    string? AreaPath,
    long? CategoryId,
    bool? Overdue,
    int Page,
    int PageSize
)
{
    /// <summary>"urgent" or "normal"; null: both.</summary>
    public string? Urgency { get; init; }

    /// <summary>Only the orders on the caller's shortlist (the console's 我的关注).</summary>
    public bool Shortlisted { get; init; }
}

/// <summary>
/// The claim pool's query: scope, categories (null: any), deadline, and an optional point and radius.
/// </summary>
public sealed record PoolFilter(
    IReadOnlyList<string> CommunityPaths,
    bool MemberClaimableOnly,
    IReadOnlyList<long>? CategoryIds,
    DateTime? DueBefore,
    double? Latitude,
    double? Longitude,
    double? RadiusKm,
    int Page,
    int PageSize
);
