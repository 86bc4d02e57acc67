using System.Diagnostics;
using Dapper;
using Governance.Api.Lists;
using Governance.Core.Lists;
using Governance.Core.Meetings;
using Governance.Core.People;

namespace Governance.Bench.Scenarios;

/// <summary>
/// The practices at county scale (the reports' numbers): 12 streets of 9 communities (108), 176 units each paired with
/// two or three communities, 5,000 list items with 3,500 claims, 400 joint meetings a year for three years (one
/// community holding its monthly meeting all 36 months, six items each, the unfinished ones carried), on top of the
/// 20,000 generated members. Generated afresh in its own id range each run, in a few INSERT … SELECT statements.
/// Measured: the community ledger (JSON) and the meetings ledger as a spreadsheet for the community with three years
/// of meetings (target &lt; 200 ms); every claim of a street and of the county as a spreadsheet (target &lt; 5 s);
/// 64 concurrent bookings of one hour, repeated over 20 hours with overlapping ranges (target: 0 double bookings).
/// </summary>
public static class PracticesScenario
{
    private const long StreetBase = 950,
        CommunityBase = 60_000_000,
        UnitBase = 50_000,
        AdminBase = 5_000_000,
        SecretaryBase = 5_100_000,
        IdBase = 10_000_000;
    private const int Streets = 12,
        PerStreet = 9,
        Communities = Streets * PerStreet,
        Units = 176,
        Items = 5_000,
        MeetingsPerYear = 400,
        Years = 3,
        ItemsPerMeeting = 6;

