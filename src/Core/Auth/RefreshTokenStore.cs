using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Governance.Core.Data;

namespace Governance.Core.Auth;

public enum RefreshOutcome
{
    Rotated,
    Unknown,
    Expired,
    Reused,
}

/// <summary>
/// Long-lived refresh tokens for the mini-program, stored as SHA-256 hashes only. Each use rotates the token
/// (the old one is marked used); presenting a used token again means it leaked, so its whole family is revoked —
/// except within a short grace after the rotation, when it is the same client refreshing twice at once (two pages
/// woke together): that answer is the same successor, which the caller derives from the token
/// (<c>successorOf</c>) so that it can be given again without being stored.
/// </summary>
public sealed class RefreshTokenStore(Db db)
{
    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string NewToken() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private const string InsertSql = """
        INSERT INTO auth_refresh_token (person_id, token_hash, family, expires_at, created_at) VALUES (@personId,
          @hash, @family, @expiresAt, @now)
        """;

    public async Task<string> IssueAsync(long personId, TimeSpan lifetime, DateTime now, CancellationToken ct = default)
    {
        var token = NewToken();
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(
            new CommandDefinition(
                InsertSql,
                new
                {
                    personId,
                    hash = Hash(token),
                    family = Guid.NewGuid().ToString("N"),
                    expiresAt = now + lifetime,
                    now,
                },
                cancellationToken: ct
            )
        );
        return token;
    }

    private sealed record Row(
        long Id,
        long PersonId,
        string Family,
        DateTime ExpiresAt,
        DateTime? UsedAt,
        DateTime? RevokedAt
    );

    /// <summary>
    /// Rotates a refresh token. Two refreshes of one token at once can deadlock in InnoDB (the first inserts the
    /// successor into the unique index the second is waiting on): the loser is rolled back by the server and simply
    /// runs again, and then finds the successor within the grace.
    /// </summary>
    public async Task<(RefreshOutcome Outcome, long PersonId, string? Token)> RotateAsync(
        string token,
        TimeSpan lifetime,
        TimeSpan grace,
        Func<string, string> successorOf,
        DateTime now,
        CancellationToken ct = default
    )
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await RotateOnceAsync(token, lifetime, grace, successorOf, now, ct);
            }
            catch (Exception ex) when (MySqlDriver.IsDeadlockOrLockTimeout(ex) && attempt < 4)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(10 * attempt), ct);
            }
        }
    }

    private async Task<(RefreshOutcome Outcome, long PersonId, string? Token)> RotateOnceAsync(
        string token,
        TimeSpan lifetime,
        TimeSpan grace,
        Func<string, string> successorOf,
        DateTime now,
        CancellationToken ct
    )
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var row = await RowAsync(c, tx, Hash(token), ct);
        if (row is null)
            return (RefreshOutcome.Unknown, 0, null);
        var next = successorOf(token);
        if (row.UsedAt is { } used && row.RevokedAt is null && now - used <= grace)
        {
            // The same client refreshing twice at once: the successor it was given, if that is still unused.
            var successor = await RowAsync(c, tx, Hash(next), ct);
            if (successor is { UsedAt: null, RevokedAt: null } && successor.Family == row.Family)
            {
                await tx.CommitAsync(ct);
                return (RefreshOutcome.Rotated, row.PersonId, next);
            }
        }
        if (row.UsedAt is not null || row.RevokedAt is not null)
        {
            await c.ExecuteAsync(
                new CommandDefinition(
                    "UPDATE auth_refresh_token SET revoked_at = COALESCE(revoked_at, @now) WHERE family = @family",
                    new { family = row.Family, now },
                    tx,
                    cancellationToken: ct
                )
            );
            await tx.CommitAsync(ct);
            return (RefreshOutcome.Reused, row.PersonId, null);
        }
        if (row.ExpiresAt <= now)
            return (RefreshOutcome.Expired, row.PersonId, null);
        await c.ExecuteAsync(
            new CommandDefinition(
                "UPDATE auth_refresh_token SET used_at = @now WHERE id = @id",
                new { id = row.Id, now },
                tx,
                cancellationToken: ct
            )
        );
        await c.ExecuteAsync(
            new CommandDefinition(
                InsertSql,
                new
                {
                    personId = row.PersonId,
                    hash = Hash(next),
                    family = row.Family,
                    expiresAt = now + lifetime,
                    now,
                },
                tx,
                cancellationToken: ct
            )
        );
        await tx.CommitAsync(ct);
        return (RefreshOutcome.Rotated, row.PersonId, next);
    }

    private static Task<Row?> RowAsync(DbConnection c, DbTransaction tx, string hash, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<Row>(
            new CommandDefinition(
                "SELECT id, person_id AS PersonId, family, expires_at AS ExpiresAt, used_at AS UsedAt, revoked_at "
                    + "AS RevokedAt FROM auth_refresh_token WHERE token_hash = @hash FOR UPDATE",
                new { hash },
                tx,
                cancellationToken: ct
            )
        );

    public async Task RevokeFamilyAsync(string token, DateTime now, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(
            new CommandDefinition(
                """
                UPDATE auth_refresh_token SET revoked_at = COALESCE(revoked_at, @now)
                WHERE family = (SELECT family FROM (SELECT family FROM auth_refresh_token WHERE token_hash = @hash) t)
                """,
                new { hash = Hash(token), now },
                cancellationToken: ct
            )
        );
    }
}
