using System.Globalization;
using System.Text.Json;
using Dapper;
using Governance.Core.Areas;
using Governance.Core.Data;
using Governance.Core.Errors;
using Governance.Core.Lists;
using Governance.Core.People;
using Governance.Core.Statistics;
using Governance.Core.Time;

namespace Governance.Core.Assessment;

public sealed record IndicatorInput(string? Name, string? Source, string? Metric, int? Weight, decimal? Target);

public sealed record Indicator(long Id, string Name, string Source, string? Metric, int Weight, decimal Target);

/// <summary>One indicator's part of a score: the value read, the points (0–100) it earned and its weight.</summary>
public sealed record IndicatorInputValue(
    string Name,
    string Source,
    decimal? Value,
    decimal Points,
    int Weight,
    string? Evidence
);

/// <summary>
/// Everything a score was computed from; <see cref="Assessments.ScoreOf"/> gives the same score again.
/// </summary>
public sealed record ScoreInputs(
    IReadOnlyList<IndicatorInputValue> Indicators,
    int CommunityWeight,
    decimal? CommunityScore
);

public sealed record AssessmentResult(
    long SubjectId,
    string Name,
    decimal Score,
    string Tier,
    string TierName,
    ScoreInputs Inputs,
    IReadOnlyList<string> Consequences
);

public sealed record AssessmentScheme(
    long Id,
    long AreaId,
    int Year,
    string Subject,
    string Title,
    int CommunityWeight,
    long? EvaluationRoundId,
    decimal GoodFrom,
    decimal FairlyGoodFrom,
    decimal FairFrom,
    string Status,
    IReadOnlyList<Indicator> Indicators,
    IReadOnlyList<AssessmentResult> Results
);

public static class AssessmentErrors
{
    public static readonly ErrorCode NotFound = new("assessment.not_found", ErrorKind.NotFound, "考核方案不存在");
    public static readonly ErrorCode Final = new("assessment.final", ErrorKind.Conflict, "考核结果已确定，不能再修改");
    public static readonly ErrorCode Invalid = new("assessment.invalid", ErrorKind.Validation, "考核方案填写不完整");
    public static readonly ErrorCode NotSubject = new(
        "assessment.not_subject",
        ErrorKind.Validation,
        "该社区或单位不在本次考核范围内",
        "subjectId"
    );
    public static readonly ErrorCode NotManual = new(
        "assessment.not_manual",
        ErrorKind.Validation,
        "只有人工录入的指标可以填写分值",
        "indicatorId"
    );

    public static readonly ErrorCode[] Create =
    [
        EvaluationErrors.AreaNotFound,
        EvaluationErrors.NotAllowed,
        EvaluationErrors.Exists,
        Invalid,
    ];
    public static readonly ErrorCode[] Change =
    [
        NotFound,
        EvaluationErrors.NotAllowed,
        Final,
        Invalid,
        NotSubject,
        NotManual,
    ];
    public static readonly ErrorCode[] Read = [NotFound, EvaluationErrors.NotAllowed];
}

