using Governance.Api.Auth;
using Governance.Api.Infrastructure;
using Governance.Core.Orders;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Governance.Api.Pool;

public static class PoolEndpoints
{
    public static void MapPool(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/pool", ListAsync).WithTags("Claim pool").RequireAuthorization().WithName("ListClaimable")
            .WithSummary("Published orders the caller may claim: in communities where the member is approved (or, with unitId, that the unit serves). " +
                         "Filters: categoryId, skills=true (only categories that fit my skills), latitude+longitude (sorted by distance) with radiusKm, dueBefore; paging")
            .WithDescription("Errors: pool.not_registered, pool.unit_not_approved (403); unit.not_found (404); pool.invalid_point, pool.invalid_radius, pool.point_required, paging.invalid (400).");

    private static async Task<Results<Ok<PageOf<PoolItem>>, ProblemHttpResult>> ListAsync(Me me, OrderService orders, long? unitId, long? categoryId, bool? skills,
        double? latitude, double? longitude, double? radiusKm, DateTimeOffset? dueBefore, int? page, int? pageSize, CancellationToken ct)
    {
        var result = await orders.PoolAsync(me.Caller, unitId, categoryId, skills ?? false, latitude, longitude, radiusKm, dueBefore?.UtcDateTime, page, pageSize, ct);
        return result.IsOk ? TypedResults.Ok(result.Value!) : result.Error!.ToProblem();
    }
}
