using System.Diagnostics;
using Governance.Core.Intake;

namespace Governance.Bench.Scenarios;

/// <summary>
/// Scenario 5: the intake classifier trained on N examples and asked for single predictions. The examples are the
/// shipped seed set written the way residents write: with a place in front, a plea or a time at the end, now and then a
/// character dropped. Predictions are timed one by one on texts it did not see.
/// </summary>
public static class ClassifierScenario
{
    private static readonly string[] Places =
    [
        "金龙小区3栋",
        "我们楼下",
        "世纪山水二期",
        "文化路小区",
        "8号楼",
        "5单元门口",
        "长湾里小区12栋",
        "床单厂小区",
        "",
        "",
        "",
        "小区东门",
        "我家对面",
    ];
    private static readonly string[] Tails =
    [
        "",
        "",
        "，麻烦尽快处理",
        "，已经好几天了",
        "，谢谢",
        "！",
        "，希望社区管一管",
        "，反映过好几次了",
        "。",
    ];

    public static async Task RunAsync(BenchContext context, int size)
    {
        var seed = await context.Service<IntakeExampleStore>().ListAsync();
        var random = new Random(42);
        string Vary(string text)
        {
            var s = Places[random.Next(Places.Length)] + text + Tails[random.Next(Tails.Length)];
            if (s.Length > 6 && random.NextDouble() < 0.2)
                s = s.Remove(random.Next(s.Length), 1);
            return s;
        }
        var train = Enumerable
            .Range(0, size)
            .Select(i => seed[i % seed.Count])
            .Select(e => (Vary(e.Text), e.Label))
            .ToList();
        var test = Enumerable
            .Range(0, 10_000)
            .Select(i => seed[(i * 7) % seed.Count])
            .Select(e => (Vary(e.Text), e.Label))
            .ToList();

        var watch = Stopwatch.StartNew();
        var model = TextClassifier.Train(train);
        var training = watch.Elapsed;

        foreach (var (text, _) in test.Take(500))
            model.Predict(text); // JIT
        var latencies = new double[test.Count];
        var correct = 0;
        for (var i = 0; i < test.Count; i++)
        {
            var t = Stopwatch.GetTimestamp();
            var p = model.Predict(test[i].Item1);
            latencies[i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            if (p.Label == test[i].Item2)
                correct++;
        }
        Array.Sort(latencies);
        var table = new Table(
            "Classifier: training and single predictions (character 1–3-gram logistic regression)",
            "examples",
            "features",
            "classes",
            "training",
            "predictions",
            "p50 ms",
            "p99 ms",
            "max ms",
            "accuracy on varied texts"
        );
        table.Add(
            train.Count,
            model.FeatureCount,
            model.Labels.Count,
            training,
            test.Count,
            Stats.Percentile(latencies, 50),
            Stats.Percentile(latencies, 99),
            latencies[^1],
            $"{100.0 * correct / test.Count:F1}%"
        );
        table.Notes.Add(
            "targets: training < 10 s, prediction p99 < 1 ms; the accuracy is on variants of the seed texts, so it "
                + "says more about robustness to places and pleas than about new wording"
        );
        await context.WriteAsync(table);
    }
}
