using System.Text.RegularExpressions;
using Dapper;

namespace Governance.Bench;

/// <summary>
/// What the server spent on each kind of statement over a stretch of load, from performance_schema's statement
/// digests, switched on for the stretch and off after it (recording them slows the server by about a fifth, so
/// the throughput tables are measured without): calls, server time, rows examined and lock time, per message;
/// and the round trips, as the API node counts them (its /metrics: one database command is one round trip,
/// however many statements it carries).
/// </summary>
public sealed partial class StatementProfile(BenchContext context, string apiBaseAddress)
{
    private double _commandsBefore;

    public sealed record Row(
        string Statement,
        double CallsPerMessage,
        double MeanMicros,
        double MicrosPerMessage,
        double RowsExaminedPerCall,
        double LockMicrosPerCall
    );

    public async Task ResetAsync()
    {
        _commandsBefore = await CommandsAsync();
        await using var c = await context.Db.OpenAsync();
        await c.ExecuteAsync(
            """
            UPDATE performance_schema.setup_instruments SET enabled = 'YES', timed = 'YES'
             WHERE name LIKE 'statement/%';
            UPDATE performance_schema.setup_consumers SET enabled = 'YES'
             WHERE name IN ('events_statements_current', 'events_statements_history_long');
            TRUNCATE TABLE performance_schema.events_statements_summary_by_digest;
            TRUNCATE TABLE performance_schema.events_statements_history_long;
            """
        );
    }

    /// <summary>
    /// The statements on the bench database since the reset, most expensive first, and the round trips.
    /// </summary>
    public async Task<(List<Row> Rows, double RoundTripsPerMessage)> ReadAsync(long messages)
    {
        await using var c = await context.Db.OpenAsync();
        // A statement sent in a batch shows the batch's opening as its digest text; one of its own executions (from
        // the recent history) names it properly.
        var rows = await c.QueryAsync<(string Digest, long Calls, decimal Picos, long Examined, decimal LockPicos)>(
            """
            SELECT COALESCE((SELECT MIN(h.sql_text) FROM performance_schema.events_statements_history_long h
                              WHERE h.digest = d.digest), d.digest_text),
                   d.count_star, d.sum_timer_wait, d.sum_rows_examined, d.sum_lock_time
              FROM performance_schema.events_statements_summary_by_digest d
             WHERE d.schema_name = DATABASE() AND d.digest_text IS NOT NULL
             ORDER BY d.sum_timer_wait DESC
            """
        );
        var roundTrips = await CommandsAsync() - _commandsBefore;
        await c.ExecuteAsync(
            """
            UPDATE performance_schema.setup_instruments SET enabled = 'NO', timed = 'NO' WHERE name LIKE 'statement/%';
            UPDATE performance_schema.setup_consumers SET enabled = 'NO'
             WHERE name IN ('events_statements_current', 'events_statements_history_long');
            """
        );
        var list = rows.Where(r => r.Calls >= messages / 50) // the bench's own counting queries are not the product's
            .Select(r => new Row(
                Shorten(r.Digest),
                (double)r.Calls / messages,
                (double)(r.Picos / r.Calls) / 1e6,
                (double)(r.Picos / messages) / 1e6,
                (double)r.Examined / r.Calls,
                (double)(r.LockPicos / r.Calls) / 1e6
            ))
            .ToList();
        return (list, roundTrips / messages);
    }

    private async Task<double> CommandsAsync()
    {
        using var http = new HttpClient { BaseAddress = new Uri(apiBaseAddress) };
        var text = await http.GetStringAsync("/metrics");
        var match = CommandsLine().Match(text);
        return match.Success
            ? double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)
            : 0;
    }

    [GeneratedRegex(@"^governance_db_commands_total(?:\{[^}]*\})? ([0-9.e+]+)", RegexOptions.Multiline)]
    private static partial Regex CommandsLine();

    /// <summary>A digest made readable in a table cell: spaces collapsed, long column lists elided.</summary>
    private static string Shorten(string digest)
    {
        var text = Spaces().Replace(digest, " ").Replace("`", "").Replace("|", "\\|");
        text = Columns().Replace(text, m => m.Value.Length > 60 ? "SELECT … FROM" : m.Value);
        return text.Length > 140 ? text[..137] + "…" : text;
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"SELECT .*? FROM", RegexOptions.Singleline)]
    private static partial Regex Columns();
}
