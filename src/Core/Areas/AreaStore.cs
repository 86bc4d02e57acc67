using Dapper;
using Governance.Core.Data;

namespace Governance.Core.Areas;

public static class AreaKind
{
    public const string Street = "street", Community = "community", Compound = "compound", Grid = "grid", Building = "building";
    public static readonly string[] All = [Street, Community, Compound, Grid, Building];

    public static string ChineseName(string kind) => kind switch
    {
        Street => "街道", Community => "社区", Compound => "小区", Grid => "网格", Building => "楼栋", _ => kind,
    };
}

public sealed record Area(long Id, long? ParentId, string Kind, string Name, string Path, int Depth, decimal? Latitude, decimal? Longitude)
{
    /// <summary>Ids on the path from the root down to this area, this one included.</summary>
    public IReadOnlyList<long> PathIds => Path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(long.Parse).ToList();
    public bool Contains(Area other) => other.Path.StartsWith(Path, StringComparison.Ordinal);
}

public sealed class AreaStore(Db db)
{
    private const string Columns = "id, parent_id AS ParentId, kind, name, path, depth, latitude, longitude";

    private static readonly string GetSql = $"SELECT {Columns} FROM area WHERE id = @id";
    public async Task<Area?> GetAsync(long id, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<Area>(new CommandDefinition(GetSql, new { id }, cancellationToken: ct));
    }

    private static readonly string ManySql = $"SELECT {Columns} FROM area WHERE id IN @ids";
    public async Task<IReadOnlyList<Area>> GetManyAsync(IEnumerable<long> ids, CancellationToken ct = default)
    {
        var list = ids.Distinct().ToArray();
        if (list.Length == 0) return [];
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<Area>(new CommandDefinition(ManySql, new { ids = list }, cancellationToken: ct))).AsList();
    }

    private static readonly string ChildrenSql = $"SELECT {Columns} FROM area WHERE parent_id = @parentId ORDER BY sort_order, id";
    private static readonly string RootsSql = $"SELECT {Columns} FROM area WHERE parent_id IS NULL ORDER BY sort_order, id";
    public async Task<IReadOnlyList<Area>> ChildrenAsync(long? parentId, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var sql = parentId is null ? RootsSql : ChildrenSql;
        return (await c.QueryAsync<Area>(new CommandDefinition(sql, new { parentId }, cancellationToken: ct))).AsList();
    }

    private static readonly string ChildCountsSql = "SELECT parent_id AS ParentId, COUNT(*) AS Count FROM area WHERE parent_id IN @ids GROUP BY parent_id";
    public async Task<IReadOnlyDictionary<long, int>> ChildCountsAsync(IEnumerable<long> ids, CancellationToken ct = default)
    {
        var list = ids.ToArray();
        if (list.Length == 0) return new Dictionary<long, int>();
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<(long ParentId, int Count)>(new CommandDefinition(ChildCountsSql, new { ids = list }, cancellationToken: ct));
        return rows.ToDictionary(r => r.ParentId, r => r.Count);
    }

    /// <summary>"莲花街道 / 城东社区 / 金龙小区 / 金龙小区第一网格 / 3栋" for the area and its ancestors.</summary>
    public async Task<IReadOnlyList<Area>> LineageAsync(Area area, CancellationToken ct = default)
    {
        var byId = (await GetManyAsync(area.PathIds, ct)).ToDictionary(a => a.Id);
        return area.PathIds.Where(byId.ContainsKey).Select(id => byId[id]).ToList();
    }
}
