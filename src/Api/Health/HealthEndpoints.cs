using Governance.Api.Infrastructure;
using Governance.Core.Data;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Governance.Api.Health;

public static class HealthEndpoints
{
    public sealed record HealthView(string Status, string Database);

    public static readonly Core.Errors.ErrorCode Unavailable = new(
        "health.database_unavailable",
        Core.Errors.ErrorKind.Unavailable,
        "数据库不可用"
    );

    public static void MapHealth(this IEndpointRouteBuilder app) =>
        app.MapGet("/healthz", CheckAsync)
            .WithName("Health")
            .WithTags("Health")
            .AllowAnonymous()
            .WithSummary("Liveness and database reachability")
            .ProducesErrors([Unavailable]);

    private static async Task<Results<Ok<HealthView>, ApiProblem>> CheckAsync(
        Db db,
        ILogger<HealthView> log,
        CancellationToken ct
    )
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            var version = await db.SelfCheckAsync(timeout.Token);
            return TypedResults.Ok(new HealthView("ok", version));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            log.LogWarning(ex, "Health check: database unreachable");
            return Unavailable.ToProblem();
        }
    }
}
