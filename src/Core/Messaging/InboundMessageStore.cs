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

/// <summary>
/// Each inbound WeChat message or event once, by its dedup key, in the database so that every node sees
/// it: the node whose INSERT wins does the work; a retry (same or other node) reads the stored reply.
/// </summary>
public sealed class InboundMessageStore(Db db)
{
    private const string ClaimSql = """
        INSERT INTO wechat_inbound (dedup_key, openid, msg_type, event, status, received_at)
        VALUES (@key, @openid, @msgType, @evt, 'processing', @now)
        """;

    /// <summary>True when this call recorded the message first and so must do the work.</summary>
    public async Task<bool> TryClaimAsync(
        string key,
        string openid,
        string msgType,
        string? evt,
        DateTime now,
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
                    },
                    cancellationToken: ct
                )
            );
            return true;
        }
        catch (Exception ex) when (MySqlDriver.IsDuplicateKey(ex))
        {
            await c.ExecuteAsync(
                new CommandDefinition(
                    "UPDATE wechat_inbound SET deliveries = deliveries + 1 WHERE dedup_key = @key",
                    new { key },
                    cancellationToken: ct
                )
            );
            return false;
        }
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

    public async Task<bool> CompleteAsync(
        string key,
        string status,
        string? body,
        DateTime now,
        CancellationToken ct = default
    )
    {
        await using var c = await db.OpenAsync(ct);
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
    }
}
