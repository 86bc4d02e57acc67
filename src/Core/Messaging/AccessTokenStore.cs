using Dapper;
using Governance.Core.Data;

namespace Governance.Core.Messaging;

public sealed record StoredToken(string AccessToken, DateTime ExpiresAt);

/// <summary>
/// One access token per account for all nodes (docs/wechat/access-token.md: the central cache the official docs ask
/// for). Refreshes happen under a database lock and compare against the token that failed, so two nodes
/// that both see 40001 do not refresh twice or overwrite each other.
/// </summary>
public sealed class AccessTokenStore(Db db)
{
    private const string GetSql =
        "SELECT access_token AS AccessToken, expires_at AS ExpiresAt FROM wechat_token WHERE app_id = @appId";

    public async Task<StoredToken?> GetAsync(string appId, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var t = await c.QuerySingleOrDefaultAsync<StoredToken>(
            new CommandDefinition(GetSql, new { appId }, cancellationToken: ct)
        );
        return t is null ? null : t with { ExpiresAt = t.ExpiresAt.Utc() };
    }

    private const string UpsertSql = """
        INSERT INTO wechat_token (app_id, access_token, expires_at, refreshed_at) VALUES (@appId, @token, @expiresAt,
          @now)
        ON DUPLICATE KEY UPDATE access_token = VALUES(access_token), expires_at = VALUES(expires_at), refreshed_at =
          VALUES(refreshed_at)
        """;

    /// <summary>
    /// Under the account's lock: if the stored token is still usable and is not the one that just failed,
    /// return it; otherwise fetch a new one and store it.
    /// </summary>
    public async Task<StoredToken> RefreshAsync(
        string appId,
        string? failedToken,
        TimeSpan margin,
        DateTime now,
        Func<CancellationToken, Task<StoredToken>> fetch,
        CancellationToken ct = default
    )
    {
        await using var c = await db.OpenDedicatedAsync(ct); // holds a named lock
        var lockName = $"wechat_token:{appId}";
        if (
            await c.ExecuteScalarAsync<int?>(
                new CommandDefinition("SELECT GET_LOCK(@lockName, 15)", new { lockName }, cancellationToken: ct)
            ) != 1
        )
            throw new TimeoutException("Timed out waiting for the access-token lock.");
        try
        {
            var current = await c.QuerySingleOrDefaultAsync<StoredToken>(
                new CommandDefinition(GetSql, new { appId }, cancellationToken: ct)
            );
            if (current is not null && current.ExpiresAt.Utc() - margin > now && current.AccessToken != failedToken)
                return current with { ExpiresAt = current.ExpiresAt.Utc() };
            var fresh = await fetch(ct);
            await c.ExecuteAsync(
                new CommandDefinition(
                    UpsertSql,
                    new
                    {
                        appId,
                        token = fresh.AccessToken,
                        expiresAt = fresh.ExpiresAt,
                        now,
                    },
                    cancellationToken: ct
                )
            );
            return fresh;
        }
        finally
        {
            await c.ExecuteAsync(
                new CommandDefinition("DO RELEASE_LOCK(@lockName)", new { lockName }, cancellationToken: ct)
            );
        }
    }
}
