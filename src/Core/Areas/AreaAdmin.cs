using System.Text.Json;
using Dapper;
using Governance.Core.Data;
using Governance.Core.Errors;
using Governance.Core.People;
using Governance.Core.Text;
using static Governance.Core.Errors.ErrorKind;

namespace Governance.Core.Areas;

public static class AreaAdminErrors
{
    public static readonly ErrorCode NotAllowed = new(
        "areas.not_allowed",
        Forbidden,
        "只能维护自己负责范围内的区域；社区和街道由街道、县级管理员维护"
    );
    public static readonly ErrorCode NameInvalid = new(
        "areas.name_invalid",
        Validation,
        "区域名称不能为空，且不超过50字",
        "name"
    );
    public static readonly ErrorCode NoChildKind = new("areas.no_child_kind", Validation, "楼栋下面不能再分区域");
    public static readonly ErrorCode BoundaryInvalid = new(
        "areas.boundary_invalid",
        Validation,
        "边界应为 GeoJSON 的 Polygon 或 MultiPolygon，坐标为[经度,纬度]，不超过 5000 个点",
        "boundary"
    );

    public static readonly ErrorCode MoveInvalid = new(
        "areas.move_invalid",
        Validation,
        "只能移到同一级别的另一个上级区域下（如网格移到另一个小区），县不能移动",
        "parentId"
    );

    public static readonly ErrorCode[] Add = [CommonErrors.AreaNotFound, NotAllowed, NameInvalid, NoChildKind];
    public static readonly ErrorCode[] Move = [CommonErrors.AreaNotFound, NotAllowed, MoveInvalid];
    public static readonly ErrorCode[] Change = [CommonErrors.AreaNotFound, NotAllowed, NameInvalid, BoundaryInvalid];
}

/// <summary>
/// The area tree's administration: add an area under another (its kind is the next level: street → community →
/// compound → grid → building), rename one, draw or clear its boundary (GeoJSON, which the map and point-to-grid
/// routing read), move one under another parent of the same level. Secretaries keep what is inside their community
/// (compounds, grids, buildings); communities and streets are kept by street and county admins.
/// </summary>
public sealed class AreaAdmin(Db db, AreaStore areas, TimeProvider clock)
{
    private static readonly Dictionary<string, string> ChildKind = new()
    {
        [AreaKind.County] = AreaKind.Street,
        [AreaKind.Street] = AreaKind.Community,
        [AreaKind.Community] = AreaKind.Compound,
        [AreaKind.Compound] = AreaKind.Grid,
        [AreaKind.Grid] = AreaKind.Building,
    };

    /// <summary>Whether the caller keeps an area of this kind under this parent.</summary>
    private static bool Keeps(Caller caller, Area parent, string kind) =>
        caller.Staff.Any(s =>
            parent.Path.StartsWith(s.AreaPath, StringComparison.Ordinal)
            && (
                s.Role is StaffRole.StreetAdmin or StaffRole.CountyAdmin
                || s.Role == StaffRole.Secretary && kind is AreaKind.Compound or AreaKind.Grid or AreaKind.Building
            )
        );

    private const string InsertSql = """
        INSERT INTO area (parent_id, kind, name, path, depth, latitude, longitude, boundary, created_at)
        VALUES (@parentId, @kind, @name, @tmp, @depth, @latitude, @longitude, @boundary, @now);
        SET @new_area = LAST_INSERT_ID();
        UPDATE area SET path = CONCAT(@parentPath, @new_area, '/') WHERE id = @new_area;
        SELECT @new_area;
        """;

    public async Task<Result<Area>> AddAsync(
        Caller caller,
        long parentId,
        string? name,
        decimal? latitude,
        decimal? longitude,
        string? boundary,
        CancellationToken ct
    )
    {
        if (await areas.GetAsync(parentId, ct) is not { } parent)
            return CommonErrors.AreaNotFound;
        if (!ChildKind.TryGetValue(parent.Kind, out var kind))
            return AreaAdminErrors.NoChildKind;
        if (!Keeps(caller, parent, kind))
            return AreaAdminErrors.NotAllowed;
        name = name?.Trim();
        if (string.IsNullOrEmpty(name) || Chars.Count(name) > 50)
            return AreaAdminErrors.NameInvalid;
        if (boundary is not null && !ValidBoundary(boundary))
            return AreaAdminErrors.BoundaryInvalid;
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var id = await c.ExecuteScalarAsync<long>(
            new CommandDefinition(
                InsertSql,
                new
                {
                    parentId,
                    kind,
                    name,
                    tmp = "tmp-" + Guid.NewGuid().ToString("N"),
                    depth = parent.Depth + 1,
                    latitude,
                    longitude,
                    boundary,
                    parentPath = parent.Path,
                    now = clock.GetUtcNow().UtcDateTime,
                },
                tx,
                cancellationToken: ct
            )
        );
        await tx.CommitAsync(ct);
        return (await areas.GetAsync(id, ct))!;
    }

