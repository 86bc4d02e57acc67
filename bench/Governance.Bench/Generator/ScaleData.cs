using System.Data.Common;
using System.Diagnostics;
using Dapper;
using Governance.Core.Data;

namespace Governance.Bench.Generator;

/// <summary>What to generate. Zero means "none of these".</summary>
public sealed record ScaleOptions
{
    /// <summary>
    /// A new tree beside the demo one: streets × communities × compounds × grids × buildings, with staff at every
    /// level.
    /// </summary>
    public int Streets { get; init; }

    /// <summary>Whether the generated streets hang under a county (id <see cref="ScaleData.CountyId"/>).</summary>
    public bool County { get; init; }
    public int CommunitiesPerStreet { get; init; } = 5;
    public int CompoundsPerCommunity { get; init; } = 10;
    public int GridsPerCompound { get; init; } = 4;
    public int BuildingsPerGrid { get; init; } = 12;

    /// <summary>
    /// People and orders are placed in the buildings under this path ("/" for all; the generated tree's own paths start
    /// at /{StreetBase}).
    /// </summary>
    public string UnderPath { get; init; } = "/";
    public int Residents { get; init; }

    /// <summary>Share of residents and members who follow the official account (get template messages).</summary>
    public double FollowingShare { get; init; } = 1.0;
    public int Members { get; init; }
    public int Units { get; init; }
    public int Orders { get; init; }

    /// <summary>
    /// Share of orders still open (submitted … in progress); the rest resolved and closed over <see
    /// cref="HistoryDays"/>.
    /// </summary>
    public double OpenShare { get; init; } = 0.1;
    public int HistoryDays { get; init; } = 365;
}

public sealed record ScaleResult(
    int Areas,
    int Residents,
    int Members,
    int Units,
    int Orders,
    int Events,
    TimeSpan Elapsed
)
{
    /// <summary>How long each step took, in order.</summary>
    public IReadOnlyList<(string Step, TimeSpan Took)> Steps { get; init; } = [];
}

/// <summary>Times the generator's steps.</summary>
internal sealed class Laps
{
    private readonly Stopwatch _watch = Stopwatch.StartNew();
    public List<(string Step, TimeSpan Took)> Items { get; } = [];

    public void Mark(string step)
    {
        Items.Add((step, _watch.Elapsed));
        _watch.Restart();
    }
}

/// <summary>
/// Builds large, realistic data sets quickly, for benchmarks and for tests that need thousands of people: the
/// demo tree scaled up (Chinese place names, staff at every level), residents, in-service members with units
/// and approved 双报到 registrations, and a history of orders with Chinese descriptions (the intake examples,
/// placed in a compound and building), claimers, timelines and ratings. Everything is generated inside the
/// database with INSERT … SELECT over a sequence table, so a million orders take seconds, not an hour of
/// round trips; the orders and their timelines are written with their tables' secondary indexes set aside and
/// built afterwards in one sorted pass each, several times faster than maintaining seventeen indexes row by row.
/// Deterministic: the same options give the same rows. Ids start far above the demo seed's.
/// </summary>
public sealed class ScaleData(Db db, TimeProvider clock)
{
    public const long CountyId = 899,
        StreetBase = 900,
        AreaBase = 10_000_000,
        ResidentBase = 1_000_000,
        MemberBase = 2_000_000,
        UnitAdminBase = 3_000_000,
        StaffBase = 4_000_000,
        UnitBase = 10_000,
        OrderBase = 100_000_000;

    private static readonly string[] CompoundNames =
    [
        "幸福家园",
        "阳光花园",
        "锦绣华庭",
        "翠湖苑",
        "书香门第",
        "碧水湾",
        "金色港湾",
        "和谐小区",
        "滨江花园",
        "紫荆苑",
        "丽景苑",
        "新城佳苑",
        "桂花园",
        "东方明珠",
        "世纪花城",
        "龙湖郡",
        "梧桐苑",
        "春晓小区",
        "清华园",
        "福临门",
    ];
    private static readonly string[] CommunityNames =
    [
        "东风",
        "红旗",
        "建设",
        "胜利",
        "光明",
        "团结",
        "新华",
        "和平",
        "前进",
        "友谊",
        "人民",
        "文化",
        "长安",
        "向阳",
        "民主",
    ];
    private static readonly string[] StreetNames =
    [
        "汉江",
        "城关",
        "南湖",
        "北关",
        "西城",
        "东岳",
        "龙山",
        "凤凰",
        "青山",
        "白河",
    ];
    private static readonly string[] Surnames =
    [
        "王",
        "李",
        "张",
        "刘",
        "陈",
        "杨",
        "黄",
        "赵",
        "周",
        "吴",
        "徐",
        "孙",
        "马",
        "朱",
        "胡",
        "郭",
        "何",
        "高",
        "林",
        "罗",
    ];
    private static readonly string[] GivenNames =
    [
        "建国",
        "秀英",
        "志强",
        "丽华",
        "海燕",
        "国庆",
        "桂兰",
        "文杰",
        "晓梅",
        "德明",
        "玉珍",
        "俊杰",
        "春花",
        "立新",
        "淑芬",
        "家豪",
        "静怡",
        "红霞",
        "永刚",
        "美玲",
    ];
    private static readonly string[] Skills =
    [
        "水电维修",
        "法律咨询",
        "调解",
        "医疗护理",
        "心理疏导",
        "教育辅导",
        "陪护",
        "驾驶",
        "电脑",
        "文体",
    ];

