using System.Text.RegularExpressions;
using Governance.Core.Orders;

namespace Governance.Tests.Architecture;

/// <summary>
/// The rules of the house that a reviewer would otherwise check by eye (docs/architecture.md): where SQL may live, what
/// Core may not know about, line length, and that the documents describe the code as it is.
/// </summary>
public sealed class HouseRulesTests
{
    private static readonly string Root = FindRoot();

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Governance.sln"))) dir = dir.Parent;
        return dir?.FullName
            ?? throw new InvalidOperationException("Governance.sln not found above the test binaries.");
    }

    private static IEnumerable<string> Sources(string folder) =>
        Directory.EnumerateFiles(Path.Combine(Root, folder), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"));

    private static string Relative(string path) => Path.GetRelativePath(Root, path);

    [Fact]
    public void SqlLivesOnlyInCore()
    {
        var sql = new Regex(@"\b(SELECT\s+[\w*(]|INSERT\s+(IGNORE\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM)\b");
        var offenders = new[] { "src/Api", "src/Wechat", "src/Jobs" }.SelectMany(Sources)
            .Where(f => sql.IsMatch(File.ReadAllText(f))).Select(Relative).ToList();
        Assert.True(offenders.Count == 0, "SQL outside Core: " + string.Join(", ", offenders));
    }

    [Fact]
    public void CoreKnowsNoUrlsOrMiniProgramPages()
    {
        var url = new Regex(@"https?://|/api/|pages/");
        var offenders = Sources("src/Core").Where(f => url.IsMatch(File.ReadAllText(f))).Select(Relative).ToList();
        Assert.True(offenders.Count == 0, "Core mentions a URL or page path: " + string.Join(", ", offenders));
    }

    [Fact]
    public void NoLineIsLongerThan120Characters()
    {
        var offenders = new[] { "src", "tests", "bench" }.SelectMany(Sources)
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (f, i, line)))
            .Where(x => x.line.Length > 120).Select(x => $"{Relative(x.f)}:{x.i + 1}").ToList();
        Assert.True(offenders.Count == 0, "lines over 120 characters: " + string.Join(", ", offenders.Take(20)));
    }

    [Fact]
    public void NothingPointsOutsideTheRepository()
    {
        var outside = new Regex(@"\.\./shared|STACK\.md|PROTOCOL\.md|DESIGN\.md|GLOSSARY\.md");
        var files = new[] { "src", "tests", "bench" }.SelectMany(Sources)
            .Concat(Directory.EnumerateFiles(Path.Combine(Root, "docs"), "*.md", SearchOption.AllDirectories))
            .Concat(Directory.EnumerateFiles(Path.Combine(Root, "sql"), "*.sql", SearchOption.AllDirectories))
            .Append(Path.Combine(Root, "README.md"));
        var offenders = files
            .Where(f => !f.EndsWith("HouseRulesTests.cs", StringComparison.Ordinal))
            .Where(f => outside.IsMatch(File.ReadAllText(f)))
            .Select(Relative).ToList();
        Assert.True(offenders.Count == 0, "points outside the repository: " + string.Join(", ", offenders));
    }

    [Fact]
    public void TheProjectsReferenceEachOtherOneWay()
    {
        string Refs(string project) =>
            File.ReadAllText(Path.Combine(Root, "src", project, $"Governance.{project}.csproj"));
        Assert.DoesNotContain("ProjectReference", Refs("Core"));
        Assert.Matches(@"ProjectReference Include=""..\\Core\\", Refs("Wechat"));
        Assert.DoesNotMatch(@"Jobs|Api", Regex.Match(Refs("Wechat"), "ProjectReference.*").Value);
        Assert.DoesNotMatch(@"Api", Regex.Match(Refs("Jobs"), "ProjectReference.*").Value);
    }

    [Fact]
    public void TheStateMachineDiagramInTheDocsIsTheTransitionTable()
    {
        var domain = File.ReadAllText(Path.Combine(Root, "docs", "domain.md"));
        var block = Regex.Match(domain, "```mermaid\\n(stateDiagram-v2\\n.*?)```", RegexOptions.Singleline);
        Assert.True(block.Success, "docs/domain.md has no stateDiagram-v2 block");
        Assert.Equal(StateDiagram(), block.Groups[1].Value);
    }

    /// <summary>The diagram docs/domain.md must show: one edge per allowed move, grouped by source and target.
    /// </summary>
    public static string StateDiagram()
    {
        var lines = new List<string> { "stateDiagram-v2", "    [*] --> submitted" };
        var edges = OrderStateMachine.AllowedMoves().GroupBy(m => (m.From, m.To))
            .OrderBy(g => Array.IndexOf(OrderStatus.All, g.Key.From))
            .ThenBy(g => Array.IndexOf(OrderStatus.All, g.Key.To));
        foreach (var edge in edges)
        {
            var actions = string.Join(", ", edge.Select(m => OrderStateMachine.ActionName(m.Action)));
            lines.Add($"    {edge.Key.From} --> {edge.Key.To}: {actions}");
        }
        var ends = new[] { OrderStatus.Closed, OrderStatus.Rejected, OrderStatus.Merged, OrderStatus.Cancelled };
        lines.AddRange(ends.Select(s => $"    {s} --> [*]"));
        return string.Join("\n", lines) + "\n";
    }
}
