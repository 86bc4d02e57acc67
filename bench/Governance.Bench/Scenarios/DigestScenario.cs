using System.Diagnostics;
using Dapper;
using Governance.Core.Digest;
using Governance.Core.Members;
using Governance.Core.Time;

namespace Governance.Bench.Scenarios;

/// <summary>
/// Scenario 3: the weekly digest for every registered member (and unit admins and secretaries) over the whole order
/// history — compute every member's week and queue every notice in the outbox. The week's digests already queued by
/// an earlier run are removed first, so each run measures the full job; then the job is run again to show a re-run
/// queues nothing.
/// </summary>
public static class DigestScenario
{
    public static async Task RunAsync(BenchContext context)
    {
        var now = DateTime.UtcNow;
        var week = ChinaTime.ToChina(StarLevel.Periods(now).WeekStart).ToString("yyyyMMdd");
        await using (var c = await context.Db.OpenAsync())
        {
            await c.ExecuteAsync("DELETE FROM inbox_message WHERE kind = 'weekly_digest'", commandTimeout: 600);
            await c.ExecuteAsync(
                "DELETE FROM delivery WHERE kind = 'weekly_digest' AND idempotency_key LIKE CONCAT('digest:', @week, "
                    + "':%')",
                new { week },
                commandTimeout: 600
            );
        }
        long orders,
            members;
        await using (var c = await context.Db.OpenAsync())
        {
            orders = await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM service_order");
            members = await c.ExecuteScalarAsync<long>(
                "SELECT COUNT(DISTINCT person_id) FROM registration WHERE status = 'approved'"
            );
        }
        var runner = context.Service<WeeklyDigest>();
        var watch = Stopwatch.StartNew();
        var queued = await runner.RunAsync(CancellationToken.None);
        var first = watch.Elapsed;
        watch.Restart();
        var again = await runner.RunAsync(CancellationToken.None);
        var second = watch.Elapsed;
        var table = new Table(
            $"Weekly digest: {members:N0} registered members over {orders:N0} orders",
            "run",
            "digests queued",
            "time"
        );
        table.Add("compute and queue every digest", queued, first);
        table.Add("run again the same week (idempotent)", again, second);
        // Where the time goes: each query of the digest on its own.
        var store = context.Service<DigestStore>();
        var (weekStart, _) = StarLevel.Periods(now);
        var parts = new List<string>();
        async Task<T> Timed<T>(string name, Func<Task<T>> work)
        {
            var w = Stopwatch.StartNew();
            var result = await work();
            parts.Add($"{name} {w.Elapsed.TotalMilliseconds:F0} ms");
            return result;
        }
        var audience = await Timed("audience", () => store.AudienceAsync());
        await Timed("members' and units' weeks", () => store.WeekAsync(weekStart, now));
        await Timed("orders to take", () =>
            store.PoolPicksAsync(audience.MemberCommunities.Values.SelectMany(p => p).ToList(), 3)
        );
        await Timed("communities' weeks", () =>
            store.CommunityWeeksAsync(
                audience.Secretaries.Select(x => (x.CommunityId, x.CommunityPath, x.CommunityName)).Distinct().ToList(),
                weekStart,
                now
            )
        );
        table.Notes.Add("the queries alone: " + string.Join(", ", parts));
        // The queued digests are not sent here: they would be in the way of the broadcast scenario's measurement.
        await using (var c = await context.Db.OpenAsync())
            await c.ExecuteAsync(
                "DELETE FROM delivery WHERE kind = 'weekly_digest' AND idempotency_key LIKE CONCAT('digest:', @week, "
                    + "':%')",
                new { week },
                commandTimeout: 600
            );
        table.Notes.Add("target: < 10 s; queued = members + unit admins + community secretaries");
        await context.WriteAsync(table);
    }
}