    public async Task<ScaleResult> GenerateAsync(ScaleOptions o, CancellationToken ct = default)
    {
        var started = Stopwatch.StartNew();
        var now = clock.GetUtcNow().UtcDateTime;
        await using var c = await db.OpenDedicatedAsync(ct); // session variables and temporary tables
        // A bulk load: the references were checked when the generator was written. Unique checks stay on: with them
        // off, MariaDB loads an empty table in its "bulk insert" mode, three times slower here (16 s against 5 s for
        // a million orders without secondary indexes).
        await Exec(c, "SET SESSION foreign_key_checks = 0", null, ct);
        try
        {
            var biggest = new[]
            {
                o.Residents,
                o.Members,
                o.Orders,
                o.Streets * o.CommunitiesPerStreet * o.CompoundsPerCommunity * o.GridsPerCompound * o.BuildingsPerGrid,
                100,
            }.Max();
            var laps = new Laps();
            await SequenceAsync(c, biggest, ct);
            var areas = o.Streets > 0 ? await TreeAsync(c, o, now, ct) : 0;
            var buildings = await BuildingsAsync(c, o.UnderPath, ct);
            laps.Mark("places and staff");
            if (buildings == 0 && (o.Residents > 0 || o.Members > 0 || o.Orders > 0))
                throw new InvalidOperationException(
                    $"No buildings under {o.UnderPath}: generate a tree or seed the demo data first."
                );
            if (o.Residents > 0)
                await ResidentsAsync(c, o, buildings, now, ct);
            if (o.Units > 0)
                await UnitsAsync(c, o, now, ct);
            if (o.Members > 0)
                await MembersAsync(c, o, buildings, now, ct);
            laps.Mark("people, units and registrations");
            var events = o.Orders > 0 ? await OrdersAsync(c, o, buildings, now, laps, ct) : 0;
            return new ScaleResult(areas, o.Residents, o.Members, o.Units, o.Orders, events, started.Elapsed)
            {
                Steps = laps.Items,
            };
        }
        finally
        {
            await Exec(c, "SET SESSION foreign_key_checks = 1", null, CancellationToken.None);
        }
    }

    private static Task<int> Exec(DbConnection c, string sql, object? args, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(sql, args, commandTimeout: 1800, cancellationToken: ct));

    /// <summary>A table of 0 … n-1 (session-local), from cross-joined digits in one statement.</summary>
    private static async Task SequenceAsync(DbConnection c, int n, CancellationToken ct)
    {
        await Exec(c, "DROP TEMPORARY TABLE IF EXISTS gen_seq", null, ct);
        await Exec(c, "CREATE TEMPORARY TABLE gen_seq (n INT NOT NULL PRIMARY KEY) ENGINE=InnoDB", null, ct);
        const string digits =
            "(SELECT 0 d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL "
            + "SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9)";
        var places = Math.Max(1, (int)Math.Ceiling(Math.Log10(Math.Max(n, 2))));
        var value = string.Join(" + ", Enumerable.Range(0, places).Select(i => $"d{i}.d * {(long)Math.Pow(10, i)}"));
        var from = string.Join(" CROSS JOIN ", Enumerable.Range(0, places).Select(i => $"{digits} d{i}"));
        await Exec(c, $"INSERT INTO gen_seq (n) SELECT {value} FROM {from} WHERE {value} < {n}", null, ct);
    }

    private static string Pick(string[] names, string index) =>
        $"ELT(1 + ({index}) MOD {names.Length}, {string.Join(",", names.Select(n => $"'{n}'"))})";

