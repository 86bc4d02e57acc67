using Dapper;
using Governance.Core.Data;

namespace Governance.Core.Notifications;

public sealed record DeliveryRow(long Id, string IdempotencyKey, long? PersonId, string? Openid, string Channel, string Kind, string Payload,
    string Status, int Attempts, DateTime NextAttemptAt, string? LastError, long? WechatMsgid, string? Receipt);

public sealed class DeliveryStore(Db db)
{
    private const string Columns = """
        id, idempotency_key AS IdempotencyKey, person_id AS PersonId, openid, channel, kind, payload, status, attempts,
        next_attempt_at AS NextAttemptAt, last_error AS LastError, wechat_msgid AS WechatMsgid, receipt
        """;

    private const string ClaimOneSql = """
        UPDATE delivery SET status = 'sending', attempts = attempts + 1, lease_until = @leaseUntil, updated_at = @now
        WHERE idempotency_key = @key AND (status IN ('pending','failed') OR (status = 'sending' AND lease_until < @now))
        """;
    /// <summary>Claims one row by key for sending now (the deferred chat reply); false when someone else has it or it is done.</summary>
    public async Task<DeliveryRow?> ClaimAsync(string key, TimeSpan lease, DateTime now, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        if (await c.ExecuteAsync(new CommandDefinition(ClaimOneSql, new { key, leaseUntil = now + lease, now }, cancellationToken: ct)) != 1) return null;
        return await c.QuerySingleAsync<DeliveryRow>(new CommandDefinition($"SELECT {Columns} FROM delivery WHERE idempotency_key = @key", new { key }, cancellationToken: ct));
    }

    private const string SentSql = """
        UPDATE delivery SET status = 'sent', sent_at = @now, lease_until = NULL, wechat_msgid = @msgid, last_error = NULL, updated_at = @now
        WHERE id = @id
        """;
    public async Task MarkSentAsync(long id, long? msgid, DateTime now, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(SentSql, new { id, msgid, now }, cancellationToken: ct));
    }

    private const string FailedSql = """
        UPDATE delivery SET status = @status, next_attempt_at = @next, lease_until = NULL, last_error = @error, updated_at = @now
        WHERE id = @id
        """;
    public async Task MarkFailedAsync(long id, bool dead, DateTime nextAttempt, string error, DateTime now, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(FailedSql,
            new { id, status = dead ? DeliveryStatus.Dead : DeliveryStatus.Failed, next = nextAttempt, error = error.Length > 500 ? error[..500] : error, now },
            cancellationToken: ct));
    }

    private const string ReceiptSql = "UPDATE delivery SET receipt = @receipt, updated_at = @now WHERE wechat_msgid = @msgid AND channel = @channel";
    /// <summary>WeChat's final word on a template or subscribe message (TEMPLATESENDJOBFINISH, subscribe_msg_sent_event).</summary>
    public async Task<int> RecordReceiptAsync(long msgid, string channel, string receipt, DateTime now, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteAsync(new CommandDefinition(ReceiptSql, new { msgid, channel, receipt = receipt.Length > 60 ? receipt[..60] : receipt, now }, cancellationToken: ct));
    }
}
