using System.Diagnostics;
using Dapper;
using Governance.Core.Activities;
using Governance.Core.Checkin;
using Governance.Core.Households;
using Governance.Core.People;
using Governance.Bench.Generator;

namespace Governance.Bench.Scenarios;

/// <summary>
/// Grid visits and on-site check-in at county scale: 100,000 households in the generated street's 9,600 buildings (one
/// in twenty to be visited monthly), 400 grid workers with two grids each, a year of visits (seven per household, about
/// 700,000), generated in its own id range each run. Measured: a grid worker's plan for today (target &lt; 50 ms), the
/// street's coverage for the cycle (target &lt; 1 s), and 500 volunteers checking in within the same minute, each twice
/// (target: every one checked in once, none lost, none counted twice).
/// </summary>
public static class VisitsScenario
{
    private const long IdBase = 10_000_000,
        WorkerBase = 5_200_000,
        Street = ScaleData.StreetBase;
    private const int Households = 100_000,
        Workers = 400,
        VisitsPerHousehold = 7,
        Volunteers = 500;

    public static async Task RunAsync(BenchContext context)
    {
        var watch = Stopwatch.StartNew();
        var grids = await GenerateAsync(context);
        var generated = watch.Elapsed;
        await using var c = await context.Db.OpenAsync();
        var (households, visits) = await c.QuerySingleAsync<(long, long)>(
            $"SELECT (SELECT COUNT(*) FROM household WHERE id >= {IdBase}), (SELECT COUNT(*) FROM visit "
                + $"WHERE household_id >= {IdBase})"
        );
        var table = new Table(
            $"Grid visits and check-in: {households:N0} households, {Workers} grid workers, "
                + $"{visits:N0} visits in a year",
            "what",
            "rows",
            "median",
            "p95",
            "target"
        );
        var service = context.Service<Core.Households.Households>();
        var times = new List<double>();
        var rows = 0;
        // 40 different grid workers' plans, each twice (cold, then warm).
        for (var w = 0; w < 40; w++)
        {
            var worker = Worker(w * 10, grids);
            for (var k = 0; k < 2; k++)
            {
                var t = Stopwatch.StartNew();
                rows = (await service.PlanAsync(worker, null, null, default)).Households.Count;
                times.Add(t.Elapsed.TotalMilliseconds);
            }
        }
        times.Sort();
        table.Add(
            "a grid worker's plan for today (two grids, ~250 households; 40 workers, cold and warm)",
            rows,
            $"{Stats.Percentile(times, 50):F2} ms",
            $"{Stats.Percentile(times, 95):F2} ms",
            "< 50 ms"
        );
        var streetScope = new StaffScope(StaffRole.StreetAdmin, Street, $"/{Street}/");
        var street = new Caller(1, "街道", false, false, [streetScope], []);
        times.Clear();
        Coverage? coverage = null;
        for (var k = 0; k < 5; k++)
        {
            var t = Stopwatch.StartNew();
            coverage = (await service.CoverageAsync(street, Street, null, default)).Value!;
            times.Add(t.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        table.Add(
            $"the street's coverage for the cycle ({coverage!.Grids.Count} grids, rate {coverage.Rate:P1})",
            coverage.Households,
            TimeSpan.FromMilliseconds(Stats.Percentile(times, 50)),
            TimeSpan.FromMilliseconds(Stats.Percentile(times, 95)),
            "< 1 s"
        );
        var (took, checkedIn, twice, lost) = await CheckInRushAsync(context);
        table.Add(
            $"{Volunteers} volunteers check in within one minute, each scanning twice ({Volunteers * 2} requests)",
            checkedIn,
            took,
            "—",
            $"all once: lost {lost}, counted twice {twice}"
        );
        table.Notes.Add(
            $"generated in {generated.TotalSeconds:F1} s; plans read each grid's buildings by path and their "
                + "households "
                + "by (building, last visit); coverage counts households with a visit in the cycle by visit "
                + "(household_id, visited_at)"
        );
        await context.WriteAsync(table);
    }

    private static Caller Worker(int w, IReadOnlyList<(long Id, string Path)> grids) =>
        new(
            WorkerBase + w,
            "网格员",
            false,
            false,
            [
                new StaffScope(StaffRole.GridWorker, grids[2 * w].Id, grids[2 * w].Path),
                new StaffScope(StaffRole.GridWorker, grids[2 * w + 1].Id, grids[2 * w + 1].Path),
            ],
            []
        );

    /// <summary>
    /// An activity with one post of 500 places, 500 generated members signed up; all of them check in at once with this
    /// minute's code, then scan again: afterwards exactly 500 sign-ups carry one check-in time each, unchanged by the
    /// second scan.
    /// </summary>
    private static async Task<(TimeSpan Took, long CheckedIn, long Twice, long Lost)> CheckInRushAsync(
        BenchContext context
    )
    {
        var activities = context.Service<Core.Activities.Activities>();
        await using var c = await context.Db.OpenAsync();
        var now = DateTime.UtcNow;
        var secret = RotatingCode.NewSecret();
        var community = await c.ExecuteScalarAsync<long>(
            "SELECT id FROM area WHERE kind = 'community' ORDER BY id LIMIT 1"
        );
        await c.ExecuteAsync(
            $"""
            INSERT INTO activity (id, community_id, title, place, starts_at, ends_at, status, checkin_secret,
              created_by,
              created_at)
            VALUES ({IdBase}, @community, '志愿服务集中行动', '广场', @starts, @ends, 'open', @secret, 1, @now);
            INSERT INTO activity_post (id, activity_id, name, slots, taken) VALUES ({IdBase}, {IdBase}, '志愿者', 500,
              500);
            INSERT INTO activity_signup (activity_id, post_id, person_id, status, created_at)
              SELECT {IdBase}, {IdBase}, person_id, 'signed', @now FROM member WHERE person_id >= {ScaleData.MemberBase}
               ORDER BY person_id LIMIT {Volunteers};
            """,
            new
            {
                community,
                starts = now.AddMinutes(-10),
                ends = now.AddHours(2),
                secret,
                now,
            }
        );
        var people = (
            await c.QueryAsync<long>($"SELECT person_id FROM activity_signup WHERE activity_id = {IdBase}")
        ).AsList();
        var watch = Stopwatch.StartNew();
        var code = RotatingCode.Of(secret, DateTime.UtcNow);
        var scans = people
            .Concat(people)
            .Select(p =>
                Task.Run(() =>
                    activities.CheckAsync(
                        new Caller(p, "志愿者", false, true, [], []),
                        IdBase,
                        code,
                        null,
                        null,
                        false,
                        default
                    )
                )
            )
            .ToList();
        var results = await Task.WhenAll(scans);
        var took = watch.Elapsed;
        var failed = results.Count(r => !r.IsOk);
        var (checkedIn, distinctTimes) = await c.QuerySingleAsync<(long, long)>(
            $"SELECT COUNT(checked_in_at), COUNT(DISTINCT person_id) FROM activity_signup WHERE activity_id = {IdBase} "
                + "AND checked_in_at IS NOT NULL"
        );
        // A second scan answering with a different time than the stored one would mean it was counted again.
        var twice = results
            .Where(r => r.IsOk)
            .GroupBy(r => r.Value!.PersonId)
            .Count(g => g.Select(r => r.Value!.CheckedInAt).Distinct().Count() > 1);
        return (took, checkedIn, twice, Volunteers - distinctTimes + failed);
    }

    private static async Task<IReadOnlyList<(long Id, string Path)>> GenerateAsync(BenchContext context)
    {
        await using var c = await context.Db.OpenAsync();
        async Task Exec(string sql) => await c.ExecuteAsync(sql, commandTimeout: 900);
        await Exec(
            $"""
            DELETE FROM activity_signup WHERE activity_id = {IdBase};
            DELETE FROM activity_post WHERE activity_id = {IdBase};
            DELETE FROM activity WHERE id = {IdBase};
            DELETE FROM visit WHERE household_id >= {IdBase};
            DELETE FROM household WHERE id >= {IdBase};
            DELETE FROM staff_role WHERE person_id >= {WorkerBase} AND person_id < {WorkerBase + Workers};
            DELETE FROM person WHERE id >= {WorkerBase} AND id < {WorkerBase + Workers};
            DROP TEMPORARY TABLE IF EXISTS v_seq;
            CREATE TEMPORARY TABLE v_seq (n INT NOT NULL PRIMARY KEY) ENGINE=InnoDB;
            INSERT INTO v_seq (n)
              SELECT a.d + 10 * b.d + 100 * c.d + 1000 * d.d + 10000 * e.d
                FROM (SELECT 0 d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4
                      UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) a,
                     (SELECT 0 d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4
                      UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) b,
                     (SELECT 0 d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4
                      UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) c,
                     (SELECT 0 d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4
                      UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) d,
                     (SELECT 0 d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4
                      UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) e;
            SET @now = UTC_TIMESTAMP(3);
            """
        );
        var grids = (
            await c.QueryAsync<(long, string)>(
                $"SELECT id, path FROM area WHERE kind = 'grid' AND path LIKE '/{Street}/%' ORDER BY id "
                    + $"LIMIT {2 * Workers}"
            )
        ).AsList();
        // Households: the buildings in order, eleven rooms each, until 100,000; one in twenty must be visited monthly.
        await Exec(
            $"""
            DROP TEMPORARY TABLE IF EXISTS v_building;
            CREATE TEMPORARY TABLE v_building (k INT NOT NULL PRIMARY KEY, id BIGINT NOT NULL) ENGINE=InnoDB;
            INSERT INTO v_building (k, id)
              SELECT ROW_NUMBER() OVER (ORDER BY id) - 1, id FROM area WHERE kind = 'building' AND path LIKE
                '/{Street}/%';
            SET @buildings = (SELECT COUNT(*) FROM v_building);
            INSERT INTO household (id, building_id, room, head_name, phone, people, categories, created_at, updated_at)
              SELECT {IdBase} + s.n, b.id, CONCAT(1 + s.n DIV @buildings, '01'), CONCAT('住户', s.n),
                     CONCAT('139', LPAD(s.n, 8, '0')), 1 + s.n MOD 5,
                     CASE WHEN s.n MOD 20 = 0 THEN 'elderly_alone' ELSE '' END, @now, @now
                FROM v_seq s JOIN v_building b ON b.k = s.n MOD @buildings WHERE s.n < {Households};
            """
        );
        // 400 grid workers, two grids each (the households under them are theirs to visit).
        await Exec(
            $"""
            INSERT INTO person (id, name, phone, oa_following, created_at, updated_at)
              SELECT {WorkerBase} + n, CONCAT('网格员', n), NULL, 0, @now, @now FROM v_seq WHERE n < {Workers};
            """
        );
        for (var w = 0; w < Workers && 2 * w + 1 < grids.Count; w++)
            await c.ExecuteAsync(
                "INSERT INTO staff_role (person_id, role, area_id, created_at) VALUES (@p, 'grid_worker', @g1, @now), "
                    + "(@p, 'grid_worker', @g2, @now)",
                new
                {
                    p = WorkerBase + w,
                    g1 = grids[2 * w].Item1,
                    g2 = grids[2 * w + 1].Item1,
                    now = DateTime.UtcNow,
                }
            );
        // A year of visits: every household seven times, about 52 days apart, the last within the past 52 days.
        await Exec(
            $"""
            INSERT INTO visit (household_id, visitor_id, visited_at, found, created_at)
              SELECT h.id, {WorkerBase} + (h.id MOD {Workers}),
                     @now - INTERVAL (k.n * 52 + h.id MOD 52) DAY - INTERVAL (h.id MOD 600) MINUTE, '家中一切正常', @now
                FROM household h JOIN v_seq k ON k.n < {VisitsPerHousehold} WHERE h.id >= {IdBase};
            UPDATE household h SET last_visited_at = @now - INTERVAL (h.id MOD 52) DAY - INTERVAL (h.id MOD 600) MINUTE
             WHERE h.id >= {IdBase};
            """
        );
        return grids.Select(g => (g.Item1, g.Item2)).ToList();
    }
}
