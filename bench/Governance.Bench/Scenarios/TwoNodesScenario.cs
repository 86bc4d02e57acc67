using System.Diagnostics;
using Dapper;

namespace Governance.Bench.Scenarios;

/// <summary>
/// Scenario 6: two app processes (roles api and jobs) on one database. Residents' messages are spread over both
/// (as a load balancer would), while both nodes' schedulers fire every job every two seconds and both nodes'
/// dispatchers drain a broadcast. Afterwards: did any scheduled fire run twice (job_run), and did anyone get the
/// notice twice or not at all?
/// </summary>
public static class TwoNodesScenario
{
    private const string EveryTwoSeconds = "*/2 * * * * ?";

    public static async Task RunAsync(BenchContext context, int residents, int broadcastSize, TimeSpan warmUp)
    {
        var jobs = new Dictionary<string, string?>
        {
            ["Jobs:RemindersCron"] = EveryTwoSeconds,
            ["Jobs:EscalationCron"] = EveryTwoSeconds,
            ["Jobs:FollowUpCron"] = EveryTwoSeconds,
            ["Jobs:ClaimExpiryCron"] = EveryTwoSeconds,
            ["Jobs:BroadcastIntervalSeconds"] = "2",
            ["Jobs:IdleWaitSeconds"] = "1",
        };
        var texts = await GatewayScenario.ConfidentReportsAsync(context);
        var started = DateTime.UtcNow;
        var broadcast = await BroadcastScenario.ComposeAsync(context, broadcastSize);
        GatewayScenario.LevelResult load;
        BroadcastScenario.Outcome fanout;
        double peakA,
            peakB;
        await using (var a = await ApiNode.StartAsync(context, 5191, "api,jobs", jobs))
        await using (var b = await ApiNode.StartAsync(context, 5192, "api,jobs", jobs))
        {
            // Both processes start cold: warm them up (JIT, pools, caches) before measuring.
            var warm = Stopwatch.StartNew();
            var next = 17_000;
            while (warm.Elapsed < warmUp && next < 19_000)
            {
                await GatewayScenario.LoadAsync(
                    context,
                    [a.BaseAddress, b.BaseAddress],
                    texts,
                    new GatewayScenario.Level(32, 250),
                    next
                );
                next += 250;
            }
            var gateway = GatewayScenario.LoadAsync(
                context,
                [a.BaseAddress, b.BaseAddress],
                texts,
                new GatewayScenario.Level(64, residents),
                15_000
            );
            // the nodes' own dispatchers send it
            var notice = BroadcastScenario.SendAndWaitAsync(context, broadcast, drain: null);
            load = await gateway;
            fanout = await notice;
            await Task.Delay(TimeSpan.FromSeconds(3)); // a few more scheduled fires with the load gone
            (peakA, peakB) = (a.PeakMemoryMiB, b.PeakMemoryMiB);
        }
        await using var c = await context.Db.OpenAsync();
        var runs = (
            await c.QueryAsync<(string Job, string Node, int Runs)>(
                "SELECT job_name, node, runs FROM job_run WHERE started_at >= @started",
                new { started }
            )
        ).AsList();

        var table = new Table(
            "Two nodes: gateway, scheduled jobs and outbox on two app processes, one database",
            "messages",
            "msg/s (both nodes)",
            "p99 ms",
            "errors",
            "replies deferred",
            "broadcast deliveries",
            "deliveries/s",
            "duplicates",
            "losses",
            "scheduled fires",
            "fires run twice",
            "fires by node",
            "peak MiB (a / b)"
        );
        table.Add(
            load.Requests,
            load.Rate,
            load.P99,
            load.Errors,
            load.Deferred,
            fanout.Sent,
            fanout.Sent / fanout.ToLastDelivery.TotalSeconds,
            fanout.Duplicates,
            fanout.Losses,
            runs.Count,
            runs.Count(r => r.Runs > 1),
            string.Join(" / ", runs.GroupBy(r => r.Node).Select(g => g.Count())),
            $"{peakA:F0} / {peakB:F0}"
        );
        table.Notes.Add(
            "both processes fire the reminder, escalation, follow-up, claim-expiry and broadcast jobs every two "
                + "seconds on the full dataset while serving the gateway load (the weekly digest and monthly "
                + "participation check keep their own schedules); the broadcast is sent by the two nodes' own "
                + "dispatchers"
        );
        await context.WriteAsync(table);
    }
}