    public static async Task RunAsync(BenchContext context)
    {
        var watch = Stopwatch.StartNew();
        await GenerateAsync(context);
        var generated = watch.Elapsed;
        long busiest = CommunityBase;
        var secretary = new Caller(
            SecretaryBase,
            "书记",
            false,
            false,
            [new StaffScope(StaffRole.Secretary, busiest, $"/{StreetBase}/{busiest}/")],
            []
        );
        var streetAdmin = new Caller(
            SecretaryBase + 1,
            "街道",
            false,
            false,
            [new StaffScope(StaffRole.StreetAdmin, StreetBase, $"/{StreetBase}/")],
            []
        );
        await using var c = await context.Db.OpenAsync();
        var meetings = await c.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM meeting WHERE area_id = @busiest",
            new { busiest }
        );
        var table = new Table(
            $"Practices at county scale: {Communities} communities in {Streets} streets, {Units} units, "
                + $"{Items:N0} list items, {MeetingsPerYear * Years:N0} meetings over {Years} years",
            "what",
            "rows",
            "median",
            "p95",
            "target"
        );
        var meetingsLedger = context.Service<JointMeetings>();
        var ledgers = context.Service<Ledgers>();
        await Timed(
            table,
            $"community ledger, JSON ({meetings} meetings)",
            "< 200 ms",
            async () => (await meetingsLedger.LedgerAsync(secretary, busiest, default)).Value!.Count
        );
        await Timed(
            table,
            "meetings ledger as .xlsx, same community",
            "< 200 ms",
            async () =>
            {
                var l = (await ledgers.ExportAsync(secretary, busiest, "meetings", default)).Value!;
                LedgerExport.Xlsx(l);
                return l.Rows.Count;
            }
        );
        await Timed(
            table,
            "every claim of a street as .xlsx",
            "< 5 s",
            async () =>
            {
                var l = (await ledgers.ExportAsync(streetAdmin, StreetBase, "claims", default)).Value!;
                LedgerExport.Xlsx(l);
                return l.Rows.Count;
            },
            runs: 5
        );
        var countyAdmin = streetAdmin with { Staff = [new StaffScope(StaffRole.StreetAdmin, 0, "/")] };
        var county = Enumerable.Range(0, Streets).Select(s => StreetBase + s).ToList();
        await Timed(
            table,
            "every claim of the county (12 streets) as .xlsx",
            "—",
            async () =>
            {
                var rows = 0;
                foreach (var s in county)
                {
                    var l = (await ledgers.ExportAsync(countyAdmin, s, "claims", default)).Value!;
                    LedgerExport.Xlsx(l);
                    rows += l.Rows.Count;
                }
                return rows;
            },
            runs: 3
        );
        var (requests, won, doubles, hoursHeld) = await BookingRaceAsync(context, busiest);
        table.Add(
            $"bookings: {requests:N0} requests, 64 at once over 20 hours",
            won,
            "—",
            "—",
            $"0 double bookings: {doubles}; the {hoursHeld} hours won are held once each"
        );
        table.Notes.Add(
            $"generated in {generated.TotalSeconds:F1} s; medians of 20 runs (5 and 3 for the exports) on a warm "
                + "server; the ledger queries read meeting (area_id, scheduled_at), meeting_item (meeting_id) and "
                + "list_claim (item_id); the street export reads area by path prefix and list_claim by item"
        );
        await context.WriteAsync(table);
    }

    private static async Task Timed(Table table, string what, string target, Func<Task<int>> work, int runs = 20)
    {
        var rows = await work(); // warm
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var w = Stopwatch.StartNew();
            rows = await work();
            times.Add(w.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        table.Add(
            what,
            rows,
            TimeSpan.FromMilliseconds(Stats.Percentile(times, 50)),
            TimeSpan.FromMilliseconds(Stats.Percentile(times, 95)),
            target
        );
    }

    /// <summary>
    /// For each of 20 hours on a day ten days ahead, 64 requests at once for ranges overlapping that hour (1–3 hours
    /// starting up to two hours before): whatever wins, no hour may be held twice, and every hour held belongs to
    /// exactly one live booking whose range covers it.
    /// </summary>
    private static async Task<(int Requests, int Won, long Doubles, long HoursHeld)> BookingRaceAsync(
        BenchContext context,
        long community
    )
    {
        var lists = context.Service<CommunityLists>();
        await using var c = await context.Db.OpenAsync();
        var resource = await c.ExecuteScalarAsync<long>(
            "SELECT id FROM list_item WHERE community_id = @community AND kind = 'resource' ORDER BY id LIMIT 1",
            new { community }
        );
        var secretary = new Caller(
            SecretaryBase,
            "书记",
            false,
            false,
            [new StaffScope(StaffRole.Secretary, community, $"/{StreetBase}/{community}/")],
            []
        );
        var day = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).Date.AddDays(10);
        var random = new Random(42);
        var won = 0;
        var requests = 0;
        for (var hour = 2; hour < 22; hour++)
        {
            var tasks = Enumerable
                .Range(0, 64)
                .Select(_ =>
                {
                    var start = hour - random.Next(0, 3);
                    var length = random.Next(1, 4);
                    var from = new DateTimeOffset(day.AddHours(start), TimeSpan.FromHours(8));
                    return Task.Run(() =>
                        lists.BookAsync(secretary, resource, from, from.AddHours(length), "议事", "community", default)
                    );
                })
                .ToList();
            requests += tasks.Count;
            won += (await Task.WhenAll(tasks)).Count(r => r.IsOk);
        }
        var doubles = await c.ExecuteScalarAsync<long>(
            """
            SELECT COUNT(*) FROM resource_booking a JOIN resource_booking b
              ON a.item_id = b.item_id AND a.id < b.id AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at
             WHERE a.item_id = @resource AND a.status IN ('requested', 'confirmed')
               AND b.status IN ('requested', 'confirmed')
            """,
            new { resource }
        );
        // Every hour a live booking asked for is held by it, and nothing else is held.
        var (held, asked) = await c.QuerySingleAsync<(long, long)>(
            """
            SELECT (SELECT COUNT(*) FROM resource_slot s JOIN resource_booking b ON b.id = s.booking_id
                     WHERE s.item_id = @resource AND s.slot_start >= b.starts_at AND s.slot_start < b.ends_at
                       AND b.status IN ('requested', 'confirmed')),
                   (SELECT COALESCE(SUM(TIMESTAMPDIFF(HOUR, starts_at, ends_at)), 0) FROM resource_booking
                     WHERE item_id = @resource AND status IN ('requested', 'confirmed'))
            """,
            new { resource }
        );
        if (held != asked)
            throw new InvalidOperationException($"{asked} hours booked but {held} held");
        return (requests, won, doubles, held);
    }

    private static async Task GenerateAsync(BenchContext context)
    {
        await using var c = await context.Db.OpenAsync();
        async Task Exec(string sql) => await c.ExecuteAsync(sql, commandTimeout: 600);
        // What an earlier run generated goes first (children before parents).
        await Exec(
            $"""
            DELETE s FROM resource_slot s JOIN list_item i ON i.id = s.item_id WHERE i.community_id >= {CommunityBase};
            DELETE b FROM resource_booking b JOIN list_item i ON i.id = b.item_id
              WHERE i.community_id >= {CommunityBase};
            DELETE FROM resource_rule WHERE item_id >= {IdBase};
            DELETE FROM meeting_item WHERE meeting_id >= {IdBase};
            DELETE FROM meeting_invitee WHERE meeting_id >= {IdBase};
            DELETE FROM meeting WHERE id >= {IdBase};
            DELETE FROM list_progress WHERE claim_id >= {IdBase};
            DELETE FROM list_claim WHERE id >= {IdBase};
            DELETE FROM list_item WHERE id >= {IdBase};
            DELETE FROM delivery WHERE person_id >= {AdminBase} AND person_id < {SecretaryBase + 10};
            DELETE FROM unit_admin WHERE unit_id >= {UnitBase} AND unit_id < {UnitBase + 1000};
            DELETE FROM unit_pairing WHERE unit_id >= {UnitBase} AND unit_id < {UnitBase + 1000};
            DELETE FROM unit WHERE id >= {UnitBase} AND id < {UnitBase + 1000};
            DELETE FROM person WHERE id >= {AdminBase} AND id < {SecretaryBase + 10};
            DELETE FROM area WHERE id >= {CommunityBase} AND id < {CommunityBase + 1000};
            DELETE FROM area WHERE id >= {StreetBase} AND id < {StreetBase + Streets};
            DROP TEMPORARY TABLE IF EXISTS p_seq;
            CREATE TEMPORARY TABLE p_seq (n INT NOT NULL PRIMARY KEY) ENGINE=InnoDB;
            INSERT INTO p_seq (n)
              SELECT a.d + 10 * b.d + 100 * c.d + 1000 * d.d + 10000 * e.d
                FROM (SELECT 0 d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4
                      UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) a,
                     (SELECT 0 d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4
                      UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) b,
                     (SELECT 0 d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4
                      UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) c,
                     (SELECT 0 d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4
                      UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) d,
                     (SELECT 0 d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3) e;
            SET @now = UTC_TIMESTAMP(3);
            """
        );
        // The county: streets, communities, units with their admins and pairings, a secretary per community.
        await Exec(
            $"""
            INSERT INTO area (id, parent_id, kind, name, path, depth, sort_order, created_at)
              SELECT {StreetBase} + n, NULL, 'street', CONCAT('县域街道', n + 1), CONCAT('/', {StreetBase} + n, '/'), 1,
                     n, @now FROM p_seq WHERE n < {Streets};
            INSERT INTO area (id, parent_id, kind, name, path, depth, sort_order, created_at)
              SELECT {CommunityBase} + n, {StreetBase} + n DIV {PerStreet}, 'community', CONCAT('县域社区', n + 1),
                     CONCAT('/', {StreetBase} + n DIV {PerStreet}, '/', {CommunityBase} + n, '/'), 2, n, @now
                FROM p_seq WHERE n < {Communities};
            INSERT INTO person (id, name, phone, oa_following, created_at, updated_at)
              SELECT {AdminBase} + n, CONCAT('单位管理员', n), CONCAT('1370', LPAD(n, 7, '0')), 1, @now, @now
                FROM p_seq WHERE n < {Units};
            INSERT INTO person (id, name, phone, oa_following, created_at, updated_at)
              VALUES ({SecretaryBase}, '县域书记', NULL, 0, @now, @now), ({SecretaryBase + 1}, '县域街道', NULL, 0, @now, @now);
            INSERT INTO unit (id, name, party_branch, area_id, created_at)
              SELECT {UnitBase} + n, CONCAT('县直单位', n + 1), CONCAT('县直单位', n + 1, '党支部'),
                     {CommunityBase} + n MOD {Communities}, @now FROM p_seq WHERE n < {Units};
            INSERT INTO unit_admin (unit_id, person_id, created_at)
              SELECT {UnitBase} + n, {AdminBase} + n, @now FROM p_seq WHERE n < {Units};
            INSERT IGNORE INTO unit_pairing (unit_id, community_id, created_at)
              SELECT {UnitBase} + u.n, {CommunityBase} + (u.n * 7 + k.n) MOD {Communities}, @now
                FROM p_seq u JOIN p_seq k ON k.n < 2 + u.n MOD 2 WHERE u.n < {Units};
            """
        );
        // Lists: 60 % needs, 20 % resources (a unit paired with the community opens each), 20 % projects; 70 % of
        // needs and projects claimed, half by units, half by members; a quarter of the claims done.
        await Exec(
            $"""
            INSERT INTO list_item (id, community_id, kind, title, description, source, unit_id, capacity, deadline,
                                   status, created_by, created_at, updated_at)
              SELECT {IdBase} + n, {CommunityBase} + n MOD {Communities},
                     CASE WHEN n MOD 5 < 3 THEN 'need' WHEN n MOD 5 = 3 THEN 'resource' ELSE 'project' END,
                     CONCAT(ELT(1 + n MOD 7, '楼道灯维修', '老年助餐', '儿童托管', '消防通道清理', '健康义诊',
                                '停车位共享', '法律咨询进社区'), n),
                     '', CASE WHEN n MOD 5 = 3 THEN 'unit' ELSE ELT(1 + n MOD 4, 'report', 'visit', 'survey', 'meeting')
                         END,
                     CASE WHEN n MOD 5 = 3 THEN {UnitBase} + ((n MOD {Communities}) * 7) MOD {Units} END,
                     CASE WHEN n MOD 5 = 3 THEN 40 END,
                     CASE WHEN n MOD 5 = 4 THEN DATE(@now) + INTERVAL n MOD 90 DAY END,
                     CASE WHEN n MOD 5 <> 3 AND n MOD 10 < 7 THEN 'claimed' ELSE 'open' END, {SecretaryBase},
                     @now - INTERVAL n MOD 1000 DAY, @now
                FROM p_seq WHERE n < {Items};
            INSERT INTO list_claim (id, item_id, unit_id, owner_person_id, deadline, status, created_at, updated_at)
              SELECT {IdBase} + i.id - {IdBase}, i.id,
                     CASE WHEN i.id MOD 2 = 0 THEN {UnitBase} + (i.id MOD {Units}) END,
                     CASE WHEN i.id MOD 2 = 0 THEN {AdminBase} + (i.id MOD {Units})
                          ELSE {Generator.ScaleData.MemberBase} + (i.id MOD 20000) END,
                     DATE(i.created_at) + INTERVAL 30 DAY,
                     CASE WHEN i.id MOD 4 = 0 THEN 'done' ELSE 'claimed' END, i.created_at, @now
                FROM list_item i WHERE i.id >= {IdBase} AND i.status = 'claimed';
            UPDATE list_item SET status = 'done'
             WHERE id >= {IdBase} AND id IN (SELECT item_id FROM list_claim WHERE id >= {IdBase} AND status = 'done');
            INSERT INTO list_progress (claim_id, person_id, kind, created_at)
              SELECT id, owner_person_id, 'claimed', created_at FROM list_claim WHERE id >= {IdBase};
            """
        );
        // Meetings: the busiest community monthly for 36 months; the rest of the 1,200 spread over the others. Each
        // has six items (list items of its community) and eight invitees (unit admins).
        const int total = MeetingsPerYear * Years;
        await Exec(
            $"""
            INSERT INTO meeting (id, area_id, title, scheduled_at, place, status, minutes, checkin_secret, created_by,
                                 created_at, closed_at)
              SELECT {IdBase} + n,
                     CASE WHEN n < 36 THEN {CommunityBase} ELSE {CommunityBase} + 1 + n MOD {Communities - 1} END,
                     '多网合一联席会议',
                     CASE WHEN n < 36 THEN @now - INTERVAL (36 - n) MONTH ELSE @now - INTERVAL (n * 7) MOD 1095 DAY END,
                     '党群服务中心会议室', 'closed', '会议纪要', SHA2(n, 256), {SecretaryBase}, @now, @now
                FROM p_seq WHERE n < {total};
            INSERT INTO meeting_item (meeting_id, title, list_item_id, carried_from, created_at)
              SELECT m.id, CONCAT('议题', k.n), li.id, NULL, m.scheduled_at
                FROM meeting m JOIN p_seq k ON k.n < {ItemsPerMeeting}
                JOIN list_item li ON li.id = {IdBase} + ((m.area_id - {CommunityBase})
                     + {Communities} * (((m.id - {IdBase}) * {ItemsPerMeeting} + k.n) MOD {Items / Communities - 1}))
               WHERE m.id >= {IdBase};
            INSERT IGNORE INTO meeting_invitee (meeting_id, person_id, unit_id, checked_in_at)
              SELECT m.id, {AdminBase} + (m.id + k.n * 13) MOD {Units}, {UnitBase} + (m.id + k.n * 13) MOD {Units},
                     CASE WHEN k.n < 6 THEN m.scheduled_at END
                FROM meeting m JOIN p_seq k ON k.n < 8 WHERE m.id >= {IdBase};
            """
        );
        // The unfinished items of each of the busiest community's meetings are carried to the next one.
        await Exec(
            $"""
            INSERT INTO meeting_item (meeting_id, title, list_item_id, carried_from, created_at)
              SELECT m.id + 1, mi.title, mi.list_item_id, mi.id, mi.created_at
                FROM meeting m JOIN meeting_item mi ON mi.meeting_id = m.id
                JOIN list_item li ON li.id = mi.list_item_id
               WHERE m.id >= {IdBase} AND m.id < {IdBase} + 35 AND li.status <> 'done' AND mi.carried_from IS NULL;
            INSERT INTO resource_rule (item_id, audience, days, opens, closes)
              SELECT id, 'community', 'any', '00:00', '24:00' FROM list_item
               WHERE id >= {IdBase} AND kind = 'resource' AND community_id = {CommunityBase};
            """
        );
    }
}
