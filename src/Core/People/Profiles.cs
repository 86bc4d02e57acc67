using Governance.Core.Areas;
using Governance.Core.Errors;
using Governance.Core.Moderation;
using Governance.Core.Registrations;
using Governance.Core.Text;
using static Governance.Core.Errors.ErrorKind;

namespace Governance.Core.People;

public sealed record StaffRoleView(string Role, long AreaId);

/// <summary>A unit the caller administers and the communities it serves (where it stands, pairings).</summary>
public sealed record UnitRoleView(long UnitId, string Name, string Status, IReadOnlyList<long> Communities);

public sealed record MeView(
    long Id,
    string Name,
    string? Phone,
    IReadOnlyList<string> Roles,
    IReadOnlyList<StaffRoleView> Staff,
    IReadOnlyList<long> MemberCommunities,
    IReadOnlyList<UnitRoleView> Units,
    long? HomeBuildingId,
    IReadOnlyList<string> Skills,
    long? UnitId
);

/// <summary>What a person may change about themselves; null fields are left as they are.</summary>
public sealed record ProfileUpdate(string? Name, long? HomeBuildingId, IReadOnlyList<string>? Skills, long? UnitId);

public static class ProfileErrors
{
    public static readonly ErrorCode InvalidName = new(
        "me.invalid_name",
        Validation,
        "名字需要1到20个字，不能含特殊字符",
        "name"
    );
    public static readonly ErrorCode PlaceholderName = new(
        "me.placeholder_name",
        Validation,
        "请填写您的真实姓名",
        "name"
    );
    public static readonly ErrorCode BuildingNotFound = new(
        "me.building_not_found",
        Validation,
        "所选楼栋不存在",
        "homeBuildingId"
    );
    public static readonly ErrorCode InvalidSkills = new(
        "me.invalid_skills",
        Validation,
        "特长最多10项，每项不超过20字",
        "skills"
    );
    public static readonly ErrorCode UnitNotFound = new(
        "me.unit_not_found",
        Validation,
        "所选单位不存在或尚未通过审核",
        "unitId"
    );
    public static readonly ErrorCode NothingToChange = new("me.nothing_to_change", Validation, "请提供要修改的内容");

    public static readonly ErrorCode[] Update =
    [
        InvalidName,
        PlaceholderName,
        BuildingNotFound,
        InvalidSkills,
        UnitNotFound,
        NothingToChange,
        CommonErrors.ContentRejected,
    ];
}

/// <summary>
/// Who the caller is (roles, scopes, units, home, skills) and the profile they keep: a real name (checked as profile
/// text by WeChat's content check), the building they live in, their skills and their unit. The phone comes only from
/// WeChat's getPhoneNumber, never typed.
/// </summary>
public sealed class Profiles(
    PersonStore people,
    AreaStore areas,
    RegistrationStore units,
    ITextModeration moderation,
    TimeProvider clock
)
{
    public const int MaxNameChars = 20,
        MaxSkills = 10,
        MaxSkillChars = 20;

    public async Task<MeView> MeAsync(Caller c, CancellationToken ct)
    {
        var profile = await people.ProfileAsync(c.PersonId, ct);
        var roles = new List<string>();
        if (c.IsResident)
            roles.Add("resident");
        if (c.IsMember)
            roles.Add("member");
        if (c.UnitAdminOf.Count > 0)
            roles.Add("unit_admin");
        roles.AddRange(c.Staff.Select(s => s.Role).Distinct());
        return new MeView(
            c.PersonId,
            c.Name,
            profile?.Phone,
            roles,
            c.Staff.Select(s => new StaffRoleView(s.Role, s.AreaId)).ToList(),
            c.MemberCommunities.Select(m => m.CommunityId).ToList(),
            c.Units.Select(u => new UnitRoleView(
                    u.UnitId,
                    u.Name,
                    u.Status,
                    u.CommunityPaths.Select(AreaPaths.LastId).ToList()
                ))
                .ToList(),
            profile?.HomeBuildingId,
            c.Skills,
            c.MemberUnitId
        );
    }

    public async Task<Result<MeView>> UpdateAsync(Caller caller, ProfileUpdate update, CancellationToken ct)
    {
        if (update is { Name: null, HomeBuildingId: null, Skills: null, UnitId: null })
            return ProfileErrors.NothingToChange;
        var name = update.Name?.Trim();
        if (name is not null)
        {
            if (name.Length == 0 || Chars.Count(name) > MaxNameChars || Chars.HasControl(name))
                return ProfileErrors.InvalidName;
            if (RegistrationService.PlaceholderNames.Contains(name))
                return ProfileErrors.PlaceholderName;
        }
        if (update.HomeBuildingId is { } b && await areas.GetAsync(b, ct) is not { Kind: AreaKind.Building })
            return ProfileErrors.BuildingNotFound;
        string? skills = null;
        if (update.Skills is { } list)
        {
            var clean = list.Select(s => s?.Trim() ?? "").Where(s => s.Length > 0).Distinct().ToList();
            if (
                clean.Count > MaxSkills
                || clean.Any(s => Chars.Count(s) > MaxSkillChars || s.Contains(',') || Chars.HasControl(s))
            )
                return ProfileErrors.InvalidSkills;
            skills = string.Join(",", clean);
        }
        if (update.UnitId is { } u && await units.GetUnitAsync(u, ct) is not { Status: "approved" })
            return ProfileErrors.UnitNotFound;
        if (
            name is not null
            && (await moderation.CheckAsync(caller.PersonId, name, TextScene.Profile, ct)).Verdict
                == ModerationVerdict.Reject
        )
            return CommonErrors.ContentRejected with { Field = "name" };
        await people.UpdateProfileAsync(
            caller.PersonId,
            name,
            update.HomeBuildingId,
            skills,
            update.UnitId,
            clock.GetUtcNow().UtcDateTime,
            ct
        );
        return await MeAsync((await people.LoadCallerAsync(caller.PersonId, ct))!, ct);
    }
}
