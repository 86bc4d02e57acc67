using System.Text.Json;
using Dapper;
using Governance.Core.Data;
using Governance.Core.Notifications;

namespace Governance.Core.Broadcasts;

public sealed record BroadcastRow(
    long Id,
    long AuthorId,
    long AreaId,
    string AreaPath,
    string Audience,
    string? PersonIds,
    string Title,
    string Body,
    string Status,
    DateTime? SendAt,
    int? Recipients,
    DateTime CreatedAt,
    DateTime? SentAt
);

public sealed class BroadcastStore(Db db)
{
    private const string Columns = """
        id, author_id AS AuthorId, area_id AS AreaId, area_path AS AreaPath, audience, person_ids AS PersonIds, title,
          body, status,
        send_at AS SendAt, recipients, created_at AS CreatedAt, sent_at AS SentAt
        """;

    private const string InsertSql = """
        INSERT INTO broadcast (author_id, area_id, area_path, audience, person_ids, title, body, status, created_at)
        VALUES (@author, @areaId, @path, @audience, @ids, @title, @body, 'draft', @now);
        SELECT LAST_INSERT_ID();
        """;

    public async Task<long> CreateAsync(
        long author,
        long areaId,
        string path,
        string audience,
        string? ids,
        string title,
        string body,
        DateTime now,
        CancellationToken ct
    )
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteScalarAsync<long>(
            new CommandDefinition(
                InsertSql,
                new
                {
                    author,
                    areaId,
                    path,
                    audience,
                    ids,
                    title,
                    body,
                    now,
                },
                cancellationToken: ct
            )
        );
    }

    private static readonly string GetSql = $"SELECT {Columns} FROM broadcast WHERE id = @id";

    public async Task<BroadcastRow?> GetAsync(long id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return Utc(
            await c.QuerySingleOrDefaultAsync<BroadcastRow>(
                new CommandDefinition(GetSql, new { id }, cancellationToken: ct)
            )
        );
    }

    /// <summary>
    /// The newest broadcasts in the given subtrees, newest first; <paramref name="beforeId"/> continues a list.
    /// </summary>
    public async Task<IReadOnlyList<BroadcastRow>> ListAsync(
        IReadOnlyList<string> paths,
        long? beforeId,
        int limit,
        CancellationToken ct
    )
    {
        if (paths.Count == 0)
            return [];
        var p = new DynamicParameters(new { beforeId, limit });
        var scope = string.Join(
            " OR ",
            paths.Select(
                (path, i) =>
                {
                    p.Add($"s{i}", path + "%");
                    return $"area_path LIKE @s{i}";
                }
            )
        );
        await using var c = await db.OpenAsync(ct);
        return (
            await c.QueryAsync<BroadcastRow>(
                new CommandDefinition(
                    $"SELECT {Columns} FROM broadcast WHERE ({scope}) AND (@beforeId IS NULL OR id < @beforeId) "
                        + $"ORDER BY id DESC LIMIT @limit",
                    p,
                    cancellationToken: ct
                )
            )
        )
            .Select(r => Utc(r)!)
            .ToList();
    }

    private const string ScheduleSql =
        "UPDATE broadcast SET status = 'scheduled', send_at = @at WHERE id = @id AND status IN ('draft','scheduled')";

    public async Task<bool> ScheduleAsync(long id, DateTime at, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteAsync(new CommandDefinition(ScheduleSql, new { id, at }, cancellationToken: ct)) == 1;
    }

    private const string CancelSql =
        "UPDATE broadcast SET status = 'cancelled' WHERE id = @id AND status IN ('draft','scheduled')";

    public async Task<bool> CancelAsync(long id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteAsync(new CommandDefinition(CancelSql, new { id }, cancellationToken: ct)) == 1;
    }

    private const string ClaimSql =
        "UPDATE broadcast SET status = 'sending', sent_at = @now WHERE id = @id AND status IN ('draft','scheduled')";
    private const string CountSql = "UPDATE broadcast SET recipients = @added WHERE id = @id";

    /// <summary>
    /// Claims the broadcast (draft/scheduled → sending) and writes one outbox row per recipient, in one commit. The
    /// claim is a conditional update, so two nodes (or a re-run after a crash) cannot both expand it; the idempotency
    /// keys would keep them from doubling anyway. Returns the rows added, or null when someone else had it.
    /// </summary>
    public async Task<int?> ExpandAsync(BroadcastRow row, Notice notice, DateTime now, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        if (
            await c.ExecuteAsync(new CommandDefinition(ClaimSql, new { id = row.Id, now }, tx, cancellationToken: ct))
            != 1
        )
        {
            await tx.RollbackAsync(ct);
            return null;
        }
        var (sql, p) = AudienceSql(row);
        var added = await Outbox.EnqueueSelectedAsync(
            c,
            tx,
            sql,
            p,
            notice,
            $"broadcast:{row.Id}",
            row.Id,
            row.AreaPath,
            now,
            ct
        );
        await c.ExecuteAsync(new CommandDefinition(CountSql, new { id = row.Id, added }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return added;
    }

    private static readonly string DueSql =
        $"SELECT {Columns} FROM broadcast WHERE status = 'scheduled' AND send_at <= @now ORDER BY send_at LIMIT 100";

    public async Task<IReadOnlyList<BroadcastRow>> DueAsync(DateTime now, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<BroadcastRow>(new CommandDefinition(DueSql, new { now }, cancellationToken: ct)))
            .Select(r => Utc(r)!)
            .ToList();
    }

    private const string FinishSql = """
        UPDATE broadcast b SET status = 'sent'
        WHERE b.status = 'sending' AND NOT EXISTS (SELECT 1 FROM delivery d WHERE d.broadcast_id = b.id
          AND d.status IN ('pending','sending','failed'))
        """;

    /// <summary>Broadcasts whose every delivery is done (sent or dead) are sent.</summary>
    public async Task<int> FinishAsync(CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteAsync(new CommandDefinition(FinishSql, cancellationToken: ct));
    }

    /// <summary>How many people the audience reaches on each channel (the channel ladder's first choice).</summary>
    public async Task<IReadOnlyDictionary<string, int>> PreviewAsync(BroadcastRow row, CancellationToken ct)
    {
        var (sql, p) = AudienceSql(row);
        p.Add("kind", "broadcast");
        await using var c = await db.OpenAsync(ct);
        var counts = await c.QueryAsync<(string Channel, long Count)>(
            new CommandDefinition(
                $"SELECT t.channel, COUNT(*) FROM ({Outbox.SelectChannel} WHERE p.id IN ({sql})) t GROUP BY t.channel",
                p,
                cancellationToken: ct,
                commandTimeout: 120
            )
        );
        return counts.ToDictionary(x => x.Channel, x => (int)x.Count);
    }

    /// <summary>How many of the given people are in the area's audience (members and residents).</summary>
    public async Task<int> CountInScopeAsync(string areaPath, IReadOnlyList<long> ids, CancellationToken ct)
    {
        var (sql, p) = AudienceSql(
            new BroadcastRow(0, 0, 0, areaPath, Audience.Both, null, "", "", "", null, null, default, null)
        );
        p.Add("ids", ids.ToArray());
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteScalarAsync<int>(
            new CommandDefinition(
                $"SELECT COUNT(*) FROM person WHERE id IN @ids AND id IN ({sql})",
                p,
                cancellationToken: ct
            )
        );
    }

    /// <summary>
    /// The audience as a subquery of person ids. Residents: a home building in the subtree. Members: an approved
    /// registration in a community inside the area, or in the community the area lies in (for a grid or building).
    /// </summary>
    private static (string Sql, DynamicParameters Params) AudienceSql(BroadcastRow row)
    {
        var p = new DynamicParameters(
            new { prefix = row.AreaPath + "%", ancestors = Areas.AreaPaths.AncestorsAndSelf(row.AreaPath) }
        );
        const string residents =
            "SELECT r.person_id FROM resident r JOIN area b ON b.id = r.home_building_id WHERE b.path LIKE @prefix";
        const string members = """
            SELECT g.person_id FROM registration g JOIN area ga ON ga.id = g.community_id
            WHERE g.status = 'approved' AND (ga.path LIKE @prefix OR ga.path IN @ancestors)
            """;
        switch (row.Audience)
        {
            case Audience.Residents:
                return (residents, p);
            case Audience.Members:
                return (members, p);
            case Audience.Both:
                return ($"{residents} UNION {members}", p);
            default:
                p.Add("ids", JsonSerializer.Deserialize<long[]>(row.PersonIds ?? "[]"));
                return ("SELECT id FROM person WHERE id IN @ids", p);
        }
    }

    private static BroadcastRow? Utc(BroadcastRow? r) =>
        r is null ? null : r with { CreatedAt = r.CreatedAt.Utc(), SendAt = r.SendAt.Utc(), SentAt = r.SentAt.Utc() };
}
