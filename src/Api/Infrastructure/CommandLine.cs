using Governance.Core.Data;

namespace Governance.Api.Infrastructure;

/// <summary>The deployable's verbs: serve (default), migrate, seed (demo data).</summary>
public static class CommandLine
{
    public const string Serve = "serve", Migrate = "migrate", Seed = "seed", Intake = "intake", Generate = "generate";

    public static (string Command, string[] HostArgs) Split(string[] args) =>
        args.Length > 0 && args[0] is Serve or Migrate or Seed ? (args[0], args[1..])
        : args.Length > 0 && args[0] is Intake or Generate ? (args[0], args[1..])
        : (Serve, args);

    public static async Task<int> RunAsync(string command, WebApplication app, string[] commandArgs)
    {
        if (command == Intake)
        {
            // The database is optional here: with one, "analyze" matches compound names and "export" reads the examples.
            var configured = !string.IsNullOrWhiteSpace(app.Configuration["Database:ConnectionString"]);
            return await Governance.Api.Intake.IntakeCommand.RunAsync(commandArgs, Console.Out,
                async () => configured ? await app.Services.GetRequiredService<Governance.Core.Intake.IntakeService>().PlacesAsync() : null,
                async () => configured ? await app.Services.GetRequiredService<Governance.Core.Intake.IntakeExampleStore>().ListAsync()
                    : throw new InvalidDataException("export needs Database:ConnectionString (./run.sh sets it for the demo database)."));
        }
        if (command == Generate) return await GenerateAsync(app, commandArgs);
        var runner = app.Services.GetRequiredService<MigrationRunner>();
        var log = app.Services.GetRequiredService<ILogger<MigrationRunner>>();
        try
        {
            await app.Services.GetRequiredService<Db>().SelfCheckAsync();
            var applied = command == Migrate
                ? await runner.ApplyAsync(SqlScript.Migrations())
                : await runner.ApplyAsync(SqlScript.DemoSeed());
            log.LogInformation("{Command}: {Count} file(s) applied{List}", command, applied.Count,
                applied.Count == 0 ? " (already up to date)" : ": " + string.Join(", ", applied));
            return 0;
        }
        catch (MigrationException ex)
        {
            log.LogError("{Command} refused: {Reason}", command, ex.Message);
            return 1;
        }
    }

    /// <summary>
    /// generate [--streets N] [--communities-per-street N] [--compounds-per-community N] [--grids-per-compound N]
    /// [--buildings-per-grid N] [--under /path/] [--residents N] [--following-share 0..1] [--members N] [--units N]
    /// [--orders N] [--open-share 0..1] [--history-days N]: large realistic data for benchmarks (see bench/).
    /// </summary>
    private static async Task<int> GenerateAsync(WebApplication app, string[] args)
    {
        var log = app.Services.GetRequiredService<ILogger<Governance.Core.Generator.ScaleData>>();
        var options = new Governance.Core.Generator.ScaleOptions();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var v = args[i + 1];
            options = args[i] switch
            {
                "--streets" => options with { Streets = int.Parse(v) },
                "--communities-per-street" => options with { CommunitiesPerStreet = int.Parse(v) },
                "--compounds-per-community" => options with { CompoundsPerCommunity = int.Parse(v) },
                "--grids-per-compound" => options with { GridsPerCompound = int.Parse(v) },
                "--buildings-per-grid" => options with { BuildingsPerGrid = int.Parse(v) },
                "--under" => options with { UnderPath = v },
                "--residents" => options with { Residents = int.Parse(v) },
                "--following-share" => options with { FollowingShare = double.Parse(v, System.Globalization.CultureInfo.InvariantCulture) },
                "--members" => options with { Members = int.Parse(v) },
                "--units" => options with { Units = int.Parse(v) },
                "--orders" => options with { Orders = int.Parse(v) },
                "--open-share" => options with { OpenShare = double.Parse(v, System.Globalization.CultureInfo.InvariantCulture) },
                "--history-days" => options with { HistoryDays = int.Parse(v) },
                _ => throw new ArgumentException($"generate: unknown option {args[i]}"),
            };
        }
        await app.Services.GetRequiredService<Db>().SelfCheckAsync();
        var result = await app.Services.GetRequiredService<Governance.Core.Generator.ScaleData>().GenerateAsync(options);
        log.LogInformation("Generated {Areas} areas, {Residents} residents, {Members} members, {Units} units, {Orders} orders with {Events} events in {Seconds:F1} s",
            result.Areas, result.Residents, result.Members, result.Units, result.Orders, result.Events, result.Elapsed.TotalSeconds);
        return 0;
    }
}
