using Dapper;
using Governance.Core.Data;

namespace Governance.Core.Jobs;

/// <summary>
/// The record of every scheduled fire (sql/0007 job_run), written by whichever node ran it. The key is the job and
/// the time the fire was scheduled for, so a fire run twice — by two nodes, or again by recovery after a node
/// died — shows as runs &gt; 1 instead of hiding in two log files.
/// </summary>
public sealed class JobRunStore(Db db)
{
    private const string StartSql = """
        INSERT INTO job_run (job_name, scheduled_at, node, runs, outcome, started_at) VALUES (@job, @scheduledAt,
          @node, 1, 'running', @now)
        ON DUPLICATE KEY UPDATE runs = runs + 1, node = VALUES(node), outcome = 'running', result = NULL, started_at =
          VALUES(started_at), finished_at = NULL
        """;

    public async Task StartedAsync(
        string job,
        DateTime scheduledAt,
        string node,
        DateTime now,
        CancellationToken ct = default
    )
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(
            new CommandDefinition(
                StartSql,
                new
                {
                    job,
                    scheduledAt,
                    node,
                    now,
                },
                cancellationToken: ct
            )
        );
    }

    private const string FinishSql = """
        UPDATE job_run SET outcome = @outcome, result = @result, finished_at = @now WHERE job_name = @job
          AND scheduled_at = @scheduledAt
        """;

    public async Task FinishedAsync(
        string job,
        DateTime scheduledAt,
        bool ok,
        string? result,
        DateTime now,
        CancellationToken ct = default
    )
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(
            new CommandDefinition(
                FinishSql,
                new
                {
                    job,
                    scheduledAt,
                    outcome = ok ? "ok" : "failed",
                    result = result is null ? null : Text.Chars.Prefix(result, 500),
                    now,
                },
                cancellationToken: ct
            )
        );
    }

    private const string PruneSql = "DELETE FROM job_run WHERE started_at < @before LIMIT 10000";

    public async Task<int> PruneAsync(DateTime before, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteAsync(new CommandDefinition(PruneSql, new { before }, cancellationToken: ct));
    }
}