/// <summary>
/// The yearly assessment: a scheme of weighted indicators for the communities or the units of a street or county. An
/// indicator earns min(100, value ÷ target × 100) points; the weighted mean of the points is the score, and for units
/// the communities' 评议 score counts for community_weight percent of the total (50 in Chenggu). Computed indicators
/// come from the statistics of the year, evaluation ones from the round's scores, survey ones from a satisfaction
/// survey, manual ones from values entered with evidence. Each result keeps its inputs, from which the score is
/// recomputed exactly. Finalising records the consequences: 约谈 for a subject rated 一般 or 差 this year and last.
/// </summary>
public sealed class Assessments(
    Db db,
    AreaStore areas,
    Evaluations evaluations,
    StatisticsReader stats,
    TimeProvider clock
)
{
    public static readonly string[] Sources = ["computed", "evaluation", "survey", "manual"];

    /// <summary>Computed metrics: a figure of the year's statistics (docs/statistics.md).</summary>
    public static readonly string[] ComputedMetrics =
    [
        "satisfactionRate",
        "responseRate",
        "resolutionRate",
        "serviceHours",
        "visits",
        "claimsDone",
        "meetings",
        "activities",
        "listItems",
    ];

    public static string TierName(string tier) =>
        tier switch
        {
            "good" => "好",
            "fairly_good" => "较好",
            "fair" => "一般",
            _ => "差",
        };

    public async Task<Result<AssessmentScheme>> CreateAsync(
        Caller caller,
        long areaId,
        int year,
        string? subject,
        string? title,
        int? communityWeight,
        long? evaluationRoundId,
        decimal? goodFrom,
        decimal? fairlyGoodFrom,
        decimal? fairFrom,
        IReadOnlyList<IndicatorInput>? indicators,
        CancellationToken ct
    )
    {
        var found = await evaluations.OrganiserAreaAsync(caller, areaId, ct);
        if (!found.IsOk)
            return found.Error!;
        title = title?.Trim();
        var weight = subject == "unit" ? communityWeight ?? 50 : 0;
        var (good, fairlyGood, fair) = (goodFrom ?? 90, fairlyGoodFrom ?? 80, fairFrom ?? 60);
        if (
            subject is not ("community" or "unit")
            || string.IsNullOrEmpty(title)
            || title.Length > 100
            || year is < 2000 or > 2100
            || weight is < 0 or > 100
            || !(good > fairlyGood && fairlyGood > fair && fair > 0 && good <= 100)
        )
            return AssessmentErrors.Invalid.With(
                "请写明考核对象（community 或 unit）、名称、年度；社区评价权重0–100；档次线 好 > 较好 > 一般 > 0"
            );
        if (
            indicators is not { Count: > 0 } && weight < 100
            || indicators?.Any(i =>
                string.IsNullOrWhiteSpace(i.Name)
                || i.Name.Length > 60
                || !Sources.Contains(i.Source)
                || i.Weight is not (> 0 and <= 100)
                || i.Target is not > 0
                || i.Source == "computed" && !ComputedMetrics.Contains(i.Metric)
                || i.Source == "survey" && !long.TryParse(i.Metric, out _)
                || i.Source == "evaluation" && evaluationRoundId is null
            ) == true
        )
            return AssessmentErrors.Invalid.With(
                "每项指标写明名称、来源（computed/evaluation/survey/manual）、权重（1–100）和满分值；"
                    + "computed 指标写明统计指标，survey 指标写明测评编号，evaluation 指标需指定评议"
            );
        if (weight > 0 && evaluationRoundId is null)
            return AssessmentErrors.Invalid.With("单位考核中社区评价占比大于0时，需指定双向评议");
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        long id;
        try
        {
            id = await c.ExecuteScalarAsync<long>(
                new CommandDefinition(
                    """
                    INSERT INTO assessment_scheme (area_id, year, subject, title, community_weight, evaluation_round_id,
                      good_from, fairly_good_from, fair_from, status, created_by, created_at)
                    VALUES (@areaId, @year, @subject, @title, @weight, @evaluationRoundId, @good, @fairlyGood, @fair,
                      'draft', @by, @now);
                    SELECT LAST_INSERT_ID();
                    """,
                    new
                    {
                        areaId,
                        year,
                        subject,
                        title,
                        weight,
                        evaluationRoundId,
                        good,
                        fairlyGood,
                        fair,
                        by = caller.PersonId,
                        now = clock.GetUtcNow().UtcDateTime,
                    },
                    tx,
                    cancellationToken: ct
                )
            );
        }
        catch (Exception ex) when (MySqlDriver.IsDuplicateKey(ex))
        {
            return EvaluationErrors.Exists;
        }
        var sort = 0;
        foreach (var i in indicators ?? [])
            await c.ExecuteAsync(
                new CommandDefinition(
                    """
                    INSERT INTO assessment_indicator (scheme_id, name, source, metric, weight, target, sort_order)
                    VALUES (@id, @name, @Source, @Metric, @Weight, @Target, @sort)
                    """,
                    new
                    {
                        id,
                        name = i.Name!.Trim(),
                        i.Source,
                        i.Metric,
                        i.Weight,
                        i.Target,
                        sort = ++sort,
                    },
                    tx,
                    cancellationToken: ct
                )
            );
        await tx.CommitAsync(ct);
        return (await GetAsync(caller, id, ct)).Value!;
    }

    public async Task<Result<AssessmentScheme>> GetAsync(Caller caller, long id, CancellationToken ct)
    {
        var scheme = await SchemeAsync(id, ct);
        if (scheme is null)
            return AssessmentErrors.NotFound;
        var area = (await areas.GetAsync(scheme.AreaId, ct))!;
        if (!caller.IsStaffOver(area.Path))
            return EvaluationErrors.NotAllowed;
        return scheme;
    }

    /// <summary>
    /// A value for a manual indicator (a third-party assessor's score, an inspection result) with evidence.
    /// </summary>
    public async Task<Result<AssessmentScheme>> EnterAsync(
        Caller caller,
        long id,
        long indicatorId,
        long subjectId,
        decimal value,
        string? evidence,
        CancellationToken ct
    )
    {
        var check = await EditableAsync(caller, id, ct);
        if (!check.IsOk)
            return check.Error!;
        var (scheme, area) = check.Value;
        if (scheme.Indicators.FirstOrDefault(i => i.Id == indicatorId) is not { Source: "manual" })
            return AssessmentErrors.NotManual;
        if ((await SubjectsAsync(scheme, area, ct)).All(s => s.Id != subjectId))
            return AssessmentErrors.NotSubject;
        evidence = evidence?.Trim();
        if (string.IsNullOrEmpty(evidence) || evidence.Length > 1000 || value < 0)
            return AssessmentErrors.Invalid.With("请填写分值（不小于0）和依据（1000字以内）");
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(
            new CommandDefinition(
                """
                INSERT INTO assessment_entry (indicator_id, subject_id, value, evidence, entered_by, entered_at)
                VALUES (@indicatorId, @subjectId, @value, @evidence, @by, @now)
                ON DUPLICATE KEY UPDATE value = VALUES(value), evidence = VALUES(evidence), entered_by =
                  VALUES(entered_by),
                  entered_at = VALUES(entered_at)
                """,
                new
                {
                    indicatorId,
                    subjectId,
                    value,
                    evidence,
                    by = caller.PersonId,
                    now = clock.GetUtcNow().UtcDateTime,
                },
                cancellationToken: ct
            )
        );
        return (await GetAsync(caller, id, ct)).Value!;
    }

    /// <summary>
    /// Computes every subject's score from the current inputs and stores it with them; with <paramref name="finalise"/>
    /// the scheme becomes final and the consequences are recorded.
    /// </summary>
    public async Task<Result<AssessmentScheme>> ComputeAsync(
        Caller caller,
        long id,
        bool finalise,
        CancellationToken ct
    )
    {
        var check = await EditableAsync(caller, id, ct);
        if (!check.IsOk)
            return check.Error!;
        var (scheme, area) = check.Value;
        var subjects = await SubjectsAsync(scheme, area, ct);
        var ids = subjects.Select(s => s.Id).ToList();
        var yesterday = ChinaTime.Today(clock.GetUtcNow().UtcDateTime).AddDays(-1);
        var (from, to) = (new DateOnly(scheme.Year, 1, 1), new DateOnly(scheme.Year, 12, 31));
        if (to > yesterday)
            to = yesterday;
        var totals =
            from <= to
                ? await stats.TotalsAsync(scheme.Subject == "unit" ? StatScope.Unit : StatScope.Area, ids, from, to, ct)
                : [];
        await using var c = await db.OpenAsync(ct);
        var entries = (
            await c.QueryAsync<(long Indicator, long Subject, decimal Value, string Evidence)>(
                new CommandDefinition(
                    """
                    SELECT e.indicator_id, e.subject_id, e.value, e.evidence FROM assessment_entry e
                      JOIN assessment_indicator i ON i.id = e.indicator_id WHERE i.scheme_id = @id
                    """,
                    new { id },
                    cancellationToken: ct
                )
            )
        ).ToDictionary(e => (e.Indicator, e.Subject));
        EvaluationResults? evaluation = scheme.EvaluationRoundId is { } round
            ? await Evaluations.ResultsOfAsync(c, round, area.Path, ct)
            : null;
        var surveys = new Dictionary<long, Dictionary<long, double?>>();
        foreach (var i in scheme.Indicators.Where(i => i.Source == "survey"))
        {
            var surveyId = long.Parse(i.Metric!, CultureInfo.InvariantCulture);
            if (!surveys.ContainsKey(surveyId))
                surveys[surveyId] = await evaluations.CommunityRatesAsync(surveyId, ct);
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var results = new List<(long Subject, decimal Score, string Tier, ScoreInputs Inputs)>();
        foreach (var s in subjects)
        {
            var figures = (totals.GetValueOrDefault(s.Id) ?? new StatCounts()).ToFigures();
            var received =
                scheme.Subject == "unit"
                    ? evaluation?.Units.FirstOrDefault(u => u.Id == s.Id)?.Score
                    : evaluation?.Communities.FirstOrDefault(u => u.Id == s.Id)?.Score;
            var values = scheme
                .Indicators.Select(i =>
                {
                    var (value, evidence) = i.Source switch
                    {
                        "computed" => (Metric(figures, i.Metric!), null),
                        "evaluation" => (received, null),
                        "survey" => (
                            surveys[long.Parse(i.Metric!, CultureInfo.InvariantCulture)].GetValueOrDefault(s.Id)
                                is { } r
                                ? (decimal)r
                                : (decimal?)null,
                            null
                        ),
                        _ => entries.TryGetValue((i.Id, s.Id), out var e)
                            ? (e.Value, e.Evidence)
                            : ((decimal?)null, (string?)null),
                    };
                    return new IndicatorInputValue(
                        i.Name,
                        i.Source,
                        value,
                        Points(value, i.Target),
                        i.Weight,
                        evidence
                    );
                })
                .ToList();
            var inputs = new ScoreInputs(values, scheme.CommunityWeight, scheme.CommunityWeight > 0 ? received : null);
            var score = ScoreOf(inputs);
            results.Add((s.Id, score, TierOf(score, scheme), inputs));
        }
        await using var tx = await c.BeginTransactionAsync(ct);
        await c.ExecuteAsync(
            new CommandDefinition(
                "DELETE FROM assessment_result WHERE scheme_id = @id",
                new { id },
                tx,
                cancellationToken: ct
            )
        );
        foreach (var r in results)
            await c.ExecuteAsync(
                new CommandDefinition(
                    """
                    INSERT INTO assessment_result (scheme_id, subject_id, score, tier, inputs, computed_at)
                    VALUES (@id, @subject, @score, @tier, @inputs, @now)
                    """,
                    new
                    {
                        id,
                        subject = r.Subject,
                        score = r.Score,
                        tier = r.Tier,
                        inputs = JsonSerializer.Serialize(r.Inputs, Json),
                        now,
                    },
                    tx,
                    cancellationToken: ct
                )
            );
        if (finalise)
        {
            await c.ExecuteAsync(
                new CommandDefinition(
                    "UPDATE assessment_scheme SET status = 'final', finalised_at = @now WHERE id = @id",
                    new { id, now },
                    tx,
                    cancellationToken: ct
                )
            );
            // 约谈: 一般 or 差 this year and in last year's final assessment of the same place and subject.
            await c.ExecuteAsync(
                new CommandDefinition(
                    """
                    INSERT IGNORE INTO consequence (subject, subject_id, kind, year, reason, scheme_id, created_at)
                    SELECT s.subject, r.subject_id, 'interview', s.year,
                           CONCAT(s.year - 1, '年、', s.year, '年考核连续为一般或差（', r.score, '分）'), s.id, @now
                      FROM assessment_result r JOIN assessment_scheme s ON s.id = r.scheme_id
                      JOIN assessment_scheme prev ON prev.area_id = s.area_id AND prev.subject = s.subject
                           AND prev.year = s.year - 1 AND prev.status = 'final'
                      JOIN assessment_result pr ON pr.scheme_id = prev.id AND pr.subject_id = r.subject_id
                     WHERE s.id = @id AND r.tier IN ('fair', 'poor') AND pr.tier IN ('fair', 'poor')
                    """,
                    new { id, now },
                    tx,
                    cancellationToken: ct
                )
            );
        }
        await tx.CommitAsync(ct);
        return (await GetAsync(caller, id, ct)).Value!;
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// The score from its inputs: the weighted mean of the points, and for units the communities' share.
    /// </summary>
    public static decimal ScoreOf(ScoreInputs inputs)
    {
        var weights = inputs.Indicators.Sum(i => i.Weight);
        var own = weights == 0 ? 0 : inputs.Indicators.Sum(i => i.Points * i.Weight) / weights;
        var total =
            inputs.CommunityWeight == 0
                ? own
                : (inputs.CommunityScore ?? 0) * inputs.CommunityWeight / 100m
                    + (weights == 0 ? 0 : own * (100 - inputs.CommunityWeight) / 100m);
        return Math.Round(total, 2, MidpointRounding.AwayFromZero);
    }

    /// <summary>min(100, value ÷ target × 100); nothing measured earns nothing.</summary>
    public static decimal Points(decimal? value, decimal target) =>
        value is { } v ? Math.Round(Math.Min(100m, v / target * 100m), 2, MidpointRounding.AwayFromZero) : 0m;

    private static string TierOf(decimal score, AssessmentScheme s) =>
        score >= s.GoodFrom ? "good"
        : score >= s.FairlyGoodFrom ? "fairly_good"
        : score >= s.FairFrom ? "fair"
        : "poor";

    private static decimal? Metric(Figures f, string metric) =>
        metric switch
        {
            "satisfactionRate" => (decimal?)f.SatisfactionRate,
            "responseRate" => (decimal?)f.ResponseRate,
            "resolutionRate" => (decimal?)f.ResolutionRate,
            "serviceHours" => (decimal)f.ServiceHours,
            "visits" => f.Visits,
            "claimsDone" => f.ClaimsDone,
            "meetings" => f.Meetings,
            "activities" => f.Activities,
            _ => f.ListItems,
        };

    private async Task<Result<(AssessmentScheme Scheme, Area Area)>> EditableAsync(
        Caller caller,
        long id,
        CancellationToken ct
    )
    {
        var scheme = await SchemeAsync(id, ct);
        if (scheme is null)
            return AssessmentErrors.NotFound;
        var found = await evaluations.OrganiserAreaAsync(caller, scheme.AreaId, ct);
        if (!found.IsOk)
            return found.Error!;
        if (scheme.Status == "final")
            return AssessmentErrors.Final;
        return (scheme, found.Value!);
    }

    private sealed record Subject(long Id, string Name);

    /// <summary>The communities under the place, or the units serving them.</summary>
    private async Task<IReadOnlyList<Subject>> SubjectsAsync(AssessmentScheme scheme, Area area, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var sql =
            scheme.Subject == "community"
                ? "SELECT id, name FROM area WHERE kind = 'community' AND path LIKE CONCAT(@path, '%') ORDER BY path"
                : """
                    SELECT DISTINCT u.id, u.name FROM unit u
                      JOIN (SELECT id AS unit_id, area_id AS community_id FROM unit WHERE status = 'approved'
                            UNION SELECT unit_id, community_id FROM unit_pairing WHERE status = 'approved') x ON
                              x.unit_id = u.id
                      JOIN area a ON a.id = x.community_id AND a.kind = 'community'
                     WHERE u.status = 'approved' AND a.path LIKE CONCAT(@path, '%') ORDER BY u.id
                    """;
        return (
            await c.QueryAsync<Subject>(new CommandDefinition(sql, new { path = area.Path }, cancellationToken: ct))
        ).ToList();
    }

    private async Task<AssessmentScheme?> SchemeAsync(long id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var s = await c.QuerySingleOrDefaultAsync<SchemeRow>(
            new CommandDefinition(
                """
                SELECT id, area_id AS AreaId, year, subject, title, community_weight AS CommunityWeight,
                       evaluation_round_id AS EvaluationRoundId, good_from AS GoodFrom, fairly_good_from AS
                         FairlyGoodFrom,
                       fair_from AS FairFrom, status
                  FROM assessment_scheme WHERE id = @id
                """,
                new { id },
                cancellationToken: ct
            )
        );
        if (s is null)
            return null;
        var indicators = (
            await c.QueryAsync<Indicator>(
                new CommandDefinition(
                    "SELECT id, name, source, metric, weight, target FROM assessment_indicator WHERE scheme_id = @id "
                        + "ORDER BY sort_order",
                    new { id },
                    cancellationToken: ct
                )
            )
        ).ToList();
        var names =
            s.Subject == "community"
                ? "(SELECT name FROM area WHERE id = r.subject_id)"
                : "(SELECT name FROM unit WHERE id = r.subject_id)";
        var kind = s.Subject;
        var results = await c.QueryAsync<(
            long Subject,
            string Name,
            decimal Score,
            string Tier,
            string Inputs,
            string? Consequences
        )>(
            new CommandDefinition(
                $"""
                SELECT r.subject_id, {names}, r.score, r.tier, r.inputs,
                       (SELECT GROUP_CONCAT(x.reason SEPARATOR '；') FROM consequence x
                         WHERE x.scheme_id = r.scheme_id AND x.subject = @kind AND x.subject_id = r.subject_id)
                  FROM assessment_result r WHERE r.scheme_id = @id ORDER BY r.score DESC, r.subject_id
                """,
                new { id, kind },
                cancellationToken: ct
            )
        );
        return new AssessmentScheme(
            s.Id,
            s.AreaId,
            s.Year,
            s.Subject,
            s.Title,
            s.CommunityWeight,
            s.EvaluationRoundId,
            s.GoodFrom,
            s.FairlyGoodFrom,
            s.FairFrom,
            s.Status,
            indicators,
            results
                .Select(r => new AssessmentResult(
                    r.Subject,
                    r.Name,
                    r.Score,
                    r.Tier,
                    TierName(r.Tier),
                    JsonSerializer.Deserialize<ScoreInputs>(r.Inputs, Json)!,
                    r.Consequences is null ? [] : [.. r.Consequences.Split('；')]
                ))
                .ToList()
        );
    }

    private sealed record SchemeRow
    {
        public long Id { get; init; }
        public long AreaId { get; init; }
        public int Year { get; init; }
        public string Subject { get; init; } = "";
        public string Title { get; init; } = "";
        public int CommunityWeight { get; init; }
        public long? EvaluationRoundId { get; init; }
        public decimal GoodFrom { get; init; }
        public decimal FairlyGoodFrom { get; init; }
        public decimal FairFrom { get; init; }
        public string Status { get; init; } = "";
    }

    /// <summary>
    /// The results as a ledger: rank, name, score, tier, each indicator's value and points, consequences.
    /// </summary>
    public static Ledger ResultsLedger(AssessmentScheme s)
    {
        var columns = new List<LedgerColumn>
        {
            new("rank", "名次", 6),
            new("name", s.Subject == "unit" ? "单位" : "社区", 18),
            new("score", "总分", 8),
            new("tier", "档次", 8),
        };
        if (s.CommunityWeight > 0)
            columns.Add(new("community", $"社区评价（{s.CommunityWeight}%）", 16));
        for (var i = 0; i < s.Indicators.Count; i++)
            columns.Add(new($"i{i}", $"{s.Indicators[i].Name}（权重{s.Indicators[i].Weight}）", 20));
        columns.Add(new("consequences", "处理", 30));
        var rows = s
            .Results.Select(
                (r, n) =>
                {
                    var cells = new Dictionary<string, object?>
                    {
                        ["rank"] = n + 1,
                        ["name"] = r.Name,
                        ["score"] = r.Score,
                        ["tier"] = r.TierName,
                        ["community"] = r.Inputs.CommunityScore,
                        ["consequences"] = string.Join("；", r.Consequences),
                    };
                    for (var i = 0; i < r.Inputs.Indicators.Count; i++)
                    {
                        var x = r.Inputs.Indicators[i];
                        cells[$"i{i}"] = $"{x.Value?.ToString(CultureInfo.InvariantCulture) ?? "—"}（{x.Points}分）";
                    }
                    return (IReadOnlyDictionary<string, object?>)cells;
                }
            )
            .ToList();
        return new Ledger($"{s.Title}结果", columns, rows)
        {
            Notes =
            [
                ("得分", "每项指标得分 = min(100, 数值 ÷ 满分值 × 100)，按权重加权平均"),
                ("社区评价", "单位考核中，社区对单位的评议得分（1–5分折合百分制）按方案占比计入总分"),
                ("档次", $"好 ≥ {s.GoodFrom}，较好 ≥ {s.FairlyGoodFrom}，一般 ≥ {s.FairFrom}，其余为差"),
                ("约谈", "连续两年考核为一般或差的，记录约谈"),
                .. StatisticsReader.Notes(),
            ],
        };
    }
}
