using Governance.Api.Auth;
using Governance.Api.Infrastructure;
using Governance.Core.Intake;
using Governance.Core.Orders;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Governance.Api.Intake;

public static class IntakeEndpoints
{
    public sealed record AnalyzeRequest(string? Text);

    public sealed record PlaceView(
        long? CompoundId,
        string? CompoundName,
        long? GridId,
        int? Building,
        long? BuildingId,
        int? Unit,
        string? Room,
        bool RelativeToHome
    );

    public sealed record AnalyzeView(
        CategoryRef? Category,
        double Confidence,
        bool Confident,
        bool Urgent,
        IReadOnlyList<string> Hazards,
        IReadOnlyList<string> EmergencyNumbers,
        string? SafetyAdvice,
        PlaceView Place
    );

    public static void MapIntake(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/intake/analyze", AnalyzeAsync)
            .WithTags("Intake")
            .RequireAuthorization()
            .RequireRateLimiting(RateLimits.Checks)
            .WithName("AnalyzeReport")
            .WithSummary(
                "Suggest the category (with confidence), urgency and place for a report's text, as the form is filled "
                    + "in"
            )
            .ProducesErrors(IntakeErrors.Suggest);

    private static async Task<Results<Ok<AnalyzeView>, ApiProblem>> AnalyzeAsync(
        Me me,
        AnalyzeRequest body,
        IntakeService intake,
        CancellationToken ct
    )
    {
        var result = await intake.SuggestAsync(body.Text, ct);
        if (!result.IsOk)
            return result.Error!.ToProblem();
        var a = result.Value!;
        var p = a.Place;
        return TypedResults.Ok(
            new AnalyzeView(
                a.Category is null ? null : new CategoryRef(a.Category.Id, a.Category.Name),
                Math.Round(a.Confidence, 3),
                a.Confident,
                a.Urgency.IsUrgent,
                a.Urgency.Hazards,
                a.Urgency.EmergencyNumbers,
                a.Urgency.SafetyAdvice,
                new PlaceView(
                    p.CompoundId,
                    p.CompoundName,
                    p.GridId,
                    p.BuildingNumber,
                    p.BuildingId,
                    p.Unit,
                    p.Room,
                    p.RelativeToHome
                )
            )
        );
    }
}
