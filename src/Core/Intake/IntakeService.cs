using Governance.Core.Areas;
using Governance.Core.Categories;
using Governance.Core.Errors;
using Governance.Core.Text;

namespace Governance.Core.Intake;

public sealed class IntakeOptions
{
    public const string Section = "Intake";

    /// <summary>Below this confidence the dialog asks the resident to pick the category.</summary>
    public double ConfidenceThreshold { get; set; } = 0.35;
    public int RetrainAfterMinutes { get; set; } = 10;

    /// <summary>
    /// The category an emergency is filed under, by hazard (category codes): the hazard decides, not the classifier.
    /// Configurable as Intake:HazardCategories:gas=security and so on.
    /// </summary>
    public Dictionary<string, string> HazardCategories { get; set; } =
        new()
        {
            ["gas"] = "security",
            ["fire"] = "security",
            ["electric"] = "security",
            ["flood"] = "security",
            ["violence"] = "security",
            ["distress"] = "security",
            ["missing"] = "security",
            ["trapped"] = "facility",
            ["structure"] = "facility",
            ["fall"] = "medical",
            ["injury"] = "medical",
        };
}

public sealed record IntakeAnalysis(
    Category? Category,
    double Confidence,
    bool Confident,
    UrgencyResult Urgency,
    ExtractedPlace Place
);

/// <summary>
/// Category, urgency and place from free text, for every channel (chat and mini-program form). The model
/// is trained from intake_example on first use and again when examples were added (staff corrections) or
/// after a while, so every node converges on the same data without shipping model files around.
/// </summary>
public sealed class IntakeService(
    IntakeExampleStore examples,
    CategoryStore categories,
    IntakeOptions options,
    TimeProvider clock
)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (TextClassifier? Model, long ExampleCount, DateTimeOffset At)? _model;
    private (PlaceDirectory Directory, DateTimeOffset At)? _places;

    public async Task<TextClassifier?> ModelAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        if (_model is { } m && now - m.At < TimeSpan.FromMinutes(options.RetrainAfterMinutes))
            return m.Model;
        await _gate.WaitAsync(ct);
        try
        {
            if (_model is { } again && now - again.At < TimeSpan.FromMinutes(options.RetrainAfterMinutes))
                return again.Model;
            var count = await examples.CountAsync(ct);
            if (_model is { } old && old.ExampleCount == count)
            {
                _model = old with { At = now };
                return old.Model;
            }
            var data = await examples.ListAsync(ct);
            var model =
                data.Select(d => d.Label).Distinct().Count() >= 2
                    ? await Task.Run(() => TextClassifier.Train(data), ct)
                    : null;
            _model = (model, count, now);
            return model;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Forces a retrain on next use (after a staff correction).</summary>
    public void Invalidate() =>
        _model = _model is { } m ? m with { At = DateTimeOffset.MinValue, ExampleCount = -1 } : null;

    public async Task<PlaceDirectory> PlacesAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        if (_places is { } p && now - p.At < TimeSpan.FromMinutes(5))
            return p.Directory;
        var directory = new PlaceDirectory(await examples.PlaceAreasAsync(ct));
        _places = (directory, now);
        return directory;
    }

    /// <summary>
    /// The form's suggestion as the resident types: the text is required and within the report's limit.
    /// </summary>
    public async Task<Result<IntakeAnalysis>> SuggestAsync(string? text, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(text))
            return IntakeErrors.TextRequired;
        if (Chars.Count(text) > Orders.OrderReports.MaxDescriptionChars)
            return IntakeErrors.TextTooLong.With($"问题描述不能超过{Orders.OrderReports.MaxDescriptionChars}字");
        return await AnalyzeAsync(text, ct);
    }

    /// <summary>
    /// The category an emergency goes to: the first hazard found that an active category names (set on the console),
    /// else the deployment's default for it (Intake:HazardCategories).
    /// </summary>
    private async Task<Category?> ByHazardAsync(IReadOnlyList<string> hazards, CancellationToken ct)
    {
        var active = await categories.ListActiveAsync(ct);
        foreach (var hazard in hazards)
        {
            var category =
                active.FirstOrDefault(c => c.HazardList.Contains(hazard))
                ?? active.FirstOrDefault(c => c.Code == options.HazardCategories.GetValueOrDefault(hazard));
            if (category is not null)
                return category;
        }
        return null;
    }

    public async Task<IntakeAnalysis> AnalyzeAsync(string text, CancellationToken ct = default)
    {
        var urgency = UrgencyDetector.Detect(text);
        var place = PlaceExtractor.Extract(text, await PlacesAsync(ct));
        if (urgency.IsUrgent && await ByHazardAsync(urgency.Hazards, ct) is { } byHazard)
            return new IntakeAnalysis(byHazard, 1, true, urgency, place);
        var model = await ModelAsync(ct);
        if (model is null)
            return new IntakeAnalysis(null, 0, false, urgency, place);
        var prediction = model.Predict(text);
        var category = (await categories.ListActiveAsync(ct)).FirstOrDefault(c => c.Code == prediction.Label);
        return new IntakeAnalysis(
            category,
            prediction.Confidence,
            category is not null && prediction.Confidence >= options.ConfidenceThreshold,
            urgency,
            place
        );
    }
}

public static class IntakeErrors
{
    public static readonly ErrorCode TextRequired = new(
        "intake.text_required",
        ErrorKind.Validation,
        "请输入问题描述",
        "text"
    );
    public static readonly ErrorCode TextTooLong = new(
        "intake.text_too_long",
        ErrorKind.Validation,
        "问题描述太长",
        "text"
    );

    public static readonly ErrorCode[] Suggest = [TextRequired, TextTooLong];
}
