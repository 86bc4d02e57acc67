using Dapper;
using Governance.Core.Data;

namespace Governance.Core.People;

/// <summary>Someone found by phone number at the desk.</summary>
public sealed record PhoneMatch
{
    public long PersonId { get; init; }
    public string Name { get; init; } = "";
    public string? Phone { get; init; }
    public long? HomeBuildingId { get; init; }
}

public sealed class PersonStore(Db db)
{
    /// <summary>
    /// Who is asking, as two statements: the person, then every role in one list (staff scopes, approved
    /// registrations, units administered with the communities they stand in or are paired with; a department standing
    /// at the county serves no community by standing there, only where it is paired or summoned). @pid is the person: a
    /// parameter, or a session variable set by a statement before these.
    /// </summary>
    private const string CallerSql = """
        SELECT p.id, p.name, r.person_id IS NOT NULL, m.person_id IS NOT NULL, r.home_building_id, m.unit_id, m.skills
          FROM person p LEFT JOIN resident r ON r.person_id = p.id LEFT JOIN member m ON m.person_id = p.id
            WHERE p.id = @pid;
        SELECT 'staff' AS Kind, s.id AS Sort, s.area_id AS Id, a.path AS Path, s.role AS Name, NULL AS Status,
               NULL AS Skills
          FROM staff_role s JOIN area a ON a.id = s.area_id WHERE s.person_id = @pid
        UNION ALL
        SELECT 'registration', r.community_id, r.community_id, a.path, NULL, NULL, r.skills
          FROM registration r JOIN area a ON a.id = r.community_id WHERE r.person_id = @pid AND r.status = 'approved'
        UNION ALL
        SELECT 'unit', u.id, u.id, CASE WHEN a.kind = 'county' THEN '' ELSE a.path END, u.name, u.status, NULL
          FROM unit_admin ua JOIN unit u ON u.id = ua.unit_id JOIN area a ON a.id = u.area_id WHERE ua.person_id = @pid
        UNION ALL
        SELECT 'unit', u.id, u.id, a.path, u.name, u.status, NULL
          FROM unit_admin ua JOIN unit u ON u.id = ua.unit_id
          JOIN unit_pairing p ON p.unit_id = u.id AND p.status = 'approved' JOIN area a ON a.id = p.community_id
         WHERE ua.person_id = @pid
        ORDER BY Kind, Sort;
        """;

    /// <summary>The same for the resident behind an official-account openid (none yet: no person row).</summary>
    internal const string CallerByOaOpenidSql = """
        SET @pid = (SELECT p.id FROM person p JOIN resident r ON r.person_id = p.id WHERE p.oa_openid = @openid);
        """
        + CallerSql;

    /// <summary>Everything about who is asking, in one round trip: roles, scopes, units, skills and home.</summary>
    public async Task<Caller?> LoadCallerAsync(long personId, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        await using var multi = await c.QueryMultipleAsync(
            new CommandDefinition(CallerSql, new { pid = personId }, cancellationToken: ct)
        );
        return await ReadCallerAsync(multi);
    }

    private sealed record RoleRow(
        string Kind,
        long Sort,
        long Id,
        string Path,
        string? Name,
        string? Status,
        string? Skills
    );

    /// <summary>
    /// Reads the two result sets of <see cref="CallerSql"/>, both of them whether or not the person exists.
    /// </summary>
    internal static async Task<Caller?> ReadCallerAsync(SqlMapper.GridReader multi)
    {
        var person = await multi.ReadSingleOrDefaultAsync<(
            long Id,
            string Name,
            bool IsResident,
            bool IsMember,
            long? Home,
            long? UnitId,
            string? Skills
        )?>();
        var roles = (await multi.ReadAsync<RoleRow>()).AsList();
        if (person is null)
            return null;
        var p = person.Value;
        var staff = roles
            .Where(r => r.Kind == "staff")
            .Select(r => new StaffScope(r.Name!, r.Id, r.Path))
            .ToList();
        var registrations = roles.Where(r => r.Kind == "registration").ToList();
        var unitRows = roles.Where(r => r.Kind == "unit").ToList();
        var skills = (p.Skills ?? "")
            .Split(',')
            .Concat(registrations.SelectMany(r => (r.Skills ?? "").Split(',')))
            .Select(s => s.Trim())
            .Where(s => s.Length > 0)
            .Distinct()
            .ToList();
        return new Caller(
            p.Id,
            p.Name,
            p.IsResident,
            p.IsMember,
            staff,
            unitRows.Select(u => u.Id).Distinct().Order().ToList()
        )
        {
            MemberCommunities = registrations.Select(r => new CommunityScope(r.Id, r.Path)).ToList(),
            Units = unitRows
                .GroupBy(u => (u.Id, u.Name, u.Status))
                .Select(g => new UnitScope(
                    g.Key.Id,
                    g.Key.Name!,
                    g.Key.Status!,
                    g.Select(u => u.Path).Where(p => p.Length > 0).Distinct().ToList()
                ))
                .ToList(),
            MemberUnitId = p.UnitId,
            Skills = skills,
            HomeBuildingId = p.Home,
        };
    }

