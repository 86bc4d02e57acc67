using Dapper;
using Governance.Core.Data;

namespace Governance.Core.Idempotency;

public enum IdempotencyOutcome
{
    /// <summary>First use of the key: do the work, then record its answer.</summary>
    Proceed,

    /// <summary>The key's request was answered: give that answer again.</summary>
    Replay,

    /// <summary>The key's first request is still being worked on.</summary>
    InProgress,

    /// <summary>The key was used for a different request.</summary>
    Mismatch,
}

public sealed record StoredAnswer(int Status, string ContentType, string Body);

/// <summary>
/// Idempotency keys for writes, per person, kept a day. A key whose first request never finished (its node died)
/// is taken over after a minute, so a retry is not refused for ever.
/// </summary>
public sealed class IdempotencyStore(Db db)
{
    public static readonly TimeSpan KeptFor = TimeSpan.FromDays(1);
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(1);

    private sealed record Row(
        string RequestHash,
        string Status,
        int? ResponseStatus,
        string? ResponseType,
        string? ResponseBody,
        DateTime CreatedAt
    );

    public async Task<(IdempotencyOutcome Outcome, StoredAnswer? Answer)> BeginAsync(
        long personId,
        string key,
        string requestHash,
        DateTime now,
        CancellationToken ct
    )
    {
        await using var c = await db.OpenAsync(ct);
        // A person's expired keys go as they make new ones: the table holds a day of each person's writes.
        var inserted = await c.ExecuteScalarAsync<long>(
            new CommandDefinition(
                """
                DELETE FROM idempotency_key WHERE person_id = @personId AND created_at < @expired;
                INSERT IGNORE INTO idempotency_key (person_id, idem_key, request_hash, status, created_at)
                VALUES (@personId, @key, @requestHash, 'processing', @now);
                SELECT ROW_COUNT();
                """,
                new
                {
                    personId,
                    key,
                    requestHash,
                    now,
                    expired = now - KeptFor,
                },
                cancellationToken: ct
            )
        );
        if (inserted == 1)
            return (IdempotencyOutcome.Proceed, null);
        var row = await c.QuerySingleAsync<Row>(
            new CommandDefinition(
                """
                SELECT request_hash AS RequestHash, status, response_status AS ResponseStatus,
                       response_type AS ResponseType, response_body AS ResponseBody, created_at AS CreatedAt
                  FROM idempotency_key WHERE person_id = @personId AND idem_key = @key
                """,
                new { personId, key },
                cancellationToken: ct
            )
        );
        if (row.RequestHash != requestHash)
            return (IdempotencyOutcome.Mismatch, null);
        if (row.Status == "completed")
            return (
                IdempotencyOutcome.Replay,
                new StoredAnswer(
                    row.ResponseStatus!.Value,
                    row.ResponseType ?? "application/json",
                    row.ResponseBody ?? ""
                )
            );
        // Still processing: someone else's attempt, unless it was abandoned long enough ago to take over.
        if (now - row.CreatedAt < AbandonedAfter)
            return (IdempotencyOutcome.InProgress, null);
        var taken = await c.ExecuteAsync(
            new CommandDefinition(
                """
                UPDATE idempotency_key SET created_at = @now
                 WHERE person_id = @personId AND idem_key = @key AND status = 'processing' AND created_at = @seen
                """,
                new
                {
                    personId,
                    key,
                    now,
                    seen = row.CreatedAt,
                },
                cancellationToken: ct
            )
        );
        return (taken == 1 ? IdempotencyOutcome.Proceed : IdempotencyOutcome.InProgress, null);
    }

    public async Task CompleteAsync(
        long personId,
        string key,
        StoredAnswer answer,
        DateTime now,
        CancellationToken ct
    )
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(
            new CommandDefinition(
                """
                UPDATE idempotency_key SET status = 'completed', response_status = @Status,
                  response_type = @ContentType, response_body = @Body, completed_at = @now
                 WHERE person_id = @personId AND idem_key = @key
                """,
                new
                {
                    personId,
                    key,
                    answer.Status,
                    answer.ContentType,
                    answer.Body,
                    now,
                },
                cancellationToken: ct
            )
        );
    }

    /// <summary>The request failed on our side (5xx): forget the key so that a retry does the work again.</summary>
    public async Task ForgetAsync(long personId, string key, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(
            new CommandDefinition(
                "DELETE FROM idempotency_key WHERE person_id = @personId AND idem_key = @key AND status = 'processing'",
                new { personId, key },
                cancellationToken: ct
            )
        );
    }
}
