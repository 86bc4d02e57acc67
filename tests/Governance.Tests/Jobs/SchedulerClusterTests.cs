using System.Diagnostics;
using System.Text;

namespace Governance.Tests.Jobs;

/// <summary>
/// Two real nodes (the API binary with Roles=jobs, as a deployment runs it) share the test database's clustered Quartz
/// store. Every scheduled job is set to fire every second; every fire is recorded in job_run by whichever node ran it,
/// keyed by the time it was scheduled for, so a fire run by both nodes would show runs = 2. The test asserts outcomes,
/// never regularity: no fire ran twice, every fire that ran finished and was recorded, and both nodes took part (the
/// busier one is stopped half-way and the other carries on).
/// </summary>
[Collection(DbCollection.Name)]
public sealed class SchedulerClusterTests(TestApp app) : DbTest(app)
{
    private static readonly string[] Crons =
    [
        "RemindersCron",
        "EscalationCron",
        "WeeklyDigestCron",
        "FollowUpCron",
        "ParticipationCron",
        "ClaimExpiryCron",
        "UrgentAlertsCron",
        "PracticeRemindersCron",
    ];

    private static ApiProcess StartNode(string name, StringBuilder output, string simulator)
    {
        var env = new Dictionary<string, string>
        {
            ["Roles"] = "jobs",
            ["Wechat__ApiBaseAddress"] = simulator,
            ["Jobs__BroadcastIntervalSeconds"] = "3600",
            ["Jobs__IdleWaitSeconds"] = "1",
            // logs the node's instance id
            ["Logging__LogLevel__Quartz.Impl.DefaultSchedulerFactory"] = "Information",
        };
        foreach (var cron in Crons)
            env[$"Jobs__{cron}"] = "* * * * * ?";
        return ApiProcess.Start(name, "http://127.0.0.1:0", env, output);
    }

    [Fact]
    public async Task TwoSchedulerNodesRunEachFireOfAJobExactlyOnce()
    {
        var output = new StringBuilder();
        var nodes = new Dictionary<string, ApiProcess>
        {
            ["a"] = StartNode("a", output, App.Wechat.BaseAddress),
            ["b"] = StartNode("b", output, App.Wechat.BaseAddress),
        };
        try
        {
            var watch = Stopwatch.StartNew();
            // Both nodes check in to the cluster ...
            while (
                await TestDatabase.ScalarAsync<int>(
                    "SELECT COUNT(*) FROM QRTZ_SCHEDULER_STATE WHERE LAST_CHECKIN_TIME > @since",
                    new { since = DateTimeOffset.UtcNow.AddSeconds(-20).UtcTicks }
                ) < 2
            ) // Quartz stores times as UTC ticks
            {
                Assert.True(watch.Elapsed < TimeSpan.FromMinutes(2), "the nodes did not join the cluster:\n" + output);
                Assert.DoesNotContain(nodes.Values, n => n.HasExited);
                await Task.Delay(250);
            }
            // ... and run the every-second jobs for a while. Which node takes a fire is up to the cluster.
            await WaitForFiresAsync(5, null, output);
            // The node that did the most stops; the other carries on alone: between them, both took part.
            var busiest = await TestDatabase.ScalarAsync<string>(
                "SELECT node FROM job_run GROUP BY node ORDER BY COUNT(*) DESC LIMIT 1"
            );
            var stopped = nodes.Keys.Single(name => InstanceId(output, name) == busiest);
            nodes[stopped].Stop();
            var survivor = nodes.Single(n => n.Key != stopped).Value;
            await WaitForFiresAsync(3, busiest, output);
            Assert.False(survivor.HasExited, "the remaining node stopped:\n" + output);
        }
        finally
        {
            foreach (var n in nodes.Values)
                n.Stop();
        }

        var all = await TestDatabase.QueryAsync<(
            string Job,
            DateTime ScheduledAt,
            string Node,
            int Runs,
            string Outcome
        )>("SELECT job_name, scheduled_at, node, runs, outcome FROM job_run ORDER BY job_name, scheduled_at");
        // The broadcast job runs on an interval trigger (first fire at start-up, then hourly here): recorded and
        // finished like the rest.
        Assert.All(all.Where(r => r.Job == "send-scheduled-broadcasts"), r =>
            Assert.Equal((1, "ok"), (r.Runs, r.Outcome))
        );
        var runs = all.Where(r => r.Job != "send-scheduled-broadcasts").ToList();
        var table = string.Join(
            "\n",
            runs.Select(r => $"{r.Job} {r.ScheduledAt:HH:mm:ss.fff} {r.Node} runs={r.Runs} {r.Outcome}")
        );
        Assert.True(runs.All(r => r.Runs == 1), "a fire ran twice:\n" + table); // no fire ran twice, on either node
        // Every run finished and was recorded as finished (the nodes stop gracefully, letting running jobs complete).
        Assert.True(
            runs.All(r => r.Outcome == "ok"),
            "a run failed or was not recorded as finished:\n" + table + "\n" + output
        );
        Assert.Equal(2, runs.Select(r => r.Node).Distinct().Count()); // both nodes took part
        Assert.Equal(Crons.Length, runs.Select(r => r.Job).Distinct().Count()); // every job fired
    }

    /// <summary>
    /// Until every job has at least <paramref name="fires"/> finished fires (on nodes other than <paramref
    /// name="notOn"/>).
    /// </summary>
    private static async Task WaitForFiresAsync(int fires, string? notOn, StringBuilder output)
    {
        var watch = Stopwatch.StartNew();
        const string sql = """
            SELECT COUNT(*) FROM (SELECT job_name FROM job_run WHERE outcome = 'ok'
              AND job_name <> 'send-scheduled-broadcasts'
              AND (@notOn IS NULL OR node <> @notOn) GROUP BY job_name HAVING COUNT(*) >= @fires) x
            """;
        while (await TestDatabase.ScalarAsync<int>(sql, new { fires, notOn }) < Crons.Length)
        {
            // Generous: a loaded machine may run the every-second jobs much less often than every second.
            Assert.True(
                watch.Elapsed < TimeSpan.FromMinutes(3),
                $"the jobs did not fire {fires} times each:\n" + output
            );
            await Task.Delay(250);
        }
    }

    /// <summary>
    /// The Quartz instance id a node logged when its scheduler started (what job_run records as its node).
    /// </summary>
    private static string InstanceId(StringBuilder output, string name)
    {
        string text;
        lock (output)
            text = output.ToString();
        var m = System.Text.RegularExpressions.Regex.Match(text, $@"\[{name}\][^\n]*?instanceId '([^']+)' initialized");
        Assert.True(m.Success, $"node {name} did not log its instance id:\n{text}");
        return m.Groups[1].Value;
    }
}
