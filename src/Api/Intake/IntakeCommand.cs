using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Governance.Core.Intake;

namespace Governance.Api.Intake;

/// <summary>
/// The intake classifier on a community's own data, from the command line:
///   intake train    --data train.csv --model model.bin
///   intake evaluate --model model.bin --data test.csv        (category: columns text,label)
///   intake evaluate --data urgent.csv                        (urgency: columns text,urgent[,hazard])
///   intake cv       [--data all.csv] [--folds 5] [--seeds 3]  (the database's examples without --data)
///   intake analyze  --model model.bin --input messages.txt [--output analysis.jsonl]
///   intake split    --data all.csv --train train.csv --test test.csv [--every 5]
///   intake export   --out examples.csv          (the database's examples: seed set + staff corrections)
/// CSV files have a header row with the columns text,label.
/// </summary>
public static class IntakeCommand
{
    public const string Usage = """
        usage:
          intake train    --data train.csv --model model.bin
          intake evaluate --model model.bin --data test.csv     (category; columns text,label)
          intake evaluate --data urgent.csv                     (urgency; columns text,urgent[,hazard])
          intake cv       [--data all.csv] [--folds 5] [--seeds 3]
          intake analyze  --model model.bin --input messages.txt [--output analysis.jsonl]
          intake split    --data all.csv --train train.csv --test test.csv [--every 5]
          intake export   --out examples.csv
        CSV files need a header row with the columns text,label (UTF-8).
        """;

