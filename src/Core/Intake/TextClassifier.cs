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

    /// <summary>
    /// L2 penalty and minimum document frequency; null chooses them together by inner 3-fold cross-validation over
    /// <see cref="L2Grid"/> × <see cref="MinCountGrid"/> (on a small seed rare n-grams still help; on thousands of
    /// examples they only memorise).
    /// </summary>
    public double? L2 { get; init; }
    public IReadOnlyList<double> L2Grid { get; init; } = [1e-5, 1e-3];

    /// <summary>An n-gram must occur in at least this many examples to be a feature.</summary>
    public int? MinCount { get; init; }
    public IReadOnlyList<int> MinCountGrid { get; init; } = [1, 2];
    public int Seed { get; init; } = 17;

    /// <summary>Above this many examples the inner cross-validation is skipped (the grids' strongest values).</summary>
    public int TuneUpTo { get; init; } = 3000;
}

/// <summary>
/// A multinomial logistic regression over character 1-, 2- and 3-grams: "楼道灯" and "灯坏了" share "灯" without
/// knowing word boundaries. Features are sublinear TF times smoothed IDF (so 的, 一, 是 weigh little), L2-normalised;
/// n-grams seen in fewer than two examples are dropped; the first sentence (usually the problem itself) counts twice
/// and long texts are capped, so a long body does not drown its title. The L2 penalty is chosen by inner
/// cross-validation. Training is AdaGrad SGD with a fixed seed, so a model is reproducible; the model is saved in a
/// compact binary form (half-precision weights).
/// </summary>
public sealed class TextClassifier
{
    private readonly string[] _labels;
    private readonly Dictionary<string, int> _vocab;
    private readonly float[][] _weights; // [class][feature]
    private readonly float[] _bias;
    private readonly float[] _idf;

    private TextClassifier(
        string[] labels,
        Dictionary<string, int> vocab,
        float[][] weights,
        float[] bias,
        float[] idf
    )
    {
        _labels = labels;
        _vocab = vocab;
        _weights = weights;
        _bias = bias;
        _idf = idf;
    }

    /// <summary>Texts longer than this are cut: the rest of a long letter rarely changes what it is about.</summary>
    public const int MaxChars = 400;

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

    /// <summary>The first sentence (to the first full stop, question or exclamation mark, or line break).</summary>
    public static string FirstSentence(string text)
    {
        var end = text.AsSpan().IndexOfAny("。！？!?\n；;");
        return end > 0 ? text[..end] : text;
    }

    /// <summary>The n-grams a text contributes, the first sentence's twice, a long text cut.</summary>
    public static IEnumerable<string> Features(string text)
    {
        var capped = text.Length > MaxChars ? text[..MaxChars] : text;
        var first = FirstSentence(capped);
        return first.Length < capped.Length ? Ngrams(capped).Concat(Ngrams(first)) : Ngrams(capped);
    }

    private (int[] Index, float[] Value) Vectorize(string text)
    {
        var counts = new Dictionary<int, int>();
        foreach (var g in Features(text))
            if (_vocab.TryGetValue(g, out var id))
                counts[id] = counts.GetValueOrDefault(id) + 1;
        var index = counts.Keys.ToArray();
        var value = index.Select(i => (float)((1 + Math.Log(counts[i])) * _idf[i])).ToArray();
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
        var (l2, minCount) = Choose(examples, options);
        return Fit(examples, labels, options, l2, minCount);
    }

    /// <summary>
    /// The given penalty and minimum count, or the pair with the best mean macro-F1 over an inner 3-fold split (ties:
    /// the stronger penalty and the higher count). Large sets skip the search: the grids' last values.
    /// </summary>
    private static (double L2, int MinCount) Choose(
        IReadOnlyList<(string Text, string Label)> examples,
        TrainingOptions options
    )
    {
        var l2s = options.L2 is { } l2 ? [l2] : options.L2Grid.OrderDescending().ToList();
        var counts = options.MinCount is { } mc ? [mc] : options.MinCountGrid.OrderDescending().ToList();
        if (l2s.Count * counts.Count == 1 || examples.Count > options.TuneUpTo || examples.Count < 30)
            return (l2s[0], counts[0]);
        var best = (L2: l2s[0], MinCount: counts[0], Score: double.MinValue);
        var folds = CrossValidation.Folds(examples, 3, options.Seed).ToList();
        foreach (var penalty in l2s)
            foreach (var count in counts)
            {
                var score = folds.Average(f =>
                {
                    var labels = f.Train.Select(e => e.Label).Distinct().Order(StringComparer.Ordinal).ToArray();
                    return labels.Length < 2
                        ? 0
                        : Evaluation.Of(Fit(f.Train, labels, options, penalty, count), f.Test).MacroF1;
                });
                if (score > best.Score + 1e-9)
                    best = (penalty, count, score);
            }
        return (best.L2, best.MinCount);
    }

