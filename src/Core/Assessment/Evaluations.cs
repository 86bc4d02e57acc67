using System.Security.Cryptography;
using Dapper;
using Governance.Core.Areas;
using Governance.Core.Data;
using Governance.Core.Errors;
using Governance.Core.Notifications;
using Governance.Core.People;
using Governance.Core.Time;

namespace Governance.Core.Assessment;

public static class EvaluationErrors
{
    public static readonly ErrorCode AreaNotFound = new(
        "evaluation.area_not_found",
        ErrorKind.Validation,
        "评议、测评和考核由街道或区县组织，请选择街道或区县",
        "areaId"
    );
    public static readonly ErrorCode NotAllowed = new(
        "evaluation.not_allowed",
        ErrorKind.Forbidden,
        "只有本街道或区县的工作人员可以组织评议、测评和考核"
    );
    public static readonly ErrorCode Invalid = new("evaluation.invalid", ErrorKind.Validation, "填写不完整");
    public static readonly ErrorCode Exists = new(
        "evaluation.exists",
        ErrorKind.Conflict,
        "该区域本年度已有同类评议（考核）"
    );
    public static readonly ErrorCode NotFound = new("evaluation.not_found", ErrorKind.NotFound, "评议或测评不存在");
    public static readonly ErrorCode Closed = new("evaluation.closed", ErrorKind.Conflict, "已结束，不能再提交");
    public static readonly ErrorCode NotYourPair = new(
        "evaluation.not_your_pair",
        ErrorKind.Forbidden,
        "只能评议本单位服务的社区，或本社区的共建单位"
    );
    public static readonly ErrorCode NotSampled = new(
        "evaluation.not_sampled",
        ErrorKind.NotFound,
        "这件工单不在本次测评的抽样中"
    );

    public static readonly ErrorCode[] Create = [AreaNotFound, NotAllowed, Invalid, Exists];
    public static readonly ErrorCode[] Respond = [NotFound, Closed, NotYourPair, Invalid];
    public static readonly ErrorCode[] Read = [NotFound, NotAllowed];
    public static readonly ErrorCode[] Answer = [NotFound, Closed, NotSampled, Invalid];
}

public sealed record QuestionInput(string? Direction, string? Text, int? Weight);

public sealed record AnswerInput(long QuestionId, int Score);

public sealed record EvaluationQuestion(long Id, string Direction, string Text, int Weight);

/// <summary>A unit and a community it serves: they rate each other.</summary>
public sealed record EvaluationPair(
    long UnitId,
    string UnitName,
    long CommunityId,
    string CommunityName,
    decimal? UnitToCommunity,
    decimal? CommunityToUnit
);

public sealed record EvaluationRound(
    long Id,
    long AreaId,
    int Year,
    string Title,
    string Status,
    DateOnly ClosesOn,
    IReadOnlyList<EvaluationQuestion> Questions,
    int Pairs,
    int UnitResponses,
    int CommunityResponses,
    IReadOnlyList<EvaluationPair> PairList
);

/// <summary>A score received: a community from its units, or a unit from its communities.</summary>
public sealed record EvaluationScore(long Id, string Name, decimal? Score, int Responses, int Expected);

public sealed record EvaluationResults(
    long RoundId,
    IReadOnlyList<EvaluationScore> Communities,
    IReadOnlyList<EvaluationScore> Units
);

public sealed record SurveyCall(
    string OrderCode,
    long CommunityId,
    string CommunityName,
    string? Answer,
    string? Note,
    DateTime? AnsweredAt
);

public sealed record SurveyCommunity(
    long CommunityId,
    string Name,
    int Sampled,
    int Answered,
    double? SatisfactionRate
);

public sealed record Survey(
    long Id,
    long AreaId,
    string Title,
    DateOnly From,
    DateOnly To,
    int SampleSize,
    string Status,
    int Sampled,
    int Answered,
    int Unreachable,
    double? SatisfactionRate,
    IReadOnlyList<SurveyCommunity> Communities,
    IReadOnlyList<SurveyCall> Calls
);

