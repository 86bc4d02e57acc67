using System.Data.Common;
using Dapper;
using Governance.Core.Areas;
using Governance.Core.Categories;
using Governance.Core.Data;

namespace Governance.Core.Intake;

public sealed class IntakeOptions
{
    public const string Section = "Intake";
    /// <summary>Below this confidence the dialog asks the resident to pick the category.</summary>
    public double ConfidenceThreshold { get; set; } = 0.35;
    public int RetrainAfterMinutes { get; set; } = 10;
}

public sealed record IntakeAnalysis(Category? Category, double Confidence, bool Confident, UrgencyResult Urgency, ExtractedPlace Place);

public sealed class IntakeExampleStore(Db db)
{
    private const string ListSql = """
        SELECT e.text, c.code FROM intake_example e JOIN category c ON c.id = e.category_id
        WHERE c.active = 1 ORDER BY e.id
        """;
    public async Task<List<(string Text, string Label)>> ListAsync(CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<(string, string)>(new CommandDefinition(ListSql, cancellationToken: ct))).AsList();
    }

    private const string AddSql = """
        INSERT INTO intake_example (text, category_id, source, order_id, created_at) VALUES (@text, @categoryId, @source, @orderId, @now)
        """;
    /// <summary>Joins the caller's transaction (a staff correction is recorded with the order change).</summary>
    public static Task AddAsync(DbConnection c, DbTransaction tx, string text, long categoryId, string source, long? orderId, DateTime now, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(AddSql, new { text, categoryId, source, orderId, now }, tx, cancellationToken: ct));

    private const string CountSql = "SELECT COUNT(*) FROM intake_example";
    public async Task<long> CountAsync(CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteScalarAsync<long>(new CommandDefinition(CountSql, cancellationToken: ct));
    }

    private const string AreasSql = "SELECT id, parent_id AS ParentId, kind, name, path, depth, latitude, longitude FROM area WHERE kind IN ('compound','grid','building')";
    public async Task<List<Area>> PlaceAreasAsync(CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<Area>(new CommandDefinition(AreasSql, cancellationToken: ct))).AsList();
    }
}

/// <summary>
/// Category, urgency and place from free text, for every channel (chat and mini-program form). The model
/// is trained from intake_example on first use and again when examples were added (staff corrections) or
/// after a while, so every node converges on the same data without shipping model files around.
/// </summary>
public sealed class IntakeService(IntakeExampleStore examples, CategoryStore categories, IntakeOptions options, TimeProvider clock)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (TextClassifier? Model, long ExampleCount, DateTimeOffset At)? _model;
    private (PlaceDirectory Directory, DateTimeOffset At)? _places;

    public async Task<TextClassifier?> ModelAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        if (_model is { } m && now - m.At < TimeSpan.FromMinutes(options.RetrainAfterMinutes)) return m.Model;
        await _gate.WaitAsync(ct);
        try
        {
            if (_model is { } again && now - again.At < TimeSpan.FromMinutes(options.RetrainAfterMinutes)) return again.Model;
            var count = await examples.CountAsync(ct);
            if (_model is { } old && old.ExampleCount == count) { _model = old with { At = now }; return old.Model; }
            var data = await examples.ListAsync(ct);
            var model = data.Select(d => d.Label).Distinct().Count() >= 2 ? await Task.Run(() => TextClassifier.Train(data), ct) : null;
            _model = (model, count, now);
            return model;
        }
        finally { _gate.Release(); }
    }

    /// <summary>Forces a retrain on next use (after a staff correction).</summary>
    public void Invalidate() => _model = _model is { } m ? m with { At = DateTimeOffset.MinValue, ExampleCount = -1 } : null;

    public async Task<PlaceDirectory> PlacesAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        if (_places is { } p && now - p.At < TimeSpan.FromMinutes(5)) return p.Directory;
        var directory = new PlaceDirectory(await examples.PlaceAreasAsync(ct));
        _places = (directory, now);
        return directory;
    }

    public async Task<IntakeAnalysis> AnalyzeAsync(string text, CancellationToken ct = default)
    {
        var urgency = UrgencyDetector.Detect(text);
        var place = PlaceExtractor.Extract(text, await PlacesAsync(ct));
        var model = await ModelAsync(ct);
        if (model is null) return new IntakeAnalysis(null, 0, false, urgency, place);
        var prediction = model.Predict(text);
        var category = (await categories.ListActiveAsync(ct)).FirstOrDefault(c => c.Code == prediction.Label);
        return new IntakeAnalysis(category, prediction.Confidence, category is not null && prediction.Confidence >= options.ConfidenceThreshold, urgency, place);
    }
}
