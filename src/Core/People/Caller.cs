using Governance.Core.Areas;

namespace Governance.Core.People;

public static class StaffRole
{
    public const string GridWorker = "grid_worker", Secretary = "secretary", StreetAdmin = "street_admin";
}

public sealed record StaffScope(string Role, long AreaId, string AreaPath);

/// <summary>
/// Who is asking, with every scope they hold. Every query and action takes one: a resident sees their
/// own orders, staff see their area subtrees.
/// </summary>
public sealed record Caller(long PersonId, string Name, bool IsResident, bool IsMember, IReadOnlyList<StaffScope> Staff, IReadOnlyList<long> UnitAdminOf)
{
    public bool IsStaff => Staff.Count > 0;

    public bool IsStaffOver(string areaPath) =>
        Staff.Any(s => areaPath.StartsWith(s.AreaPath, StringComparison.Ordinal));

    public bool IsStaffOver(Area area) => IsStaffOver(area.Path);

    /// <summary>The role label written on timeline events.</summary>
    public string RoleFor(string areaPath) =>
        Staff.Where(s => areaPath.StartsWith(s.AreaPath, StringComparison.Ordinal))
             .OrderByDescending(s => s.AreaPath.Length).Select(s => s.Role).FirstOrDefault()
        ?? (IsResident ? "resident" : IsMember ? "member" : "person");
}