    /// <summary>
    /// Streets, communities, compounds, grids and buildings with materialised paths, and a grid worker, secretary and
    /// street admin for each.
    /// </summary>
    private static async Task<int> TreeAsync(DbConnection c, ScaleOptions o, DateTime now, CancellationToken ct)
    {
        int s = o.Streets,
            cm = s * o.CommunitiesPerStreet,
            cp = cm * o.CompoundsPerCommunity,
            g = cp * o.GridsPerCompound,
            b = g * o.BuildingsPerGrid;
        // Ids by level: streets StreetBase+i; communities AreaBase+i; compounds 2*AreaBase+i; grids 3*AreaBase+i;
        // buildings 4*AreaBase+i.
        var p = new
        {
            now,
            cpc = o.CommunitiesPerStreet,
            cmp = o.CompoundsPerCommunity,
            gpc = o.GridsPerCompound,
            bpg = o.BuildingsPerGrid,
        };
        var added = 0;
        var root = "/";
        if (o.County)
        {
            // The county and its organisation department's staff member (StaffBase + 300000).
            added += await Exec(
                c,
                $"""
                INSERT INTO area (id, parent_id, kind, name, path, depth, sort_order, created_at)
                VALUES ({CountyId}, NULL, 'county', '汉江县', '/{CountyId}/', 0, {CountyId}, @now);
                INSERT INTO person (id, name, phone, created_at, updated_at)
                VALUES ({StaffBase + 300000}, '县委组织部', '13900300000', @now, @now);
                INSERT INTO staff_role (person_id, role, area_id, created_at)
                VALUES ({StaffBase + 300000}, 'county_admin', {CountyId}, @now);
                """,
                p,
                ct
            );
            root = $"/{CountyId}/";
        }
        added += await Exec(
            c,
            $"""
            INSERT INTO area (id, parent_id, kind, name, path, depth, sort_order, created_at)
            SELECT {StreetBase} + n, {(o.County ? CountyId : "NULL")}, 'street', CONCAT({Pick(
                StreetNames,
                "n"
            )}, '街道', IF(n >= {StreetNames.Length}, n DIV {StreetNames.Length} + 1, '')),
                   CONCAT('{root}', {StreetBase} + n, '/'), 1, {StreetBase} + n, @now FROM gen_seq WHERE n < {s}
            """,
            p,
            ct
        );
        added += await Exec(
            c,
            $"""
            INSERT INTO area (id, parent_id, kind, name, path, depth, sort_order, created_at)
            SELECT {AreaBase} + q.n, st.id, 'community', CONCAT({Pick(
                CommunityNames,
                "q.n"
            )}, IF(q.n >= {CommunityNames.Length}, q.n DIV {CommunityNames.Length} + 1, ''), '社区'),
                   CONCAT(st.path, {AreaBase} + q.n, '/'), 2, q.n, @now
              FROM gen_seq q JOIN area st ON st.id = {StreetBase} + q.n DIV @cpc WHERE q.n < {cm}
            """,
            p,
            ct
        );
        added += await Exec(
            c,
            $"""
            INSERT INTO area (id, parent_id, kind, name, path, depth, sort_order, latitude, longitude, created_at)
            SELECT {2 * AreaBase} + q.n, cmn.id, 'compound', CONCAT({Pick(
                CompoundNames,
                "q.n"
            )}, IF(q.n >= {CompoundNames.Length}, CONCAT(q.n DIV {CompoundNames.Length} + 1, '期'), '')),
                   CONCAT(cmn.path, {2 * AreaBase} + q.n, '/'), 3, q.n, 33.10 + (q.n MOD 97) * 0.001,
                     107.30 + (q.n DIV 97) * 0.001, @now
              FROM gen_seq q JOIN area cmn ON cmn.id = {AreaBase} + q.n DIV @cmp WHERE q.n < {cp}
            """,
            p,
            ct
        );
        added += await Exec(
            c,
            $"""
            INSERT INTO area (id, parent_id, kind, name, path, depth, sort_order, latitude, longitude, created_at)
            SELECT {3 * AreaBase} + q.n, cpd.id, 'grid',
                   CONCAT(cpd.name, '第', ELT(1 + q.n MOD @gpc, '一','二','三','四','五','六','七','八','九','十'), '网格'),
                   CONCAT(cpd.path, {3 * AreaBase} + q.n, '/'), 4, q.n, cpd.latitude + (q.n MOD @gpc) * 0.0002,
                     cpd.longitude, @now
              FROM gen_seq q JOIN area cpd ON cpd.id = {2 * AreaBase} + q.n DIV @gpc WHERE q.n < {g}
            """,
            p,
            ct
        );
        added += await Exec(
            c,
            $"""
            INSERT INTO area (id, parent_id, kind, name, path, depth, sort_order, created_at)
            SELECT {4 * AreaBase} + q.n, gr.id, 'building', CONCAT((q.n DIV @bpg MOD @gpc) * @bpg + q.n MOD @bpg + 1,
              '栋'),
                   CONCAT(gr.path, {4 * AreaBase} + q.n, '/'), 5, q.n MOD @bpg + 1, @now
              FROM gen_seq q JOIN area gr ON gr.id = {3 * AreaBase} + q.n DIV @bpg WHERE q.n < {b}
            """,
            p,
            ct
        );
        // Staff: a grid worker per grid, a secretary per community, an admin per street.
        var staffId =
            $"{StaffBase} + CASE a.kind WHEN 'street' THEN a.id - {StreetBase} WHEN 'community' THEN 100000 + a.id - "
            + $"{AreaBase} ELSE 200000 + a.id - {3 * AreaBase} END";
        var staffAreas =
            $"(a.id >= {StreetBase} AND a.id < {StreetBase + s}) OR (a.id >= {AreaBase} AND a.id < {AreaBase + cm}) "
            + $"OR (a.id >= {3 * AreaBase} AND a.id < {3 * AreaBase + g})";
        await Exec(
            c,
            $"""
            INSERT INTO person (id, name, phone, created_at, updated_at)
            SELECT {staffId}, CONCAT({Pick(Surnames, "a.id")}, {Pick(
                GivenNames,
                "a.id DIV 7"
            )}), CONCAT('139', LPAD({staffId} MOD 100000000, 8, '0')), @now, @now
              FROM area a WHERE {staffAreas}
            """,
            p,
            ct
        );
        await Exec(
            c,
            $"""
            INSERT INTO staff_role (person_id, role, area_id, created_at)
            SELECT {staffId}, CASE a.kind WHEN 'street' THEN 'street_admin' WHEN 'community' THEN 'secretary'
              ELSE 'grid_worker' END, a.id, @now
              FROM area a WHERE {staffAreas}
            """,
            p,
            ct
        );
        return added;
    }

