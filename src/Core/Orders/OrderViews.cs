namespace Governance.Core.Orders;

public sealed record AreaRef(long Id, string Kind, string Name, string FullName);

public sealed record CategoryRef(long Id, string Name);

/// <summary>A photo of an order; the host fills in where to fetch it.</summary>
public sealed record PhotoRef(long Id, string ContentType, int ByteSize)
{
    public string? Url { get; init; }
}

public sealed record TimelineEntry(
    long Id,
    DateTimeOffset At,
    string Kind,
    string Title,
    string? FromStatus,
    string? ToStatus,
    string ActorRole,
    string Actor,
    string? Note,
    IReadOnlyList<PhotoRef> Photos
);

public sealed record OrderDetail(
    string Code,
    string Status,
    string StatusName,
    string Source,
    CategoryRef Category,
    string Description,
    string? LocationText,
    decimal? Latitude,
    decimal? Longitude,
    AreaRef Area,
    string Urgency,
    DateTimeOffset AcknowledgeBy,
    DateTimeOffset ResolveBy,
    bool Overdue,
    int EscalationLevel,
    string? Satisfaction,
    string? MergedInto,
    string? RejectReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<PhotoRef> Photos,
    IReadOnlyList<TimelineEntry> Timeline
)
{
    /// <summary>Who claimed it (a member, a unit, or both when a unit assigned one of its members).</summary>
    public ClaimerView? Claimer { get; init; }

    /// <summary>Who reported it: shown to staff (full phone) and to the claimer (masked phone).</summary>
    public ReporterView? Reporter { get; init; }
    public IReadOnlyDictionary<string, string>? Answers { get; init; }

    /// <summary>Staff only: "review" or "unchecked" when the content check did not pass the text outright.</summary>
    public string? ContentFlag { get; init; }
    public double? ServiceHours { get; init; }

    /// <summary>
    /// Only on the answer to a report: "created" (a new order), "linked" (it joined someone else's open order about the
    /// same problem) or "already_reported" (the reporter's own open order got the new detail).
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(
        Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull
    )]
    public string? Outcome { get; init; }
}

public sealed record ClaimerView(long? PersonId, string? Name, string? Phone, long? UnitId, string? UnitName);

public sealed record ReporterView(string Name, string? Phone);

public sealed record PoolItem(
    OrderSummary Order,
    double? DistanceMeters,
    IReadOnlyList<string> Skills,
    bool SkillsMatch,
    bool MemberClaimable
);

public sealed record OrderSummary(
    string Code,
    string Status,
    string StatusName,
    CategoryRef Category,
    string Description,
    AreaRef Area,
    string Urgency,
    DateTimeOffset ResolveBy,
    bool Overdue,
    int EscalationLevel,
    DateTimeOffset CreatedAt
);