    private static readonly JsonSerializerOptions JsonLine = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public static async Task<int> RunAsync(
        string[] args,
        TextWriter output,
        Func<Task<PlaceDirectory?>> places,
        Func<Task<List<(string, string)>>> examples
    )
    {
        if (args.Length == 0)
        {
            await output.WriteLineAsync(Usage);
            return 2;
        }
        var options = ParseOptions(args[1..]);
        string? Opt(string name) => options.GetValueOrDefault(name);
        try
        {
            switch (args[0])
            {
                case "train" when Opt("data") is { } data && Opt("model") is { } modelPath:
                    {
                        var rows = ReadCsv(data);
                        var watch = System.Diagnostics.Stopwatch.StartNew();
                        var model = TextClassifier.Train(rows);
                        await using (var file = File.Create(modelPath))
                            model.Save(file);
                        await output.WriteLineAsync(
                            $"trained on {rows.Count} examples, {model.Labels.Count} labels, {model.FeatureCount} "
                                + $"features in {watch.Elapsed.TotalSeconds:0.00} s -> {modelPath}"
                        );
                        var self = Evaluation.Of(model, rows);
                        await output.WriteLineAsync(
                            $"training-set accuracy {self.Accuracy:0.000} (evaluate on held-out data for a fair number)"
                        );
                        return 0;
                    }
                case "evaluate" when Opt("data") is { } urgentData && HasColumn(urgentData, "urgent"):
                    {
                        using var reader = new StreamReader(urgentData, Encoding.UTF8);
                        await output.WriteAsync(UrgencyEvaluation.Of(LabelledCsv.ReadUrgency(reader)).Report());
                        return 0;
                    }
                case "cv":
                    {
                        var rows = Opt("data") is { } cvData ? ReadCsv(cvData) : await examples();
                        var folds = Int(Opt("folds") ?? "5");
                        var seedCount = Int(Opt("seeds") ?? "3");
                        var watch = System.Diagnostics.Stopwatch.StartNew();
                        var training = new TrainingOptions
                        {
                            MinCount = Opt("min-count") is { } mc ? Int(mc) : null,
                            L2 = Opt("l2") is { } l2
                                ? double.Parse(l2, System.Globalization.CultureInfo.InvariantCulture)
                                : null,
                            Epochs = Int(Opt("epochs") ?? "30"),
                        };
                        var seeds = Enumerable.Range(1, seedCount).ToList();
                        var summary = CrossValidation.Run(rows, folds, seeds, training);
                        var full = TextClassifier.Train(rows, training);
                        using var size = new MemoryStream();
                        full.Save(size);
                        await output.WriteLineAsync(
                            $"{rows.Count} examples, {rows.Select(r => r.Item2).Distinct().Count()} labels: "
                                + $"{folds}-fold CV × {seedCount} seeds ({summary.Runs} runs) accuracy "
                                + $"{summary.Accuracy:0.000} ± {summary.AccuracySd:0.000}, macro-F1 "
                                + $"{summary.MacroF1:0.000} ± {summary.MacroF1Sd:0.000}; model on all of them "
                                + $"{full.FeatureCount} features, {size.Length / 1024.0:0} KiB; "
                                + $"{watch.Elapsed.TotalSeconds:0.0} s"
                        );
                        return 0;
                    }
                case "evaluate" when Opt("model") is { } modelPath && Opt("data") is { } data:
                    {
                        var model = LoadModel(modelPath);
                        await output.WriteAsync(Evaluation.Of(model, ReadCsv(data)).Report());
                        return 0;
                    }
                case "analyze" when Opt("model") is { } modelPath && Opt("input") is { } input:
                    {
                        var model = LoadModel(modelPath);
                        var directory = await places();
                        var writer = Opt("output") is { } outPath
                            ? new StreamWriter(outPath, false, new UTF8Encoding(false))
                            : output;
                        var count = 0;
                        foreach (var line in File.ReadLines(input, Encoding.UTF8))
                        {
                            if (string.IsNullOrWhiteSpace(line))
                                continue;
                            var prediction = model.Predict(line);
                            var urgency = UrgencyDetector.Detect(line);
                            var place = directory is null
                                ? PlaceExtractor.Extract(line, new PlaceDirectory([]))
                                : PlaceExtractor.Extract(line, directory);
                            await writer.WriteLineAsync(
                                JsonSerializer.Serialize(
                                    new
                                    {
                                        text = line,
                                        category = prediction.Label,
                                        confidence = Math.Round(prediction.Confidence, 3),
                                        urgent = urgency.IsUrgent,
                                        hazards = urgency.Hazards,
                                        place = new
                                        {
                                            compound = place.CompoundName,
                                            building = place.BuildingNumber,
                                            unit = place.Unit,
                                            room = place.Room,
                                            nearHome = place.RelativeToHome,
                                        },
                                    },
                                    JsonLine
                                )
                            );
                            count++;
                        }
                        if (writer != output)
                        {
                            await writer.DisposeAsync();
                            await output.WriteLineAsync($"analysed {count} messages -> {Opt("output")}");
                        }
                        return 0;
                    }
                case "split"
                    when Opt("data") is { } data && Opt("train") is { } trainPath && Opt("test") is { } testPath:
                    {
                        var every = int.TryParse(Opt("every"), out var e) && e >= 2 ? e : 5;
                        var rows = ReadCsv(data);
                        // Deterministic and stratified: within each label, every Nth example is held out.
                        var test = rows.GroupBy(r => r.Label)
                            .SelectMany(g => g.Where((_, i) => i % every == every - 1))
                            .ToHashSet();
                        await WriteCsvAsync(trainPath, rows.Where(r => !test.Contains(r)));
                        await WriteCsvAsync(testPath, rows.Where(test.Contains));
                        await output.WriteLineAsync(
                            $"{rows.Count - test.Count} training and {test.Count} held-out examples"
                        );
                        return 0;
                    }
                case "export" when Opt("out") is { } outPath:
                    {
                        var rows = await examples();
                        await WriteCsvAsync(outPath, rows);
                        await output.WriteLineAsync($"exported {rows.Count} examples -> {outPath}");
                        return 0;
                    }
                default:
                    await output.WriteLineAsync(Usage);
                    return 2;
            }
        }
        catch (Exception ex)
            when (ex
                    is IOException
                        or InvalidDataException
                        or UnauthorizedAccessException
                        or ArgumentException
                        or JsonException
            )
        {
            await output.WriteLineAsync("error: " + ex.Message);
            return 1;
        }
    }

    private static Dictionary<string, string> ParseOptions(string[] args)
    {
        var options = new Dictionary<string, string>();
        for (var i = 0; i + 1 < args.Length; i += 2)
            if (args[i].StartsWith("--", StringComparison.Ordinal))
                options[args[i][2..]] = args[i + 1];
        return options;
    }

    private static int Int(string value) => int.Parse(value, System.Globalization.CultureInfo.InvariantCulture);

    private static bool HasColumn(string path, string column)
    {
        using var reader = new StreamReader(path, Encoding.UTF8);
        return (reader.ReadLine() ?? "")
            .TrimStart('\uFEFF')
            .Split(',')
            .Any(h => h.Trim().Equals(column, StringComparison.OrdinalIgnoreCase));
    }

    private static List<(string Text, string Label)> ReadCsv(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8);
        return LabelledCsv.Read(reader);
    }

    private static TextClassifier LoadModel(string path)
    {
        using var file = File.OpenRead(path);
        return TextClassifier.Load(file);
    }

    private static async Task WriteCsvAsync(string path, IEnumerable<(string Text, string Label)> rows)
    {
        await using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
        await writer.WriteLineAsync("text,label");
        foreach (var (text, label) in rows)
            await writer.WriteLineAsync($"{LabelledCsv.Escape(text)},{LabelledCsv.Escape(label)}");
    }
}
