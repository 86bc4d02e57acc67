using System.Diagnostics;
using Dapper;
using Governance.Bench.Generator;
using Governance.Core.People;
using Governance.Core.Statistics;
using Governance.Core.Time;

namespace Governance.Bench.Scenarios;

/// <summary>
/// Statistics over the bench dataset (1,000,000 orders over a year in the generated street, 20 communities, 800
/// grids, 20,000 members): one day computed (target &lt; 10 s), the full rebuild of every day (target &lt; 5 min,
/// scaled to three years from the days measured), a ranking and a dashboard for the street (target &lt; 100 ms each).
/// </summary>
public static class StatisticsScenario
{
    public static async Task RunAsync(BenchContext context, bool quick)
    {
        var stats = context.Service<DailyStatistics>();
        var reader = context.Service<StatisticsReader>();
        await using var c = await context.Db.OpenAsync();
        var (first, last, orders) = await c.QuerySingleAsync<(DateTime, DateTime, long)>(
            "SELECT MIN(created_at), MAX(created_at), COUNT(*) FROM service_order"
        );
        var from = ChinaTime.Today(first);
        var to = ChinaTime.Today(last).AddDays(-1);
        var table = new Table(
            $"Statistics: {orders:N0} orders from {from:yyyy-MM-dd} to {to:yyyy-MM-dd}",
            "what",
            "rows",
            "median",
            "p95",
            "target"
        );
        var times = new List<double>();
        var rows = 0;
        var busy = to.AddDays(-30);
        for (var k = 0; k < 5; k++)
        {
            var t = Stopwatch.StartNew();
            rows = await stats.ComputeAsync(busy.AddDays(-k), default);
            times.Add(t.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        table.Add(
            "one day computed (about 2,700 orders received that day)",
            rows,
            $"{Stats.Percentile(times, 50):F0} ms",
            $"{Stats.Percentile(times, 95):F0} ms",
            "< 10 s"
        );
        var rebuildFrom = quick ? to.AddDays(-29) : from;
        var watch = Stopwatch.StartNew();
        var days = await stats.RebuildAsync(rebuildFrom, to, default);
        var rebuilt = watch.Elapsed;
        table.Add(
            $"full rebuild, {days} days (three years at this rate: {rebuilt.TotalSeconds / days * 1095:F0} s)",
            await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM stat_daily"),
            rebuilt,
            "",
            "< 5 min for 3 years"
        );
        var street = new Caller(
            1,
            "县委组织部",
            false,
            false,
            [new StaffScope(StaffRole.StreetAdmin, ScaleData.StreetBase, $"/{ScaleData.StreetBase}/")],
            []
        );
        var yearFrom = to.AddDays(-364) < from ? from : to.AddDays(-364);
        foreach (
            var (what, work) in new (string, Func<Task<int>>)[]
            {
                ("ranking of the street's communities by satisfaction, a year against the year before", async () =>
                    (
                        await reader.RankAsync(
                            street,
                            ScaleData.StreetBase,
                            "community",
                            "satisfaction",
                            yearFrom,
                            to,
                            null,
                            null,
                            default
                        )
                    )
                        .Value!
                        .Entries
                        .Count
                ),
                ("ranking of the street's 800 grids by resolution, a month", async () =>
                    (
                        await reader.RankAsync(
                            street,
                            ScaleData.StreetBase,
                            "grid",
                            "resolution",
                            to.AddDays(-29),
                            to,
                            null,
                            null,
                            default
                        )
                    )
                        .Value!
                        .Entries
                        .Count
                ),
                ("the street's dashboard: live counts, a year's figures, series, communities", async () =>
                    (await reader.DashboardAsync(street, ScaleData.StreetBase, yearFrom, to, default))
                        .Value!
                        .Children
                        .Count
                ),
            }
        )
        {
            times.Clear();
            for (var k = 0; k < 10; k++)
            {
                var t = Stopwatch.StartNew();
                rows = await work();
                times.Add(t.Elapsed.TotalMilliseconds);
            }
            times.Sort();
            table.Add(
                what,
                rows,
                $"{Stats.Percentile(times, 50):F1} ms",
                $"{Stats.Percentile(times, 95):F1} ms",
                "< 100 ms"
            );
        }
        table.Notes.Add(
            "Reproduce: bench/run.sh statistics. The dataset is the bench's (one year, not three): the rebuild is "
                + "measured over its days and scaled to three years."
        );
        await context.WriteAsync(table);
    }
}
