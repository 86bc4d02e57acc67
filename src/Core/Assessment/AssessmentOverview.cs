using Dapper;
using Governance.Core.Data;
using Governance.Core.Errors;
using Governance.Core.People;

namespace Governance.Core.Assessment;

public sealed record RoundSummary
{
    public long Id { get; init; }
    public int Year { get; init; }
    public string Title { get; init; } = "";
    public string Status { get; init; } = "";
    public DateOnly ClosesOn { get; init; }
}

public sealed record SurveySummary
{
    public long Id { get; init; }
    public string Title { get; init; } = "";
    public DateOnly From { get; init; }
    public DateOnly To { get; init; }
    public string Status { get; init; } = "";
    public int SampleSize { get; init; }
}

public sealed record SchemeSummary
{
    public long Id { get; init; }
    public int Year { get; init; }
    public string Subject { get; init; } = "";
    public string Title { get; init; } = "";
    public string Status { get; init; } = "";
}

/// <summary>What a street or county runs: evaluation rounds, surveys and assessment schemes, newest first.</summary>
public sealed record AssessmentOverview(
    IReadOnlyList<RoundSummary> Rounds,
    IReadOnlyList<SurveySummary> Surveys,
    IReadOnlyList<SchemeSummary> Schemes
);

/// <summary>The list an organiser starts from (each item is then read and changed through its own class).</summary>
public sealed class AssessmentOverviews(Db db, Evaluations evaluations)
{
    private const string Sql = """
        SELECT id, year, title, status, closes_on AS ClosesOn FROM evaluation_round
         WHERE area_id = @areaId ORDER BY year DESC, id DESC;
        SELECT id, title, from_day AS `From`, to_day AS `To`, status, sample_size AS SampleSize FROM satisfaction_survey
         WHERE area_id = @areaId ORDER BY id DESC;
        SELECT id, year, subject, title, status FROM assessment_scheme
         WHERE area_id = @areaId ORDER BY year DESC, id DESC;
        """;

    public async Task<Result<AssessmentOverview>> ForAreaAsync(Caller caller, long areaId, CancellationToken ct)
    {
        var area = await evaluations.OrganiserAreaAsync(caller, areaId, ct);
        if (!area.IsOk)
            return area.Error!;
        await using var c = await db.OpenAsync(ct);
        using var grid = await c.QueryMultipleAsync(new CommandDefinition(Sql, new { areaId }, cancellationToken: ct));
        return new AssessmentOverview(
            (await grid.ReadAsync<RoundSummary>()).AsList(),
            (await grid.ReadAsync<SurveySummary>()).AsList(),
            (await grid.ReadAsync<SchemeSummary>()).AsList()
        );
    }
}
