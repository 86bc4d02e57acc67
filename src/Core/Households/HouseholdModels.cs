using Governance.Core.Errors;

namespace Governance.Core.Households;

/// <summary>The categories of attention; a household with any of them is visited every month.</summary>
public static class Attention
{
    public static readonly string[] All = ["difficulty", "illness", "unemployed", "elderly_alone", "correction"];

    public static string Chinese(string category) =>
        category switch
        {
            "difficulty" => "困难家庭",
            "illness" => "重病",
            "unemployed" => "失业",
            "elderly_alone" => "独居老人",
            "correction" => "社区矫正",
            _ => category,
        };
}

public sealed record NewHousehold(
    string? Room,
    string? HeadName,
    string? Phone,
    int? People,
    IReadOnlyList<string>? Categories,
    string? Note
);

/// <summary>
/// A household as the caller may see it: grid staff and above see everything; a 包联 cadre or volunteer sees the room,
/// a masked name and phone, and only whether it needs a monthly visit; nobody else sees households at all.
/// </summary>
public sealed record Household
{
    public long Id { get; init; }
    public long BuildingId { get; init; }
    public string BuildingName { get; init; } = "";
    public string Room { get; init; } = "";
    public string HeadName { get; init; } = "";
    public string? Phone { get; init; }
    public int People { get; init; }
    public IReadOnlyList<string> Categories { get; init; } = [];
    public string Note { get; init; } = "";
    public bool MustVisit { get; init; }
    public DateTime? LastVisitedAt { get; init; }
    public bool Masked { get; init; }
}

public sealed record Visit(
    long Id,
    long HouseholdId,
    long VisitorId,
    string VisitorName,
    DateTime VisitedAt,
    string Found,
    long? NeedItemId,
    string? OrderCode
)
{
    /// <summary>Photos taken on the visit; the host fills in where to fetch each.</summary>
    public IReadOnlyList<Orders.PhotoRef> Photos { get; init; } = [];
}

public sealed record NewVisit(
    string? Found,
    string? Need,
    bool Survey,
    string? OrderCode,
    DateTimeOffset? VisitedAt
);

/// <summary>
/// Today's plan: the households to visit, must-visits first, then those longest unvisited this cycle.
/// </summary>
public sealed record VisitPlan(
    DateOnly Date,
    DateOnly CycleStart,
    DateOnly CycleEnd,
    int PerDay,
    IReadOnlyList<Household> Households
);

public sealed record GridCoverage
{
    public long GridId { get; init; }
    public string GridName { get; init; } = "";
    public long Households { get; init; }
    public long Visited { get; init; }
    public long MustVisit { get; init; }
    public long MustVisitedThisMonth { get; init; }
    public double Rate => Households == 0 ? 0 : Math.Round((double)Visited / Households, 3);
}

public sealed record VisitorCoverage(long PersonId, string Name, long Visits, long Households);

/// <summary>A 包联 assignment under the area with this month's visits against its quota.</summary>
public sealed record AssigneeProgress
{
    public long PersonId { get; init; }
    public string Name { get; init; } = "";
    public string Role { get; init; } = "";
    public string AreaName { get; init; } = "";
    public int MonthlyQuota { get; init; }
    public long VisitsThisMonth { get; init; }
}

public sealed record Coverage(
    DateOnly CycleStart,
    DateOnly CycleEnd,
    long Households,
    long Visited,
    double Rate,
    IReadOnlyList<GridCoverage> Grids,
    IReadOnlyList<VisitorCoverage> Visitors,
    IReadOnlyList<AssigneeProgress> Assignees
);

public static class HouseholdErrors
{
    public static readonly ErrorCode BuildingNotFound = new(
        "households.building_not_found",
        ErrorKind.NotFound,
        "楼栋不存在"
    );
    public static readonly ErrorCode NotAllowed = new(
        "households.not_allowed",
        ErrorKind.Forbidden,
        "住户信息只对本网格的网格员及以上工作人员开放"
    );
    public static readonly ErrorCode Invalid = new(
        "households.invalid",
        ErrorKind.Validation,
        "请填写房号（不超过20字）、户主姓名（不超过30字）、人数（1–30），关注类别只能是 difficulty、illness、"
            + "unemployed、elderly_alone、correction",
        "room"
    );
    public static readonly ErrorCode RoomTaken = new(
        "households.room_taken",
        ErrorKind.Conflict,
        "这个房号已登记"
    );
    public static readonly ErrorCode NotFound = new("households.not_found", ErrorKind.NotFound, "住户不存在");
    public static readonly ErrorCode InvalidVisit = new(
        "households.invalid_visit",
        ErrorKind.Validation,
        "请写明走访发现（不超过1000字），需求不超过100字，走访时间不晚于现在、不早于7天前",
        "found"
    );
    public static readonly ErrorCode OrderNotFound = new(
        "households.order_not_found",
        ErrorKind.Validation,
        "工单不存在或不在本社区",
        "orderCode"
    );
    public static readonly ErrorCode PhotoNotFound = new(
        "households.photo_not_found",
        ErrorKind.NotFound,
        "照片不存在"
    );
    public static readonly ErrorCode AreaNotFound = new("households.area_not_found", ErrorKind.NotFound, "地区不存在");
    public static readonly ErrorCode InvalidAssignment = new(
        "households.invalid_assignment",
        ErrorKind.Validation,
        "包联须指定人员、社区以下的地区、角色（cadre 干部或 volunteer 志愿者）、每月走访任务（0–200户）和起止日期",
        "personId"
    );

    public static readonly ErrorCode[] Register = [BuildingNotFound, NotAllowed, Invalid, RoomTaken];
    public static readonly ErrorCode[] Read = [BuildingNotFound, NotAllowed];
    public static readonly ErrorCode[] LogVisit = [NotFound, NotAllowed, InvalidVisit, OrderNotFound];
    public static readonly ErrorCode[] Coverage = [AreaNotFound, NotAllowed];
    public static readonly ErrorCode[] Assign = [AreaNotFound, NotAllowed, InvalidAssignment];
}
