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

    /// <summary>One recorded fire, as the jobs page lists it.</summary>
    public sealed record Run
    {
        public string JobName { get; init; } = "";
        public DateTime ScheduledAt { get; init; }
        public string Node { get; init; } = "";
        public int Runs { get; init; }
        public string Outcome { get; init; } = "";
        public string? Result { get; init; }
        public DateTime StartedAt { get; init; }
        public DateTime? FinishedAt { get; init; }
    }

    // The newest fires of each job (the unique key on job_name, scheduled_at serves each job's slice).
    private const string RecentSql = """
        SELECT job_name AS JobName, scheduled_at AS ScheduledAt, node AS Node, runs AS Runs, outcome AS Outcome,
               result AS Result, started_at AS StartedAt, finished_at AS FinishedAt
          FROM job_run WHERE job_name = @job ORDER BY scheduled_at DESC LIMIT @limit
        """;

    public async Task<IReadOnlyList<Run>> RecentAsync(string job, int limit, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return (
            await c.QueryAsync<Run>(new CommandDefinition(RecentSql, new { job, limit }, cancellationToken: ct))
        ).AsList();
    }
}