    /// <summary>Renames an area and/or sets its boundary (an empty boundary clears it).</summary>
    public async Task<Result<Area>> ChangeAsync(
        Caller caller,
        long id,
        string? name,
        string? boundary,
        CancellationToken ct
    )
    {
        if (await areas.GetAsync(id, ct) is not { } area)
            return CommonErrors.AreaNotFound;
        var parent = area.ParentId is { } p ? await areas.GetAsync(p, ct) : null;
        if (parent is null || !Keeps(caller, parent, area.Kind))
            return AreaAdminErrors.NotAllowed;
        name = name?.Trim();
        if (name is not null && (name.Length == 0 || Chars.Count(name) > 50))
            return AreaAdminErrors.NameInvalid;
        if (boundary is { Length: > 0 } && !ValidBoundary(boundary))
            return AreaAdminErrors.BoundaryInvalid;
        await using (var c = await db.OpenAsync(ct))
            await c.ExecuteAsync(
                new CommandDefinition(
                    """
                    UPDATE area SET name = COALESCE(@name, name),
                      boundary = CASE WHEN @boundary IS NULL THEN boundary WHEN @boundary = '' THEN NULL
                                      ELSE @boundary END
                     WHERE id = @id
                    """,
                    new
                    {
                        id,
                        name,
                        boundary,
                    },
                    cancellationToken: ct
                )
            );
        areas.Forget(id);
        return (await areas.GetAsync(id, ct))!;
    }

    /// <summary>What a move changed: the area as it is now, and how many areas and orders moved with it.</summary>
    public sealed record Moved(Area Area, int Areas, int Orders);

    /// <summary>
    /// Moves an area, with everything below it, under another parent of the same level (a grid to another compound, a
    /// compound to another community), as a 社区调整 does. The materialised paths change in one transaction: the
    /// subtree's, and the copies orders, deliveries and broadcasts keep for scoping, so from the commit on the new
    /// parent's staff see and answer for them. Staff keep their roles (held by area id). Statistics already counted
    /// stay where they were counted (history); days counted from now on go to the new parent (the statistics rebuild
    /// command recounts the past if the county wants it). Other nodes' area caches catch up within a minute.
    /// </summary>
    public async Task<Result<Moved>> MoveAsync(Caller caller, long id, long newParentId, CancellationToken ct)
    {
        if (await areas.GetAsync(id, ct) is not { } area || await areas.GetAsync(newParentId, ct) is not { } target)
            return CommonErrors.AreaNotFound;
        var parent = area.ParentId is { } p ? await areas.GetAsync(p, ct) : null;
        if (parent is null || !ChildKind.TryGetValue(target.Kind, out var kind) || kind != area.Kind)
            return AreaAdminErrors.MoveInvalid;
        if (!Keeps(caller, parent, area.Kind) || !Keeps(caller, target, area.Kind))
            return AreaAdminErrors.NotAllowed;
        if (target.Id == parent.Id)
            return new Moved(area, 0, 0);
        var args = new
        {
            id,
            newParentId,
            old = area.Path,
            fresh = $"{target.Path}{area.Id}/",
            cut = area.Path.Length + 1,
        };
        await using var c = await db.OpenAsync(ct);
        var subtree = (
            await c.QueryAsync<long>(
                new CommandDefinition(
                    "SELECT id FROM area WHERE path LIKE CONCAT(@old, '%')",
                    args,
                    cancellationToken: ct
                )
            )
        ).AsList();
        await using var tx = await c.BeginTransactionAsync(ct);
        Task<int> RunAsync(string sql) => c.ExecuteAsync(new CommandDefinition(sql, args, tx, cancellationToken: ct));
        await RunAsync("UPDATE area SET parent_id = @newParentId WHERE id = @id");
        var moved = await RunAsync(
            "UPDATE area SET path = CONCAT(@fresh, SUBSTRING(path, @cut)) WHERE path LIKE CONCAT(@old, '%')"
        );
        var orders = await RunAsync(
            "UPDATE service_order SET area_path = CONCAT(@fresh, SUBSTRING(area_path, @cut)) "
                + "WHERE area_path LIKE CONCAT(@old, '%')"
        );
        await RunAsync(
            "UPDATE delivery SET area_path = CONCAT(@fresh, SUBSTRING(area_path, @cut)) "
                + "WHERE area_path LIKE CONCAT(@old, '%')"
        );
        await RunAsync(
            "UPDATE broadcast SET area_path = CONCAT(@fresh, SUBSTRING(area_path, @cut)) "
                + "WHERE area_path LIKE CONCAT(@old, '%')"
        );
        await tx.CommitAsync(ct);
        foreach (var moving in subtree)
            areas.Forget(moving);
        return new Moved((await areas.GetAsync(id, ct))!, moved, orders);
    }

    /// <summary>A GeoJSON Polygon or MultiPolygon of [longitude, latitude] rings, 5000 points at most.</summary>
    public static bool ValidBoundary(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            var type = root.GetProperty("type").GetString();
            var coordinates = root.GetProperty("coordinates");
            var polygons =
                type == "Polygon" ? [coordinates]
                : type == "MultiPolygon" ? coordinates.EnumerateArray().ToList()
                : null;
            if (polygons is null || polygons.Count == 0)
                return false;
            var points = 0;
            foreach (var polygon in polygons)
                foreach (var ring in polygon.EnumerateArray())
                {
                    var count = 0;
                    foreach (var point in ring.EnumerateArray())
                    {
                        var lon = point[0].GetDouble();
                        var lat = point[1].GetDouble();
                        if (lon is < -180 or > 180 || lat is < -90 or > 90)
                            return false;
                        count++;
                    }
                    if (count < 4)
                        return false;
                    points += count;
                }
            return points <= 5000;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return false;
        }
        catch (IndexOutOfRangeException)
        {
            return false;
        }
    }
}
