using Dapper;
using Governance.Core.Data;
using Governance.Core.Errors;
using Governance.Core.People;
using Governance.Core.Text;
using static Governance.Core.Errors.ErrorKind;

namespace Governance.Core.Categories;

public static class CategoryAdminErrors
{
    public static readonly ErrorCode NotAllowed = new(
        "categories.not_allowed",
        Forbidden,
        "问题类别和办理时限全县统一，由县级管理员维护"
    );
    public static readonly ErrorCode NotFound = new("categories.not_found", ErrorKind.NotFound, "问题类别不存在");
    public static readonly ErrorCode SlaInvalid = new(
        "categories.sla_invalid",
        Validation,
        "时限须为正数：响应和紧急时限 1 到 720 小时，办结 1 到 60 个工作日或 1 到 720 小时",
        "resolveWithin"
    );
    public static readonly ErrorCode SkillsInvalid = new(
        "categories.skills_invalid",
        Validation,
        "技能最多 10 个，每个不超过 10 字",
        "skills"
    );

    public static readonly ErrorCode[] Change = [NotAllowed, NotFound, SlaInvalid, SkillsInvalid];
}

/// <summary>What a county admin may change of a category: its time limits, default urgency, who may claim it.</summary>
public sealed record CategoryChange(
    int? AcknowledgeWithinHours,
    int? ResolveWithin,
    string? ResolveUnit,
    int? UrgentAcknowledgeWithinHours,
    int? UrgentResolveWithinHours,
    string? DefaultUrgency,
    int? ClaimWindowHours,
    bool? MemberClaimable,
    IReadOnlyList<string>? Skills,
    bool? Active
);

/// <summary>
/// Categories are the county's: its admins set each one's time limits (响应, 办结, and the urgent ones), default urgency,
/// how long a claim may sit, whether members may claim it or only units (units-only), the skills it calls for, and
/// whether it is offered at all. A new limit counts for orders reported from then on; open orders keep the deadlines
/// they were given.
/// </summary>
public sealed class CategoryAdmin(Db db, CategoryStore categories)
{
    public async Task<Result<Category>> ChangeAsync(Caller caller, long id, CategoryChange c, CancellationToken ct)
    {
        if (!caller.Staff.Any(s => s.Role == StaffRole.CountyAdmin))
            return CategoryAdminErrors.NotAllowed;
        if (await categories.GetAsync(id, ct) is not { } current)
            return CategoryAdminErrors.NotFound;
        var unit = c.ResolveUnit ?? current.ResolveUnit;
        var resolve = c.ResolveWithin ?? current.ResolveValue;
        bool Hours(int? v) => v is null or (>= 1 and <= 720);
        if (
            unit is not (ResolveUnit.Hours or ResolveUnit.WorkingDays)
            || !Hours(c.AcknowledgeWithinHours)
            || !Hours(c.UrgentAcknowledgeWithinHours)
            || !Hours(c.UrgentResolveWithinHours)
            || !Hours(c.ClaimWindowHours)
            || resolve < 1
            || resolve > (unit == ResolveUnit.Hours ? 720 : 60)
            || c.DefaultUrgency is not (null or Urgency.Normal or Urgency.Urgent)
        )
            return CategoryAdminErrors.SlaInvalid;
        var skills = c.Skills?.Select(s => s.Trim()).Where(s => s.Length > 0).Distinct().ToList();
        if (skills is not null && (skills.Count > 10 || skills.Any(s => Chars.Count(s) > 10 || s.Contains(','))))
            return CategoryAdminErrors.SkillsInvalid;
        await using (var conn = await db.OpenAsync(ct))
            await conn.ExecuteAsync(
                new CommandDefinition(
                    """
                    UPDATE category SET ack_hours = COALESCE(@ack, ack_hours), resolve_value = @resolve,
                      resolve_unit = @unit, urgent_ack_hours = COALESCE(@urgentAck, urgent_ack_hours),
                      urgent_resolve_hours = COALESCE(@urgentResolve, urgent_resolve_hours),
                      default_urgency = COALESCE(@urgency, default_urgency),
                      claim_window_hours = COALESCE(@claimWindow, claim_window_hours),
                      member_claimable = COALESCE(@memberClaimable, member_claimable),
                      skills = COALESCE(@skills, skills), active = COALESCE(@active, active)
                     WHERE id = @id
                    """,
                    new
                    {
                        id,
                        ack = c.AcknowledgeWithinHours,
                        resolve,
                        unit,
                        urgentAck = c.UrgentAcknowledgeWithinHours,
                        urgentResolve = c.UrgentResolveWithinHours,
                        urgency = c.DefaultUrgency,
                        claimWindow = c.ClaimWindowHours,
                        memberClaimable = c.MemberClaimable,
                        skills = skills is null ? null : string.Join(',', skills),
                        active = c.Active,
                    },
                    cancellationToken: ct
                )
            );
        categories.Forget();
        return (await categories.GetAsync(id, ct))!;
    }
}
