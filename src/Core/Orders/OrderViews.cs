namespace Governance.Core.Orders;

public sealed record AreaRef(long Id, string Kind, string Name, string FullName);
public sealed record CategoryRef(long Id, string Name);
public sealed record PhotoRef(long Id, string ContentType, int ByteSize, string Url);

public sealed record TimelineEntry(long Id, DateTimeOffset At, string Kind, string Title, string? FromStatus, string? ToStatus,
    string ActorRole, string Actor, string? Note, IReadOnlyList<PhotoRef> Photos);

public sealed record OrderDetail(
    string Code, string Status, string StatusName, string Source, CategoryRef Category, string Description,
    string? LocationText, decimal? Latitude, decimal? Longitude, AreaRef Area, string Urgency,
    DateTimeOffset AcknowledgeBy, DateTimeOffset ResolveBy, bool Overdue, int EscalationLevel, string? Satisfaction,
    string? MergedInto, string? RejectReason, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    IReadOnlyList<PhotoRef> Photos, IReadOnlyList<TimelineEntry> Timeline);

public sealed record OrderSummary(
    string Code, string Status, string StatusName, CategoryRef Category, string Description, AreaRef Area, string Urgency,
    DateTimeOffset ResolveBy, bool Overdue, int EscalationLevel, DateTimeOffset CreatedAt);
