using Dapper;
using Governance.Bench.Generator;
using Governance.Core.Digest;
using Governance.Core.Members;
using Governance.Core.Orders;
using Governance.Core.People;

namespace Governance.Bench.Scenarios;

/// <summary>
/// Which of service_order's indexes the product's own queries read, operation by operation: each read the
/// product makes of orders (lists, pool, duplicates, the scheduled scans, digest, summaries, participation) runs
/// once through Core with MariaDB's index statistics (userstat) reset before it, and the indexes it read are
/// listed with the rows read. The second table turns it round: each index with the operations that use it, so an
/// index that no operation reads stands out.
/// </summary>
public static class IndexScenario
{
    public static async Task RunAsync(BenchContext context)
    {
        var people = context.Service<PersonStore>();
        var reader = context.Service<OrderReader>();
        var work = context.Service<OrderWork>();
        var store = context.Service<OrderStore>();
        var scans = context.Service<OrderScans>();
        var digest = context.Service<DigestStore>();
        var stats = context.Service<MemberStatsStore>();
        var participation = context.Service<ParticipationStore>();
        var now = DateTime.UtcNow;

        // People from the generated street: its admin, the first community's secretary, a grid worker, a resident, a
        // member registered there, a unit.
        async Task<Caller> Load(long id) =>
            await people.LoadCallerAsync(id)
            ?? throw new InvalidOperationException($"No person {id}: generate the dataset first.");
        var street = await Load(ScaleData.StaffBase);
        var secretary = await Load(ScaleData.StaffBase + 100_000);
        var grid = await Load(ScaleData.StaffBase + 200_000);
        var resident = await Load(ScaleData.ResidentBase + 29);
        var member = await Load(ScaleData.MemberBase + 17);
        await using var c = await context.Db.OpenAsync();
        var sample = await c.QuerySingleAsync<(string Code, long AreaId, string AreaPath, long CategoryId)>(
            $"SELECT code, area_id, area_path, category_id FROM service_order WHERE id = {ScaleData.OrderBase + 10}"
        );
        var compound = string.Join('/', sample.AreaPath.Split('/').Take(4)) + "/";
        var (lat, lng) = await c.QuerySingleAsync<(double, double)>(
            "SELECT latitude, longitude FROM area WHERE path = @compound",
            new { compound }
        );
        var communities = await c.QueryAsync<(long, string, string)>(
            "SELECT id, path, name FROM area WHERE kind = 'community' AND path LIKE @street",
            new { street = $"/{ScaleData.StreetBase}/%" }
        );
        var from = now.AddDays(-7);

        // A member holding claims, so that the count before a claim reads something.
        var claimer = await c.ExecuteScalarAsync<long>(
            $"SELECT claimer_person_id FROM service_order WHERE status = 'claimed' AND id >= {ScaleData.OrderBase} "
                + "LIMIT 1"
        );
        PoolQuery Pool(double? latitude = null, double? longitude = null, double? km = null) =>
            new(null, null, false, latitude, longitude, km, null, 1, 20);
        Task List(Caller who, IReadOnlyList<string>? statuses = null, long? category = null, bool? overdue = null) =>
            reader.ListAsync(who, statuses, null, category, overdue, 1, 20, default);
        var operations = new (string Name, Func<Task> Run)[]
        {
            ("staff list, newest first (secretary)", () => List(secretary)),
            ("staff list, newest first (street admin)", () => List(street)),
            ("staff list, overdue only (secretary)", () => List(secretary, overdue: true)),
            ("staff list, one category (street admin)", () => List(street, category: sample.CategoryId)),
            ("staff list, published (grid worker)", () => List(grid, ["published"])),
            ("resident's orders (list and chat 查询)", () => List(resident)),
            ("order detail by code", () => reader.GetAsync(secretary, sample.Code, default)),
            ("claim pool, soonest deadline (member)", () => work.PoolAsync(member, Pool(), default)),
            ("claim pool, within 2 km (member)", () => work.PoolAsync(member, Pool(lat, lng, 2), default)),
            ("member's unfinished claims (before a claim)", () => store.ActiveClaimsAsync(claimer)),
            (
                "duplicate candidates at a building",
                () => store.FindOpenCandidatesAsync(sample.CategoryId, sample.AreaId, null, now.AddDays(-14))
            ),
            (
                "duplicate candidates below a compound",
                () => store.FindOpenCandidatesAsync(sample.CategoryId, 0, compound, now.AddDays(-14))
            ),
            // The scans as they will run two days from now, so that they find work whatever earlier scenarios did.
            ("reminder scan (two days ahead)", () => scans.RemindersDueAsync(now.AddDays(2), 5000)),
            ("escalation scan (two days ahead)", () => scans.EscalationsDueAsync(now.AddDays(2), 5000)),
            ("回访 scan (follow-up due, two days ahead)", () => scans.FollowUpDueAsync(now.AddDays(-1), 5000)),
            ("回访 scan (close unrated; all resolved, as after an outage)", () => scans.ResolvedUnratedAsync(now, 5000)),
            ("claim expiry scan (a month ahead: some due)", () => scans.StaleClaimsAsync(now.AddDays(30), 24, 1000)),
            ("weekly digest: members' and units' week", () => digest.WeekAsync(from, now)),
            ("weekly digest: communities' week", () => digest.CommunityWeeksAsync(communities.ToList(), from, now)),
            (
                "weekly digest: orders to take nearby",
                () => digest.PoolPicksAsync(communities.Select(x => x.Item2).ToList(), 3)
            ),
            ("member summary", () => stats.MemberAsync(member.PersonId, now, default)),
            (
                "unit summary",
                async () =>
                {
                    await stats.UnitMembersAsync(ScaleData.UnitBase, now, default);
                    await stats.UnitOwnClaimsAsync(ScaleData.UnitBase, now, default);
                }
            ),
            ("participation check (180 days)", () => participation.InactiveMembersAsync(now.AddDays(-180), null)),
        };

        var byOperation = new Table(
            "Indexes of service_order read by each of the product's order queries (MariaDB index statistics)",
            "operation",
            "indexes read (rows read)"
        );
        var users = new Dictionary<string, List<string>>();
        foreach (var (name, run) in operations)
        {
            await c.ExecuteAsync("FLUSH INDEX_STATISTICS");
            await run();
            var read = (
                await c.QueryAsync<(string Index, long Rows)>(
                    """
                    SELECT index_name, rows_read FROM information_schema.index_statistics
                     WHERE table_schema = DATABASE() AND table_name = 'service_order' ORDER BY rows_read DESC
                    """
                )
            ).ToList();
            byOperation.Add(name, string.Join(", ", read.Select(r => $"{r.Index} ({r.Rows:N0})")));
            foreach (var (index, _) in read)
                (users.TryGetValue(index, out var list) ? list : users[index] = []).Add(name);
        }
        byOperation.Notes.Add(
            "PRIMARY is the table itself; a query that reads an index and then its rows shows both"
        );
        await context.WriteAsync(byOperation);

        var indexes = await c.QueryAsync<(string Index, string Columns, long Unique)>(
            """
            SELECT index_name, GROUP_CONCAT(column_name ORDER BY seq_in_index), MIN(non_unique = 0)
              FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = 'service_order'
             GROUP BY index_name ORDER BY index_name
            """
        );
        var foreignKeys = (
            await c.QueryAsync<string>(
                """
                SELECT column_name FROM information_schema.key_column_usage
                 WHERE table_schema = DATABASE() AND table_name = 'service_order' AND referenced_table_name IS NOT NULL
                """
            )
        ).ToHashSet();
        var byIndex = new Table("Each index of service_order and what uses it", "index", "columns", "used by");
        foreach (var (index, columns, unique) in indexes)
        {
            var first = columns.Split(',')[0];
            var roles = new List<string>();
            if (users.TryGetValue(index, out var ops))
                roles.AddRange(ops);
            if (unique == 1 && index != "PRIMARY")
                roles.Add("uniqueness of the column");
            if (foreignKeys.Contains(first))
                roles.Add($"the foreign key on {first}");
            byIndex.Add(index, columns, roles.Count == 0 ? "**nothing measured here**" : string.Join("; ", roles));
        }
        await context.WriteAsync(byIndex);
    }
}