    /// <summary>
    /// The buildings people and orders are placed in, numbered 0 … n-1, with their compound's name and their community.
    /// </summary>
    private static async Task<int> BuildingsAsync(DbConnection c, string underPath, CancellationToken ct)
    {
        await Exec(c, "DROP TEMPORARY TABLE IF EXISTS gen_building", null, ct);
        await Exec(
            c,
            """
            CREATE TEMPORARY TABLE gen_building (idx INT NOT NULL PRIMARY KEY, id BIGINT NOT NULL,
              path VARCHAR(255) NOT NULL, place VARCHAR(200) NOT NULL,
              community_id BIGINT NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci
            """,
            null,
            ct
        );
        return await Exec(
            c,
            """
            INSERT INTO gen_building (idx, id, path, place, community_id)
            SELECT ROW_NUMBER() OVER (ORDER BY b.id) - 1, b.id, b.path, CONCAT(cp.name, b.name),
                   cp.parent_id
              FROM area b JOIN area g ON g.id = b.parent_id JOIN area cp ON cp.id = g.parent_id
             WHERE b.kind = 'building' AND b.path LIKE CONCAT(@underPath, '%')
            """,
            new { underPath },
            ct
        );
    }

    /// <summary>
    /// <paramref name="count"/> people with ids from <paramref name="idBase"/>: Chinese names picked by the given
    /// expressions of n, a phone number, and (with an openid prefix) an official-account openid, following at the given
    /// share.
    /// </summary>
    private static Task<int> PeopleAsync(
        DbConnection c,
        long idBase,
        int count,
        string phonePrefix,
        string? openidPrefix,
        double followingShare,
        string surname,
        string givenName,
        DateTime now,
        CancellationToken ct
    ) =>
        Exec(
            c,
            $"""
            INSERT INTO person (id, name, phone, oa_openid, oa_following, created_at, updated_at)
            SELECT {idBase} + n, CONCAT({Pick(Surnames, surname)}, {Pick(
                GivenNames,
                givenName
            )}), CONCAT(@phonePrefix, LPAD({idBase} + n, 8, '0')),
                   IF(@openidPrefix IS NULL, NULL, CONCAT(@openidPrefix, {idBase} + n)), @openidPrefix IS NOT NULL
                     AND (n * 7919) MOD 1000 < @following, @now, @now
              FROM gen_seq WHERE n < {count}
            """,
            new
            {
                now,
                phonePrefix,
                openidPrefix,
                following = (int)Math.Round(followingShare * 1000),
            },
            ct
        );

