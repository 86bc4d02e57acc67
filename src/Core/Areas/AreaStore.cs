using Dapper;
using Governance.Core.Data;

namespace Governance.Core.Areas;

public static class AreaKind
{
    public const string County = "county",
        Street = "street",
        Community = "community",
        Compound = "compound",
        Grid = "grid",
        Building = "building";
    public static readonly string[] All = [County, Street, Community, Compound, Grid, Building];

    public static string ChineseName(string kind) =>
        kind switch
        {
            County => "区县",
            Street => "街道",
            Community => "社区",
            Compound => "小区",
            Grid => "网格",
            Building => "楼栋",
            _ => kind,
        };
}

public sealed record Area(
    long Id,
    long? ParentId,
    string Kind,
    string Name,
    string Path,
    int Depth,
    decimal? Latitude,
    decimal? Longitude
)
{
    /// <summary>Ids on the path from the root down to this area, this one included.</summary>
    public IReadOnlyList<long> PathIds =>
        Path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(long.Parse).ToList();

    public bool Contains(Area other) => other.Path.StartsWith(Path, StringComparison.Ordinal);
}

/// <summary>
/// The area tree. Single areas are read through a small in-memory cache (an area is kept for a minute): every report,
/// order view and scope check looks areas up, and the tree changes only when a community is reorganised.
/// </summary>
public sealed class AreaStore(Db db, TimeProvider clock)
{
    private static readonly TimeSpan Fresh = TimeSpan.FromMinutes(1);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, (Area Area, long At)> _cache = new();

    private const string Columns = "id, parent_id AS ParentId, kind, name, path, depth, latitude, longitude";

    /// <summary>Drops a changed area from this node's cache (other nodes see the change within a minute).</summary>
    public void Forget(long id) => _cache.TryRemove(id, out _);

    public async Task<Area?> GetAsync(long id, CancellationToken ct = default) =>
        (await GetManyAsync([id], ct)).FirstOrDefault();

    private static readonly string ManySql = $"SELECT {Columns} FROM area WHERE id IN @ids";

    public async Task<IReadOnlyList<Area>> GetManyAsync(IEnumerable<long> ids, CancellationToken ct = default)
    {
        var found = new List<Area>();
        var missing = new List<long>();
        foreach (var id in ids.Distinct())
        {
            if (_cache.TryGetValue(id, out var hit) && clock.GetElapsedTime(hit.At) < Fresh)
                found.Add(hit.Area);
            else
                missing.Add(id);
        }
        if (missing.Count == 0)
            return found;
        var now = clock.GetTimestamp();
        foreach (var area in await LoadManyAsync(missing, ct))
        {
            _cache[area.Id] = (area, now);
            found.Add(area);
        }
        return found;
    }

    private async Task<IReadOnlyList<Area>> LoadManyAsync(IReadOnlyList<long> list, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (
            await c.QueryAsync<Area>(new CommandDefinition(ManySql, new { ids = list }, cancellationToken: ct))
        ).AsList();
    }

    private static readonly string ChildrenSql =
        $"SELECT {Columns} FROM area WHERE parent_id = @parentId ORDER BY sort_order, id";
    private static readonly string RootsSql =
        $"SELECT {Columns} FROM area WHERE parent_id IS NULL ORDER BY sort_order, id";

    public async Task<IReadOnlyList<Area>> ChildrenAsync(long? parentId, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var sql = parentId is null ? RootsSql : ChildrenSql;
        return (await c.QueryAsync<Area>(new CommandDefinition(sql, new { parentId }, cancellationToken: ct))).AsList();
    }

    private static readonly string ChildCountsSql =
        "SELECT parent_id AS ParentId, COUNT(*) AS Count FROM area WHERE parent_id IN @ids GROUP BY parent_id";

    public async Task<IReadOnlyDictionary<long, int>> ChildCountsAsync(
        IEnumerable<long> ids,
        CancellationToken ct = default
    )
    {
        var list = ids.ToArray();
        if (list.Length == 0)
            return new Dictionary<long, int>();
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<(long ParentId, int Count)>(
            new CommandDefinition(ChildCountsSql, new { ids = list }, cancellationToken: ct)
        );
        return rows.ToDictionary(r => r.ParentId, r => r.Count);
    }

    /// <summary>"莲花街道 / 城东社区 / 金龙小区 / 金龙小区第一网格 / 3栋" for the area and its ancestors.</summary>
    public async Task<IReadOnlyList<Area>> LineageAsync(Area area, CancellationToken ct = default)
    {
        var byId = (await GetManyAsync(area.PathIds, ct)).ToDictionary(a => a.Id);
        return area.PathIds.Where(byId.ContainsKey).Select(id => byId[id]).ToList();
    }
}

public static class AreaPaths
{
    /// <summary>
    /// "/1/11/111/" → "/1/", "/1/11/", "/1/11/111/": every ancestor's path and the place's own, root first.
    /// </summary>
    public static IReadOnlyList<string> AncestorsAndSelf(string path)
    {
        var result = new List<string>();
        for (var i = path.IndexOf('/', 1); i > 0; i = path.IndexOf('/', i + 1))
            result.Add(path[..(i + 1)]);
        return result;
    }

    /// <summary>"/100/1/11/" → 11: the id of the place a path ends at.</summary>
    public static long LastId(string path) => long.Parse(path.TrimEnd('/')[(path.TrimEnd('/').LastIndexOf('/') + 1)..]);
}
