using System.Globalization;
using System.Text;

namespace Governance.Bench;

/// <summary>A result table: printed as it is and appended, in Markdown, to the run's results file.</summary>
public sealed class Table(string title, params string[] columns)
{
    private readonly List<string[]> _rows = [];
    public string Title { get; } = title;
    public List<string> Notes { get; } = [];

    public void Add(params object?[] cells) => _rows.Add(cells.Select(Format).ToArray());

    public static string Format(object? v) =>
        v switch
        {
            null => "",
            double d => d.ToString(
                Math.Abs(d) >= 100 ? "F0"
                    : Math.Abs(d) >= 10 ? "F1"
                    : "F2",
                CultureInfo.InvariantCulture
            ),
            float f => Format((double)f),
            TimeSpan t => t.TotalSeconds >= 10 ? $"{t.TotalSeconds:F1} s" : $"{t.TotalMilliseconds:F0} ms",
            _ => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "",
        };

    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        sb.AppendLine($"### {Title}").AppendLine();
        sb.AppendLine("| " + string.Join(" | ", columns) + " |");
        sb.AppendLine("|" + string.Join("|", columns.Select(_ => "---")) + "|");
        foreach (var r in _rows)
            sb.AppendLine("| " + string.Join(" | ", r) + " |");
        if (Notes.Count > 0)
            sb.AppendLine().AppendLine(string.Join("\n", Notes.Select(n => "- " + n)));
        return sb.AppendLine().ToString();
    }
}

public static class Stats
{
    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];

    /// <summary>Peak resident memory of a process (VmHWM), in MiB.</summary>
    public static double PeakMemoryMiB(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return double.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024;
        return 0;
    }
}

/// <summary>CPU time used by a process so far (user + system), from /proc.</summary>
public static class Cpu
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    public static double Seconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11]) + long.Parse(fields[12])) / TicksPerSecond;
    }

    public static int? MariaDbPid()
    {
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
                continue;
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "comm")).Trim() == "mariadbd")
                    return pid;
            }
            catch (IOException) { }
        }
        return null;
    }
}