    private static async Task ResidentsAsync(
        DbConnection c,
        ScaleOptions o,
        int buildings,
        DateTime now,
        CancellationToken ct
    )
    {
        var p = new { now, buildings };
        await PeopleAsync(
            c,
            ResidentBase,
            o.Residents,
            "138",
            "o_gen_resident_",
            o.FollowingShare,
            "n * 7",
            "n * 13 + n DIV 20",
            now,
            ct
        );
        await Exec(
            c,
            $"""
            INSERT INTO resident (person_id, home_building_id, room, created_at)
            SELECT {ResidentBase} + s.n, b.id, CONCAT(1 + s.n MOD 6, '0', 1 + s.n DIV 6 MOD 4), @now
              FROM gen_seq s JOIN gen_building b ON b.idx = (s.n * 131) MOD @buildings WHERE s.n < {o.Residents}
            """,
            p,
            ct
        );
    }

    private static async Task UnitsAsync(DbConnection c, ScaleOptions o, DateTime now, CancellationToken ct)
    {
        var p = new { now };
        // Units stand in the communities of the buildings in scope, spread evenly.
        await Exec(c, "DROP TEMPORARY TABLE IF EXISTS gen_community", null, ct);
        await Exec(
            c,
            "CREATE TEMPORARY TABLE gen_community (idx INT NOT NULL PRIMARY KEY, id BIGINT NOT NULL) ENGINE=InnoDB",
            null,
            ct
        );
        await Exec(
            c,
            "INSERT INTO gen_community (idx, id) SELECT ROW_NUMBER() OVER (ORDER BY community_id) - 1, community_id "
                + "FROM (SELECT DISTINCT community_id FROM gen_building) x",
            null,
            ct
        );
        var communities = await c.ExecuteScalarAsync<int>(
            new CommandDefinition("SELECT COUNT(*) FROM gen_community", cancellationToken: ct)
        );
        string[] kinds =
        [
            "县人民医院",
            "第一中学",
            "税务局",
            "供电公司",
            "自来水公司",
            "人民银行",
            "住建局",
            "民政局",
            "公安分局",
            "中心小学",
        ];
        await Exec(
            c,
            $"""
            INSERT INTO unit (id, name, party_branch, area_id, status, created_at)
            SELECT {UnitBase} + s.n, CONCAT({Pick(kinds, "s.n")}, '（', s.n + 1, '）'), CONCAT({Pick(
                kinds,
                "s.n"
            )}, '党支部（', s.n + 1, '）'), gc.id, 'approved', @now
              FROM gen_seq s JOIN gen_community gc ON gc.idx = s.n MOD {communities} WHERE s.n < {o.Units}
            """,
            p,
            ct
        );
        await PeopleAsync(c, UnitAdminBase, o.Units, "137", null, 0, "n * 3", "n * 11", now, ct);
        await Exec(
            c,
            $"INSERT INTO unit_admin (unit_id, person_id, created_at) SELECT {UnitBase} + n, {UnitAdminBase} + n, "
                + $"@now FROM gen_seq WHERE n < {o.Units}",
            p,
            ct
        );
    }

    /// <summary>
    /// In-service members: a unit each (when units were generated), skills, and an approved residence registration
    /// where they live.
    /// </summary>
    private static async Task MembersAsync(
        DbConnection c,
        ScaleOptions o,
        int buildings,
        DateTime now,
        CancellationToken ct
    )
    {
        var p = new { now, buildings };
        await PeopleAsync(
            c,
            MemberBase,
            o.Members,
            "136",
            "o_gen_member_",
            o.FollowingShare,
            "n * 11 + 3",
            "n * 17 + n DIV 20",
            now,
            ct
        );
        await Exec(
            c,
            $"""
            INSERT INTO member (person_id, unit_id, skills, service_minutes, created_at)
            SELECT {MemberBase} + n, {(o.Units > 0 ? $"{UnitBase} + n MOD {o.Units}" : "NULL")}, CONCAT({Pick(
                Skills,
                "n"
            )}, ',', {Pick(Skills, "n DIV 10 + 3")}), 0, @now
              FROM gen_seq WHERE n < {o.Members}
            """,
            p,
            ct
        );
        await Exec(
            c,
            $"""
            INSERT INTO registration (person_id, community_id, kind, status, skills, decided_by, created_at, decided_at)
            SELECT {MemberBase} + s.n, b.community_id, 'residence', 'approved', m.skills, NULL, @now, @now
              FROM gen_seq s JOIN gen_building b ON b.idx = (s.n * 977) MOD @buildings JOIN member m
                ON m.person_id = {MemberBase} + s.n
             WHERE s.n < {o.Members}
            """,
            p,
            ct
        );
    }

