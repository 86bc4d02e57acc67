using Governance.Core.Data;

namespace Governance.Api.Infrastructure;

public static class DatabaseScopes
{
    /// <summary>
    /// Each request's store calls share one connection while they run one after another (see Db.Scope): one pool
    /// checkout, and so one connection reset, per request instead of one per store call.
    /// </summary>
    public static WebApplication UseDatabaseScope(this WebApplication app)
    {
        var db = app.Services.GetRequiredService<Db>();
        app.Use(
            async (http, next) =>
            {
                await using var scope = db.Scope();
                await next(http);
            }
        );
        return app;
    }
}

/// <summary>
/// Refuses to serve when the database is unreachable, an applied migration file has changed, or a migration has not
/// been applied yet.
/// </summary>
public sealed class StartupChecks(Db db, MigrationRunner migrations, ILogger<StartupChecks> log) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        var version = await db.SelfCheckAsync(ct);
        var status = await migrations.VerifyAsync(SqlScript.Migrations(), ct);
        if (status.Pending.Count > 0)
            throw new MigrationException(
                $"Migrations not applied yet: {string.Join(", ", status.Pending)}. Run `Governance.Api migrate` "
                    + $"(./run.sh does)."
            );
        log.LogInformation("Database {Version} ready; {Count} migrations applied", version, status.Applied.Count);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
