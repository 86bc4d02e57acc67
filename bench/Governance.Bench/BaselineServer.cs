using Governance.Core.Messaging;

namespace Governance.Bench;

/// <summary>
/// The gateway's yardstick, run as its own process (`Governance.Bench baseline --urls …`): the same framework and
/// driver answering a minimal endpoint that does one INSERT per request — the gateway's own first statement, the
/// inbound record — on the same database. It lives in the bench so that the product does not ship it.
/// </summary>
public static class BaselineServer
{
    public static async Task<int> RunAsync(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Logging.ClearProviders();
        var connectionString = builder.Configuration["Database:ConnectionString"]
            ?? throw new InvalidOperationException("Database:ConnectionString is required.");
        builder.Services.AddSingleton(new Governance.Core.Data.Db(connectionString));
        builder.Services.AddSingleton<InboundMessageStore>();
        builder.Services.AddSingleton(TimeProvider.System);
        var app = builder.Build();
        app.MapPost("/insert", async (InboundMessageStore inbound, TimeProvider clock, CancellationToken ct) =>
        {
            await inbound.TryClaimAsync(
                "bench:" + Guid.NewGuid().ToString("N"),
                "bench",
                "text",
                null,
                clock.GetUtcNow().UtcDateTime,
                ct: ct
            );
            return Results.Text("success");
        });
        app.MapGet("/healthz", () => Results.Text("ok"));
        await app.RunAsync();
        return 0;
    }
}