    /// <summary>
    /// A history of orders: most resolved and closed (claimed by a member, resolved two days later, rated), the
    /// open share spread over the last ten days in every open status, some already overdue. Each with its timeline.
    /// </summary>
    private async Task<int> OrdersAsync(
        DbConnection c,
        ScaleOptions o,
        int buildings,
        DateTime now,
        Laps laps,
        CancellationToken ct
    )
    {
        // The secondary indexes are set aside while the rows go in and built afterwards, each table's in one sorted
        // pass. The orders' indexes are built while a second connection writes the timelines and then builds theirs:
        // each is one thread in the server, and there are two cores. The finally puts back whatever is still aside.
        var rebuildOrders = await SetIndexesAsideAsync(c, "service_order", ct);
        var rebuildEvents = await SetIndexesAsideAsync(c, "order_event", ct);
        try
        {
            await OrderRowsAsync(c, o, buildings, now, ct);
            laps.Mark("orders");
            var orderIndexes = rebuildOrders is null ? Task.CompletedTask : Exec(c, rebuildOrders, null, ct);
            var timelines = TimelinesAsync(o, rebuildEvents, ct);
            await Task.WhenAll(orderIndexes, timelines);
            (rebuildOrders, rebuildEvents) = (null, null);
            laps.Mark("timelines and indexes");
            await Exec(
                c,
                """
                UPDATE member m JOIN (SELECT claimer_person_id pid, SUM(service_minutes) minutes FROM service_order
                  WHERE service_minutes IS NOT NULL AND claimer_person_id IS NOT NULL GROUP BY claimer_person_id) x
                    ON x.pid = m.person_id SET m.service_minutes = x.minutes
                """,
                null,
                ct
            );
            laps.Mark("members' service hours");
            return await timelines;
        }
        finally
        {
            if (rebuildOrders is not null)
                await OnOwnConnectionAsync(rebuildOrders);
            if (rebuildEvents is not null)
                await OnOwnConnectionAsync(rebuildEvents);
        }
    }

    /// <summary>
    /// Timelines for the new orders on a connection of their own, then their indexes; answers how many events.
    /// </summary>
    private async Task<int> TimelinesAsync(ScaleOptions o, string? rebuildEvents, CancellationToken ct)
    {
        await using var c2 = await db.OpenDedicatedAsync(ct);
        await Exec(c2, "SET SESSION foreign_key_checks = 0", null, ct);
        // Timelines in one pass over the new orders: created for all; claimed, resolved (by the claimer, with an hour
        // of service) and the rating for the finished ones. Whichever way the join runs, an order's events get ids in
        // the order of their kinds.
        var events = await Exec(
            c2,
            $"""
            INSERT INTO order_event (order_id, kind, from_status, to_status, actor_id, actor_role, note, data,
              created_at)
            SELECT o.id, k.kind,
                   ELT(k.n, NULL, 'published', 'in_progress', NULL),
                   ELT(k.n, 'submitted', 'claimed', 'resolved', NULL),
                   IF(k.n IN (2, 3), o.claimer_person_id, o.resident_id),
                   ELT(k.n, 'resident', 'member', 'member', 'resident'),
                   IF(k.n = 3, '已处理完毕', NULL),
                   IF(k.n = 4, CONCAT(@ratingOpen, o.satisfaction, @ratingClose), NULL),
                   ELT(k.n, o.created_at, o.claimed_at, o.resolved_at, o.closed_at)
              FROM service_order o
              JOIN (SELECT 1 n, 'created' kind UNION ALL SELECT 2, 'claimed' UNION ALL SELECT 3, 'resolved'
                    UNION ALL SELECT 4, 'rated') k
                ON k.n = 1 OR (k.n = 2 AND o.claimed_at IS NOT NULL) OR (k.n = 3 AND o.resolved_at IS NOT NULL)
                   OR (k.n = 4 AND o.satisfaction IN ('satisfied','basically_satisfied','unsatisfied'))
             WHERE o.id >= {OrderBase} AND o.id < {OrderBase} + {o.Orders}
            """,
            new { ratingOpen = "{\"rating\":\"", ratingClose = "\"}" },
            ct
        );
        if (rebuildEvents is not null)
            await Exec(c2, rebuildEvents, null, ct);
        return events;
    }

    private async Task OnOwnConnectionAsync(string sql)
    {
        await using var other = await db.OpenDedicatedAsync(CancellationToken.None);
        await Exec(other, sql, null, CancellationToken.None);
    }