    private const string UpsertOaSql = """
        INSERT INTO person (name, oa_openid, oa_following, created_at, updated_at) VALUES ('微信居民', @openid, @following,
          @now, @now)
        ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id), oa_following = IF(@touch, VALUES(oa_following), oa_following),
          updated_at = VALUES(updated_at);
        SELECT LAST_INSERT_ID();
        """;
    private const string EnsureResidentSql = "INSERT IGNORE INTO resident (person_id, created_at) VALUES (@id, @now)";
    private const string ByOaSql =
        "SELECT p.id FROM person p JOIN resident r ON r.person_id = p.id WHERE p.oa_openid = @openid";

    /// <summary>
    /// The person behind an official-account openid, created on first contact as a resident. A follow or
    /// unfollow event sets oa_following (unfollowed people get no template messages). An ordinary message from
    /// someone we know is one read.
    /// </summary>
    public async Task<long> EnsureByOaOpenidAsync(
        string openid,
        bool? following,
        DateTime now,
        CancellationToken ct = default
    )
    {
        await using var c = await db.OpenAsync(ct);
        if (
            following is null
            && await c.ExecuteScalarAsync<long?>(new CommandDefinition(ByOaSql, new { openid }, cancellationToken: ct))
                is { } known
        )
            return known;
        var id = await c.ExecuteScalarAsync<long>(
            new CommandDefinition(
                UpsertOaSql,
                new
                {
                    openid,
                    following = following ?? true,
                    touch = following is not null,
                    now,
                },
                cancellationToken: ct
            )
        );
        await c.ExecuteAsync(new CommandDefinition(EnsureResidentSql, new { id, now }, cancellationToken: ct));
        return id;
    }

    private const string UpsertMpSql = """
        INSERT INTO person (name, mp_openid, unionid, mp_session_key, created_at, updated_at) VALUES ('微信用户', @openid,
          @unionid, @sessionKey, @now, @now)
        ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id), mp_session_key = VALUES(mp_session_key),
          unionid = COALESCE(VALUES(unionid), unionid), updated_at = VALUES(updated_at);
        SELECT LAST_INSERT_ID();
        """;
    private const string LinkByUnionSql = """
        UPDATE person SET mp_openid = @openid, mp_session_key = @sessionKey, updated_at = @now
        WHERE unionid = @unionid AND mp_openid IS NULL ORDER BY id LIMIT 1
        """;
    private const string ByUnionSql = "SELECT id FROM person WHERE unionid = @unionid AND mp_openid = @openid";

