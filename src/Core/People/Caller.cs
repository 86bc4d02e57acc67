using Governance.Core.Areas;

namespace Governance.Core.People;

public static class StaffRole
{
    public const string GridWorker = "grid_worker",
        Secretary = "secretary",
        StreetAdmin = "street_admin",
        CountyAdmin = "county_admin";

    /// <summary>Roles above the community: they see across communities and take escalations that reach them.</summary>
    public static bool IsAboveCommunity(string role) => role is StreetAdmin or CountyAdmin;
}

public sealed record StaffScope(string Role, long AreaId, string AreaPath);

/// <summary>A community where the member's 双报到 registration is approved.</summary>
public sealed record CommunityScope(long CommunityId, string Path);

/// <summary>
/// A unit the caller administers, with the communities it serves (where it stands, and approved pairings).
/// </summary>
public sealed record UnitScope(long UnitId, string Name, string Status, IReadOnlyList<string> CommunityPaths);

/// <summary>
/// Who is asking, with every scope they hold. Every query and action takes one: a resident sees their
/// own orders, staff see their area subtrees.
/// </summary>
public sealed record Caller(
    long PersonId,
    string Name,
    bool IsResident,
    bool IsMember,
    IReadOnlyList<StaffScope> Staff,
    IReadOnlyList<long> UnitAdminOf
)
{
    public IReadOnlyList<CommunityScope> MemberCommunities { get; init; } = [];
    public IReadOnlyList<UnitScope> Units { get; init; } = [];
    public long? MemberUnitId { get; init; }
    public IReadOnlyList<string> Skills { get; init; } = [];

    /// <summary>The building a resident registered as home, if any.</summary>
    public long? HomeBuildingId { get; init; }

    public bool IsStaff => Staff.Count > 0;

    /// <summary>Community staff who decide registrations: secretaries and street admins above the community.</summary>
    public bool CanApproveIn(string communityPath) =>
        Staff.Any(s =>
            s.Role is StaffRole.Secretary or StaffRole.StreetAdmin or StaffRole.CountyAdmin
            && communityPath.StartsWith(s.AreaPath, StringComparison.Ordinal)
        );

    public bool IsApprovedMemberFor(string areaPath) =>
        MemberCommunities.Any(c => areaPath.StartsWith(c.Path, StringComparison.Ordinal));

    public UnitScope? UnitServing(long unitId, string areaPath) =>
        Units.FirstOrDefault(u =>
            u.UnitId == unitId
            && u.Status == "approved"
            && u.CommunityPaths.Any(p => areaPath.StartsWith(p, StringComparison.Ordinal))
        );

    public bool IsStaffOver(string areaPath) =>
        Staff.Any(s => areaPath.StartsWith(s.AreaPath, StringComparison.Ordinal));

    public bool IsStaffOver(Area area) => IsStaffOver(area.Path);

    /// <summary>The role label written on timeline events.</summary>
    public string RoleFor(string areaPath) =>
        Staff
            .Where(s => areaPath.StartsWith(s.AreaPath, StringComparison.Ordinal))
            .OrderByDescending(s => s.AreaPath.Length)
            .Select(s => s.Role)
            .FirstOrDefault()
        ?? (
            IsMember ? "member"
            : IsResident ? "resident"
            : "person"
        );
}
