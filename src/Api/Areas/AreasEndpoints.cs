using Governance.Api.Auth;
using Governance.Api.Infrastructure;
using Governance.Core.Areas;
using Governance.Core.Errors;
using Governance.Core.Orders;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Governance.Api.Areas;

public static class AreasEndpoints
{
    public sealed record AreaNode(
        long Id,
        long? ParentId,
        string Kind,
        string KindName,
        string Name,
        int ChildCount,
        decimal? Latitude,
        decimal? Longitude
    );

    public sealed record NewAreaRequest(string? Name, decimal? Latitude, decimal? Longitude, string? Boundary);

    public sealed record ChangeAreaRequest(string? Name, string? Boundary);

    public sealed record MoveAreaRequest(long ParentId);

    public sealed record AreaDetail(AreaNode Area, IReadOnlyList<AreaNode> Lineage, IReadOnlyList<AreaNode> Children);

    public static void MapAreas(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/areas").WithTags("Areas").AllowAnonymous();
        group
            .MapGet("/", ChildrenAsync)
            .WithName("ListAreas")
            .WithSummary(
                "Browse the area tree (public, as the report form shows it before sign-in): streets, or the children "
                    + "of "
                    + "parentId (street → community → compound → grid → building)"
            )
            .ProducesErrors([CommonErrors.AreaNotFound]);
        group
            .MapGet("/{id:long}", GetAsync)
            .WithName("GetArea")
            .WithSummary("One area with its ancestors and children")
            .ProducesErrors([CommonErrors.AreaNotFound]);
        app.MapPost(
                "/api/areas/{id:long}/children",
                async (Me me, long id, NewAreaRequest b, AreaAdmin admin, CancellationToken ct) =>
                    (await admin.AddAsync(me.Caller, id, b.Name, b.Latitude, b.Longitude, b.Boundary, ct)).ToOk()
            )
            .RequireAuthorization()
            .WithTags("Areas")
            .WithName("AddArea")
            .WithSummary(
                "Staff: add an area under this one (the next level down); secretaries keep compounds, grids and "
                    + "buildings, street and county admins everything in their area"
            )
            .ProducesErrors(AreaAdminErrors.Add);
        app.MapPatch(
                "/api/areas/{id:long}",
                async (Me me, long id, ChangeAreaRequest b, AreaAdmin admin, CancellationToken ct) =>
                    (await admin.ChangeAsync(me.Caller, id, b.Name, b.Boundary, ct)).ToOk()
            )
            .RequireAuthorization()
            .WithTags("Areas")
            .WithName("ChangeArea")
            .WithSummary("Staff: rename an area, or set its boundary (GeoJSON Polygon/MultiPolygon; \"\" clears it)")
            .ProducesErrors(AreaAdminErrors.Change);
        app.MapPost(
                "/api/areas/{id:long}/move",
                async (Me me, long id, MoveAreaRequest b, AreaAdmin admin, CancellationToken ct) =>
                    (await admin.MoveAsync(me.Caller, id, b.ParentId, ct)).ToOk()
            )
            .RequireAuthorization()
            .WithTags("Areas")
            .WithName("MoveArea")
            .WithSummary(
                "Staff: move an area and everything below it under another parent of the same level (社区调整); its "
                    + "orders go with it to the new parent's staff; answers how many areas and orders moved"
            )
            .ProducesErrors(AreaAdminErrors.Move);
        app.MapGet("/api/areas/{id:long}/map", async (Me me, long id, int? days, OrderMap map, CancellationToken ct) =>
                (await map.MapAsync(me.Caller, id, days, ct)).ToOk()
            )
            .RequireAuthorization()
            .WithTags("Areas")
            .WithName("AreaMap")
            .WithSummary(
                "Staff: the area's outlines (GeoJSON, two levels down) and its located orders — open ones and those "
                    + "reported in the last days (days, default 30) — for the console's map"
            )
            .ProducesErrors([CommonErrors.FieldInvalid, OrderErrors.AreaNotFound, OrderErrors.AreaOutOfScope]);
    }

    private static async Task<Results<Ok<IReadOnlyList<AreaNode>>, ApiProblem>> ChildrenAsync(
        AreaStore store,
        long? parentId,
        CancellationToken ct
    )
    {
        if (parentId is { } id && await store.GetAsync(id, ct) is null)
            return CommonErrors.AreaNotFound.ToProblem();
        var children = await store.ChildrenAsync(parentId, ct);
        return TypedResults.Ok(await NodesAsync(store, children, ct));
    }

    private static async Task<Results<Ok<AreaDetail>, ApiProblem>> GetAsync(
        AreaStore store,
        long id,
        CancellationToken ct
    )
    {
        var area = await store.GetAsync(id, ct);
        if (area is null)
            return CommonErrors.AreaNotFound.ToProblem();
        var lineage = await store.LineageAsync(area, ct);
        var children = await store.ChildrenAsync(id, ct);
        var nodes = await NodesAsync(store, [.. lineage, .. children], ct);
        return TypedResults.Ok(
            new AreaDetail(
                nodes[lineage.Count - 1],
                nodes.Take(lineage.Count).ToList(),
                nodes.Skip(lineage.Count).ToList()
            )
        );
    }

    private static async Task<IReadOnlyList<AreaNode>> NodesAsync(
        AreaStore store,
        IReadOnlyList<Area> areas,
        CancellationToken ct
    )
    {
        var counts = await store.ChildCountsAsync(areas.Select(a => a.Id), ct);
        return areas
            .Select(a => new AreaNode(
                a.Id,
                a.ParentId,
                a.Kind,
                AreaKind.ChineseName(a.Kind),
                a.Name,
                counts.GetValueOrDefault(a.Id),
                a.Latitude,
                a.Longitude
            ))
            .ToList();
    }
}
