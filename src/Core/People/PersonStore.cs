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
