using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Governance.Core.Intake;

public sealed record Prediction(
    string Label,
    double Confidence,
    IReadOnlyList<(string Label, double Probability)> Ranked
);

public sealed record TrainingOptions
{
    public int Epochs { get; init; } = 30;
    public double LearningRate { get; init; } = 0.5;
    public double L2 { get; init; } = 1e-5;
    public int MinCount { get; init; } = 1;
    public int Seed { get; init; } = 17;
}

/// <summary>
/// A multinomial logistic regression over character 1-, 2- and 3-grams. No Chinese segmenter is
/// available here, and character n-grams work well for short Chinese complaints anyway: "楼道灯" and
/// "灯坏了" share the bigram "灯" context without knowing word boundaries. Features are sublinear TF,
/// L2-normalised; training is AdaGrad SGD with a fixed seed, so a model is reproducible.
/// </summary>
public sealed class TextClassifier
{
    private readonly string[] _labels;
    private readonly Dictionary<string, int> _vocab;
    private readonly float[][] _weights; // [class][feature]
    private readonly float[] _bias;

    private TextClassifier(string[] labels, Dictionary<string, int> vocab, float[][] weights, float[] bias)
    {
        _labels = labels;
        _vocab = vocab;
        _weights = weights;
        _bias = bias;
    }

    public IReadOnlyList<string> Labels => _labels;
    public int FeatureCount => _vocab.Count;

