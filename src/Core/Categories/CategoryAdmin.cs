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

    public static readonly ErrorCode QuestionsInvalid = new(
        "categories.questions_invalid",
        Validation,
        "补充问题最多 5 个：每个须有不重复的英文标识（小写字母开头，不超过 30 位）和不超过 50 字的问题",
        "questions"
    );
    public static readonly ErrorCode HazardsInvalid = new(
        "categories.hazards_invalid",
        Validation,
        "险情只能是紧急诉求识别的种类之一",
        "hazards"
    );

    public static readonly ErrorCode[] Change =
    [
        NotAllowed,
        NotFound,
        SlaInvalid,
        SkillsInvalid,
        QuestionsInvalid,
        HazardsInvalid,
    ];
}

/// <summary>
/// What a county admin may change of a category: its time limits, default urgency, who may claim it, its skills, its
/// extra questions, and the hazards whose emergencies are filed under it.
/// </summary>
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
    bool? Active,
    IReadOnlyList<CategoryQuestion>? Questions = null,
    IReadOnlyList<string>? Hazards = null
);

/// <summary>An extra question the report form asks for the category (the answer is kept under its key).</summary>
public sealed record CategoryQuestion(string? Key, string? Text);

/// <summary>
/// Categories are the county's: its admins set each one's time limits (响应, 办结, and the urgent ones), default urgency,
/// how long a claim may sit, whether members may claim it or only units (units-only), the skills it calls for, and
/// whether it is offered at all. A new limit counts for orders reported from then on; open orders keep the deadlines
/// they were given.
/// </summary>
public sealed partial class CategoryAdmin(Db db, CategoryStore categories)
{
    private static readonly System.Text.Json.JsonSerializerOptions QuestionJson = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    [System.Text.RegularExpressions.GeneratedRegex("^[a-z][a-z0-9_]{0,29}$")]
    private static partial System.Text.RegularExpressions.Regex QuestionKey();

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
        var questions = c.Questions?.Select(q => new { key = q.Key?.Trim() ?? "", text = q.Text?.Trim() ?? "" })
            .ToList();
        if (
            questions is not null
            && (
                questions.Count > 5
                || questions.Any(q => !QuestionKey().IsMatch(q.key) || q.text.Length == 0 || Chars.Count(q.text) > 50)
                || questions.Select(q => q.key).Distinct().Count() != questions.Count
            )
        )
            return CategoryAdminErrors.QuestionsInvalid;
        var hazards = c.Hazards?.Select(h => h.Trim()).Where(h => h.Length > 0).Distinct().ToList();
        if (hazards is not null && hazards.Any(h => !Intake.UrgencyDetector.HazardNames.Contains(h)))
            return CategoryAdminErrors.HazardsInvalid;
        await using (var conn = await db.OpenAsync(ct))
        {
            await using var tx = await conn.BeginTransactionAsync(ct);
            // A hazard is filed under one category: naming it here takes it from any other.
            if (hazards is not null)
                foreach (var other in (await categories.ListAllAsync(ct)).Where(o => o.Id != id))
                    if (other.HazardList.Intersect(hazards).Any())
                        await conn.ExecuteAsync(
                            new CommandDefinition(
                                "UPDATE category SET hazards = @left WHERE id = @otherId",
                                new { left = string.Join(',', other.HazardList.Except(hazards)), otherId = other.Id },
                                tx,
                                cancellationToken: ct
                            )
                        );
            await conn.ExecuteAsync(
                new CommandDefinition(
                    """
                    UPDATE category SET ack_hours = COALESCE(@ack, ack_hours), resolve_value = @resolve,
                      resolve_unit = @unit, urgent_ack_hours = COALESCE(@urgentAck, urgent_ack_hours),
                      urgent_resolve_hours = COALESCE(@urgentResolve, urgent_resolve_hours),
                      default_urgency = COALESCE(@urgency, default_urgency),
                      claim_window_hours = COALESCE(@claimWindow, claim_window_hours),
                      member_claimable = COALESCE(@memberClaimable, member_claimable),
                      skills = COALESCE(@skills, skills), active = COALESCE(@active, active),
                      questions = CASE WHEN @setQuestions THEN @questions ELSE questions END,
                      hazards = COALESCE(@hazards, hazards)
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
                        setQuestions = questions is not null,
                        questions = questions is null or { Count: 0 }
                            ? null
                            : System.Text.Json.JsonSerializer.Serialize(questions, QuestionJson),
                        hazards = hazards is null ? null : string.Join(',', hazards),
                    },
                    tx,
                    cancellationToken: ct
                )
            );
            await tx.CommitAsync(ct);
        }
        categories.Forget();
        return (await categories.GetAsync(id, ct))!;
    }
}