/// <summary>
/// 双向评议 (units rate the communities they serve and communities rate their units, each year, on the round's
/// questions) and 满意度测评 (residents asked again about a reproducible sample of closed orders, answering themselves
/// or through an assessor who calls them). Both track who has not answered and remind them once.
/// </summary>
public sealed class Evaluations(Db db, AreaStore areas, TimeProvider clock)
{
    public const string UnitToCommunity = "unit_to_community",
        CommunityToUnit = "community_to_unit";

    /// <summary>
    /// A street or county the caller administers (organisers of evaluations, surveys and assessments).
    /// </summary>
    public async Task<Result<Area>> OrganiserAreaAsync(Caller caller, long areaId, CancellationToken ct)
    {
        if (await areas.GetAsync(areaId, ct) is not { Kind: AreaKind.Street or AreaKind.County } area)
            return EvaluationErrors.AreaNotFound;
        if (
            !caller.Staff.Any(s =>
                StaffRole.IsAboveCommunity(s.Role) && area.Path.StartsWith(s.AreaPath, StringComparison.Ordinal)
            )
        )
            return EvaluationErrors.NotAllowed;
        return area;
    }

    public async Task<Result<EvaluationRound>> CreateRoundAsync(
        Caller caller,
        long areaId,
        int year,
        string? title,
        DateOnly closesOn,
        IReadOnlyList<QuestionInput>? questions,
        CancellationToken ct
    )
    {
        var found = await OrganiserAreaAsync(caller, areaId, ct);
        if (!found.IsOk)
            return found.Error!;
        var area = found.Value!;
        title = title?.Trim();
        if (string.IsNullOrEmpty(title) || title.Length > 100 || year is < 2000 or > 2100)
            return EvaluationErrors.Invalid.With("请填写评议名称（100字以内）和年度");
        if (
            questions is not { Count: > 0 }
            || questions.Any(q =>
                q.Direction is not (UnitToCommunity or CommunityToUnit)
                || string.IsNullOrWhiteSpace(q.Text)
                || q.Text.Length > 200
                || q.Weight is not (> 0 and <= 100)
            )
            || !questions.Any(q => q.Direction == UnitToCommunity)
            || !questions.Any(q => q.Direction == CommunityToUnit)
        )
            return EvaluationErrors.Invalid.With(
                "每个方向（单位评社区、社区评单位）至少一道题；每题写明题目（200字以内）和权重（1–100）"
            );
        var now = clock.GetUtcNow().UtcDateTime;
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        long id;
        try
        {
            id = await c.ExecuteScalarAsync<long>(
                new CommandDefinition(
                    """
                    INSERT INTO evaluation_round (area_id, year, title, status, closes_on, created_by, created_at)
                    VALUES (@areaId, @year, @title, 'open', @closesOn, @by, @now);
                    SELECT LAST_INSERT_ID();
                    """,
                    new
                    {
                        areaId,
                        year,
                        title,
                        closesOn = closesOn.ToDateTime(TimeOnly.MinValue),
                        by = caller.PersonId,
                        now,
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
        foreach (var q in questions)
            await c.ExecuteAsync(
                new CommandDefinition(
                    """
                    INSERT INTO evaluation_question (round_id, direction, text, weight, sort_order)
                    VALUES (@id, @Direction, @Text, @Weight, @sort)
                    """,
                    new
                    {
                        id,
                        q.Direction,
                        Text = q.Text!.Trim(),
                        q.Weight,
                        sort = ++sort,
                    },
                    tx,
                    cancellationToken: ct
                )
            );
        var pairs = await PairsAsync(c, tx, area.Path, id, ct);
        var raters = await RatersAsync(c, tx, pairs, ct);
        await Outbox.EnqueueAsync(
            c,
            tx,
            raters,
            new Notice("evaluation", $"请参加{title}", $"单位和社区互相评议，{closesOn:M月d日}前提交。", null, $"{id}"),
            $"evaluation:{id}:open",
            now,
            ct
        );
        await tx.CommitAsync(ct);
        return (await GetRoundAsync(caller, id, ct)).Value!;
    }

    public async Task<Result<EvaluationRound>> GetRoundAsync(Caller caller, long id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var round = await RoundRowAsync(c, id, ct);
        if (round is null)
            return EvaluationErrors.NotFound;
        var area = (await areas.GetAsync(round.AreaId, ct))!;
        var pairs = await PairsAsync(c, null, area.Path, id, ct);
        var visible = caller.IsStaffOver(area.Path)
            ? pairs
            : pairs.Where(p => caller.UnitAdminOf.Contains(p.UnitId) || IsSecretaryOf(caller, p.CommunityId)).ToList();
        if (visible.Count == 0 && !caller.IsStaffOver(area.Path))
            return EvaluationErrors.NotFound;
        var questions = (
            await c.QueryAsync<EvaluationQuestion>(
                new CommandDefinition(
                    "SELECT id, direction, text, weight FROM evaluation_question WHERE round_id = @id ORDER BY "
                        + "sort_order",
                    new { id },
                    cancellationToken: ct
                )
            )
        ).ToList();
        return new EvaluationRound(
            round.Id,
            round.AreaId,
            round.Year,
            round.Title,
            round.Status,
            DateOnly.FromDateTime(round.ClosesOn),
            questions,
            pairs.Count,
            pairs.Count(p => p.UnitToCommunity is not null),
            pairs.Count(p => p.CommunityToUnit is not null),
            visible
        );
    }

    private bool IsSecretaryOf(Caller caller, long communityId) =>
        caller.Staff.Any(s => s.Role == StaffRole.Secretary && s.AreaId == communityId);

    /// <summary>
    /// A unit admin rates a community their unit serves, or a community's secretary rates one of its units, answering
    /// every question of the direction 1–5. Until the round closes a response may be given again (it replaces the
    /// last).
    /// </summary>
    public async Task<Result<EvaluationRound>> RespondAsync(
        Caller caller,
        long roundId,
        string? direction,
        long unitId,
        long communityId,
        IReadOnlyList<AnswerInput>? answers,
        string? comment,
        CancellationToken ct
    )
    {
        await using var c = await db.OpenAsync(ct);
        var round = await RoundRowAsync(c, roundId, ct);
        if (round is null)
            return EvaluationErrors.NotFound;
        if (round.Status != "open")
            return EvaluationErrors.Closed;
        var area = (await areas.GetAsync(round.AreaId, ct))!;
        var pair = (await PairsAsync(c, null, area.Path, roundId, ct)).FirstOrDefault(p =>
            p.UnitId == unitId && p.CommunityId == communityId
        );
        var allowed = direction switch
        {
            UnitToCommunity => caller.UnitAdminOf.Contains(unitId),
            CommunityToUnit => IsSecretaryOf(caller, communityId),
            _ => false,
        };
        if (pair is null || !allowed)
            return direction is UnitToCommunity or CommunityToUnit
                ? EvaluationErrors.NotYourPair
                : EvaluationErrors.Invalid.With("direction 应为 unit_to_community 或 community_to_unit");
        var questions = (
            await c.QueryAsync<EvaluationQuestion>(
                new CommandDefinition(
                    "SELECT id, direction, text, weight FROM evaluation_question WHERE round_id = @roundId "
                        + "AND direction = @direction",
                    new { roundId, direction },
                    cancellationToken: ct
                )
            )
        ).ToList();
        if (
            answers is null
            || answers.Count != questions.Count
            || answers.Select(a => a.QuestionId).Distinct().Count() != questions.Count
            || answers.Any(a => questions.All(q => q.Id != a.QuestionId) || a.Score is < 1 or > 5)
            || comment?.Length > 500
        )
            return EvaluationErrors.Invalid.With("请对每道题打分（1–5分），意见500字以内");
        var score = Score(questions, answers);
        var now = clock.GetUtcNow().UtcDateTime;
        await using var tx = await c.BeginTransactionAsync(ct);
        await c.ExecuteAsync(
            new CommandDefinition(
                """
                DELETE a FROM evaluation_answer a JOIN evaluation_response r ON r.id = a.response_id
                 WHERE r.round_id = @roundId AND r.direction = @direction AND r.unit_id = @unitId
                   AND r.community_id = @communityId;
                DELETE FROM evaluation_response WHERE round_id = @roundId AND direction = @direction
                   AND unit_id = @unitId AND community_id = @communityId;
                """,
                new
                {
                    roundId,
                    direction,
                    unitId,
                    communityId,
                },
                tx,
                cancellationToken: ct
            )
        );
        var responseId = await c.ExecuteScalarAsync<long>(
            new CommandDefinition(
                """
                INSERT INTO evaluation_response (round_id, direction, unit_id, community_id, score, comment,
                  submitted_by, submitted_at)
                VALUES (@roundId, @direction, @unitId, @communityId, @score, @comment, @by, @now);
                SELECT LAST_INSERT_ID();
                """,
                new
                {
                    roundId,
                    direction,
                    unitId,
                    communityId,
                    score,
                    comment = comment?.Trim(),
                    by = caller.PersonId,
                    now,
                },
                tx,
                cancellationToken: ct
            )
        );
        foreach (var a in answers)
            await c.ExecuteAsync(
                new CommandDefinition(
                    "INSERT INTO evaluation_answer (response_id, question_id, score) VALUES (@responseId, @q, @s)",
                    new
                    {
                        responseId,
                        q = a.QuestionId,
                        s = a.Score,
                    },
                    tx,
                    cancellationToken: ct
                )
            );
        await tx.CommitAsync(ct);
        return (await GetRoundAsync(caller, roundId, ct)).Value!;
    }

    /// <summary>The weighted mean of the answers (1–5) on a 100 scale: 5 is 100, 1 is 20.</summary>
    public static decimal Score(IReadOnlyList<EvaluationQuestion> questions, IReadOnlyList<AnswerInput> answers)
    {
        var weights = questions.ToDictionary(q => q.Id, q => q.Weight);
        var total = answers.Sum(a => (decimal)a.Score * weights[a.QuestionId]);
        return Math.Round(total / weights.Values.Sum() * 20, 2, MidpointRounding.AwayFromZero);
    }

    public async Task<Result<EvaluationRound>> CloseRoundAsync(Caller caller, long id, CancellationToken ct)
    {
        var closed = await CloseAsync(caller, "evaluation_round", id, ct);
        return closed is null ? (await GetRoundAsync(caller, id, ct)).Value! : closed;
    }

    /// <summary>
    /// What each community and unit received: the mean of the responses about it, and how many came in.
    /// </summary>
    public async Task<Result<EvaluationResults>> ResultsAsync(Caller caller, long id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var round = await RoundRowAsync(c, id, ct);
        if (round is null)
            return EvaluationErrors.NotFound;
        var area = (await areas.GetAsync(round.AreaId, ct))!;
        if (!caller.IsStaffOver(area.Path))
            return EvaluationErrors.NotAllowed;
        return await ResultsOfAsync(c, id, area.Path, ct);
    }

    internal static async Task<EvaluationResults> ResultsOfAsync(
        System.Data.Common.DbConnection c,
        long id,
        string areaPath,
        CancellationToken ct
    )
    {
        var pairs = await PairsAsync(c, null, areaPath, id, ct);
        static decimal? Mean(IEnumerable<decimal?> xs) =>
            xs.Where(x => x is not null).Select(x => x!.Value).ToList() is { Count: > 0 } l
                ? Math.Round(l.Average(), 2, MidpointRounding.AwayFromZero)
                : null;
        var communities = pairs
            .GroupBy(p => (p.CommunityId, p.CommunityName))
            .Select(g => new EvaluationScore(
                g.Key.CommunityId,
                g.Key.CommunityName,
                Mean(g.Select(p => p.UnitToCommunity)),
                g.Count(p => p.UnitToCommunity is not null),
                g.Count()
            ))
            .ToList();
        var units = pairs
            .GroupBy(p => (p.UnitId, p.UnitName))
            .Select(g => new EvaluationScore(
                g.Key.UnitId,
                g.Key.UnitName,
                Mean(g.Select(p => p.CommunityToUnit)),
                g.Count(p => p.CommunityToUnit is not null),
                g.Count()
            ))
            .ToList();
        return new EvaluationResults(id, communities, units);
    }

    private sealed record RoundRow
    {
        public long Id { get; init; }
        public long AreaId { get; init; }
        public int Year { get; init; }
        public string Title { get; init; } = "";
        public string Status { get; init; } = "";
        public DateTime ClosesOn { get; init; }
    }

    private static Task<RoundRow?> RoundRowAsync(System.Data.Common.DbConnection c, long id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<RoundRow>(
            new CommandDefinition(
                "SELECT id, area_id AS AreaId, year, title, status, closes_on AS ClosesOn FROM evaluation_round "
                    + "WHERE id = @id",
                new { id },
                cancellationToken: ct
            )
        );

    /// <summary>
    /// Every unit and community it serves under the place (where it stands, and approved pairings), with the scores
    /// given so far in the round.
    /// </summary>
    private static async Task<List<EvaluationPair>> PairsAsync(
        System.Data.Common.DbConnection c,
        System.Data.Common.DbTransaction? tx,
        string path,
        long roundId,
        CancellationToken ct
    ) =>
        (
            await c.QueryAsync<EvaluationPair>(
                new CommandDefinition(
                    """
                    SELECT x.unit_id AS UnitId, u.name AS UnitName, x.community_id AS CommunityId, a.name AS
                      CommunityName,
                           (SELECT score FROM evaluation_response r WHERE r.round_id = @roundId
                              AND r.direction = 'unit_to_community' AND r.unit_id = x.unit_id
                              AND r.community_id = x.community_id) AS UnitToCommunity,
                           (SELECT score FROM evaluation_response r WHERE r.round_id = @roundId
                              AND r.direction = 'community_to_unit' AND r.unit_id = x.unit_id
                              AND r.community_id = x.community_id) AS CommunityToUnit
                      FROM (SELECT id AS unit_id, area_id AS community_id FROM unit WHERE status = 'approved'
                            UNION
                            SELECT unit_id, community_id FROM unit_pairing WHERE status = 'approved') x
                      JOIN unit u ON u.id = x.unit_id AND u.status = 'approved'
                      JOIN area a ON a.id = x.community_id AND a.kind = 'community'
                     WHERE a.path LIKE CONCAT(@path, '%')
                     ORDER BY a.path, u.id
                    """,
                    new { path, roundId },
                    tx,
                    cancellationToken: ct
                )
            )
        ).ToList();

    /// <summary>Who answers in a round: the admins of its units and the secretaries of its communities.</summary>
    private static async Task<IReadOnlyList<long>> RatersAsync(
        System.Data.Common.DbConnection c,
        System.Data.Common.DbTransaction? tx,
        IReadOnlyList<EvaluationPair> pairs,
        CancellationToken ct
    )
    {
        if (pairs.Count == 0)
            return [];
        return (
            await c.QueryAsync<long>(
                new CommandDefinition(
                    """
                    SELECT person_id FROM unit_admin WHERE unit_id IN @units
                    UNION
                    SELECT person_id FROM staff_role WHERE role = 'secretary' AND area_id IN @communities
                    """,
                    new
                    {
                        units = pairs.Select(p => p.UnitId).Distinct().ToArray(),
                        communities = pairs.Select(p => p.CommunityId).Distinct().ToArray(),
                    },
                    tx,
                    cancellationToken: ct
                )
            )
        ).ToList();
    }

    // 满意度测评 ---------------------------------------------------------------------------------------------------

    /// <summary>
    /// Samples closed orders (with a reporter) under the place closed in the period: the candidates ordered by a hash
    /// of a random seed and their id, the first sampleSize taken, so the same seed always draws the same sample. Each
    /// reporter is asked (through the outbox) to say how the order ended.
    /// </summary>
    public async Task<Result<Survey>> CreateSurveyAsync(
        Caller caller,
        long areaId,
        string? title,
        DateOnly from,
        DateOnly to,
        int sampleSize,
        CancellationToken ct
    )
    {
        var found = await OrganiserAreaAsync(caller, areaId, ct);
        if (!found.IsOk)
            return found.Error!;
        title = title?.Trim();
        if (string.IsNullOrEmpty(title) || title.Length > 100 || from > to || sampleSize is < 1 or > 5000)
            return EvaluationErrors.Invalid.With("请填写测评名称、起止日期，抽样数1–5000");
        var area = found.Value!;
        var now = clock.GetUtcNow().UtcDateTime;
        var seed = Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var id = await c.ExecuteScalarAsync<long>(
            new CommandDefinition(
                """
                INSERT INTO satisfaction_survey (area_id, title, from_day, to_day, sample_size, seed, status,
                  created_by,
                  created_at)
                VALUES (@areaId, @title, @from, @to, @sampleSize, @seed, 'open', @by, @now);
                SELECT LAST_INSERT_ID();
                """,
                new
                {
                    areaId,
                    title,
                    from = from.ToDateTime(TimeOnly.MinValue),
                    to = to.ToDateTime(TimeOnly.MinValue),
                    sampleSize,
                    seed,
                    by = caller.PersonId,
                    now,
                },
                tx,
                cancellationToken: ct
            )
        );
        await c.ExecuteAsync(
            new CommandDefinition(
                """
                INSERT INTO survey_call (survey_id, order_id, resident_id, community_id)
                SELECT @id, o.id, o.resident_id,
                       (SELECT a.id FROM area a WHERE a.kind = 'community' AND o.area_path LIKE CONCAT(a.path, '%')
                         LIMIT 1)
                  FROM service_order o
                 WHERE o.area_path LIKE CONCAT(@path, '%') AND o.status = 'closed' AND o.resident_id IS NOT NULL
                   AND o.closed_at >= @start AND o.closed_at < @end
                 ORDER BY SHA2(CONCAT(@seed, o.id), 256)
                 LIMIT @sampleSize
                """,
                new
                {
                    id,
                    path = area.Path,
                    start = ChinaTime.ToUtc(from, TimeOnly.MinValue),
                    end = ChinaTime.ToUtc(to.AddDays(1), TimeOnly.MinValue),
                    seed,
                    sampleSize,
                },
                tx,
                cancellationToken: ct
            )
        );
        var asked = await c.QueryAsync<(long Resident, string Code)>(
            new CommandDefinition(
                """
                SELECT s.resident_id, o.code FROM survey_call s JOIN service_order o ON o.id = s.order_id
                 WHERE s.survey_id = @id
                """,
                new { id },
                tx,
                cancellationToken: ct
            )
        );
        foreach (var (resident, code) in asked)
            await Outbox.EnqueueAsync(
                c,
                tx,
                [resident],
                new Notice(
                    "satisfaction_survey",
                    "满意度回访",
                    $"您反映的问题（{code}）已办结，请告诉我们您对办理结果是否满意。",
                    code,
                    $"{id}"
                ),
                $"survey:{id}:{code}",
                now,
                ct
            );
        await tx.CommitAsync(ct);
        return (await GetSurveyAsync(caller, id, ct)).Value!;
    }

    public async Task<Result<Survey>> GetSurveyAsync(Caller caller, long id, CancellationToken ct)
    {
        var s = await SurveyRowAsync(id, ct);
        if (s is null)
            return EvaluationErrors.NotFound;
        var area = (await areas.GetAsync(s.AreaId, ct))!;
        if (!caller.IsStaffOver(area.Path))
            return EvaluationErrors.NotAllowed;
        return SurveyOf(s, await CallsAsync(id, null, ct));
    }

    /// <summary>The survey over the given calls: all of them for staff, a resident's own for the resident.</summary>
    private static Survey SurveyOf(SurveyRow s, IReadOnlyList<SurveyCall> calls) =>
        new(
            s.Id,
            s.AreaId,
            s.Title,
            DateOnly.FromDateTime(s.FromDay),
            DateOnly.FromDateTime(s.ToDay),
            s.SampleSize,
            s.Status,
            calls.Count,
            Answered(calls),
            calls.Count(x => x.Answer == "unreachable"),
            Rate(calls),
            calls
                .GroupBy(x => (x.CommunityId, x.CommunityName))
                .Select(g => new SurveyCommunity(
                    g.Key.CommunityId,
                    g.Key.CommunityName,
                    g.Count(),
                    Answered(g),
                    Rate(g)
                ))
                .ToList(),
            calls
        );

    private async Task<List<SurveyCall>> CallsAsync(long id, long? residentId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var calls = await c.QueryAsync<SurveyCall>(
            new CommandDefinition(
                $"""
                SELECT o.code AS OrderCode, s.community_id AS CommunityId, a.name AS CommunityName,
                       s.answer AS Answer, s.note AS Note, s.answered_at AS AnsweredAt
                  FROM survey_call s JOIN service_order o ON o.id = s.order_id JOIN area a ON a.id = s.community_id
                 WHERE s.survey_id = @id {(residentId is null ? "" : "AND s.resident_id = @residentId")}
                 ORDER BY a.path, o.id
                """,
                new { id, residentId },
                cancellationToken: ct
            )
        );
        return calls.Select(x => x with { AnsweredAt = x.AnsweredAt?.Utc() }).ToList();
    }

    /// <summary>A survey's 满意率 per community (the assessment's survey indicators).</summary>
    public async Task<Dictionary<long, double?>> CommunityRatesAsync(long surveyId, CancellationToken ct) =>
        (await CallsAsync(surveyId, null, ct)).GroupBy(x => x.CommunityId).ToDictionary(g => g.Key, g => Rate(g));

    private static int Answered(IEnumerable<SurveyCall> calls) =>
        calls.Count(x => x.Answer is "satisfied" or "basically_satisfied" or "unsatisfied");

    /// <summary>
    /// 满意率 of a survey: satisfied and basically satisfied of those who answered (unreachable not counted).
    /// </summary>
    public static double? Rate(IEnumerable<SurveyCall> calls)
    {
        var list = calls.ToList();
        var satisfied = list.Count(x => x.Answer is "satisfied" or "basically_satisfied");
        return Statistics.Figures.Rate(satisfied, Answered(list));
    }

    /// <summary>
    /// The reporter answers for their own sampled order (and sees only their own calls); staff over the place (the
    /// assessor calling residents) answer for any, or record that the resident could not be reached.
    /// </summary>
    public async Task<Result<Survey>> AnswerSurveyAsync(
        Caller caller,
        long id,
        string? orderCode,
        string? answer,
        string? note,
        CancellationToken ct
    )
    {
        var s = await SurveyRowAsync(id, ct);
        if (s is null)
            return EvaluationErrors.NotFound;
        if (s.Status != "open")
            return EvaluationErrors.Closed;
        var area = (await areas.GetAsync(s.AreaId, ct))!;
        var staff = caller.IsStaffOver(area.Path);
        await using (var c = await db.OpenAsync(ct))
        {
            var call = await c.QuerySingleOrDefaultAsync<(long OrderId, long? ResidentId)?>(
                new CommandDefinition(
                    """
                    SELECT s.order_id, s.resident_id FROM survey_call s JOIN service_order o ON o.id = s.order_id
                     WHERE s.survey_id = @id AND o.code = @orderCode
                    """,
                    new { id, orderCode },
                    cancellationToken: ct
                )
            );
            if (call is null || (!staff && call.Value.ResidentId != caller.PersonId))
                return EvaluationErrors.NotSampled;
            string[] allowed = staff
                ? ["satisfied", "basically_satisfied", "unsatisfied", "unreachable"]
                : ["satisfied", "basically_satisfied", "unsatisfied"];
            if (answer is null || !allowed.Contains(answer) || note?.Length > 300)
                return EvaluationErrors.Invalid.With("请回答满意、基本满意或不满意（说明300字以内）");
            await c.ExecuteAsync(
                new CommandDefinition(
                    """
                    UPDATE survey_call SET answer = @answer, note = @note, answered_by = @by, answered_at = @now
                     WHERE survey_id = @id AND order_id = @orderId
                    """,
                    new
                    {
                        answer,
                        note = note?.Trim(),
                        by = caller.PersonId,
                        now = clock.GetUtcNow().UtcDateTime,
                        id,
                        orderId = call.Value.OrderId,
                    },
                    cancellationToken: ct
                )
            );
        }
        return SurveyOf(s, await CallsAsync(id, staff ? null : caller.PersonId, ct));
    }

    public async Task<Result<Survey>> CloseSurveyAsync(Caller caller, long id, CancellationToken ct)
    {
        var closed = await CloseAsync(caller, "satisfaction_survey", id, ct);
        return closed is null ? (await GetSurveyAsync(caller, id, ct)).Value! : closed;
    }

    /// <summary>
    /// Closes an open round or survey (table is one of the two) for its organiser; null when done, else the error.
    /// </summary>
    private async Task<Error?> CloseAsync(Caller caller, string table, long id, CancellationToken ct)
    {
        long? areaId;
        await using (var c = await db.OpenAsync(ct))
            areaId = await c.ExecuteScalarAsync<long?>(
                new CommandDefinition($"SELECT area_id FROM {table} WHERE id = @id", new { id }, cancellationToken: ct)
            );
        if (areaId is null)
            return EvaluationErrors.NotFound;
        var found = await OrganiserAreaAsync(caller, areaId.Value, ct);
        if (!found.IsOk)
            return found.Error;
        await using (var c = await db.OpenAsync(ct))
            await c.ExecuteAsync(
                new CommandDefinition(
                    $"UPDATE {table} SET status = 'closed', closed_at = @now WHERE id = @id AND status = 'open'",
                    new { id, now = clock.GetUtcNow().UtcDateTime },
                    cancellationToken: ct
                )
            );
        return null;
    }

    private sealed record SurveyRow
    {
        public long Id { get; init; }
        public long AreaId { get; init; }
        public string Title { get; init; } = "";
        public DateTime FromDay { get; init; }
        public DateTime ToDay { get; init; }
        public int SampleSize { get; init; }
        public string Status { get; init; } = "";
    }

    private async Task<SurveyRow?> SurveyRowAsync(long id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<SurveyRow>(
            new CommandDefinition(
                """
                SELECT id, area_id AS AreaId, title, from_day AS FromDay, to_day AS ToDay, sample_size AS SampleSize,
                       status
                  FROM satisfaction_survey WHERE id = @id
                """,
                new { id },
                cancellationToken: ct
            )
        );
    }

    /// <summary>
    /// Once, three days before an open round closes, everyone who still owes a response; once, three days after they
    /// were asked, residents who have not answered a survey. Keys make a rerun queue nothing new.
    /// </summary>
    public async Task<int> RemindAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var today = ChinaTime.Today(now);
        var queued = 0;
        await using var c = await db.OpenAsync(ct);
        var rounds = await c.QueryAsync<(long Id, string Title, DateTime ClosesOn, string Path)>(
            new CommandDefinition(
                """
                SELECT r.id, r.title, r.closes_on, a.path FROM evaluation_round r JOIN area a ON a.id = r.area_id
                 WHERE r.status = 'open' AND r.closes_on >= @today AND r.closes_on <= @soon
                """,
                new
                {
                    today = today.ToDateTime(TimeOnly.MinValue),
                    soon = today.AddDays(3).ToDateTime(TimeOnly.MinValue),
                },
                cancellationToken: ct
            )
        );
        foreach (var r in rounds)
        {
            var pairs = await PairsAsync(c, null, r.Path, r.Id, ct);
            var owing = await RatersAsync(
                c,
                null,
                pairs
                    .Where(p => p.UnitToCommunity is null)
                    .Select(p => p with { CommunityId = 0 })
                    .Concat(pairs.Where(p => p.CommunityToUnit is null).Select(p => p with { UnitId = 0 }))
                    .ToList(),
                ct
            );
            queued += await Outbox.EnqueueAsync(
                c,
                null,
                owing,
                new Notice(
                    "evaluation",
                    $"{r.Title}即将截止",
                    $"还有评议未提交，{r.ClosesOn:M月d日}截止。",
                    null,
                    $"{r.Id}"
                ),
                $"evaluation:{r.Id}:reminder",
                now,
                ct
            );
        }
        var calls = await c.QueryAsync<(long Survey, long Order, long Resident, string Code)>(
            new CommandDefinition(
                """
                SELECT s.survey_id, s.order_id, s.resident_id, o.code
                  FROM survey_call s JOIN satisfaction_survey v ON v.id = s.survey_id
                  JOIN service_order o ON o.id = s.order_id
                 WHERE v.status = 'open' AND s.answer IS NULL AND s.reminded_at IS NULL AND s.resident_id IS NOT NULL
                   AND v.created_at <= @before
                """,
                new { before = now.AddDays(-3) },
                cancellationToken: ct
            )
        );
        foreach (var x in calls)
        {
            queued += await Outbox.EnqueueAsync(
                c,
                null,
                [x.Resident],
                new Notice(
                    "satisfaction_survey",
                    "满意度回访提醒",
                    $"您反映的问题（{x.Code}）已办结，请告诉我们是否满意。",
                    x.Code,
                    $"{x.Survey}"
                ),
                $"survey:{x.Survey}:{x.Code}:reminder",
                now,
                ct
            );
            await c.ExecuteAsync(
                new CommandDefinition(
                    "UPDATE survey_call SET reminded_at = @now WHERE survey_id = @Survey AND order_id = @Order",
                    new
                    {
                        now,
                        x.Survey,
                        x.Order,
                    },
                    cancellationToken: ct
                )
            );
        }
        return queued;
    }
}
