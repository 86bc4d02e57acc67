using System.Diagnostics;
using System.Text;
using Governance.Tests.Infrastructure;

namespace Governance.Tests.Jobs;

/// <summary>
/// Two real nodes (the API binary with Roles=jobs, as a deployment runs it) share the test database's clustered
/// Quartz store. Every scheduled job is set to fire every second; every fire is recorded in job_run by whichever
/// node ran it, keyed by the time it was scheduled for, so a fire run by both nodes would show runs = 2.
/// </summary>
[Collection(DbCollection.Name)]
public sealed class SchedulerClusterTests(TestApp app) : DbTest(app)
{
    private static readonly string[] Crons = ["RemindersCron", "EscalationCron", "WeeklyDigestCron", "FollowUpCron", "ParticipationCron", "ClaimExpiryCron"];

    private Process StartNode(string name, StringBuilder output)
    {
        var bin = AppContext.BaseDirectory;
        var start = new ProcessStartInfo("dotnet", $"\"{Path.Combine(bin, "Governance.Api.dll")}\" serve --urls http://127.0.0.1:0")
        {
            WorkingDirectory = bin, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        var env = start.Environment;
        env["Database__ConnectionString"] = TestDatabase.ConnectionString;
        env["Roles"] = "jobs";
        env["Storage__DataRoot"] = Path.Combine(Path.GetTempPath(), "gov-node-" + name);
        env["Wechat__Mode"] = "sandbox";
        env["Wechat__SandboxPort"] = "0";
        env["Wechat__ApiBaseAddress"] = App.Wechat.BaseAddress;
        foreach (var cron in Crons) env[$"Jobs__{cron}"] = "* * * * * ?";
        env["Jobs__BroadcastIntervalSeconds"] = "3600";
        env["Jobs__IdleWaitSeconds"] = "1";
        env["Logging__Console__FormatterName"] = "simple";
        env["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine($"[{name}] {e.Data}"); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine($"[{name}] {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static void Stop(Process p)
    {
        if (p.HasExited) return;
        Process.Start("kill", ["-TERM", p.Id.ToString()])!.WaitForExit();
        if (!p.WaitForExit(15_000)) p.Kill(entireProcessTree: true);
    }

    [Fact]
    public async Task TwoSchedulerNodesRunEachFireOfAJobExactlyOnce()
    {
        var output = new StringBuilder();
        var nodes = new[] { StartNode("a", output), StartNode("b", output) };
        try
        {
            var watch = Stopwatch.StartNew();
            // Both nodes check in to the cluster ...
            while (await TestDatabase.ScalarAsync<int>("SELECT COUNT(*) FROM QRTZ_SCHEDULER_STATE WHERE LAST_CHECKIN_TIME > @since",
                       new { since = DateTimeOffset.UtcNow.AddSeconds(-20).UtcTicks }) < 2) // Quartz stores times as UTC ticks
            {
                Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), "the nodes did not join the cluster:\n" + output);
                Assert.DoesNotContain(nodes, n => n.HasExited);
                await Task.Delay(250);
            }
            // ... and run the every-second jobs for a while.
            while (await TestDatabase.ScalarAsync<int>("SELECT COALESCE(MIN(n), 0) FROM (SELECT COUNT(*) n FROM job_run WHERE outcome = 'ok' AND job_name <> 'send-scheduled-broadcasts' GROUP BY job_name) x") < 8
                   || await TestDatabase.ScalarAsync<int>("SELECT COUNT(DISTINCT job_name) FROM job_run") < Crons.Length
                   // Which node takes a fire is up to the cluster; within a minute and a half both will have taken some.
                   || await TestDatabase.ScalarAsync<int>("SELECT COUNT(DISTINCT node) FROM job_run") < 2)
            {
                Assert.True(watch.Elapsed < TimeSpan.FromSeconds(90), "the jobs did not fire eight times each on two nodes:\n" + output);
                await Task.Delay(250);
            }
        }
        finally
        {
            foreach (var n in nodes) Stop(n);
        }

        var all = await TestDatabase.QueryAsync<(string Job, DateTime ScheduledAt, string Node, int Runs, string Outcome)>(
            "SELECT job_name, scheduled_at, node, runs, outcome FROM job_run ORDER BY job_name, scheduled_at");
        // The broadcast job runs on an interval trigger (first fire at start-up, then hourly here): recorded and finished like the rest.
        var broadcasts = all.Where(r => r.Job == "send-scheduled-broadcasts").ToList();
        Assert.NotEmpty(broadcasts);
        Assert.All(broadcasts, r => Assert.Equal((1, "ok"), (r.Runs, r.Outcome)));
        var runs = all.Where(r => r.Job != "send-scheduled-broadcasts").ToList();
        var table = string.Join("\n", runs.Select(r => $"{r.Job} {r.ScheduledAt:HH:mm:ss.fff} {r.Node} runs={r.Runs} {r.Outcome}"));
        Assert.True(runs.Count >= 8 * Crons.Length, table + "\n" + output);
        Assert.True(runs.All(r => r.Runs == 1), "a fire ran twice:\n" + table); // no fire ran twice, on either node
        // Every run finished and was recorded as finished (the nodes stop gracefully, letting running jobs complete).
        Assert.True(runs.All(r => r.Outcome == "ok"), "a run failed or was not recorded as finished:\n" + table + "\n" + output);
        Assert.True(runs.Select(r => r.Node).Distinct().Count() == 2, "one node did all the work:\n" + table); // both nodes did part of it
        foreach (var job in runs.GroupBy(r => r.Job))
        {
            // Each job's fires are a second apart, none skipped between its first and its last.
            var first = job.First().ScheduledAt;
            Assert.True(job.Select((r, i) => (long)(r.ScheduledAt - first).TotalSeconds == i).All(ok => ok), "fires are not one per second:\n" + table);
        }
    }
}