    /// <summary>
    /// Drops a table's secondary indexes and answers the statement that builds them again (null when it has none),
    /// read from information_schema so that it follows the migrations.
    /// </summary>
    private static async Task<string?> SetIndexesAsideAsync(DbConnection c, string table, CancellationToken ct)
    {
        var columns = await c.QueryAsync<(string Index, long NonUnique, string Column, long? Part)>(
            new CommandDefinition(
                """
                SELECT index_name, non_unique, column_name, sub_part FROM information_schema.statistics
                 WHERE table_schema = DATABASE() AND table_name = @table AND index_name <> 'PRIMARY'
                 ORDER BY index_name, seq_in_index
                """,
                new { table },
                cancellationToken: ct
            )
        );
        var indexes = columns.GroupBy(r => (r.Index, Unique: r.NonUnique == 0)).ToList();
        if (indexes.Count == 0)
            return null;
        var drops = string.Join(", ", indexes.Select(i => $"DROP INDEX `{i.Key.Index}`"));
        await Exec(c, $"ALTER TABLE {table} {drops}", null, ct);
        return $"ALTER TABLE {table} "
            + string.Join(
                ", ",
                indexes.Select(i =>
                    $"ADD {(i.Key.Unique ? "UNIQUE " : "")}KEY `{i.Key.Index}` ("
                    + string.Join(", ", i.Select(col => col.Part is { } n ? $"`{col.Column}`({n})" : $"`{col.Column}`"))
                    + ")"
                )
            );
    }