    /// <summary>
    /// The person behind a mini-program openid, created on first sign-in. When WeChat gives a unionid that an
    /// official-account follower already has, the mini-program identity joins that person instead of making a
    /// second one, so chat reports and form reports are the same resident's.
    /// </summary>
    public async Task<(long PersonId, bool Created)> EnsureByMpOpenidAsync(
        string openid,
        string? unionid,
        string sessionKey,
        DateTime now,
        CancellationToken ct = default
    )
    {
        await using var c = await db.OpenAsync(ct);
        if (
            unionid is not null
            && await c.ExecuteAsync(
                new CommandDefinition(
                    LinkByUnionSql,
                    new
                    {
                        openid,
                        unionid,
                        sessionKey,
                        now,
                    },
                    cancellationToken: ct
                )
            ) == 1
        )
            return (
                await c.ExecuteScalarAsync<long>(
                    new CommandDefinition(ByUnionSql, new { unionid, openid }, cancellationToken: ct)
                ),
                false
            );
        var existed = await c.ExecuteScalarAsync<long?>(
            new CommandDefinition(
                "SELECT id FROM person WHERE mp_openid = @openid",
                new { openid },
                cancellationToken: ct
            )
        );
        var id = await c.ExecuteScalarAsync<long>(
            new CommandDefinition(
                UpsertMpSql,
                new
                {
                    openid,
                    unionid,
                    sessionKey,
                    now,
                },
                cancellationToken: ct
            )
        );
        await c.ExecuteAsync(new CommandDefinition(EnsureResidentSql, new { id, now }, cancellationToken: ct));
        return (id, existed is null);
    }

    private const string PhoneSql =
        "UPDATE person SET phone = @phone, phone_verified_at = @now, updated_at = @now WHERE id = @id";

    // Records the desk made for a resident who phoned or walked in (代录): a name and this phone, and nothing else — no
    // WeChat identity, no role. A WeChat-verified phone is the same person.
    private const string DeskRecordsSql = """
        SELECT p.id FROM person p
         WHERE p.phone = @phone AND p.id <> @id AND p.oa_openid IS NULL AND p.mp_openid IS NULL AND p.unionid IS NULL
           AND NOT EXISTS (SELECT 1 FROM staff_role s WHERE s.person_id = p.id)
           AND NOT EXISTS (SELECT 1 FROM member m WHERE m.person_id = p.id)
           AND NOT EXISTS (SELECT 1 FROM unit_admin u WHERE u.person_id = p.id)
           AND NOT EXISTS (SELECT 1 FROM staff_account a WHERE a.person_id = p.id)
         FOR UPDATE
        """;

    // What a desk record owns moves to the person: their orders (and following them), their inbox and the notices
    // queued for them, and their home if the person has none; the record keeps its name but loses the phone, so the
    // desk finds the person next time.
    private const string AdoptSql = """
        UPDATE service_order SET resident_id = @id WHERE resident_id = @record;
        INSERT IGNORE INTO order_follower (order_id, person_id, created_at)
          SELECT order_id, @id, created_at FROM order_follower WHERE person_id = @record;
        DELETE FROM order_follower WHERE person_id = @record;
        UPDATE inbox_message SET person_id = @id WHERE person_id = @record;
        UPDATE delivery SET person_id = @id WHERE person_id = @record;
        INSERT IGNORE INTO resident (person_id, home_building_id, room, created_at)
          SELECT @id, home_building_id, room, created_at FROM resident WHERE person_id = @record;
        UPDATE resident r JOIN resident d ON d.person_id = @record
           SET r.home_building_id = d.home_building_id, r.room = d.room
         WHERE r.person_id = @id AND r.home_building_id IS NULL;
        DELETE FROM resident WHERE person_id = @record;
        UPDATE person SET phone = NULL, updated_at = @now WHERE id = @record;
        """;

    /// <summary>
    /// Keeps the person's WeChat-verified phone. A resident the desk recorded earlier with this phone (代录) is the same
    /// person: their orders, inbox and home come over, so what they reported by phone is in their mini-program.
    /// </summary>
    public async Task BindPhoneAsync(long id, string phone, DateTime now, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var args = new
        {
            id,
            phone,
            now,
        };
        await c.ExecuteAsync(new CommandDefinition(PhoneSql, args, tx, cancellationToken: ct));
        var records = await c.QueryAsync<long>(
            new CommandDefinition(DeskRecordsSql, args, tx, cancellationToken: ct)
        );
        foreach (var record in records)
            await c.ExecuteAsync(
                new CommandDefinition(
                    AdoptSql,
                    new
                    {
                        id,
                        record,
                        now,
                    },
                    tx,
                    cancellationToken: ct
                )
            );
        await tx.CommitAsync(ct);
    }

    private const string ByPhoneSql = """
        SELECT p.id AS PersonId, p.name AS Name, p.phone AS Phone, r.home_building_id AS HomeBuildingId
          FROM person p LEFT JOIN resident r ON r.person_id = p.id
         WHERE p.phone = @phone ORDER BY r.person_id IS NULL, p.id LIMIT 5
        """;

