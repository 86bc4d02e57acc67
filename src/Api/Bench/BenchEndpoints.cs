using Governance.Core.Messaging;

namespace Governance.Api.Bench;

/// <summary>
/// The baseline the gateway benchmark compares against (bench/): the same host answering a minimal endpoint that
/// does one INSERT per request on the same database. Mapped only when Bench:Baseline is true; never in production.
/// </summary>
public static class BenchEndpoints
{
    public static void MapBenchBaseline(this IEndpointRouteBuilder app) =>
        app.MapPost("/_bench/insert", async (InboundMessageStore inbound, TimeProvider clock, CancellationToken ct) =>
        {
            await inbound.TryClaimAsync("bench:" + Guid.NewGuid().ToString("N"), "bench", "text", null, clock.GetUtcNow().UtcDateTime, ct);
            return Results.Text("success");
        }).AllowAnonymous().ExcludeFromDescription();
}
