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
    /// along the same order when WeChat refuses.
    /// </summary>
    public const string SelectRecipients = """
        SELECT CONCAT(@key, ':', p.id), p.id,
          CASE WHEN sub.template_id IS NOT NULL AND p.mp_openid IS NOT NULL THEN p.mp_openid
               WHEN tpl.template_id IS NOT NULL AND p.oa_following = 1 AND p.oa_openid IS NOT NULL THEN p.oa_openid END,
          CASE WHEN sub.template_id IS NOT NULL AND p.mp_openid IS NOT NULL THEN 'subscribe'
               WHEN tpl.template_id IS NOT NULL AND p.oa_following = 1 AND p.oa_openid IS NOT NULL THEN 'template'
               ELSE 'inbox' END,
          @kind, @payload, 'pending', 0, @now, @broadcastId, @now, @now
        FROM person p
        LEFT JOIN notification_template tpl ON tpl.kind = @kind AND tpl.channel = 'template'
        LEFT JOIN notification_template sub ON sub.kind = @kind AND sub.channel = 'subscribe'
              AND EXISTS (SELECT 1 FROM subscribe_grant g WHERE g.person_id = p.id AND g.template_id = sub.template_id AND g.remaining > 0)
        """;

    /// <summary>The same channel choice, for previews: how many recipients each channel would carry.</summary>
    public const string SelectChannel = """
        SELECT CASE WHEN sub.template_id IS NOT NULL AND p.mp_openid IS NOT NULL THEN 'subscribe'
                    WHEN tpl.template_id IS NOT NULL AND p.oa_following = 1 AND p.oa_openid IS NOT NULL THEN 'template'
                    ELSE 'inbox' END AS channel
        FROM person p
        LEFT JOIN notification_template tpl ON tpl.kind = @kind AND tpl.channel = 'template'
        LEFT JOIN notification_template sub ON sub.kind = @kind AND sub.channel = 'subscribe'
              AND EXISTS (SELECT 1 FROM subscribe_grant g WHERE g.person_id = p.id AND g.template_id = sub.template_id AND g.remaining > 0)
        """;

    private const string InsertPrefix = """
        INSERT IGNORE INTO delivery (idempotency_key, person_id, openid, channel, kind, payload, status, attempts, next_attempt_at, broadcast_id, created_at, updated_at)
        """;

    public static async Task<int> EnqueueAsync(DbConnection c, DbTransaction? tx, IEnumerable<long> personIds, Notice notice, string idempotencyKey, DateTime now, CancellationToken ct)
    {
        var ids = personIds.Distinct().ToArray();
        if (ids.Length == 0) return 0;
        return await c.ExecuteAsync(new CommandDefinition($"{InsertPrefix} {SelectRecipients} WHERE p.id IN @ids",
            new { ids, key = idempotencyKey, kind = notice.Kind, payload = JsonSerializer.Serialize(notice, Json), now, broadcastId = (long?)null }, tx, cancellationToken: ct));
    }

    /// <summary>Enqueues for every person the given subquery selects (a broadcast's audience), in one statement.</summary>
    public static Task<int> EnqueueSelectedAsync(DbConnection c, DbTransaction? tx, string personIdSubquery, DynamicParameters parameters, Notice notice,
        string idempotencyKey, long? broadcastId, DateTime now, CancellationToken ct)
    {
        parameters.AddDynamicParams(new { key = idempotencyKey, kind = notice.Kind, payload = JsonSerializer.Serialize(notice, Json), now, broadcastId });
        return c.ExecuteAsync(new CommandDefinition($"{InsertPrefix} {SelectRecipients} WHERE p.id IN ({personIdSubquery})", parameters, tx, cancellationToken: ct, commandTimeout: 120));
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