    public static string Normalize(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var ch in text.Normalize(NormalizationForm.FormKC))
        {
            if (char.IsWhiteSpace(ch) || char.IsPunctuation(ch) || char.IsSymbol(ch))
                continue;
            sb.Append(char.IsAsciiDigit(ch) ? '0' : char.ToLowerInvariant(ch));
        }
        return sb.ToString();
    }

    public static IEnumerable<string> Ngrams(string text)
    {
        var s = "^" + Normalize(text) + "$";
        for (var n = 1; n <= 3; n++)
            for (var i = 0; i + n <= s.Length; i++)
            {
                var g = s.Substring(i, n);
                if (g is "^" or "$")
                    continue;
                yield return g;
            }
    }

    private (int[] Index, float[] Value) Vectorize(string text)
    {
        var counts = new Dictionary<int, int>();
        foreach (var g in Ngrams(text))
            if (_vocab.TryGetValue(g, out var id))
                counts[id] = counts.GetValueOrDefault(id) + 1;
        var index = counts.Keys.ToArray();
        var value = index.Select(i => (float)(1 + Math.Log(counts[i]))).ToArray();
        var norm = MathF.Sqrt(value.Sum(v => v * v));
        if (norm > 0)
            for (var i = 0; i < value.Length; i++)
                value[i] /= norm;
        return (index, value);
    }

    private double[] Probabilities((int[] Index, float[] Value) x)
    {
        var scores = new double[_labels.Length];
        for (var c = 0; c < _labels.Length; c++)
        {
            double s = _bias[c];
            var w = _weights[c];
            for (var k = 0; k < x.Index.Length; k++)
                s += w[x.Index[k]] * x.Value[k];
            scores[c] = s;
        }
        var max = scores.Max();
        double sum = 0;
        for (var c = 0; c < scores.Length; c++)
        {
            scores[c] = Math.Exp(scores[c] - max);
            sum += scores[c];
        }
        for (var c = 0; c < scores.Length; c++)
            scores[c] /= sum;
        return scores;
    }

    public Prediction Predict(string text)
    {
        var p = Probabilities(Vectorize(text));
        var ranked = _labels.Select((l, i) => (l, p[i])).OrderByDescending(t => t.Item2).ToList();
        return new Prediction(ranked[0].l, ranked[0].Item2, ranked);
    }

    public static TextClassifier Train(
        IReadOnlyList<(string Text, string Label)> examples,
        TrainingOptions? options = null
    )
    {
        options ??= new TrainingOptions();
        if (examples.Count == 0)
            throw new ArgumentException("No training examples.", nameof(examples));
        var labels = examples.Select(e => e.Label).Distinct().Order(StringComparer.Ordinal).ToArray();
        if (labels.Length < 2)
            throw new ArgumentException("At least two labels are needed to train a classifier.", nameof(examples));
        var df = new Dictionary<string, int>();
        foreach (var (text, _) in examples)
            foreach (var g in Ngrams(text).Distinct())
                df[g] = df.GetValueOrDefault(g) + 1;
        var vocab = df.Where(kv => kv.Value >= options.MinCount)
            .Select(kv => kv.Key)
            .Order(StringComparer.Ordinal)
            .Select((g, i) => (g, i))
            .ToDictionary(t => t.g, t => t.i);
        var model = new TextClassifier(
            labels,
            vocab,
            labels.Select(_ => new float[vocab.Count]).ToArray(),
            new float[labels.Length]
        );
        var labelIndex = labels.Select((l, i) => (l, i)).ToDictionary(t => t.l, t => t.i);
        var data = examples.Select(e => (X: model.Vectorize(e.Text), Y: labelIndex[e.Label])).ToArray();

        var gradSq = labels.Select(_ => new float[vocab.Count]).ToArray();
        var biasSq = new float[labels.Length];
        var rng = new Random(options.Seed);
        var order = Enumerable.Range(0, data.Length).ToArray();
        for (var epoch = 0; epoch < options.Epochs; epoch++)
        {
            rng.Shuffle(order);
            foreach (var n in order)
            {
                var (x, y) = data[n];
                var p = model.Probabilities(x);
                for (var c = 0; c < labels.Length; c++)
                {
                    var g = (float)(p[c] - (c == y ? 1 : 0));
                    var w = model._weights[c];
                    var gs = gradSq[c];
                    for (var k = 0; k < x.Index.Length; k++)
                    {
                        var j = x.Index[k];
                        var grad = g * x.Value[k] + (float)options.L2 * w[j];
                        gs[j] += grad * grad;
                        w[j] -= (float)(options.LearningRate * grad / Math.Sqrt(gs[j] + 1e-8));
                    }
                    biasSq[c] += g * g;
                    model._bias[c] -= (float)(options.LearningRate * g / Math.Sqrt(biasSq[c] + 1e-8));
                }
            }
        }
        return model;
    }

    private sealed record Stored(string Format, string[] Labels, string[] Vocabulary, float[][] Weights, float[] Bias);

    public void Save(Stream stream)
    {
        var vocab = new string[_vocab.Count];
        foreach (var (g, i) in _vocab)
            vocab[i] = g;
        JsonSerializer.Serialize(stream, new Stored("governance-ngram-logreg-v1", _labels, vocab, _weights, _bias));
    }

    public static TextClassifier Load(Stream stream)
    {
        var s = JsonSerializer.Deserialize<Stored>(stream) ?? throw new InvalidDataException("Empty model file.");
        if (s.Format != "governance-ngram-logreg-v1")
            throw new InvalidDataException($"Unknown model format '{s.Format}'.");
        return new TextClassifier(
            s.Labels,
            s.Vocabulary.Select((g, i) => (g, i)).ToDictionary(t => t.g, t => t.i),
            s.Weights,
            s.Bias
        );
    }
}

public sealed record ClassMetrics(string Label, double Precision, double Recall, double F1, int Support);

