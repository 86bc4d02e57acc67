using Dapper;
using Governance.Core.Data;

namespace Governance.Core.Messaging;

public sealed record StoredToken(string AccessToken, DateTime ExpiresAt);

/// <summary>
/// One access token per account for all nodes (docs/wechat/access-token.md: the central cache the official docs ask
/// for). Refreshes happen under a database lock and compare against the token that failed, so two nodes
/// that both see 40001 do not refresh twice or overwrite each other, and the force-refresh budget is shared.
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

    private sealed record TokenRow(
        string AccessToken,
        DateTime ExpiresAt,
        DateTime? ForcedAt,
        DateTime? ForcedDay,
        int ForcedCount
    );

    private const string RowSql = """
        SELECT access_token AS AccessToken, expires_at AS ExpiresAt, forced_at AS ForcedAt, forced_day AS ForcedDay,
               forced_count AS ForcedCount
          FROM wechat_token WHERE app_id = @appId
        """;

    private const string UpsertSql = """
        INSERT INTO wechat_token (app_id, access_token, expires_at, refreshed_at, forced_at, forced_day, forced_count)
        VALUES (@appId, @token, @expiresAt, @now, @forcedAt, @forcedDay, @forcedCount)
        ON DUPLICATE KEY UPDATE access_token = VALUES(access_token), expires_at = VALUES(expires_at),
          refreshed_at = VALUES(refreshed_at), forced_at = VALUES(forced_at), forced_day = VALUES(forced_day),
          forced_count = VALUES(forced_count)
        """;

    /// <summary>WeChat allows stable_token's force mode 20 times a day, 30 seconds apart.</summary>
    public const int ForcePerDay = 20;

    public static readonly TimeSpan ForceSpacing = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Under the account's lock: if the stored token is still usable and is not the one that just failed, return it.
    /// Otherwise ask for one in normal mode (<paramref name="fetch"/>(false)), which hands out a fresh token in a
    /// token's last five minutes; only when normal mode returns the very token WeChat just refused (someone else
    /// sharing the AppId force-refreshed it, or it leaked) force a new one, within WeChat's daily budget and spacing,
    /// kept here for all nodes. <see cref="TokenRefresh.Forced"/> tells the caller to raise the alarm.
    /// </summary>
    public async Task<TokenRefresh> RefreshAsync(
        string appId,
        string? failedToken,
        TimeSpan margin,
        DateTime now,
        Func<bool, CancellationToken, Task<StoredToken>> fetch,
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
            var current = await c.QuerySingleOrDefaultAsync<TokenRow>(
                new CommandDefinition(RowSql, new { appId }, cancellationToken: ct)
            );
            if (current is not null && current.ExpiresAt.Utc() - margin > now && current.AccessToken != failedToken)
                return new TokenRefresh(new StoredToken(current.AccessToken, current.ExpiresAt.Utc()), false, 0);
            var fresh = await fetch(false, ct);
            var today = Time.ChinaTime.Today(now).ToDateTime(TimeOnly.MinValue);
            var forcedToday = current?.ForcedDay == today ? current.ForcedCount : 0;
            var forced = false;
            if (failedToken is not null && fresh.AccessToken == failedToken)
            {
                if (forcedToday >= ForcePerDay)
                    throw new AccessTokenRefusedException(
                        $"WeChat refuses the access token of {appId} and today's {ForcePerDay} force refreshes are used"
                    );
                if (current?.ForcedAt is { } at && now - at.Utc() < ForceSpacing)
                    throw new AccessTokenRefusedException(
                        $"WeChat refuses the access token of {appId}; the last force refresh was under 30 s ago"
                    );
                fresh = await fetch(true, ct);
                forced = true;
                forcedToday++;
            }
            await c.ExecuteAsync(
                new CommandDefinition(
                    UpsertSql,
                    new
                    {
                        appId,
                        token = fresh.AccessToken,
                        expiresAt = fresh.ExpiresAt,
                        now,
                        forcedAt = forced ? now : current?.ForcedAt,
                        forcedDay = forced ? today : current?.ForcedDay,
                        forcedCount = forced ? forcedToday : current?.ForcedCount ?? 0,
                    },
                    cancellationToken: ct
                )
            );
            return new TokenRefresh(fresh, forced, forcedToday);
        }
        finally
        {
            await c.ExecuteAsync(
                new CommandDefinition("DO RELEASE_LOCK(@lockName)", new { lockName }, cancellationToken: ct)
            );
        }
    }
}

/// <summary>A refresh's token; whether it took a force refresh, and how many were taken today.</summary>
public sealed record TokenRefresh(StoredToken Token, bool Forced, int ForcedToday);

/// <summary>WeChat refuses the current token and no force refresh is allowed now: try again later.</summary>
public sealed class AccessTokenRefusedException(string message) : InvalidOperationException(message);
