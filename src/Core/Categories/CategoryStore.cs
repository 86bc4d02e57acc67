using Dapper;
using Governance.Core.Data;

namespace Governance.Core.Categories;

public static class Urgency
{
    public const string Normal = "normal", Urgent = "urgent";
}

public static class ResolveUnit
{
    public const string Hours = "hours", WorkingDays = "working_days";
}

public sealed record Category(
    long Id, string Code, string Name, long? ParentId,
    int AckHours, int ResolveValue, string ResolveUnit,
    int UrgentAckHours, int UrgentResolveHours,
    string DefaultUrgency, int ClaimWindowHours, bool MemberClaimable,
    string Skills, string? Questions, bool Active, int SortOrder)
{
    public IReadOnlyList<string> SkillList => Skills.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

public sealed class CategoryStore(Db db)
{
    private const string Columns = """
        id, code, name, parent_id AS ParentId, ack_hours AS AckHours, resolve_value AS ResolveValue,
        resolve_unit AS ResolveUnit, urgent_ack_hours AS UrgentAckHours, urgent_resolve_hours AS UrgentResolveHours,
        default_urgency AS DefaultUrgency, claim_window_hours AS ClaimWindowHours, member_claimable AS MemberClaimable,
        skills, questions, active, sort_order AS SortOrder
        """;

    private static readonly string ListSql = $"SELECT {Columns} FROM category WHERE active = 1 ORDER BY sort_order, id";
    public async Task<IReadOnlyList<Category>> ListActiveAsync(CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<Category>(new CommandDefinition(ListSql, cancellationToken: ct))).AsList();
    }

    private static readonly string GetSql = $"SELECT {Columns} FROM category WHERE id = @id";
    public async Task<Category?> GetAsync(long id, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<Category>(new CommandDefinition(GetSql, new { id }, cancellationToken: ct));
    }
}
