using Dapper;
using Governance.Core.Areas;
using Governance.Core.Data;
using Governance.Core.Errors;
using Governance.Core.People;

namespace Governance.Core.Orders;

/// <summary>An area's outline on the map: a GeoJSON polygon as stored with the area.</summary>
public sealed record MapShape(long Id, string Name, string Kind, string Boundary);

/// <summary>One order on the map.</summary>
public sealed record MapPoint(
    string Code,
    decimal Latitude,
    decimal Longitude,
    string Status,
    long CategoryId,
    string Urgency,
    bool Overdue
);

public sealed record OrderMapView(
    long AreaId,
    string AreaName,
    int Days,
    IReadOnlyList<MapShape> Shapes,
    IReadOnlyList<MapPoint> Orders
);

/// <summary>
/// The map of a staff member's area: the outlines of the areas in it (two levels down, from the boundaries kept with
/// the area tree) and its orders with a location, open ones and those reported in the last days, for points and a heat
/// layer by state and category. Read from the reading database (a replica when one is configured). No map tiles: the
/// outlines are the map.
/// </summary>
public sealed class OrderMap(ReadDb read, AreaStore areas, TimeProvider clock)
{
    public const int MaxPoints = 5000;

    private const string ShapesSql = """
        SELECT id AS Id, name AS Name, kind AS Kind, boundary AS Boundary FROM area
         WHERE path LIKE @path AND boundary IS NOT NULL AND depth <= @depth ORDER BY depth, id LIMIT 2000
        """;

    // Open orders whatever their age, and the rest reported in the window; newest first, at most MaxPoints. Two
    // ranges over located orders only (open by status and area, recent by area and time; sql/0035) rather than one
    // OR, so each uses its index.
    private const string PointsSql = """
        SELECT o.code AS Code, o.latitude AS Latitude, o.longitude AS Longitude, o.status AS Status,
               o.category_id AS CategoryId, o.urgency AS Urgency, o.resolve_due_at AS ResolveDueAt
          FROM ((SELECT id, created_at FROM service_order
                  WHERE located = 1 AND status IN @open AND area_path LIKE @path
                  ORDER BY created_at DESC LIMIT @limit)
                UNION
                (SELECT id, created_at FROM service_order
                  WHERE located = 1 AND area_path LIKE @path AND created_at >= @since
                  ORDER BY created_at DESC LIMIT @limit)) k
          JOIN service_order o ON o.id = k.id
         ORDER BY k.created_at DESC LIMIT @limit
        """;

    private sealed record Row
    {
        public string Code { get; init; } = "";
        public decimal Latitude { get; init; }
        public decimal Longitude { get; init; }
        public string Status { get; init; } = "";
        public long CategoryId { get; init; }
        public string Urgency { get; init; } = "";
        public DateTime ResolveDueAt { get; init; }
    }

    public async Task<Result<OrderMapView>> MapAsync(Caller caller, long areaId, int? days, CancellationToken ct)
    {
        var window = days ?? 30;
        if (window is < 1 or > 366)
            return CommonErrors.FieldInvalid.With("days 应在 1 到 366 之间");
        if (await areas.GetAsync(areaId, ct) is not { } area)
            return OrderErrors.AreaNotFound;
        if (!caller.IsStaffOver(area))
            return OrderErrors.AreaOutOfScope;
        var now = clock.GetUtcNow().UtcDateTime;
        await using var c = await read.Db.OpenAsync(ct);
        var shapes = (
            await c.QueryAsync<MapShape>(
                new CommandDefinition(
                    ShapesSql,
                    new { path = area.Path + "%", depth = area.Depth + 2 },
                    cancellationToken: ct
                )
            )
        ).AsList();
        var rows = await c.QueryAsync<Row>(
            new CommandDefinition(
                PointsSql,
                new
                {
                    path = area.Path + "%",
                    since = now.AddDays(-window),
                    limit = MaxPoints,
                    open = OrderStatus.Open,
                },
                cancellationToken: ct
            )
        );
        var points = rows.Select(r => new MapPoint(
                r.Code,
                r.Latitude,
                r.Longitude,
                r.Status,
                r.CategoryId,
                r.Urgency,
                OrderStatus.Open.Contains(r.Status) && r.ResolveDueAt.Utc() < now
            ))
            .ToList();
        return new OrderMapView(area.Id, area.Name, window, shapes, points);
    }
}
