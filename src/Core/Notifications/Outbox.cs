using System.Data.Common;
using System.Text.Encodings.Web;
using System.Text.Json;
using Dapper;

namespace Governance.Core.Notifications;

public static class DeliveryChannel
{
    public const string CustomerService = "customer_service", Template = "template", Subscribe = "subscribe", Inbox = "inbox";
}

public static class DeliveryStatus
{
    public const string Pending = "pending", Sending = "sending", Sent = "sent", Failed = "failed", Dead = "dead";
}

/// <summary>What a notice says, independent of the channel that carries it.</summary>
public sealed record Notice(string Kind, string Title, string Body, string? OrderCode = null, string? Page = null);

/// <summary>
/// The one outbox for everything that notifies anyone. Enqueueing joins the caller's transaction, so a
/// notice exists exactly when the change it announces was committed; the idempotency key makes a second
/// enqueue of the same notice (a re-run job, a retried request) a no-op.
/// </summary>
public static class Outbox
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// One row per recipient, in one statement. The channel, decided per person: a mini-program subscribe
    /// message when they granted one for this kind's template; an official-account template message when they
    /// follow the account and the kind has a template; otherwise the in-app inbox. The dispatcher falls back
    /// along the same order when WeChat refuses. The area is the one the notice is about (given, or the
    /// order's place), else the recipient's home or approved community: staff of that area see failures.
    /// </summary>
    private const string RecipientColumns = """
          p.id,
          CASE WHEN sub.template_id IS NOT NULL AND p.mp_openid IS NOT NULL THEN p.mp_openid
               WHEN tpl.template_id IS NOT NULL AND p.oa_following = 1 AND p.oa_openid IS NOT NULL THEN p.oa_openid END,
          CASE WHEN sub.template_id IS NOT NULL AND p.mp_openid IS NOT NULL THEN 'subscribe'
               WHEN tpl.template_id IS NOT NULL AND p.oa_following = 1 AND p.oa_openid IS NOT NULL THEN 'template'
               ELSE 'inbox' END
        """;
    private const string RecipientJoins = """
        LEFT JOIN notification_template tpl ON tpl.kind = @kind AND tpl.channel = 'template'
        LEFT JOIN notification_template sub ON sub.kind = @kind AND sub.channel = 'subscribe'
              AND EXISTS (SELECT 1 FROM subscribe_grant g WHERE g.person_id = p.id AND g.template_id = sub.template_id AND g.remaining > 0)
        """;
    private const string PersonArea = """
        (SELECT b.path FROM resident r JOIN area b ON b.id = r.home_building_id WHERE r.person_id = p.id),
        (SELECT MIN(ca.path) FROM registration rg JOIN area ca ON ca.id = rg.community_id WHERE rg.person_id = p.id AND rg.status = 'approved')
        """;

    private const string SelectRecipients = $"""
        SELECT CONCAT(@key, ':', p.id), {RecipientColumns}, @kind, @payload, 'pending', 0, @now, @broadcastId,
          COALESCE(@areaPath, (SELECT o.area_path FROM service_order o WHERE o.code = @orderCode), {PersonArea}), @now, @now
        FROM person p
        {RecipientJoins}
        """;

    /// <summary>The same channel choice, for previews: how many recipients each channel would carry.</summary>
    public const string SelectChannel = $"""
        SELECT CASE WHEN sub.template_id IS NOT NULL AND p.mp_openid IS NOT NULL THEN 'subscribe'
                    WHEN tpl.template_id IS NOT NULL AND p.oa_following = 1 AND p.oa_openid IS NOT NULL THEN 'template'
                    ELSE 'inbox' END AS channel
        FROM person p
        {RecipientJoins}
        """;

    private const string InsertPrefix = """
        INSERT IGNORE INTO delivery (idempotency_key, person_id, openid, channel, kind, payload, status, attempts, next_attempt_at, broadcast_id, area_path, created_at, updated_at)
        """;

    /// <summary>One notice to several people, keyed "{idempotencyKey}:{personId}".</summary>
    public static async Task<int> EnqueueAsync(DbConnection c, DbTransaction? tx, IEnumerable<long> personIds, Notice notice, string idempotencyKey, DateTime now, CancellationToken ct)
    {
        var ids = personIds.Distinct().ToArray();
        if (ids.Length == 0) return 0;
        return await c.ExecuteAsync(new CommandDefinition($"{InsertPrefix} {SelectRecipients} WHERE p.id IN @ids",
            new { ids, key = idempotencyKey, kind = notice.Kind, payload = JsonSerializer.Serialize(notice, Json), now, broadcastId = (long?)null, areaPath = (string?)null, orderCode = notice.OrderCode },
            tx, cancellationToken: ct));
    }

    /// <summary>Enqueues for every person the given subquery selects (a broadcast's audience), in one statement.</summary>
    public static Task<int> EnqueueSelectedAsync(DbConnection c, DbTransaction? tx, string personIdSubquery, DynamicParameters parameters, Notice notice,
        string idempotencyKey, long? broadcastId, string? areaPath, DateTime now, CancellationToken ct)
    {
        parameters.AddDynamicParams(new { key = idempotencyKey, kind = notice.Kind, payload = JsonSerializer.Serialize(notice, Json), now, broadcastId, areaPath, orderCode = notice.OrderCode });
        return c.ExecuteAsync(new CommandDefinition($"{InsertPrefix} {SelectRecipients} WHERE p.id IN ({personIdSubquery})", parameters, tx, cancellationToken: ct, commandTimeout: 300));
    }

    /// <summary>A personal notice for one person (a digest), keyed by <see cref="Key"/> as given.</summary>
    public sealed record Personal(long PersonId, Notice Notice, string Key);

    /// <summary>
    /// Many personal notices of one kind (each person their own text) in a few statements: the rows travel as one JSON
    /// parameter read by JSON_TABLE (MySQL 8 and MariaDB 10.6+), so a weekly digest for twenty thousand members is ten
    /// round trips, not twenty thousand.
    /// </summary>
    public static async Task<int> EnqueueManyAsync(DbConnection c, DbTransaction? tx, string kind, IReadOnlyList<Personal> notices, DateTime now, CancellationToken ct)
    {
        var added = 0;
        foreach (var chunk in notices.Chunk(2000))
        {
            var rows = JsonSerializer.Serialize(chunk.Select(n => new { p = n.PersonId, k = n.Key, b = JsonSerializer.Serialize(n.Notice, Json) }), Json);
            var sql = $"""
                {InsertPrefix}
                SELECT v.k, {RecipientColumns}, @kind, v.payload, 'pending', 0, @now, NULL, COALESCE({PersonArea}), @now, @now
                FROM JSON_TABLE(@rows, '$[*]' COLUMNS (pid BIGINT PATH '$.p', k VARCHAR(200) PATH '$.k', payload TEXT PATH '$.b')) v
                JOIN person p ON p.id = v.pid
                {RecipientJoins}
                """;
            added += await c.ExecuteAsync(new CommandDefinition(sql, new { kind, now, rows }, tx, cancellationToken: ct, commandTimeout: 300));
        }
        return added;
    }

    private const string CustomerServiceSql = """
        INSERT IGNORE INTO delivery (idempotency_key, person_id, openid, channel, kind, payload, status, attempts, next_attempt_at, created_at, updated_at)
        VALUES (@key, @personId, @openid, 'customer_service', 'chat_reply', @payload, 'pending', 0, @now, @now, @now)
        """;
    /// <summary>A chat reply that could not be given in time, sent later by customer-service message.</summary>
    public static Task<int> EnqueueCustomerServiceAsync(DbConnection c, DbTransaction? tx, long? personId, string openid, string text, string idempotencyKey, DateTime now, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(CustomerServiceSql,
            new { key = idempotencyKey, personId, openid, payload = JsonSerializer.Serialize(new { text }, Json), now }, tx, cancellationToken: ct));
}
