using System.Diagnostics;
using System.Runtime.InteropServices;
using Governance.Bench.Scenarios;

namespace Governance.Bench;

/// <summary>
/// bench/run.sh [--fresh] [--quick] [scenario …] — scenarios: gateway, broadcast, digest, practices, visits, scans,
/// classifier,
/// twonodes
/// (default: all). Results are printed and written to bench/results/&lt;time&gt;.md; bench/results/latest.md is the
/// newest run.
/// </summary>
public static class BenchMain
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "baseline")
            return await BaselineServer.RunAsync(args[1..]);
        var connectionString = Environment.GetEnvironmentVariable("GOVERNANCE_BENCH_CONNECTION_STRING")
            ?? throw new InvalidOperationException(
                "GOVERNANCE_BENCH_CONNECTION_STRING is not set: run bench/run.sh, which starts MariaDB and sets it."
            );
        var root = Environment.GetEnvironmentVariable("GOVERNANCE_ROOT") ?? Directory.GetCurrentDirectory();
        var fresh = args.Contains("--fresh");
        var quick = args.Contains("--quick");
        if (args.Contains("prepare"))
        {
            // bench/replica.sh: migrate, seed and generate the dataset, nothing else.
            var started = Stopwatch.StartNew();
            await using var prepared = await BenchContext.CreateAsync(connectionString, root, fresh);
            Console.WriteLine($"Dataset ready in {started.Elapsed.TotalSeconds:F0} s");
            return 0;
        }
        string[] all =
        [
            "classifier",
            "scans",
            "indexes",
            "digest",
            "broadcast",
            "practices",
            "visits",
            "statistics",
            "replica",
            "gateway",
            "twonodes",
            "reliability",
        ];
        var chosen = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToList();
        if (chosen.Count == 0)
            chosen = [.. all.Where(a => a != "replica")]; // replica needs bench/replica.sh's two servers
        if (chosen.FirstOrDefault(c => !all.Contains(c)) is { } unknown)
        {
            Console.Error.WriteLine($"unknown scenario {unknown}; choose from {string.Join(", ", all)}");
            return 2;
        }

        var total = Stopwatch.StartNew();
        await using var context = await BenchContext.CreateAsync(connectionString, root, fresh);
        await File.WriteAllTextAsync(context.ResultsFile, Header(context, quick));
        if (context.Generation is { } g)
            await File.AppendAllTextAsync(
                context.ResultsFile,
                $"Dataset generated in this run: {g.Areas:N0} areas, {g.Orders:N0} orders, {g.Events:N0} timeline "
                    + $"events, {g.Members:N0} members, {g.Residents:N0} residents in {g.Elapsed.TotalSeconds:F1} "
                    + $"s ("
                    + string.Join(", ", g.Steps.Select(st => $"{st.Step} {st.Took.TotalSeconds:F1} s"))
                    + ").\n\n"
            );
        foreach (var scenario in all.Where(chosen.Contains))
        {
            Console.WriteLine($"== {scenario}");
            switch (scenario)
            {
                case "classifier":
                    await ClassifierScenario.RunAsync(context, quick ? 2_000 : 10_000);
                    break;
                case "indexes":
                    await IndexScenario.RunAsync(context);
                    break;
                case "scans":
                    await ScanScenario.RunAsync(context);
                    break;
                case "digest":
                    await DigestScenario.RunAsync(context);
                    break;
                case "broadcast":
                    await BroadcastScenario.RunAsync(context, quick ? 5_000 : 20_000);
                    break;
                case "gateway":
                    await GatewayScenario.RunAsync(
                        context,
                        quick
                            ? [new(16, 500), new(64, 1000)]
                            : [new(8, 1000), new(32, 2000), new(64, 2000), new(128, 2000)],
                        TimeSpan.FromSeconds(quick ? 20 : 90)
                    );
                    break;
                case "visits":
                    await VisitsScenario.RunAsync(context);
                    break;
                case "statistics":
                    await StatisticsScenario.RunAsync(context, quick);
                    break;
                case "replica":
                    await ReplicaScenario.RunAsync(context, quick);
                    break;
                case "practices":
                    await PracticesScenario.RunAsync(context);
                    break;
                case "reliability":
                    await ReliabilityScenario.RunAsync(context);
                    break;
                case "twonodes":
                    await TwoNodesScenario.RunAsync(
                        context,
                        quick ? 1000 : 2000,
                        quick ? 2000 : 20_000,
                        TimeSpan.FromSeconds(quick ? 20 : 60)
                    );
                    break;
            }
        }
        await File.AppendAllTextAsync(context.ResultsFile, $"Whole run: {total.Elapsed.TotalMinutes:F1} min.\n");
        File.Copy(
            context.ResultsFile,
            Path.Combine(Path.GetDirectoryName(context.ResultsFile)!, "latest.md"),
            overwrite: true
        );
        Console.WriteLine($"Results: {context.ResultsFile}");
        return 0;
    }

    private static string Header(BenchContext context, bool quick)
    {
        var cpu = File.ReadLines("/proc/cpuinfo")
            .FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))
            ?.Split(':', 2)[1]
            .Trim()
            ?? "unknown CPU";
        var memory = File.ReadLines("/proc/meminfo")
            .First(l => l.StartsWith("MemTotal", StringComparison.Ordinal))
            .Split(':', 2)[1]
            .Trim();
        return $"""
            # Benchmark run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC{(quick ? " (quick)" : "")}

            Machine: {Environment.ProcessorCount} cores ({cpu}),
              {memory}; {RuntimeInformation.OSDescription}; .NET {Environment.Version};
            MariaDB {context.ServerVersion} (private instance of ./run.sh). Command: `bench/run.sh{(
                quick ? " --quick" : ""
            )}`.


            """;
    }
}