    private static async Task OrderRowsAsync(
        DbConnection c,
        ScaleOptions o,
        int buildings,
        DateTime now,
        CancellationToken ct
    )
    {
        await Exec(c, "DROP TEMPORARY TABLE IF EXISTS gen_text", null, ct);
        await Exec(
            c,
            """
            CREATE TEMPORARY TABLE gen_text (idx INT NOT NULL PRIMARY KEY, text VARCHAR(1000) NOT NULL,
              category_id BIGINT NOT NULL)
            ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci
            """,
            null,
            ct
        );
        var texts = await Exec(
            c,
            "INSERT INTO gen_text SELECT ROW_NUMBER() OVER (ORDER BY id) - 1, text, category_id FROM intake_example "
                + "WHERE source = 'seed'",
            null,
            ct
        );
        if (texts == 0)
            throw new InvalidOperationException("No intake examples to write orders from: apply the demo seed first.");
        var members =
            o.Members > 0
                ? o.Members
                : await c.ExecuteScalarAsync<int>(
                    new CommandDefinition("SELECT COUNT(*) FROM member", cancellationToken: ct)
                );
        var residents = o.Residents;
        var openEvery = o.OpenShare <= 0 ? int.MaxValue : (int)Math.Round(1 / o.OpenShare);
        var p = new
        {
            now,
            buildings,
            texts,
            minutes = o.HistoryDays * 1440,
            openEvery,
        };
        // Claimers are generated members when there are any, else the demo members (2001 …).
        var claimer =
            o.Members > 0
                ? $"{MemberBase} + (s.n * 17) MOD {members}"
                : $"(SELECT person_id FROM member ORDER BY person_id LIMIT 1)";
        var reporter = residents > 0 ? $"{ResidentBase} + (s.n * 29) MOD {residents}" : "NULL";
        // Open orders: n MOD openEvery = 0, created in the last ten days, in every open status; the rest finished over
        // the history. Reminders and escalation are as a steady state leaves them: reminders already sent are not due
        // again, and overdue orders stand at the level their time overdue gives them.
        const string open = "s.n MOD @openEvery = 0";
        // Resolved orders still waiting for a rating were resolved in the last four days (older ones the follow-up job
        // has closed).
        var createdExpr =
            $"(CASE WHEN {open} THEN TIMESTAMPADD(MINUTE, -((s.n DIV @openEvery * 37) MOD 14400), @now) "
            + $"WHEN s.n MOD 50 = 1 THEN TIMESTAMPADD(MINUTE, -(2880 + (s.n * 7) MOD 5760), @now) "
            + $"ELSE TIMESTAMPADD(MINUTE, -(1440 * 3 + (s.n * 7919) MOD @minutes), @now) END)";
        var statusExpr =
            $"(CASE WHEN {open} THEN ELT(1 + (s.n DIV @openEvery) MOD 6, "
            + $"'submitted','accepted','published','published','claimed','in_progress') WHEN s.n MOD 50 = 1 THEN "
            + $"'resolved' ELSE 'closed' END)";
        // Each order's creation time and status are worked out once, into a temporary table: written inline, the
        // expressions would be evaluated some thirty times a row (a million orders: 22 s inline, 12 s this way).
        await Exec(c, "DROP TEMPORARY TABLE IF EXISTS gen_order", null, ct);
        await Exec(
            c,
            """
            CREATE TEMPORARY TABLE gen_order (n INT NOT NULL PRIMARY KEY, created DATETIME(3) NOT NULL,
              status VARCHAR(16) NOT NULL, is_open TINYINT NOT NULL) ENGINE=InnoDB
            """,
            null,
            ct
        );
        await Exec(
            c,
            $"INSERT INTO gen_order SELECT s.n, {createdExpr}, {statusExpr}, {open} FROM gen_seq s WHERE s.n < "
                + $"{o.Orders}",
            p,
            ct
        );
        const string created = "s.created",
            status = "s.status",
            isOpen = "(s.is_open = 1)";
        var due = $"TIMESTAMPADD(DAY, 7, {created})";
        var claimed = $"({status} IN ('claimed','in_progress','resolved','closed'))";
        // Overdue open orders stand at the level their time overdue gives them (one step a day).
        var level = $"IF({isOpen} AND {due} < @now, LEAST(4, 1 + FLOOR(TIMESTAMPDIFF(HOUR, {due}, @now) / 24)), 0)";
        await Exec(
            c,
            $"""
            INSERT INTO service_order (id, code, source, resident_id, area_id, area_path, category_id, description,
              location_text, urgency, status,
              ack_due_at, resolve_due_at, next_remind_at, next_escalate_at, followed_up_at, claimer_person_id,
                escalation_level, satisfaction, created_by, created_at,
              accepted_at, published_at, claimed_at, started_at, resolved_at, closed_at, updated_at, version,
              service_minutes)
            SELECT {OrderBase} + s.n, CONCAT('GD', DATE_FORMAT(TIMESTAMPADD(HOUR, 8, {created}), '%Y%m%d'), '-',
              LPAD(s.n, 7, '0')),
                   IF(s.n MOD 3 = 0, 'mini_program', 'wechat_chat'), {reporter}, b.id, b.path, t.category_id,
                     CONCAT(b.place, t.text), b.place, 'normal', {status},
                   TIMESTAMPADD(HOUR, 24, {created}), {due},
                   CASE WHEN NOT {isOpen} THEN NULL WHEN TIMESTAMPADD(HOUR, 84, {created}) > @now
                     THEN TIMESTAMPADD(HOUR, 84, {created})
                        WHEN TIMESTAMPADD(HOUR, 144, {created}) > @now THEN TIMESTAMPADD(HOUR, 144, {created}) END,
                   CASE WHEN NOT {isOpen} THEN NULL WHEN {due} >= @now THEN {due} WHEN {level} < 4
                     THEN TIMESTAMPADD(HOUR, 24 * {level}, {due}) END,
                   IF({status} = 'resolved' AND TIMESTAMPADD(HOUR, 48 + 72, {created}) < @now, TIMESTAMPADD(HOUR,
                     48 + 72, {created}), NULL),
                   IF({claimed}, {claimer}, NULL),
                   {level},
                   IF({status} = 'closed', ELT(1 + s.n MOD 10,
                     'satisfied','satisfied','satisfied','satisfied','satisfied','satisfied',
                     'basically_satisfied','basically_satisfied','unsatisfied','unrated'), NULL),
                   {reporter}, {created},
                   IF({status} = 'submitted', NULL, TIMESTAMPADD(HOUR, 1, {created})),
                   IF({status} IN ('submitted','accepted'), NULL, TIMESTAMPADD(HOUR, 2, {created})),
                   IF({status} = 'claimed', GREATEST(TIMESTAMPADD(MINUTE, 1, {created}), TIMESTAMPADD(MINUTE,
                     -((s.n * 13) MOD 1200), @now)),
                      IF({claimed}, TIMESTAMPADD(HOUR, 4, {created}), NULL)),
                   IF({status} IN ('in_progress','resolved','closed'), TIMESTAMPADD(HOUR, 6, {created}), NULL),
                   IF({status} IN ('resolved','closed'), TIMESTAMPADD(HOUR, 48, {created}), NULL),
                   IF({status} = 'closed', TIMESTAMPADD(HOUR, 60, {created}), NULL),
                   {created}, 1, IF({status} IN ('resolved','closed'), 60, NULL)
              FROM gen_order s
              JOIN gen_building b ON b.idx = (s.n * 131) MOD @buildings
              JOIN gen_text t ON t.idx = (s.n * 37) MOD @texts
             WHERE s.n < {o.Orders}
            """,
            p,
            ct
        );
    }
}