    /// <summary>The people with this phone number (residents first), as a desk finds the caller on the line.</summary>
    public async Task<IReadOnlyList<PhoneMatch>> ByPhoneAsync(string phone, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return (
            await c.QueryAsync<PhoneMatch>(new CommandDefinition(ByPhoneSql, new { phone }, cancellationToken: ct))
        ).AsList();
    }

    private const string NewResidentSql = """
        INSERT INTO person (name, phone, created_at, updated_at) VALUES (@name, @phone, @now, @now);
        SET @new_person = LAST_INSERT_ID();
        INSERT INTO resident (person_id, home_building_id, created_at) VALUES (@new_person, @home, @now);
        SELECT @new_person;
        """;

    /// <summary>A resident known only by name and phone, entered at the desk (no WeChat account yet).</summary>
    public async Task<long> CreateResidentAsync(
        string name,
        string phone,
        long? home,
        DateTime now,
        CancellationToken ct = default
    )
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var id = await c.ExecuteScalarAsync<long>(
            new CommandDefinition(
                NewResidentSql,
                new
                {
                    name,
                    phone,
                    home,
                    now,
                },
                tx,
                cancellationToken: ct
            )
        );
        await tx.CommitAsync(ct);
        return id;
    }

    private const string ProfileNameSql = "UPDATE person SET name = @name, updated_at = @now WHERE id = @id";
    private const string ProfileHomeSql = """
        INSERT INTO resident (person_id, home_building_id, created_at) VALUES (@id, @home, @now)
        ON DUPLICATE KEY UPDATE home_building_id = VALUES(home_building_id)
        """;
    private const string ProfileMemberSql = """
        INSERT INTO member (person_id, unit_id, skills, service_minutes, created_at) VALUES (@id, @unitId,
          COALESCE(@skills, ''), 0, @now)
        ON DUPLICATE KEY UPDATE unit_id = COALESCE(@unitId, unit_id), skills = COALESCE(@skills, skills)
        """;

    /// <summary>
    /// The fields of a profile that were given, in one commit; skills and unit make the person a member (in-service
    /// Party member).
    /// </summary>
    public async Task UpdateProfileAsync(
        long id,
        string? name,
        long? home,
        string? skills,
        long? unitId,
        DateTime now,
        CancellationToken ct
    )
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        if (name is not null)
            await c.ExecuteAsync(
                new CommandDefinition(
                    ProfileNameSql,
                    new
                    {
                        id,
                        name,
                        now,
                    },
                    tx,
                    cancellationToken: ct
                )
            );
        if (home is not null)
            await c.ExecuteAsync(
                new CommandDefinition(
                    ProfileHomeSql,
                    new
                    {
                        id,
                        home,
                        now,
                    },
                    tx,
                    cancellationToken: ct
                )
            );
        if (skills is not null || unitId is not null)
            await c.ExecuteAsync(
                new CommandDefinition(
                    ProfileMemberSql,
                    new
                    {
                        id,
                        unitId,
                        skills,
                        now,
                    },
                    tx,
                    cancellationToken: ct
                )
            );
        await tx.CommitAsync(ct);
    }

    public sealed record Profile(
        long Id,
        string Name,
        string? Phone,
        string? MpOpenid,
        long? HomeBuildingId,
        int ServiceMinutes
    );

    private const string ProfileSql = """
        SELECT p.id, p.name, p.phone, p.mp_openid AS MpOpenid, r.home_building_id AS HomeBuildingId,
          COALESCE(m.service_minutes, 0) AS ServiceMinutes
          FROM person p LEFT JOIN resident r ON r.person_id = p.id LEFT JOIN member m ON m.person_id = p.id
            WHERE p.id = @id
        """;

    public async Task<Profile?> ProfileAsync(long id, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<Profile>(
            new CommandDefinition(ProfileSql, new { id }, cancellationToken: ct)
        );
    }

    public sealed record ChatResident(long Id, string Name, string OaOpenid, string? Home);

    private const string ChatResidentsSql = """
        SELECT p.id, p.name, p.oa_openid AS OaOpenid, CONCAT(c.name, ' ', b.name) AS Home
          FROM person p JOIN resident r ON r.person_id = p.id
          LEFT JOIN area b ON b.id = r.home_building_id
          LEFT JOIN area g ON g.id = b.parent_id
          LEFT JOIN area c ON c.id = g.parent_id
         WHERE p.oa_openid IS NOT NULL ORDER BY p.id LIMIT @limit
        """;

    /// <summary>Residents who talk to the official account (for the sandbox chat page).</summary>
    public async Task<IReadOnlyList<ChatResident>> ChatResidentsAsync(int limit, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return (
            await c.QueryAsync<ChatResident>(
                new CommandDefinition(ChatResidentsSql, new { limit }, cancellationToken: ct)
            )
        ).AsList();
    }

    /// <summary>The person who uses the mini-program with this openid, if any.</summary>
    public async Task<long?> IdByMpOpenidAsync(string openid, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteScalarAsync<long?>(
            new CommandDefinition(
                "SELECT id FROM person WHERE mp_openid = @openid",
                new { openid },
                cancellationToken: ct
            )
        );
    }

    /// <summary>
    /// Who follows the official account and who has the mini-program, by openid: what WeChat itself knows about our
    /// people, for the sandbox's simulator to start from.
    /// </summary>
    public async Task<(IReadOnlyList<string> Followers, IReadOnlyList<string> MiniProgramUsers)> OpenidsAsync(
        CancellationToken ct = default
    )
    {
        await using var c = await db.OpenAsync(ct);
        using var grid = await c.QueryMultipleAsync(
            new CommandDefinition(
                "SELECT oa_openid FROM person WHERE oa_following = 1 AND oa_openid IS NOT NULL ORDER BY id; "
                    + "SELECT mp_openid FROM person WHERE mp_openid IS NOT NULL ORDER BY id",
                cancellationToken: ct
            )
        );
        return ((await grid.ReadAsync<string>()).AsList(), (await grid.ReadAsync<string>()).AsList());
    }

    private const string StaffOverSql = """
        SELECT DISTINCT s.person_id FROM area a JOIN staff_role s ON s.area_id = a.id
        WHERE a.path IN @ancestors AND s.role IN @roles ORDER BY s.person_id
        """;

    /// <summary>
    /// The staff whose scope covers a place, by role (the grid workers of its grid, its secretary, ...): the place's
    /// ancestors are read from its materialised path and looked up by their own paths (an index look-up each).
    /// </summary>
    public async Task<IReadOnlyList<long>> StaffOverAsync(
        string areaPath,
        IEnumerable<string> roles,
        CancellationToken ct
    )
    {
        await using var c = await db.OpenAsync(ct);
        return (
            await c.QueryAsync<long>(
                new CommandDefinition(
                    StaffOverSql,
                    new { ancestors = Areas.AreaPaths.AncestorsAndSelf(areaPath), roles = roles.ToArray() },
                    cancellationToken: ct
                )
            )
        ).AsList();
    }

    private const string StaffUnderSql = """
        SELECT DISTINCT s.person_id FROM area a JOIN staff_role s ON s.area_id = a.id
        WHERE a.path LIKE @prefix AND a.kind = @kind AND s.role IN @roles ORDER BY s.person_id
        """;

    /// <summary>
    /// The staff of the given role whose areas of the given kind lie inside a place (the grid workers of a compound's
    /// grids).
    /// </summary>
    public async Task<IReadOnlyList<long>> StaffUnderAsync(
        string areaPath,
        string kind,
        IEnumerable<string> roles,
        CancellationToken ct
    )
    {
        await using var c = await db.OpenAsync(ct);
        return (
            await c.QueryAsync<long>(
                new CommandDefinition(
                    StaffUnderSql,
                    new
                    {
                        prefix = areaPath + "%",
                        kind,
                        roles = roles.ToArray(),
                    },
                    cancellationToken: ct
                )
            )
        ).AsList();
    }

    public async Task<long?> MemberUnitAsync(long personId, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteScalarAsync<long?>(
            new CommandDefinition(
                "SELECT unit_id FROM member WHERE person_id = @personId",
                new { personId },
                cancellationToken: ct
            )
        );
    }
}
