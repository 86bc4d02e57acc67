using System.Text.Json;
using Dapper;
using Governance.Core.Areas;
using Governance.Core.Data;
using Governance.Core.Errors;
using Governance.Core.Notifications;
using Governance.Core.People;
using Governance.Core.Time;

namespace Governance.Core.Broadcasts;

public static class Audience
{
    public const string Members = "members", Residents = "residents", Both = "both", List = "list";
}

public sealed record BroadcastRow(long Id, long AuthorId, long AreaId, string AreaPath, string Audience, string? PersonIds, string Title, string Body,
    string Status, DateTime? SendAt, int? Recipients, DateTime CreatedAt, DateTime? SentAt);

public sealed record BroadcastView(long Id, string Title, string Body, long AreaId, string Audience, string Status, DateTimeOffset? SendAt,
    DateTimeOffset CreatedAt, DateTimeOffset? SentAt, int? Recipients, DeliveryTotals? Totals);

public sealed record BroadcastPreview(int Recipients, IReadOnlyDictionary<string, int> ByChannel);

/// <summary>
/// Secretaries' notices: compose, choose an audience (an area subtree's members, residents or both, or a list
/// of people), preview how many and on which channels, send now or at a time, and follow each recipient's
/// delivery. Sending expands the audience into outbox rows in one statement, keyed per broadcast and person,
/// so a repeated send adds nobody twice.
/// </summary>
public sealed class BroadcastService(Db db, AreaStore areas, DeliveryStore deliveries, TimeProvider clock)
{
    public const int MaxTitle = 20, MaxBody = 1000, MaxList = 5000;

    private const string Columns = """
        id, author_id AS AuthorId, area_id AS AreaId, area_path AS AreaPath, audience, person_ids AS PersonIds, title, body, status,
        send_at AS SendAt, recipients, created_at AS CreatedAt, sent_at AS SentAt
        """;

    public async Task<Result<BroadcastView>> CreateAsync(Caller caller, string? title, string? body, long? areaId, string? audience, IReadOnlyList<long>? personIds, CancellationToken ct = default)
    {
        title = title?.Trim();
        body = body?.Trim();
        if (string.IsNullOrEmpty(title) || title.Length > MaxTitle) return Error.Validation("broadcast.invalid_title", $"标题需要1到{MaxTitle}个字", "title");
        if (string.IsNullOrEmpty(body) || body.Length > MaxBody) return Error.Validation("broadcast.invalid_body", $"内容需要1到{MaxBody}个字", "body");
        if (audience is not (Audience.Members or Audience.Residents or Audience.Both or Audience.List))
            return Error.Validation("broadcast.invalid_audience", "对象只能是 members、residents、both 或 list", "audience");
        var area = areaId is null ? null : await areas.GetAsync(areaId.Value, ct);
        if (area is null) return Error.Validation("broadcast.area_required", "请选择发送范围（社区、网格或楼栋）", "areaId");
        if (!CanBroadcastIn(caller, area.Path)) return caller.IsStaffOver(area.Path)
            ? Error.Forbidden("broadcast.secretary_only", "通知由社区书记或街道发送")
            : Error.NotFound("area.not_found", "区域不存在");
        string? ids = null;
        if (audience == Audience.List)
        {
            var list = (personIds ?? []).Distinct().ToList();
            if (list.Count == 0 || list.Count > MaxList) return Error.Validation("broadcast.invalid_list", $"名单需要1到{MaxList}人", "personIds");
            var inScope = await CountInScopeAsync(area.Path, list, ct);
            if (inScope != list.Count) return Error.Validation("broadcast.person_out_of_scope", "名单中有人不在所选范围内", "personIds");
            ids = JsonSerializer.Serialize(list);
        }
        await using var c = await db.OpenAsync(ct);
        var id = await c.ExecuteScalarAsync<long>(new CommandDefinition("""
            INSERT INTO broadcast (author_id, area_id, area_path, audience, person_ids, title, body, status, created_at)
            VALUES (@author, @areaId, @path, @audience, @ids, @title, @body, 'draft', @now);
            SELECT LAST_INSERT_ID();
            """, new { author = caller.PersonId, areaId = area.Id, path = area.Path, audience, ids, title, body, now = clock.GetUtcNow().UtcDateTime }, cancellationToken: ct));
        return (await ViewAsync((await GetRowAsync(id, ct))!, ct));
    }

    public async Task<Result<BroadcastPreview>> PreviewAsync(Caller caller, long id, CancellationToken ct = default)
    {
        var row = await VisibleAsync(caller, id, ct);
        if (row is null) return NotFound();
        var (sql, p) = AudienceSql(row);
        await using var c = await db.OpenAsync(ct);
        p.Add("kind", "broadcast");
        var counts = (await c.QueryAsync<(string Channel, long Count)>(new CommandDefinition(
            $"SELECT t.channel, COUNT(*) FROM ({Outbox.SelectChannel} WHERE p.id IN ({sql})) t GROUP BY t.channel", p, cancellationToken: ct, commandTimeout: 120))).AsList();
        return new BroadcastPreview((int)counts.Sum(x => x.Count), counts.ToDictionary(x => x.Channel, x => (int)x.Count));
    }

