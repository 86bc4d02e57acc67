using Governance.Core.Data;

namespace Governance.Api.Infrastructure;

/// <summary>The deployable's verbs: serve (default), migrate, seed (demo data).</summary>
public static class CommandLine
{
    public const string Serve = "serve",
        Migrate = "migrate",
        Seed = "seed",
        Intake = "intake";

    public static (string Command, string[] HostArgs) Split(string[] args) =>
        args.Length > 0 && args[0] is Serve or Migrate or Seed or Intake ? (args[0], args[1..]) : (Serve, args);

    public static async Task<int> RunAsync(string command, WebApplication app, string[] commandArgs)
    {
        // Ctrl+C (or SIGTERM) cancels what the command is doing.
        var ct = app.Lifetime.ApplicationStopping;
        if (command == Intake)
        {
            // The database is optional here: with one, "analyze" matches compound names and "export" reads the
            // examples.
            var configured = !string.IsNullOrWhiteSpace(app.Configuration["Database:ConnectionString"]);
            return await Governance.Api.Intake.IntakeCommand.RunAsync(
                commandArgs,
                Console.Out,
                async () =>
                    configured
                        ? await app.Services.GetRequiredService<Governance.Core.Intake.IntakeService>().PlacesAsync(ct)
                        : null,
                async () =>
                    configured
                        ? await app
                            .Services.GetRequiredService<Governance.Core.Intake.IntakeExampleStore>()
                            .ListAsync(ct)
                        : throw new InvalidDataException(
                            "export needs Database:ConnectionString (./run.sh sets it for the demo database)."
                        )
            );
        }
        var runner = app.Services.GetRequiredService<MigrationRunner>();
        var log = app.Services.GetRequiredService<ILogger<MigrationRunner>>();
        try
        {
            await app.Services.GetRequiredService<Db>().SelfCheckAsync(ct);
            var applied =
                command == Migrate
                    ? await runner.ApplyAsync(SqlScript.Migrations(), ct)
                    : await runner.ApplyAsync(SqlScript.DemoSeed(), ct);
            log.LogInformation(
                "{Command}: {Count} file(s) applied{List}",
                command,
                applied.Count,
                applied.Count == 0 ? " (already up to date)" : ": " + string.Join(", ", applied)
            );
            return 0;
        }
        catch (MigrationException ex)
        {
            log.LogError("{Command} refused: {Reason}", command, ex.Message);
            return 1;
        }
    }
}
