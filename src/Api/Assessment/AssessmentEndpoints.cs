using Governance.Api.Auth;
using Governance.Api.Infrastructure;
using Governance.Api.Lists;
using Governance.Core.Assessment;
using Governance.Core.Errors;
using Governance.Core.Lists;

namespace Governance.Api.Assessment;

public sealed record CreateRoundRequest(
    long AreaId,
    int Year,
    string? Title,
    DateOnly ClosesOn,
    IReadOnlyList<QuestionInput>? Questions
);

public sealed record RespondRequest(
    string? Direction,
    long UnitId,
    long CommunityId,
    IReadOnlyList<AnswerInput>? Answers,
    string? Comment
);

public sealed record CreateSurveyRequest(long AreaId, string? Title, DateOnly From, DateOnly To, int SampleSize);

public sealed record SurveyAnswerRequest(string? OrderCode, string? Answer, string? Note);

public sealed record CreateSchemeRequest(
    long AreaId,
    int Year,
    string? Subject,
    string? Title,
    int? CommunityWeight,
    long? EvaluationRoundId,
    decimal? GoodFrom,
    decimal? FairlyGoodFrom,
    decimal? FairFrom,
    IReadOnlyList<IndicatorInput>? Indicators
);

public sealed record EntryRequest(long IndicatorId, long SubjectId, decimal Value, string? Evidence);

/// <summary>双向评议, 满意度测评 and the yearly assessment, run by a street or the county.</summary>
public static class AssessmentEndpoints
{
    public static void MapAssessment(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api").WithTags("Evaluation and assessment").RequireAuthorization();
        g.MapGet(
                "/areas/{id:long}/assessment",
                async (Me me, long id, AssessmentOverviews o, CancellationToken ct) =>
                    (await o.ForAreaAsync(me.Caller, id, ct)).ToOk()
            )
            .WithName("AssessmentOverview")
            .WithSummary(
                "Street or county staff: the area's evaluation rounds, satisfaction surveys and assessment schemes"
            )
            .ProducesErrors([EvaluationErrors.AreaNotFound, EvaluationErrors.NotAllowed]);
        g.MapPost("/evaluations", async (Me me, CreateRoundRequest b, Evaluations e, CancellationToken ct) =>
                (await e.CreateRoundAsync(me.Caller, b.AreaId, b.Year, b.Title, b.ClosesOn, b.Questions, ct)).ToOk()
            )
            .WithName("CreateEvaluationRound")
            .WithSummary(
                "Street or county staff open a year's 双向评议 with questions each way (weights); unit admins and "
                    + "secretaries are told"
            )
            .ProducesErrors(EvaluationErrors.Create);
        g.MapGet("/evaluations/{id:long}", async (Me me, long id, Evaluations e, CancellationToken ct) =>
                (await e.GetRoundAsync(me.Caller, id, ct)).ToOk()
            )
            .WithName("GetEvaluationRound")
            .WithSummary("The round, its questions and progress; staff see every pair, raters their own")
            .ProducesErrors(EvaluationErrors.Read);
        g.MapPost(
                "/evaluations/{id:long}/responses",
                async (Me me, long id, RespondRequest b, Evaluations e, CancellationToken ct) =>
                    (
                        await e.RespondAsync(
                            me.Caller,
                            id,
                            b.Direction,
                            b.UnitId,
                            b.CommunityId,
                            b.Answers,
                            b.Comment,
                            ct
                        )
                    ).ToOk()
            )
            .WithName("RespondToEvaluation")
            .WithSummary("A unit admin rates a community it serves, or a secretary rates a unit (every question 1–5)")
            .ProducesErrors(EvaluationErrors.Respond);
        g.MapPost("/evaluations/{id:long}/close", async (Me me, long id, Evaluations e, CancellationToken ct) =>
                (await e.CloseRoundAsync(me.Caller, id, ct)).ToOk()
            )
            .WithName("CloseEvaluationRound")
            .WithSummary("The organiser closes the round")
            .ProducesErrors(EvaluationErrors.Read);
        g.MapGet("/evaluations/{id:long}/results", async (Me me, long id, Evaluations e, CancellationToken ct) =>
                (await e.ResultsAsync(me.Caller, id, ct)).ToOk()
            )
            .WithName("EvaluationResults")
            .WithSummary("What each community and unit received: mean score (100 scale) and responses of expected")
            .ProducesErrors(EvaluationErrors.Read);
        g.MapGet("/evaluations/{id:long}/export", ExportRoundAsync)
            .WithName("ExportEvaluation")
            .WithSummary("The round's results as .xlsx or CSV")
            .ProducesErrors([.. EvaluationErrors.Read, LedgerErrors.UnknownFormat]);

        g.MapPost("/surveys", async (Me me, CreateSurveyRequest b, Evaluations e, CancellationToken ct) =>
                (await e.CreateSurveyAsync(me.Caller, b.AreaId, b.Title, b.From, b.To, b.SampleSize, ct)).ToOk()
            )
            .WithName("CreateSatisfactionSurvey")
            .WithSummary(
                "Street or county staff sample closed orders of a period (reproducibly) and ask their reporters again"
            )
            .ProducesErrors(EvaluationErrors.Create);
        g.MapGet("/surveys/{id:long}", async (Me me, long id, Evaluations e, CancellationToken ct) =>
                (await e.GetSurveyAsync(me.Caller, id, ct)).ToOk()
            )
            .WithName("GetSatisfactionSurvey")
            .WithSummary("Progress and 满意率 of a survey, per community, with every call")
            .ProducesErrors(EvaluationErrors.Read);
        g.MapPost(
                "/surveys/{id:long}/answers",
                async (Me me, long id, SurveyAnswerRequest b, Evaluations e, CancellationToken ct) =>
                    (await e.AnswerSurveyAsync(me.Caller, id, b.OrderCode, b.Answer, b.Note, ct)).ToOk()
            )
            .WithName("AnswerSatisfactionSurvey")
            .WithSummary(
                "The reporter answers for their sampled order, or staff record a phoned answer (or unreachable)"
            )
            .ProducesErrors(EvaluationErrors.Answer);
        g.MapPost("/surveys/{id:long}/close", async (Me me, long id, Evaluations e, CancellationToken ct) =>
                (await e.CloseSurveyAsync(me.Caller, id, ct)).ToOk()
            )
            .WithName("CloseSatisfactionSurvey")
            .WithSummary("The organiser closes the survey")
            .ProducesErrors(EvaluationErrors.Read);

        g.MapPost("/assessments", async (Me me, CreateSchemeRequest b, Assessments a, CancellationToken ct) =>
                (
                    await a.CreateAsync(
                        me.Caller,
                        b.AreaId,
                        b.Year,
                        b.Subject,
                        b.Title,
                        b.CommunityWeight,
                        b.EvaluationRoundId,
                        b.GoodFrom,
                        b.FairlyGoodFrom,
                        b.FairFrom,
                        b.Indicators,
                        ct
                    )
                ).ToOk()
            )
            .WithName("CreateAssessment")
            .WithSummary(
                "A year's assessment scheme for the communities or units of a street or county: weighted indicators "
                    + "(computed, evaluation, survey, manual), tiers, and for units the communities' weight (50)"
            )
            .ProducesErrors(AssessmentErrors.Create);
        g.MapGet("/assessments/{id:long}", async (Me me, long id, Assessments a, CancellationToken ct) =>
                (await a.GetAsync(me.Caller, id, ct)).ToOk()
            )
            .WithName("GetAssessment")
            .WithSummary("The scheme with its results, each with the inputs its score was computed from")
            .ProducesErrors(AssessmentErrors.Read);
        g.MapPut(
                "/assessments/{id:long}/entries",
                async (Me me, long id, EntryRequest b, Assessments a, CancellationToken ct) =>
                    (await a.EnterAsync(me.Caller, id, b.IndicatorId, b.SubjectId, b.Value, b.Evidence, ct)).ToOk()
            )
            .WithName("EnterAssessmentValue")
            .WithSummary("A manual indicator's value for a community or unit, with its evidence")
            .ProducesErrors(AssessmentErrors.Change);
        g.MapPost(
                "/assessments/{id:long}/compute",
                async (Me me, long id, bool? finalise, Assessments a, CancellationToken ct) =>
                    (await a.ComputeAsync(me.Caller, id, finalise == true, ct)).ToOk()
            )
            .WithName("ComputeAssessment")
            .WithSummary(
                "Compute every score and tier from the current inputs; finalise=true makes them final and records "
                    + "consequences (约谈 after two years of 一般 or 差)"
            )
            .ProducesErrors(AssessmentErrors.Change);
        g.MapGet("/assessments/{id:long}/export", ExportSchemeAsync)
            .WithName("ExportAssessment")
            .WithSummary("The results as .xlsx (with the rules on a second sheet) or CSV")
            .ProducesErrors([.. AssessmentErrors.Read, LedgerErrors.UnknownFormat]);
    }