    /// <summary>Sends now (expanding the audience into the outbox) or schedules for <paramref name="at"/>.</summary>
    public async Task<Result<BroadcastView>> SendAsync(Caller caller, long id, DateTimeOffset? at, CancellationToken ct = default)
    {
        var row = await VisibleAsync(caller, id, ct);
        if (row is null) return NotFound();
        if (row.Status is not ("draft" or "scheduled")) return Error.Conflict("broadcast.already_sent", "这条通知已经发出了");
        var now = clock.GetUtcNow().UtcDateTime;
        if (at is { } when && when.UtcDateTime > now.AddMinutes(1))
        {
            if (when.UtcDateTime > now.AddDays(90)) return Error.Validation("broadcast.invalid_time", "定时发送最多提前90天", "sendAt");
            await using var c = await db.OpenAsync(ct);
            await c.ExecuteAsync(new CommandDefinition("UPDATE broadcast SET status = 'scheduled', send_at = @at WHERE id = @id AND status IN ('draft','scheduled')",
                new { id, at = when.UtcDateTime }, cancellationToken: ct));
            return await ViewAsync((await GetRowAsync(id, ct))!, ct);
        }
        await ExpandAsync(row, now, ct);
        return await ViewAsync((await GetRowAsync(id, ct))!, ct);
    }

    public async Task<Result<BroadcastView>> CancelAsync(Caller caller, long id, CancellationToken ct = default)
    {
        var row = await VisibleAsync(caller, id, ct);
        if (row is null) return NotFound();
        await using var c = await db.OpenAsync(ct);
        if (await c.ExecuteAsync(new CommandDefinition("UPDATE broadcast SET status = 'cancelled' WHERE id = @id AND status IN ('draft','scheduled')", new { id }, cancellationToken: ct)) != 1)
            return Error.Conflict("broadcast.already_sent", "这条通知已经发出了，不能取消");
        return await ViewAsync((await GetRowAsync(id, ct))!, ct);
    }

