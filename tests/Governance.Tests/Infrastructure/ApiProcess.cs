using System.Diagnostics;
using System.Text;

namespace Governance.Tests.Infrastructure;

/// <summary>
/// The API binary started as its own process over the test database, as a deployment runs it: the scheduler cluster
/// tests start two as jobs nodes, the browser tests one as the console's server. Its output is kept for failure
/// messages; stopping sends SIGTERM so running jobs finish.
/// </summary>
public sealed class ApiProcess
{
    private readonly Process _process;

    private ApiProcess(Process process) => _process = process;

    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;

    /// <summary>
    /// Starts "serve" with <paramref name="urls"/> and the settings given (the database is the test database's);
    /// every output line goes to <paramref name="output"/> with the node's <paramref name="name"/>.
    /// </summary>
    public static ApiProcess Start(
        string name,
        string urls,
        IReadOnlyDictionary<string, string> settings,
        StringBuilder output
    )
    {
        var bin = AppContext.BaseDirectory;
        var start = new ProcessStartInfo(
            "dotnet",
            $"\"{Path.Combine(bin, "Governance.Api.dll")}\" serve --urls {urls} --contentRoot \"{bin}\""
        )
        {
            WorkingDirectory = bin,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["Database__ConnectionString"] = TestDatabase.ConnectionString;
        start.Environment["Storage__DataRoot"] = Path.Combine(Path.GetTempPath(), "gov-node-" + name);
        start.Environment["Wechat__Mode"] = "sandbox";
        start.Environment["Wechat__SandboxPort"] = "0";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings)
            start.Environment[key] = value;
        var process = Process.Start(start)!;
        void Append(string? line)
        {
            if (line is null)
                return;
            lock (output)
                output.AppendLine($"[{name}] {line}");
        }
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ApiProcess(process);
    }

    /// <summary>SIGTERM, then a kill after 15 s: a graceful stop lets running jobs complete and be recorded.</summary>
    public void Stop()
    {
        if (_process.HasExited)
            return;
        Process.Start("kill", ["-TERM", _process.Id.ToString()])!.WaitForExit();
        if (!_process.WaitForExit(15_000))
            _process.Kill(entireProcessTree: true);
    }
}
