using System.Data.Common;
using Dapper;
using Governance.Core.Areas;
using Governance.Core.Data;

namespace Governance.Core.Intake;

/// <summary>
/// The classifier's labelled examples (the shipped seed plus staff corrections) and the places it matches names
/// against.
/// </summary>
public sealed class IntakeExampleStore(Db db)
{
    private const string ListSql = """
        SELECT e.text, c.code FROM intake_example e JOIN category c ON c.id = e.category_id
        WHERE c.active = 1 ORDER BY e.id
        """;

    public async Task<List<(string Text, string Label)>> ListAsync(CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<(string, string)>(new CommandDefinition(ListSql, cancellationToken: ct))).AsList();
    }

    private const string AddSql = """
        INSERT INTO intake_example (text, category_id, source, order_id, created_at) VALUES (@text, @categoryId,
          @source, @orderId, @now)
        """;

    /// <summary>Joins the caller's transaction (a staff correction is recorded with the order change).</summary>
    public static Task AddAsync(
        DbConnection c,
        DbTransaction tx,
        string text,
        long categoryId,
        string source,
        long? orderId,
        DateTime now,
        CancellationToken ct
    ) =>
        c.ExecuteAsync(
            new CommandDefinition(
                AddSql,
                new
                {
                    text,
                    categoryId,
                    source,
                    orderId,
                    now,
                },
                tx,
                cancellationToken: ct
            )
        );

    private const string CountSql = "SELECT COUNT(*) FROM intake_example";

    public async Task<long> CountAsync(CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteScalarAsync<long>(new CommandDefinition(CountSql, cancellationToken: ct));
    }

    private const string AreasSql =
        "SELECT id, parent_id AS ParentId, kind, name, path, depth, latitude, longitude FROM area WHERE kind IN "
        + "('compound','grid','building')";

    public async Task<List<Area>> PlaceAreasAsync(CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<Area>(new CommandDefinition(AreasSql, cancellationToken: ct))).AsList();
    }
}