    private static TextClassifier Fit(
        IReadOnlyList<(string Text, string Label)> examples,
        string[] labels,
        TrainingOptions options,
        double l2,
        int minCount
    )
    {
        var df = new Dictionary<string, int>();
        foreach (var (text, _) in examples)
            foreach (var g in Features(text).Distinct())
                df[g] = df.GetValueOrDefault(g) + 1;
        var kept = df.Where(kv => kv.Value >= minCount)
            .Select(kv => kv.Key)
            .Order(StringComparer.Ordinal)
            .ToArray();
        var vocab = kept.Select((g, i) => (g, i)).ToDictionary(t => t.g, t => t.i);
        var n = examples.Count;
        var idf = kept.Select(g => (float)(Math.Log((1.0 + n) / (1.0 + df[g])) + 1)).ToArray();
        var model = new TextClassifier(
            labels,
            vocab,
            labels.Select(_ => new float[vocab.Count]).ToArray(),
            new float[labels.Length],
            idf
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
            foreach (var k0 in order)
            {
                var (x, y) = data[k0];
                var p = model.Probabilities(x);
                for (var c = 0; c < labels.Length; c++)
                {
                    var g = (float)(p[c] - (c == y ? 1 : 0));
                    var w = model._weights[c];
                    var gs = gradSq[c];
                    for (var k = 0; k < x.Index.Length; k++)
                    {
                        var j = x.Index[k];
                        var grad = g * x.Value[k] + (float)l2 * w[j];
                        gs[j] += grad * grad;
                        w[j] -= (float)(options.LearningRate * grad / Math.Sqrt(gs[j] + 1e-8));
                    }
                    biasSq[c] += g * g;
                    model._bias[c] -= (float)(options.LearningRate * g / Math.Sqrt(biasSq[c] + 1e-8));
                }
            }
        }
        // Kept in the precision it is saved in, so a loaded model predicts exactly what the trained one did.
        foreach (var w in model._weights)
            for (var j = 0; j < w.Length; j++)
                w[j] = (float)(Half)w[j];
        for (var j = 0; j < idf.Length; j++)
            idf[j] = (float)(Half)idf[j];
        return model;
    }

    private const string Magic = "governance-ngram-logreg-v2";

    /// <summary>
    /// The model in a compact binary form: labels, n-grams, IDF, and weights in half precision (enough for a linear
    /// model's scores; a tenth of the JSON it replaced).
    /// </summary>
    public void Save(Stream stream)
    {
        using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        w.Write(Magic);
        w.Write(_labels.Length);
        foreach (var l in _labels)
            w.Write(l);
        var vocab = new string[_vocab.Count];
        foreach (var (g, i) in _vocab)
            vocab[i] = g;
        w.Write(vocab.Length);
        foreach (var g in vocab)
            w.Write(g);
        foreach (var v in _idf)
            w.Write((Half)v);
        for (var c = 0; c < _labels.Length; c++)
        {
            w.Write(_bias[c]);
            foreach (var v in _weights[c])
                w.Write((Half)v);
        }
    }

    public static TextClassifier Load(Stream stream)
    {
        using var r = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        string magic;
        try
        {
            magic = r.ReadString();
        }
        catch (Exception ex) when (ex is EndOfStreamException or IOException or FormatException)
        {
            throw new InvalidDataException("Not a model file.", ex);
        }
        if (magic != Magic)
            throw new InvalidDataException($"Unknown model format '{magic}'.");
        var labels = new string[r.ReadInt32()];
        for (var i = 0; i < labels.Length; i++)
            labels[i] = r.ReadString();
        var vocab = new Dictionary<string, int>();
        var count = r.ReadInt32();
        for (var i = 0; i < count; i++)
            vocab[r.ReadString()] = i;
        var idf = new float[count];
        for (var i = 0; i < count; i++)
            idf[i] = (float)r.ReadHalf();
        var weights = new float[labels.Length][];
        var bias = new float[labels.Length];
        for (var c = 0; c < labels.Length; c++)
        {
            bias[c] = r.ReadSingle();
            weights[c] = new float[count];
            for (var i = 0; i < count; i++)
                weights[c][i] = (float)r.ReadHalf();
        }
        return new TextClassifier(labels, vocab, weights, bias, idf);
    }
}

