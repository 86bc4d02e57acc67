using Dapper;
using Governance.Core.Data;
using Governance.Core.People;

namespace Governance.Core.Messaging;

/// <summary>
/// What a chat turn leaves for the next one: the conversation's new state until it expires, or (State null) its end.
/// </summary>
public sealed record ConversationWrite(string Openid, long PersonId, string? State, DateTime ExpiresAt, DateTime Now);

/// <summary>The chat dialog's state per resident, with an expiry, so any node can continue a conversation.</summary>
public sealed class ConversationStore(Db db)
{
    private const string GetSql = "SELECT state FROM conversation WHERE openid = @openid AND expires_at > @now";

    /// <summary>
    /// The start of a chat turn in one round trip: who the resident behind the openid is (null on first contact) and
    /// their conversation, if one is under way.
    /// </summary>
    public async Task<(Caller? Caller, string? State)> LoadTurnAsync(
        string openid,
        DateTime now,
        CancellationToken ct = default
    )
    {
        await using var c = await db.OpenAsync(ct);
        await using var multi = await c.QueryMultipleAsync(
            new CommandDefinition(
                PersonStore.CallerByOaOpenidSql + "\n" + GetSql,
                new { openid, now },
                cancellationToken: ct
            )
        );
        var caller = await PersonStore.ReadCallerAsync(multi);
        var state = await multi.ReadSingleOrDefaultAsync<string?>();
        return (caller, state);
    }

    public async Task<string?> GetAsync(string openid, DateTime now, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteScalarAsync<string?>(
            new CommandDefinition(GetSql, new { openid, now }, cancellationToken: ct)
        );
    }

    internal const string SaveSql = """
        INSERT INTO conversation (openid, person_id, state, expires_at, updated_at) VALUES (@openid, @personId, @state,
          @expiresAt, @now)
        ON DUPLICATE KEY UPDATE person_id = VALUES(person_id), state = VALUES(state), expires_at = VALUES(expires_at),
          updated_at = VALUES(updated_at)
        """;

    public async Task SaveAsync(
        string openid,
        long personId,
        string state,
        DateTime expiresAt,
        DateTime now,
        CancellationToken ct = default
    )
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(
            new CommandDefinition(
                SaveSql,
                new
                {
                    openid,
                    personId,
                    state,
                    expiresAt,
                    now,
                },
                cancellationToken: ct
            )
        );
    }

    internal const string ClearSql = "DELETE FROM conversation WHERE openid = @openid";

    /// <summary>
    /// The statement and parameters that carry out a write, for a caller that batches it with its own.
    /// </summary>
    internal static (string Sql, object Args) Statement(ConversationWrite w) =>
        w.State is null
            ? (ClearSql, new { openid = w.Openid })
            : (
                SaveSql,
                new
                {
                    openid = w.Openid,
                    personId = w.PersonId,
                    state = w.State,
                    expiresAt = w.ExpiresAt,
                    now = w.Now,
                }
            );

    public async Task ApplyAsync(ConversationWrite write, CancellationToken ct = default)
    {
        var (sql, args) = Statement(write);
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(sql, args, cancellationToken: ct));
    }

    public async Task ClearAsync(string openid, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(
            new CommandDefinition(ClearSql, new { openid }, cancellationToken: ct)
        );
    }
}
