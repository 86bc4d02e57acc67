using Dapper;
using Governance.Core.Data;

namespace Governance.Core.People;

public sealed class PersonStore(Db db)
{
    private const string CallerSql = """
        SELECT id, name FROM person WHERE id = @id;
        SELECT COUNT(*) FROM resident WHERE person_id = @id;
        SELECT COUNT(*) FROM member WHERE person_id = @id;
        SELECT s.role AS Role, s.area_id AS AreaId, a.path AS AreaPath
          FROM staff_role s JOIN area a ON a.id = s.area_id WHERE s.person_id = @id ORDER BY s.id;
        SELECT unit_id FROM unit_admin WHERE person_id = @id ORDER BY unit_id;
        """;
    public async Task<Caller?> LoadCallerAsync(long personId, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        await using var multi = await c.QueryMultipleAsync(new CommandDefinition(CallerSql, new { id = personId }, cancellationToken: ct));
        var person = await multi.ReadSingleOrDefaultAsync<(long Id, string Name)?>();
        if (person is null) return null;
        var isResident = await multi.ReadSingleAsync<int>() > 0;
        var isMember = await multi.ReadSingleAsync<int>() > 0;
        var staff = (await multi.ReadAsync<StaffScope>()).AsList();
        var units = (await multi.ReadAsync<long>()).AsList();
        return new Caller(person.Value.Id, person.Value.Name, isResident, isMember, staff, units);
    }

    private const string UpsertOaSql = """
        INSERT INTO person (name, oa_openid, oa_following, created_at, updated_at) VALUES ('微信居民', @openid, @following, @now, @now)
        ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id), oa_following = IF(@touch, VALUES(oa_following), oa_following), updated_at = VALUES(updated_at);
        SELECT LAST_INSERT_ID();
        """;
    private const string EnsureResidentSql = "INSERT IGNORE INTO resident (person_id, created_at) VALUES (@id, @now)";
    /// <summary>
    /// The person behind an official-account openid, created on first contact as a resident. A follow or
    /// unfollow event sets oa_following (unfollowed people get no template messages).
    /// </summary>
    public async Task<long> EnsureByOaOpenidAsync(string openid, bool? following, DateTime now, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var id = await c.ExecuteScalarAsync<long>(new CommandDefinition(UpsertOaSql,
            new { openid, following = following ?? true, touch = following is not null, now }, cancellationToken: ct));
        await c.ExecuteAsync(new CommandDefinition(EnsureResidentSql, new { id, now }, cancellationToken: ct));
        return id;
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
        return (await c.QueryAsync<ChatResident>(new CommandDefinition(ChatResidentsSql, new { limit }, cancellationToken: ct))).AsList();
    }

    private const string HomeSql = "SELECT home_building_id FROM resident WHERE person_id = @id";
    public async Task<long?> HomeBuildingAsync(long personId, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteScalarAsync<long?>(new CommandDefinition(HomeSql, new { id = personId }, cancellationToken: ct));
    }
}

public static class PhoneMask
{
    /// <summary>138****5678: phones are shown in full only to their owner and to staff who need them.</summary>
    public static string? Mask(string? phone) =>
        phone is null ? null : phone.Length >= 7 ? string.Concat(phone.AsSpan(0, 3), "****", phone.AsSpan(phone.Length - 4)) : "****";
}
