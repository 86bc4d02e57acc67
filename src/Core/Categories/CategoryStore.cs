using Dapper;
using Governance.Core.Data;

namespace Governance.Core.Categories;

public static class Urgency
{
    public const string Normal = "normal",
        Urgent = "urgent";
}

public static class ResolveUnit
{
    public const string Hours = "hours",
        WorkingDays = "working_days";
}

public sealed record Category(
    long Id,
    string Code,
    string Name,
    long? ParentId,
    int AckHours,
    int ResolveValue,
    string ResolveUnit,
    int UrgentAckHours,
    int UrgentResolveHours,
    string DefaultUrgency,
    int ClaimWindowHours,
    bool MemberClaimable,
    string Skills,
    string? Questions,
    bool Active,
    int SortOrder,
    string Hazards = ""
)
{
    /// <summary>The hazards whose emergencies are filed under this category (gas, fire, ...).</summary>
    public IReadOnlyList<string> HazardList =>
        Hazards.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public IReadOnlyList<string> SkillList =>
        Skills.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The category's extra questions (问题出现多久了？影响几户？) in order, as key and text.</summary>
    public IReadOnlyList<(string Key, string Text)> QuestionList =>
        Questions is null
            ? []
            : System
                .Text.Json.JsonDocument.Parse(Questions)
                .RootElement.EnumerateArray()
                .Where(q => q.TryGetProperty("key", out _) && q.TryGetProperty("text", out _))
                .Select(q => (q.GetProperty("key").GetString()!, q.GetProperty("text").GetString()!))
                .ToList();

    /// <summary>The keys of the category's extra questions (the form's answers are keyed by them).</summary>
    public IReadOnlySet<string> QuestionKeys =>
        Questions is null
            ? new HashSet<string>()
            : System
                .Text.Json.JsonDocument.Parse(Questions)
                .RootElement.EnumerateArray()
                .Select(q => q.TryGetProperty("key", out var k) ? k.GetString() : null)
                .OfType<string>()
                .ToHashSet();
}

/// <summary>
/// Categories are reference data read on nearly every request: they are kept in memory and read again at most once a
/// minute (a changed SLA takes effect within a minute on every node).
/// </summary>
public sealed class CategoryStore(Db db, TimeProvider clock)
{
    private static readonly TimeSpan Fresh = TimeSpan.FromMinutes(1);
    private (IReadOnlyList<Category> All, long At)? _cache;

    private const string Columns = """
        id, code, name, parent_id AS ParentId, ack_hours AS AckHours, resolve_value AS ResolveValue,
        resolve_unit AS ResolveUnit, urgent_ack_hours AS UrgentAckHours, urgent_resolve_hours AS UrgentResolveHours,
        default_urgency AS DefaultUrgency, claim_window_hours AS ClaimWindowHours, member_claimable AS MemberClaimable,
        skills, questions, active, sort_order AS SortOrder, hazards
        """;

    private static readonly string AllSql = $"SELECT {Columns} FROM category ORDER BY sort_order, id";

    private async Task<IReadOnlyList<Category>> AllAsync(CancellationToken ct)
    {
        if (_cache is { } c && clock.GetElapsedTime(c.At) < Fresh)
            return c.All;
        await using var connection = await db.OpenAsync(ct);
        var all = (
            await connection.QueryAsync<Category>(new CommandDefinition(AllSql, cancellationToken: ct))
        ).AsList();
        _cache = (all, clock.GetTimestamp());
        return all;
    }

    public Task<IReadOnlyList<Category>> ListAllAsync(CancellationToken ct = default) => AllAsync(ct);

    /// <summary>After a change: this node reads the categories again at once (the others within a minute).</summary>
    public void Forget() => _cache = null;

    public async Task<IReadOnlyList<Category>> ListActiveAsync(CancellationToken ct = default) =>
        (await AllAsync(ct)).Where(c => c.Active).ToList();

    public async Task<Category?> GetAsync(long id, CancellationToken ct = default) =>
        (await AllAsync(ct)).FirstOrDefault(c => c.Id == id);
}