public sealed record Evaluation(
    double Accuracy,
    double MacroF1,
    IReadOnlyList<ClassMetrics> PerClass,
    IReadOnlyList<string> Labels,
    int[,] Confusion,
    int Count
)
{
    public static Evaluation Of(TextClassifier model, IReadOnlyList<(string Text, string Label)> examples)
    {
        var labels = model.Labels.Union(examples.Select(e => e.Label)).Order(StringComparer.Ordinal).ToList();
        var index = labels.Select((l, i) => (l, i)).ToDictionary(t => t.l, t => t.i);
        var confusion = new int[labels.Count, labels.Count];
        var correct = 0;
        foreach (var (text, label) in examples)
        {
            var predicted = model.Predict(text).Label;
            confusion[index[label], index[predicted]]++;
            if (predicted == label)
                correct++;
        }
        var perClass = new List<ClassMetrics>();
        for (var c = 0; c < labels.Count; c++)
        {
            int tp = confusion[c, c],
                fp = 0,
                fn = 0;
            for (var k = 0; k < labels.Count; k++)
            {
                if (k == c)
                    continue;
                fp += confusion[k, c];
                fn += confusion[c, k];
            }
            var support = tp + fn;
            if (support == 0 && fp == 0)
                continue;
            double precision = tp + fp == 0 ? 0 : (double)tp / (tp + fp);
            double recall = support == 0 ? 0 : (double)tp / support;
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            perClass.Add(new ClassMetrics(labels[c], precision, recall, f1, support));
        }
        var scored = perClass.Where(m => m.Support > 0).ToList();
        return new Evaluation(
            examples.Count == 0 ? 0 : (double)correct / examples.Count,
            scored.Count == 0 ? 0 : scored.Average(m => m.F1),
            perClass,
            labels,
            confusion,
            examples.Count
        );
    }

    public string Report()
    {
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.AppendLine(inv, $"examples {Count}  accuracy {Accuracy:0.000}  macro-F1 {MacroF1:0.000}");
        sb.AppendLine();
        sb.AppendLine("label                 precision  recall     f1  support");
        foreach (var m in PerClass)
            sb.AppendLine(
                inv,
                $"{Pad(m.Label, 20)}  {m.Precision,9:0.000}  {m.Recall,6:0.000}  {m.F1,5:0.000}  {m.Support,7}"
            );
        sb.AppendLine();
        sb.AppendLine("confusion matrix (rows: true label, columns: predicted, in the order above)");
        for (var r = 0; r < Labels.Count; r++)
        {
            sb.Append(Pad(Labels[r], 20)).Append(' ');
            for (var c = 0; c < Labels.Count; c++)
                sb.Append(inv, $"{Confusion[r, c],4}");
            sb.AppendLine();
        }
        return sb.ToString();
    }

    /// <summary>Pads by display width: a Chinese character takes two columns in a terminal.</summary>
    private static string Pad(string s, int width)
    {
        var w = s.Sum(ch => ch > 0x2E80 ? 2 : 1);
        return w >= width ? s : s + new string(' ', width - w);
    }
}

/// <summary>RFC 4180 CSV with a header row; the columns used are "text" and "label".</summary>
public static class LabelledCsv
{
    public static List<(string Text, string Label)> Read(TextReader reader)
    {
        var rows = ReadRows(reader).ToList();
        if (rows.Count == 0)
            throw new InvalidDataException("The CSV file is empty.");
        var header = rows[0].Select(h => h.Trim().TrimStart('\uFEFF').ToLowerInvariant()).ToList();
        int ti = header.IndexOf("text"),
            li = header.IndexOf("label");
        if (ti < 0 || li < 0)
            throw new InvalidDataException("The CSV file needs a header row with the columns text,label.");
        var result = new List<(string, string)>();
        for (var r = 1; r < rows.Count; r++)
        {
            var row = rows[r];
            if (row.Count == 1 && row[0].Length == 0)
                continue;
            if (row.Count <= Math.Max(ti, li))
                throw new InvalidDataException(
                    $"Row {r + 1} has {row.Count} columns; expected at least {Math.Max(ti, li) + 1}."
                );
            if (string.IsNullOrWhiteSpace(row[ti]) || string.IsNullOrWhiteSpace(row[li]))
                throw new InvalidDataException($"Row {r + 1} has an empty text or label.");
            result.Add((row[ti], row[li].Trim()));
        }
        return result;
    }

    public static IEnumerable<List<string>> ReadRows(TextReader reader)
    {
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        int c;
        while ((c = reader.Read()) != -1)
        {
            var ch = (char)c;
            if (quoted)
            {
                if (ch == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        field.Append('"');
                        reader.Read();
                    }
                    else
                        quoted = false;
                }
                else
                    field.Append(ch);
            }
            else if (ch == '"')
                quoted = true;
            else if (ch == ',')
            {
                row.Add(field.ToString());
                field.Clear();
            }
            else if (ch is '\n' or '\r')
            {
                if (ch == '\r' && reader.Peek() == '\n')
                    reader.Read();
                row.Add(field.ToString());
                field.Clear();
                yield return row;
                row = new List<string>();
            }
            else
                field.Append(ch);
        }
        if (quoted)
            throw new InvalidDataException("The CSV file ends inside a quoted field.");
        if (field.Length > 0 || row.Count > 0)
        {
            row.Add(field.ToString());
            yield return row;
        }
    }

    public static string Escape(string s) =>
        s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
