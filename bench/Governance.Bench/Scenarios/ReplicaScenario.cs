using System.Diagnostics;
using Dapper;
using Governance.Bench.Generator;
using Governance.Core.Areas;
using Governance.Core.Assessment;
using Governance.Core.Categories;
using Governance.Core.Data;
using Governance.Core.People;
using Governance.Core.Statistics;
using Governance.Core.Time;

namespace Governance.Bench.Scenarios;

/// <summary>
/// The county at the scale on a primary with a real replica (bench/replica.sh starts both, with binlog
/// replication on loopback): the full rebuild of three years of statistics on the primary and how long the replica
/// takes to have it; the county's rankings, dashboard and whole-year assessment read from the replica; then the same
/// reads while the primary takes the gateway's load, against reads from the primary under the same load, with the
/// replication lag sampled throughout.
/// </summary>
public static class ReplicaScenario
{
    private const long County = ScaleData.CountyId;

    public static async Task RunAsync(BenchContext context, bool quick)
    {
        var replicaString = Environment.GetEnvironmentVariable("GOVERNANCE_BENCH_REPLICA_CONNECTION_STRING")
            ?? throw new InvalidOperationException("run bench/replica.sh, which starts the replica and sets it");
        var replica = new Db(replicaString);
        var onReplica = context.Service<StatisticsReader>();
        if (!context.Service<ReadDb>().IsReplica)
            throw new InvalidOperationException("the bench's services do not read from the replica");
        var onPrimary = new StatisticsReader(
            new ReadDb(context.Db, false),
            context.Service<AreaStore>(),
            context.Service<CategoryStore>(),
            TimeProvider.System
        );
        var caller = new Caller(
            ScaleData.StaffBase + 300000,
            "县委组织部",
            false,
            false,
            [new StaffScope(StaffRole.CountyAdmin, County, $"/{County}/")],
            []
        );
        await using var c = await context.Db.OpenAsync();
        var (first, last, orders, communities, grids, units) = await c.QuerySingleAsync<(
            DateTime,
            DateTime,
            long,
            long,
            long,
            long
        )>(
            $"""
            SELECT MIN(created_at), MAX(created_at), COUNT(*),
                   (SELECT COUNT(*) FROM area WHERE kind = 'community' AND path LIKE '/{County}/%'),
                   (SELECT COUNT(*) FROM area WHERE kind = 'grid' AND path LIKE '/{County}/%'),
                   (SELECT COUNT(*) FROM unit WHERE id >= {ScaleData.UnitBase})
              FROM service_order WHERE id >= {ScaleData.OrderBase}
            """
        );
        var from = ChinaTime.Today(first);
        var to = ChinaTime.Today(last).AddDays(-1);
        var table = new Table(
            $"A county on a primary and a replica: {orders:N0} orders from {from:yyyy-MM-dd} to {to:yyyy-MM-dd}, "
                + $"{communities} communities, {grids} grids, {units} units",
            "what",
            "rows",
            "median",
            "p95",
            "target"
        );
        Console.WriteLine($"  replica caught up with the dataset in {await CatchUpAsync(context.Db, replica):F1} s");

        var rebuildFrom = quick ? to.AddDays(-89) : from;
        var watch = Stopwatch.StartNew();
        var days = await context.Service<DailyStatistics>().RebuildAsync(rebuildFrom, to, default);
        var rebuilt = watch.Elapsed;
        var caughtUp = await CatchUpAsync(context.Db, replica);
        table.Add(
            $"full rebuild of {days} days on the primary",
            await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM stat_daily"),
            rebuilt,
            "",
            "< 5 min"
        );
        table.Add("… and the replica has all of it after", "", TimeSpan.FromSeconds(caughtUp), "", "");

        var year = (From: to.AddDays(-364), To: to);
        var reads = new (string What, string Target, Func<StatisticsReader, Task<int>> Read)[]
        {
            ("ranking of the 108 communities by satisfaction, a year against the year before", "< 100 ms", async r =>
                (
                    await r.RankAsync(
                        caller,
                        County,
                        "community",
                        "satisfaction",
                        year.From,
                        year.To,
                        null,
                        null,
                        default
                    )
                )
                    .Value!
                    .Entries
                    .Count
            ),
            ("ranking of the grids by resolution, a month against the month before", "< 100 ms", async r =>
                (await r.RankAsync(caller, County, "grid", "resolution", to.AddDays(-29), to, null, null, default))
                    .Value!
                    .Entries
                    .Count
            ),
            ("ranking of the units by service hours, a year", "< 100 ms", async r =>
                (await r.RankAsync(caller, County, "unit", "hours", year.From, year.To, null, null, default))
                    .Value!
                    .Entries
                    .Count
            ),
            (
                "the county's dashboard: live counts, a year's figures against the year before, series, streets",
                "< 100 ms",
                async r => (await r.DashboardAsync(caller, County, year.From, year.To, default)).Value!.Children.Count
            ),
        };
        foreach (var (what, target, read) in reads)
        {
            var (rows, times) = await TimeAsync(read, onReplica, quick ? 5 : 10);
            table.Add($"replica, idle primary: {what}", rows, $"{times.P50:F1} ms", $"{times.P95:F1} ms", target);
        }

        watch.Restart();
        var assessment = await AssessAsync(context, caller, to.Year);
        table.Add(
            $"the whole year's assessment of the county's communities (5 computed indicators), read from the replica",
            assessment,
            watch.Elapsed,
            "",
            "< 30 s"
        );

        // Under the gateway's load: the same reads from the replica, then from the primary; the lag sampled.
        var texts = await GatewayScenario.ConfidentReportsAsync(context);
        await using var api = await ApiNode.StartAsync(context, 5191, "api");
        var next = 0;
        foreach (var (label, reader) in new[] { ("replica", onReplica), ("primary", onPrimary) })
        {
            using var stop = new CancellationTokenSource();
            var results = new List<GatewayScenario.LevelResult>();
            var load = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested && next + 1000 <= BenchContext.Dataset.Residents)
                {
                    results.Add(
                        await GatewayScenario.LoadAsync(
                            context,
                            [api.BaseAddress],
                            texts,
                            new(32, 1000),
                            next,
                            [api.Pid]
                        )
                    );
                    next += 1000;
                }
            });
            await Task.Delay(TimeSpan.FromSeconds(5));
            var lags = new List<double>();
            foreach (var (what, target, read) in reads)
            {
                var (rows, times) = await TimeAsync(read, reader, quick ? 5 : 10);
                table.Add(
                    $"{label}, primary under load: {what}",
                    rows,
                    $"{times.P50:F1} ms",
                    $"{times.P95:F1} ms",
                    target
                );
                lags.Add(await CatchUpAsync(context.Db, replica) * 1000);
            }
            stop.Cancel();
            await load;
            lags.Sort();
            table.Notes.Add(
                $"{label} reads: the gateway took {results.Sum(r => r.Requests):N0} messages at "
                    + $"{results.Average(r => r.Rate):F0} msg/s (p99 {results.Max(r => r.P99):F0} ms) meanwhile; "
                    + $"replication lag sampled {lags.Count} times: median {Stats.Percentile(lags, 50):F0} ms, "
                    + $"max {lags[^1]:F0} ms"
            );
        }
        table.Notes.Add(
            "Reproduce: bench/replica.sh (starts the primary with binlog and the replica on ports 3310 and 3311, "
                + "generates the county once, then runs this scenario). The load generator, the API, both servers "
                + "and the readers share the machine's two cores."
        );
        await context.WriteAsync(table);
    }

    private static async Task<(int Rows, (double P50, double P95) Times)> TimeAsync(
        Func<StatisticsReader, Task<int>> read,
        StatisticsReader reader,
        int runs
    )
    {
        var times = new List<double>();
        var rows = 0;
        for (var k = 0; k < runs; k++)
        {
            var t = Stopwatch.StartNew();
            rows = await read(reader);
            times.Add(t.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return (rows, (Stats.Percentile(times, 50), Stats.Percentile(times, 95)));
    }

    /// <summary>Seconds until the replica has applied everything the primary has written so far.</summary>
    private static async Task<double> CatchUpAsync(Db primary, Db replica)
    {
        await using var p = await primary.OpenAsync();
        var position = await p.ExecuteScalarAsync<string>("SELECT @@gtid_binlog_pos");
        await using var r = await replica.OpenAsync();
        var watch = Stopwatch.StartNew();
        var reached = await r.ExecuteScalarAsync<int>(
            "SELECT MASTER_GTID_WAIT(@position, 1800)",
            new { position },
            commandTimeout: 1900
        );
        if (reached != 0)
            throw new InvalidOperationException($"the replica did not reach {position} in 30 minutes");
        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// A year's scheme for the county's communities on five computed indicators, computed; the subjects.
    /// </summary>
    private static async Task<int> AssessAsync(BenchContext context, Caller caller, int year)
    {
        await using (var c = await context.Db.OpenAsync())
            await c.ExecuteAsync(
                """
                DELETE r FROM assessment_result r JOIN assessment_scheme s ON s.id = r.scheme_id WHERE s.area_id =
                  @County;
                DELETE i FROM assessment_indicator i JOIN assessment_scheme s ON s.id = i.scheme_id
                 WHERE s.area_id = @County;
                DELETE FROM assessment_scheme WHERE area_id = @County;
                """,
                new { County }
            );
        var assessments = context.Service<Assessments>();
        var scheme = await assessments.CreateAsync(
            caller,
            County,
            year,
            "community",
            $"{year}年度社区考核",
            null,
            null,
            null,
            null,
            null,
            [
                new("满意率", "computed", "satisfactionRate", 30, 95),
                new("响应率", "computed", "responseRate", 20, 95),
                new("解决率", "computed", "resolutionRate", 20, 90),
                new("服务时长", "computed", "serviceHours", 15, 500),
                new("认领销号", "computed", "claimsDone", 15, 10),
            ],
            default
        );
        var computed = await assessments.ComputeAsync(caller, scheme.Value!.Id, false, default);
        return computed.Value!.Results.Count;
    }
}
