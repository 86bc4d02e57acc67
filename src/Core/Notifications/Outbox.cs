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

    private const string RecipientSql = "SELECT id, oa_openid AS OaOpenid, oa_following AS OaFollowing, mp_openid AS MpOpenid FROM person WHERE id IN @ids";
    private sealed record Recipient(long Id, string? OaOpenid, bool OaFollowing, string? MpOpenid);

    private const string InsertSql = """
        INSERT IGNORE INTO delivery (idempotency_key, person_id, openid, channel, kind, payload, status, attempts, next_attempt_at, created_at, updated_at)
        VALUES (@key, @personId, @openid, @channel, @kind, @payload, 'pending', 0, @now, @now, @now)
        """;

    /// <summary>
    /// One row per recipient. The channel: an official-account template message when the person follows the
    /// account, otherwise the in-app inbox (mini-program subscribe grants are consulted by the dispatcher).
    /// Returns how many rows were new.
    /// </summary>
    public static async Task<int> EnqueueAsync(DbConnection c, DbTransaction? tx, IEnumerable<long> personIds, Notice notice, string idempotencyKey, DateTime now, CancellationToken ct)
    {
        var ids = personIds.Distinct().ToArray();
        if (ids.Length == 0) return 0;
        var recipients = await c.QueryAsync<Recipient>(new CommandDefinition(RecipientSql, new { ids }, tx, cancellationToken: ct));
        var payload = JsonSerializer.Serialize(notice, Json);
        var added = 0;
        foreach (var r in recipients)
        {
            var (channel, openid) = r is { OaFollowing: true, OaOpenid: not null } ? (DeliveryChannel.Template, r.OaOpenid) : (DeliveryChannel.Inbox, null);
            added += await c.ExecuteAsync(new CommandDefinition(InsertSql,
                new { key = $"{idempotencyKey}:{r.Id}", personId = r.Id, openid, channel, kind = notice.Kind, payload, now }, tx, cancellationToken: ct));
        }
        return added;
    }

    /// <summary>A chat reply that could not be given in time, sent later by customer-service message.</summary>
    public static Task<int> EnqueueCustomerServiceAsync(DbConnection c, DbTransaction? tx, long? personId, string openid, string text, string idempotencyKey, DateTime now, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(InsertSql, new
        {
            key = idempotencyKey, personId, openid, channel = DeliveryChannel.CustomerService, kind = "chat_reply",
            payload = JsonSerializer.Serialize(new { text }, Json), now,
        }, tx, cancellationToken: ct));
}
