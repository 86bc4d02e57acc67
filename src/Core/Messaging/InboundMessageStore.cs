using Dapper;
using Governance.Core.Data;

namespace Governance.Core.Messaging;

public static class InboundStatus
{
    public const string Processing = "processing",
        Replied = "replied",
        Deferred = "deferred",
        Failed = "failed";
}

public sealed record InboundRecord(long Id, string Status, string? ReplyBody, DateTime ReceivedAt);

public enum ClaimOutcome
{
    /// <summary>This delivery recorded the message first: it does the work.</summary>
    Claimed,

    /// <summary>A redelivery of a message already recorded: answer with its reply.</summary>
    Redelivery,

    /// <summary>Another message under a (timestamp, nonce) already used: a replayed URL, refused.</summary>
    Replayed,
}

/// <summary>
/// Each inbound WeChat message or event once, by its dedup key, in the database so that every node sees
/// it: the node whose INSERT wins does the work; a retry (same or other node) reads the stored reply.
/// </summary>
public sealed class InboundMessageStore(Db db)
{
    private const string ClaimSql = """
        INSERT INTO wechat_inbound (dedup_key, openid, msg_type, event, status, received_at, request_ts, request_nonce)
        VALUES (@key, @openid, @msgType, @evt, 'processing', @now, @requestTs, @nonce)
        """;

    /// <summary>
    /// Records the message under its dedup key and the callback's (timestamp, nonce); tells whether this delivery
    /// does the work, is a redelivery, or replays a used (timestamp, nonce) for another message.
    /// </summary>
    public async Task<ClaimOutcome> TryClaimAsync(
        string key,
        string openid,
        string msgType,
        string? evt,
        DateTime now,
        long? requestTs = null,
        string? nonce = null,
        CancellationToken ct = default
    )
    {
        await using var c = await db.OpenAsync(ct);
        try
        {
            await c.ExecuteAsync(
                new CommandDefinition(
                    ClaimSql,
                    new
                    {
                        key,
                        openid,
                        msgType,
                        evt,
                        now,
                        requestTs,
                        nonce,
                    },
                    cancellationToken: ct
                )
            );
            return ClaimOutcome.Claimed;
        }
        catch (Exception ex) when (MySqlDriver.IsDuplicateKey(ex))
        {
            var owner = requestTs is null
                ? null
                : await c.ExecuteScalarAsync<string?>(
                    new CommandDefinition(
                        "SELECT dedup_key FROM wechat_inbound WHERE request_ts = @requestTs AND request_nonce = @nonce",
                        new { requestTs, nonce },
                        cancellationToken: ct
                    )
                );
            if (owner is not null && owner != key)
                return ClaimOutcome.Replayed;
            await c.ExecuteAsync(
                new CommandDefinition(
                    "UPDATE wechat_inbound SET deliveries = deliveries + 1 WHERE dedup_key = @key",
                    new { key },
                    cancellationToken: ct
                )
            );
            return ClaimOutcome.Redelivery;
        }
    }

    /// <summary>
    /// A redelivery takes over a message still "processing" long after any live node would have answered or deferred
    /// it (the node died mid-turn): true when this call won the takeover and must do the work.
    /// </summary>
    public async Task<bool> TryTakeOverAsync(string key, DateTime seenReceivedAt, DateTime now, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteAsync(
                new CommandDefinition(
                    """
                    UPDATE wechat_inbound SET received_at = @now, takeovers = takeovers + 1
                     WHERE dedup_key = @key AND status = 'processing' AND received_at = @seenReceivedAt
                    """,
                    new
                    {
                        key,
                        seenReceivedAt,
                        now,
                    },
                    cancellationToken: ct
                )
            ) == 1;
    }

    private const string GetSql =
        "SELECT id, status, reply_body AS ReplyBody, received_at AS ReceivedAt FROM wechat_inbound WHERE dedup_key = "
        + "@key";

    public async Task<InboundRecord?> GetAsync(string key, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<InboundRecord>(
            new CommandDefinition(GetSql, new { key }, cancellationToken: ct)
        );
    }

    private const string CompleteSql = """
        UPDATE wechat_inbound SET status = @status, reply_body = @body, completed_at = @now
        WHERE dedup_key = @key AND status = 'processing'
        """;

    /// <summary>
    /// Records the answer given to WeChat (returned again to its retries) and, in the same round trip and commit, what
    /// the turn leaves of the conversation: a retry never sees a reply without the state that goes with it.
    /// </summary>
    public async Task<bool> CompleteAsync(
        string key,
        string status,
        string? body,
        DateTime now,
        CancellationToken ct = default,
        ConversationWrite? conversation = null
    )
    {
        await using var c = await db.OpenAsync(ct);
        if (conversation is null)
            return await c.ExecuteAsync(
                    new CommandDefinition(
                        CompleteSql,
                        new
                        {
                            key,
                            status,
                            body,
                            now,
                        },
                        cancellationToken: ct
                    )
                ) == 1;
        var (sql, args) = ConversationStore.Statement(conversation);
        var p = new DynamicParameters(args);
        p.Add("key", key);
        p.Add("status", status);
        p.Add("body", body);
        p.Add("completedAt", now);
        // One statement list, one transaction: START TRANSACTION … COMMIT in the text keeps it to one round trip.
        try
        {
            var completed = await c.QuerySingleAsync<long>(
                new CommandDefinition(
                    "START TRANSACTION;\n"
                        + CompleteSql.Replace("@now", "@completedAt")
                        + ";\nSET @completed = ROW_COUNT();\n"
                        + sql
                        + ";\nCOMMIT;\nSELECT @completed;",
                    p,
                    cancellationToken: ct
                )
            );
            return completed == 1;
        }
        catch
        {
            // A statement failed after START TRANSACTION: end the transaction here, or the connection would carry it
            // into whatever it does next.
            try
            {
                await c.ExecuteAsync(new CommandDefinition("ROLLBACK", cancellationToken: CancellationToken.None));
            }
            catch (Exception ex) when (MySqlDriver.IsUnavailable(ex))
            {
                // The connection is gone, and its transaction with it.
            }
            throw;
        }
    }
}
