using Governance.Core.Areas;
using Governance.Core.Calendar;
using Governance.Core.Categories;
using Governance.Core.Data;
using Governance.Core.Orders;
using Governance.Core.People;
using Microsoft.Extensions.Options;

namespace Governance.Api.Infrastructure;

public static class CoreServices
{
    public static WebApplicationBuilder AddGovernanceCore(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section)
            .Validate(o => !string.IsNullOrWhiteSpace(o.ConnectionString), "Database:ConnectionString is required (./run.sh sets it).");
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section);

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            return new Db(options.ConnectionString);
        });
        services.AddSingleton(sp => new PhotoStorage(sp.GetRequiredService<IOptions<StorageOptions>>().Value));
        services.AddSingleton<MigrationRunner>();
        services.AddSingleton<AreaStore>();
        services.AddSingleton<PersonStore>();
        services.AddSingleton<CategoryStore>();
        services.AddSingleton<WorkCalendarStore>();
        services.AddSingleton<WorkCalendarCache>();
        services.AddSingleton<OrderStore>();
        services.AddSingleton<OrderService>();
        services.AddSingleton<Governance.Core.Notifications.NotificationStore>();
        services.AddSingleton<Governance.Core.Auth.RefreshTokenStore>();
        services.AddSingleton<Governance.Core.Registrations.RegistrationStore>();
        services.AddSingleton<Governance.Core.Registrations.RegistrationService>();
        services.AddSingleton<Governance.Core.Members.MemberStatsStore>();
        services.AddSingleton<Governance.Core.Generator.ScaleData>();
        services.AddHostedService<StartupChecks>();
        return builder;
    }
}

public static class DatabaseScopes
{
    /// <summary>
    /// Each request's store calls share one connection while they run one after another (see Db.Scope).
    /// </summary>
    public static WebApplication UseDatabaseScope(this WebApplication app)
    {
        var db = app.Services.GetRequiredService<Db>();
        app.Use(async (http, next) =>
        {
            await using var scope = db.Scope();
            await next(http);
        });
        return app;
    }
}

/// <summary>
/// Refuses to serve when the database is unreachable, an applied
/// migration file has changed, or a migration has not been applied yet.
/// </summary>
public sealed class StartupChecks(Db db, MigrationRunner migrations, IOptions<Governance.Api.Auth.AuthOptions> auth,
    Governance.Wechat.WechatOptions wechat, ILogger<StartupChecks> log) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        // A live deployment without a token signing key must not start (it would fail at the first sign-in).
        Governance.Api.Auth.AuthenticationSetup.SigningKey(auth.Value, wechat);
        var version = await db.SelfCheckAsync(ct);
        var status = await migrations.VerifyAsync(SqlScript.Migrations(), ct);
        if (status.Pending.Count > 0)
            throw new MigrationException($"Migrations not applied yet: {string.Join(", ", status.Pending)}. Run `Governance.Api migrate` (./run.sh does).");
        log.LogInformation("Database {Version} ready; {Count} migrations applied", version, status.Applied.Count);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