    private static async Task<IResult> ExportRoundAsync(
        Me me,
        long id,
        string? format,
        Evaluations e,
        CancellationToken ct
    )
    {
        format ??= "xlsx";
        if (format is not ("xlsx" or "csv"))
            return ((Error)LedgerErrors.UnknownFormat).ToProblem();
        var round = await e.GetRoundAsync(me.Caller, id, ct);
        var results = await e.ResultsAsync(me.Caller, id, ct);
        if (!results.IsOk)
            return results.Error!.ToProblem();
        LedgerColumn[] columns =
        [
            new("kind", "对象", 8),
            new("name", "名称", 20),
            new("score", "得分（百分制）", 14),
            new("responses", "已评", 8),
            new("expected", "应评", 8),
        ];
        var rows = results
            .Value!.Communities.Select(x => ("社区", x))
            .Concat(results.Value.Units.Select(x => ("单位", x)))
            .Select(t =>
                (IReadOnlyDictionary<string, object?>)
                    new Dictionary<string, object?>
                    {
                        ["kind"] = t.Item1,
                        ["name"] = t.x.Name,
                        ["score"] = t.x.Score,
                        ["responses"] = t.x.Responses,
                        ["expected"] = t.x.Expected,
                    }
            )
            .ToList();
        return LedgerExport.File(new Ledger($"{round.Value!.Title}结果", columns, rows), format);
    }

    private static async Task<IResult> ExportSchemeAsync(
        Me me,
        long id,
        string? format,
        Assessments a,
        CancellationToken ct
    )
    {
        format ??= "xlsx";
        if (format is not ("xlsx" or "csv"))
            return ((Error)LedgerErrors.UnknownFormat).ToProblem();
        var scheme = await a.GetAsync(me.Caller, id, ct);
        if (!scheme.IsOk)
            return scheme.Error!.ToProblem();
        return LedgerExport.File(Assessments.ResultsLedger(scheme.Value!), format);
    }
}
