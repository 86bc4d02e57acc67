using Governance.Core.Data;

namespace Governance.Api.Infrastructure;

/// <summary>
/// The deployable's verbs: serve (default), migrate, seed (demo data), intake, statistics (compute the days not yet
/// computed; "statistics rebuild [from] [to]" recomputes a range, by default from the first thing counted to
/// yesterday), staff-password (set a person's console username and password; the password is read from standard input).
/// </summary>
public static class CommandLine
{
    public const string Serve = "serve",
        Migrate = "migrate",
        Seed = "seed",
        Intake = "intake",
        Statistics = "statistics",
        StaffLogin = "staff-password"; // a verb: the password itself is read from standard input

    public static (string Command, string[] HostArgs) Split(string[] args) =>
        args.Length > 0 && args[0] is Serve or Migrate or Seed or Intake or Statistics or StaffLogin
            ? (args[0], args[1..])
            : (Serve, args);

    /// <summary>A verb's own arguments: those before the host's options (--contentRoot, --urls …).</summary>
    private static string[] Positional(string[] args) =>
        args.TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();

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
        if (command == Statistics)
            return await StatisticsAsync(app, commandArgs, ct);
        if (command == StaffLogin)
            return await StaffLoginAsync(app, commandArgs, ct);
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

    private static async Task<int> StatisticsAsync(WebApplication app, string[] args, CancellationToken ct)
    {
        args = Positional(args);
        var stats = app.Services.GetRequiredService<Governance.Core.Statistics.DailyStatistics>();
        var log = app.Services.GetRequiredService<ILogger<Governance.Core.Statistics.DailyStatistics>>();
        var started = System.Diagnostics.Stopwatch.StartNew();
        if (args.Length > 0 && args[0] == "rebuild")
        {
            var clock = app.Services.GetRequiredService<TimeProvider>();
            var yesterday = Governance.Core.Time.ChinaTime.Today(clock.GetUtcNow().UtcDateTime).AddDays(-1);
            var culture = System.Globalization.CultureInfo.InvariantCulture;
            DateOnly? from = null;
            var to = yesterday;
            if (
                args.Length > 1 && !DateOnly.TryParseExact(args[1], "yyyy-MM-dd", culture, default, out var f)
                || args.Length > 2 && !DateOnly.TryParseExact(args[2], "yyyy-MM-dd", culture, default, out to)
            )
            {
                log.LogError("Usage: statistics rebuild [from yyyy-MM-dd] [to yyyy-MM-dd]");
                return 2;
            }
            if (args.Length > 1)
                from = DateOnly.ParseExact(args[1], "yyyy-MM-dd", culture);
            from ??= await stats.FirstDayAsync(ct) ?? yesterday;
            var days = await stats.RebuildAsync(from.Value, to, ct);
            log.LogInformation("statistics: {Days} days rebuilt in {Seconds:F1} s", days, started.Elapsed.TotalSeconds);
            return 0;
        }
        var computed = await stats.CatchUpAsync(ct);
        log.LogInformation(
            "statistics: {Days} days computed in {Seconds:F1} s",
            computed,
            started.Elapsed.TotalSeconds
        );
        return 0;
    }

    /// <summary>
    /// "staff-password &lt;username&gt; &lt;personId&gt;", the password on standard input (never an argument).
    /// </summary>
    private static async Task<int> StaffLoginAsync(WebApplication app, string[] args, CancellationToken ct)
    {
        var log = app.Services.GetRequiredService<ILogger<StaffConsole.ConsoleSignIn>>();
        args = Positional(args);
        if (args.Length != 2 || !long.TryParse(args[1], out var personId))
        {
            log.LogError("Usage: staff-password <username> <personId>   (the password is read from standard input)");
            return 2;
        }
        var password = (await Console.In.ReadLineAsync(ct))?.Trim() ?? "";
        var people = app.Services.GetRequiredService<Governance.Core.People.PersonStore>();
        if (await people.LoadCallerAsync(personId, ct) is not { } caller || !StaffConsole.ConsoleAuth.MayUse(caller))
        {
            log.LogError("Person {Person} is not staff or a unit admin: no console account", personId);
            return 1;
        }
        var set = await app
            .Services.GetRequiredService<StaffConsole.ConsoleSignIn>()
            .SetPasswordAsync(personId, args[0], password, ct);
        if (!set.IsOk)
        {
            log.LogError("{Message}", set.Error!.Message);
            return 1;
        }
        log.LogInformation("Console account {Username} set for {Name} ({Person})", args[0], caller.Name, personId);
        return 0;
    }
}
