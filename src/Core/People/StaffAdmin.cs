using Dapper;
using Governance.Core.Areas;
using Governance.Core.Data;
using Governance.Core.Errors;
using Governance.Core.Text;
using static Governance.Core.Errors.ErrorKind;

namespace Governance.Core.People;

public static class StaffAdminErrors
{
    public static readonly ErrorCode NotAllowed = new(
        "staff.not_allowed",
        Forbidden,
        "只能任免自己负责范围内、比自己低一级的工作人员"
    );
    public static readonly ErrorCode RoleInvalid = new(
        "staff.role_invalid",
        Validation,
        "角色与区域不符：网格员对应网格，社区书记对应社区，街道管理员对应街道",
        "role"
    );
    public static readonly ErrorCode PhoneInvalid = new("staff.phone_invalid", Validation, "请填写11位手机号", "phone");
    public static readonly ErrorCode NameRequired = new(
        "staff.name_required",
        Validation,
        "新人员请填写姓名（不超过20字）",
        "name"
    );
    public static readonly ErrorCode AlreadyHolds = new("staff.already_holds", Conflict, "此人已担任该区域的这个角色");
    public static readonly ErrorCode RoleNotFound = new("staff.not_found", NotFound, "没有这条任职");

    public static readonly ErrorCode[] List = [CommonErrors.AreaNotFound, NotAllowed];
    public static readonly ErrorCode[] Grant =
    [
        CommonErrors.AreaNotFound,
        NotAllowed,
        RoleInvalid,
        PhoneInvalid,
        NameRequired,
        AlreadyHolds,
    ];
    public static readonly ErrorCode[] Revoke = [RoleNotFound, NotAllowed];
}

public sealed record StaffMember
{
    public long Id { get; init; }
    public long PersonId { get; init; }
    public string Name { get; init; } = "";
    public string? Phone { get; init; }
    public string Role { get; init; } = "";
    public long AreaId { get; init; }
    public string AreaName { get; init; } = "";
    public string? Username { get; init; }
}

/// <summary>
/// Staff and their roles: who holds which role where, within the caller's area. A role goes with its level — grid
/// worker of a grid, secretary of a community, admin of a street or the county — and is granted one level down: a
/// secretary appoints grid workers, a street admin secretaries and grid workers, a county admin street admins too. The
/// person is found by phone or created; roles are read on every request, so a grant or a revocation counts at once.
/// </summary>
public sealed class StaffAdmin(Db db, AreaStore areas, PersonStore people, TimeProvider clock)
{
    private static readonly Dictionary<string, string> RoleForKind = new()
    {
        [AreaKind.Grid] = StaffRole.GridWorker,
        [AreaKind.Community] = StaffRole.Secretary,
        [AreaKind.Street] = StaffRole.StreetAdmin,
        [AreaKind.County] = StaffRole.CountyAdmin,
    };

    private static int Rank(string role) =>
        role switch
        {
            StaffRole.GridWorker => 1,
            StaffRole.Secretary => 2,
            StaffRole.StreetAdmin => 3,
            StaffRole.CountyAdmin => 4,
            _ => 0,
        };

    /// <summary>The caller may appoint <paramref name="role"/> at <paramref name="area"/>: above it, higher.</summary>
    private static bool MayAppoint(Caller caller, Area area, string role) =>
        caller.Staff.Any(s =>
            area.Path.StartsWith(s.AreaPath, StringComparison.Ordinal)
            && (Rank(s.Role) > Rank(role) || s.Role == StaffRole.CountyAdmin)
        );

    private const string ListSql = """
        SELECT s.id AS Id, s.person_id AS PersonId, p.name AS Name, p.phone AS Phone, s.role AS Role,
               s.area_id AS AreaId, a.name AS AreaName, sa.username AS Username
          FROM staff_role s JOIN person p ON p.id = s.person_id JOIN area a ON a.id = s.area_id
          LEFT JOIN staff_account sa ON sa.person_id = s.person_id
         WHERE a.path LIKE @path ORDER BY a.path, s.role, s.id LIMIT 500
        """;

    public async Task<Result<IReadOnlyList<StaffMember>>> ListAsync(Caller caller, long areaId, CancellationToken ct)
    {
        if (await areas.GetAsync(areaId, ct) is not { } area)
            return CommonErrors.AreaNotFound;
        if (!caller.IsStaffOver(area))
            return StaffAdminErrors.NotAllowed;
        await using var c = await db.OpenAsync(ct);
        return Result<IReadOnlyList<StaffMember>>.From(
            (
                await c.QueryAsync<StaffMember>(
                    new CommandDefinition(ListSql, new { path = area.Path + "%" }, cancellationToken: ct)
                )
            ).AsList()
        );
    }

    /// <summary>Grants the role that goes with the area to the person with this phone (created if new).</summary>
    public async Task<Result<StaffMember>> GrantAsync(
        Caller caller,
        long areaId,
        string? phone,
        string? name,
        CancellationToken ct
    )
    {
        if (await areas.GetAsync(areaId, ct) is not { } area)
            return CommonErrors.AreaNotFound;
        if (!RoleForKind.TryGetValue(area.Kind, out var role))
            return StaffAdminErrors.RoleInvalid;
        if (!MayAppoint(caller, area, role))
            return StaffAdminErrors.NotAllowed;
        phone = Phones.Mobile(phone);
        if (phone is null)
            return StaffAdminErrors.PhoneInvalid;
        name = name?.Trim();
        var known = (await people.ByPhoneAsync(phone, ct)).FirstOrDefault();
        if (known is null && !Phones.IsNameForNewPerson(name))
            return StaffAdminErrors.NameRequired;
        var now = clock.GetUtcNow().UtcDateTime;
        var personId = known?.PersonId ?? await people.CreateResidentAsync(name!, phone, null, now, ct);
        await using var c = await db.OpenAsync(ct);
        try
        {
            var id = await c.ExecuteScalarAsync<long>(
                new CommandDefinition(
                    """
                    INSERT INTO staff_role (person_id, role, area_id, created_at)
                    VALUES (@personId, @role, @areaId, @now);
                    SELECT LAST_INSERT_ID();
                    """,
                    new
                    {
                        personId,
                        role,
                        areaId,
                        now,
                    },
                    cancellationToken: ct
                )
            );
            return new StaffMember
            {
                Id = id,
                PersonId = personId,
                Name = known?.Name ?? name!,
                Phone = phone,
                Role = role,
                AreaId = area.Id,
                AreaName = area.Name,
            };
        }
        catch (Exception ex) when (MySqlDriver.IsDuplicateKey(ex))
        {
            return StaffAdminErrors.AlreadyHolds;
        }
    }

    public async Task<Result<bool>> RevokeAsync(Caller caller, long staffRoleId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var row = await c.QuerySingleOrDefaultAsync<(long AreaId, string Role)?>(
            new CommandDefinition(
                "SELECT area_id, role FROM staff_role WHERE id = @staffRoleId",
                new { staffRoleId },
                cancellationToken: ct
            )
        );
        if (row is not { } r)
            return StaffAdminErrors.RoleNotFound;
        if (await areas.GetAsync(r.AreaId, ct) is not { } area || !MayAppoint(caller, area, r.Role))
            return StaffAdminErrors.NotAllowed;
        await c.ExecuteAsync(
            new CommandDefinition(
                "DELETE FROM staff_role WHERE id = @staffRoleId",
                new { staffRoleId },
                cancellationToken: ct
            )
        );
        return true;
    }
}