/// <summary>
/// Stratified k-fold splits with a seed, and mean ± spread of accuracy and macro-F1 over folds and seeds.
/// </summary>
public static class CrossValidation
{
    public static IEnumerable<(List<(string Text, string Label)> Train, List<(string Text, string Label)> Test)> Folds(
        IReadOnlyList<(string Text, string Label)> examples,
        int folds,
        int seed
    )
    {
        var rng = new Random(seed);
        var fold = new int[examples.Count];
        foreach (var group in Enumerable.Range(0, examples.Count).GroupBy(i => examples[i].Label).OrderBy(g => g.Key))
        {
            var members = group.ToArray();
            rng.Shuffle(members);
            for (var k = 0; k < members.Length; k++)
                fold[members[k]] = k % folds;
        }
        for (var f = 0; f < folds; f++)
            yield return (
                Enumerable.Range(0, examples.Count).Where(i => fold[i] != f).Select(i => examples[i]).ToList(),
                Enumerable.Range(0, examples.Count).Where(i => fold[i] == f).Select(i => examples[i]).ToList()
            );
    }

    public sealed record Summary(double Accuracy, double AccuracySd, double MacroF1, double MacroF1Sd, int Runs);

    public static Summary Run(
        IReadOnlyList<(string Text, string Label)> examples,
        int folds,
        IReadOnlyList<int> seeds,
        TrainingOptions? options = null
    )
    {
        var results = new List<Evaluation>();
        foreach (var seed in seeds)
            foreach (var (train, test) in Folds(examples, folds, seed))
                results.Add(Evaluation.Of(TextClassifier.Train(train, options), test));
        static (double Mean, double Sd) Stats(IEnumerable<double> xs)
        {
            var a = xs.ToArray();
            var mean = a.Average();
            return (mean, Math.Sqrt(a.Sum(x => (x - mean) * (x - mean)) / Math.Max(1, a.Length - 1)));
        }
        var (acc, accSd) = Stats(results.Select(r => r.Accuracy));
        var (f1, f1Sd) = Stats(results.Select(r => r.MacroF1));
        return new Summary(acc, accSd, f1, f1Sd, results.Count);
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
    /// <summary>The header (lower-case) and the data rows, for files with columns of their own.</summary>
    public static (List<string> Header, List<List<string>> Rows) ReadTable(TextReader reader)
    {
        var rows = ReadRows(reader).Where(r => !(r.Count == 1 && r[0].Length == 0)).ToList();
        if (rows.Count == 0)
            throw new InvalidDataException("The CSV file is empty.");
        var header = rows[0].Select(h => h.Trim().TrimStart('\uFEFF').ToLowerInvariant()).ToList();
        return (header, rows.Skip(1).ToList());
    }

    /// <summary>Rows of text, urgent and (if present) hazard, for <see cref="UrgencyEvaluation"/>.</summary>
    public static List<(string Text, bool Urgent, string? Hazard)> ReadUrgency(TextReader reader)
    {
        var (header, rows) = ReadTable(reader);
        int ti = header.IndexOf("text"),
            ui = header.IndexOf("urgent"),
            hi = header.IndexOf("hazard");
        if (ti < 0 || ui < 0)
            throw new InvalidDataException("The CSV file needs a header row with the columns text,urgent.");
        return rows.Where(r => r.Count > Math.Max(ti, ui) && r[ti].Trim().Length > 0)
            .Select(r =>
                (
                    r[ti],
                    UrgencyEvaluation.ParseFlag(r[ui]),
                    hi >= 0 && r.Count > hi && r[hi].Trim().Length > 0 ? r[hi].Trim() : null
                )
            )
            .ToList();
    }

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