    /// <summary>
    /// Claims the broadcast (draft/scheduled → sending) and writes one outbox row per recipient. The claim is a
    /// conditional update, so two nodes (or a re-run after a crash) cannot both expand it; the idempotency keys
    /// would keep them from doubling anyway.
    /// </summary>
    private async Task<int> ExpandAsync(BroadcastRow row, DateTime now, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        if (await c.ExecuteAsync(new CommandDefinition("UPDATE broadcast SET status = 'sending', sent_at = @now WHERE id = @id AND status IN ('draft','scheduled')",
                new { id = row.Id, now }, tx, cancellationToken: ct)) != 1)
        {
            await tx.RollbackAsync(ct);
            return 0;
        }
        var (sql, p) = AudienceSql(row);
        var notice = new Notice("broadcast", row.Title, row.Body, null, $"pages/notice/detail?id={row.Id}");
        var added = await Outbox.EnqueueSelectedAsync(c, tx, sql, p, notice, $"broadcast:{row.Id}", row.Id, row.AreaPath, now, ct);
        await c.ExecuteAsync(new CommandDefinition("UPDATE broadcast SET recipients = @added WHERE id = @id", new { id = row.Id, added }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return added;
    }

    /// <summary>For the scheduled job: expands broadcasts whose time has come, and marks finished ones sent.</summary>
    public async Task<(int Expanded, int Finished)> RunDueAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        List<BroadcastRow> due;
        await using (var c = await db.OpenAsync(ct))
            due = (await c.QueryAsync<BroadcastRow>(new CommandDefinition($"SELECT {Columns} FROM broadcast WHERE status = 'scheduled' AND send_at <= @now ORDER BY send_at LIMIT 100",
                new { now }, cancellationToken: ct))).AsList();
        var expanded = 0;
        foreach (var row in due) if (await ExpandAsync(row, now, ct) >= 0) expanded++;
        await using var c2 = await db.OpenAsync(ct);
        var finished = await c2.ExecuteAsync(new CommandDefinition("""
            UPDATE broadcast b SET status = 'sent'
            WHERE b.status = 'sending' AND NOT EXISTS (SELECT 1 FROM delivery d WHERE d.broadcast_id = b.id AND d.status IN ('pending','sending','failed'))
            """, cancellationToken: ct));
        return (expanded, finished);
    }

    public async Task<Result<BroadcastView>> GetAsync(Caller caller, long id, CancellationToken ct = default)
    {
        var row = await VisibleAsync(caller, id, ct);
        return row is null ? NotFound() : await ViewAsync(row, ct);
    }

    public async Task<Result<(IReadOnlyList<DeliveryStore.RecipientStatus> Items, long Total)>> RecipientsAsync(Caller caller, long id, string? status, int? page, int? pageSize, CancellationToken ct = default)
    {
        var row = await VisibleAsync(caller, id, ct);
        if (row is null) return NotFound();
        if (status is not (null or "pending" or "sending" or "sent" or "failed" or "dead")) return Error.Validation("broadcast.invalid_status", "状态不正确", "status");
        int p = page ?? 1, size = pageSize ?? 50;
        if (p < 1 || size is < 1 or > 200) return Error.Validation("paging.invalid", "页码从1开始，每页1到200条", "page");
        return await deliveries.RecipientsAsync(id, status, p, size, ct);
    }

    public async Task<IReadOnlyList<BroadcastView>> ListAsync(Caller caller, CancellationToken ct = default)
    {
        var paths = caller.Staff.Where(s => s.Role is StaffRole.Secretary or StaffRole.StreetAdmin).Select(s => s.AreaPath).ToList();
        if (paths.Count == 0) return [];
        var p = new DynamicParameters();
        var scope = string.Join(" OR ", paths.Select((path, i) => { p.Add($"s{i}", path + "%"); return $"area_path LIKE @s{i}"; }));
        await using var c = await db.OpenAsync(ct);
        var rows = (await c.QueryAsync<BroadcastRow>(new CommandDefinition($"SELECT {Columns} FROM broadcast WHERE {scope} ORDER BY id DESC LIMIT 100", p, cancellationToken: ct))).AsList();
        var views = new List<BroadcastView>();
        foreach (var r in rows) views.Add(await ViewAsync(r, ct));
        return views;
    }

    private static bool CanBroadcastIn(Caller caller, string path) =>
        caller.Staff.Any(s => s.Role is StaffRole.Secretary or StaffRole.StreetAdmin && path.StartsWith(s.AreaPath, StringComparison.Ordinal));

    private async Task<BroadcastRow?> VisibleAsync(Caller caller, long id, CancellationToken ct)
    {
        var row = await GetRowAsync(id, ct);
        return row is not null && CanBroadcastIn(caller, row.AreaPath) ? row : null;
    }

    private async Task<BroadcastRow?> GetRowAsync(long id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var r = await c.QuerySingleOrDefaultAsync<BroadcastRow>(new CommandDefinition($"SELECT {Columns} FROM broadcast WHERE id = @id", new { id }, cancellationToken: ct));
        return r is null ? null : r with { CreatedAt = r.CreatedAt.Utc(), SendAt = r.SendAt.Utc(), SentAt = r.SentAt.Utc() };
    }

    private async Task<BroadcastView> ViewAsync(BroadcastRow r, CancellationToken ct) =>
        new(r.Id, r.Title, r.Body, r.AreaId, r.Audience, r.Status, r.SendAt is { } s ? ChinaTime.ToChina(s) : null, ChinaTime.ToChina(r.CreatedAt),
            r.SentAt is { } t ? ChinaTime.ToChina(t) : null, r.Recipients, r.Status is "sending" or "sent" ? await deliveries.TotalsAsync(r.Id, ct) : null);

    /// <summary>
    /// The audience as a subquery of person ids. Residents: a home building in the subtree. Members: an approved
    /// registration in a community inside the area, or in the community the area lies in (for a grid or building).
    /// </summary>
    private static (string Sql, DynamicParameters Params) AudienceSql(BroadcastRow row)
    {
        var p = new DynamicParameters(new { prefix = row.AreaPath + "%", areaPath = row.AreaPath });
        const string residents = "SELECT r.person_id FROM resident r JOIN area b ON b.id = r.home_building_id WHERE b.path LIKE @prefix";
        const string members = """
            SELECT g.person_id FROM registration g JOIN area ga ON ga.id = g.community_id
            WHERE g.status = 'approved' AND (ga.path LIKE @prefix OR @areaPath LIKE CONCAT(ga.path, '%'))
            """;
        switch (row.Audience)
        {
            case Audience.Residents: return (residents, p);
            case Audience.Members: return (members, p);
            case Audience.Both: return ($"{residents} UNION {members}", p);
            default:
                p.Add("ids", JsonSerializer.Deserialize<long[]>(row.PersonIds ?? "[]"));
                return ("SELECT id FROM person WHERE id IN @ids", p);
        }
    }

    private async Task<int> CountInScopeAsync(string areaPath, IReadOnlyList<long> ids, CancellationToken ct)
    {
        var (sql, p) = AudienceSql(new BroadcastRow(0, 0, 0, areaPath, Audience.Both, null, "", "", "", null, null, default, null));
        p.Add("ids", ids.ToArray());
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteScalarAsync<int>(new CommandDefinition($"SELECT COUNT(*) FROM person WHERE id IN @ids AND id IN ({sql})", p, cancellationToken: ct));
    }

    private static Error NotFound() => Error.NotFound("broadcast.not_found", "通知不存在");
}
