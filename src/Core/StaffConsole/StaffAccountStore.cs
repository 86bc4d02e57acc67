using Dapper;
using Governance.Core.Data;

namespace Governance.Core.StaffConsole;

/// <summary>A console account: who it signs in as, the password hash, and the lock-out state.</summary>
public sealed record StaffAccount
{
    public long PersonId { get; init; }
    public string Username { get; init; } = "";
    public string PasswordHash { get; init; } = "";
    public int FailedCount { get; init; }
    public DateTime? LockedUntil { get; init; }
}

/// <summary>
/// The console's username/password accounts. Hashing is the caller's (ASP.NET Core Identity's hasher lives in the web
/// host); this keeps the rows and counts failures atomically, so parallel guesses cannot slip past the lock-out.
/// </summary>
public sealed class StaffAccountStore(Db db)
{
    private const string Columns = """
        SELECT person_id AS PersonId, username, password_hash AS PasswordHash, failed_count AS FailedCount,
               locked_until AS LockedUntil FROM staff_account
        """;

    private const string FindSql = Columns + " WHERE username = @username";

    // One statement: the count goes up; the guess that reaches the limit locks the account and starts the count over.
    private const string FailSql = """
        UPDATE staff_account SET
          locked_until = CASE WHEN failed_count + 1 >= @max THEN @lockedUntil ELSE locked_until END,
          failed_count = CASE WHEN failed_count + 1 >= @max THEN 0 ELSE failed_count + 1 END,
          updated_at = @now
         WHERE person_id = @personId
        """;

    private const string StateSql = "SELECT failed_count, locked_until FROM staff_account WHERE person_id = @personId";

    private const string SucceedSql = """
        UPDATE staff_account SET failed_count = 0, locked_until = NULL, last_sign_in_at = @now, updated_at = @now
         WHERE person_id = @personId
        """;

    private const string SetSql = """
        INSERT INTO staff_account (person_id, username, password_hash, created_at, updated_at)
        VALUES (@personId, @username, @hash, @now, @now)
        ON DUPLICATE KEY UPDATE username = VALUES(username), password_hash = VALUES(password_hash), failed_count = 0,
          locked_until = NULL, updated_at = VALUES(updated_at)
        """;

    public async Task<StaffAccount?> FindByPersonAsync(long personId, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<StaffAccount>(
            new CommandDefinition(Columns + " WHERE person_id = @personId", new { personId }, cancellationToken: ct)
        );
    }

    public async Task<StaffAccount?> FindAsync(string username, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<StaffAccount>(
            new CommandDefinition(FindSql, new { username }, cancellationToken: ct)
        );
    }

    /// <summary>A wrong password: the failures so far, and the lock if this one reached the limit.</summary>
    public async Task<(int Failed, DateTime? LockedUntil)> RecordFailureAsync(
        long personId,
        int max,
        DateTime lockedUntil,
        DateTime now,
        CancellationToken ct = default
    )
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(
            new CommandDefinition(
                FailSql,
                new
                {
                    personId,
                    max,
                    lockedUntil,
                    now,
                },
                cancellationToken: ct
            )
        );
        return await c.QuerySingleAsync<(int, DateTime?)>(
            new CommandDefinition(StateSql, new { personId }, cancellationToken: ct)
        );
    }

    public async Task RecordSuccessAsync(long personId, DateTime now, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(SucceedSql, new { personId, now }, cancellationToken: ct));
    }

    /// <summary>Creates the account or sets a new username and password (which also lifts a lock).</summary>
    public async Task SetAsync(
        long personId,
        string username,
        string hash,
        DateTime now,
        CancellationToken ct = default
    )
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(
            new CommandDefinition(
                SetSql,
                new
                {
                    personId,
                    username,
                    hash,
                    now,
                },
                cancellationToken: ct
            )
        );
    }

    // ---- 网站应用微信登录 ----

    private const string FindByWechatSql = Columns + " WHERE wechat_unionid = @unionid";

    /// <summary>The account bound to this WeChat (by unionid), if any.</summary>
    public async Task<StaffAccount?> FindByWechatAsync(string unionid, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<StaffAccount>(
            new CommandDefinition(FindByWechatSql, new { unionid }, cancellationToken: ct)
        );
    }

    /// <summary>The unionid the person's account is bound to (null: none, or no account).</summary>
    public async Task<string?> WechatOfAsync(long personId, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteScalarAsync<string?>(
            new CommandDefinition(
                "SELECT wechat_unionid FROM staff_account WHERE person_id = @personId",
                new { personId },
                cancellationToken: ct
            )
        );
    }

    public enum BindOutcome
    {
        Bound,
        NoAccount,
        TakenByAnother,
    }

    /// <summary>
    /// Binds the person's account to a WeChat, replacing an earlier binding. The unique key refuses a WeChat another
    /// account holds, races included.
    /// </summary>
    public async Task<BindOutcome> BindWechatAsync(
        long personId,
        string unionid,
        DateTime now,
        CancellationToken ct = default
    )
    {
        await using var c = await db.OpenAsync(ct);
        try
        {
            var rows = await c.ExecuteAsync(
                new CommandDefinition(
                    """
                    UPDATE staff_account SET wechat_unionid = @unionid, wechat_bound_at = @now, updated_at = @now
                     WHERE person_id = @personId
                    """,
                    new
                    {
                        personId,
                        unionid,
                        now,
                    },
                    cancellationToken: ct
                )
            );
            return rows == 0 ? BindOutcome.NoAccount : BindOutcome.Bound;
        }
        catch (Exception ex) when (MySqlDriver.IsDuplicateKey(ex))
        {
            return BindOutcome.TakenByAnother;
        }
    }

    /// <summary>Ends the binding: the account signs in by password only. False when there was none.</summary>
    public async Task<bool> UnbindWechatAsync(long personId, DateTime now, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteAsync(
                new CommandDefinition(
                    """
                    UPDATE staff_account SET wechat_unionid = NULL, wechat_bound_at = NULL, updated_at = @now
                     WHERE person_id = @personId AND wechat_unionid IS NOT NULL
                    """,
                    new { personId, now },
                    cancellationToken: ct
                )
            ) > 0;
    }

    /// <summary>The bound accounts' unionids and holders' names (the sandbox's QR page offers them).</summary>
    public async Task<IReadOnlyList<(string UnionId, string Name)>> WechatHoldersAsync(CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return (
            await c.QueryAsync<(string, string)>(
                new CommandDefinition(
                    """
                    SELECT a.wechat_unionid, p.name FROM staff_account a JOIN person p ON p.id = a.person_id
                     WHERE a.wechat_unionid IS NOT NULL ORDER BY a.person_id
                    """,
                    cancellationToken: ct
                )
            )
        ).AsList();
    }
}
