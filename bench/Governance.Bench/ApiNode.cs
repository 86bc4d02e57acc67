using System.Diagnostics;

namespace Governance.Bench;

/// <summary>A real API process (the deployable, as ./run.sh starts it) on its own port, stopped with SIGTERM.</summary>
public sealed class ApiNode : IAsyncDisposable
{
    private readonly Process _process;
    public string BaseAddress { get; }
    public int Pid => _process.Id;

    private ApiNode(Process process, string baseAddress) => (_process, BaseAddress) = (process, baseAddress);

    public static Task<ApiNode> StartAsync(
        BenchContext context,
        int port,
        string roles,
        IDictionary<string, string?>? extra = null
    ) =>
        StartAsync(
            context,
            Path.Combine(context.Root, "src", "Api", "bin", "Release", "net10.0", "Governance.Api.dll"),
            "serve",
            port,
            roles,
            extra
        );

    /// <summary>The bench's own one-INSERT server (see <see cref="BaselineServer"/>), as its own process.</summary>
    public static Task<ApiNode> StartBaselineAsync(BenchContext context, int port) =>
        StartAsync(context, typeof(ApiNode).Assembly.Location, "baseline", port, "api", null);

    private static async Task<ApiNode> StartAsync(
        BenchContext context,
        string dll,
        string verb,
        int port,
        string roles,
        IDictionary<string, string?>? extra
    )
    {
        var url = $"http://127.0.0.1:{port}";
        var start = new ProcessStartInfo("dotnet", $"\"{dll}\" {verb} --urls {url}")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var settings = BenchContext.Settings(
            context.ConnectionString,
            context.Wechat.BaseAddress,
            Path.Combine(context.Root, ".data", "bench-files"),
            roles
        );
        foreach (var (k, v) in extra ?? new Dictionary<string, string?>())
            settings[k] = v;
        foreach (var (k, v) in settings)
            start.Environment[k.Replace(":", "__")] = v;
        // For profiling with perf (BENCH_PERF=1): the JIT writes /tmp/perf-<pid>.map so samples have method names.
        if (Environment.GetEnvironmentVariable("BENCH_PERF") == "1")
        {
            start.Environment["DOTNET_PerfMapEnabled"] = "1";
            start.Environment["DOTNET_EnableWriteXorExecute"] = "0";
        }
        var process = Process.Start(start)!;
        // A failure's entry and the lines of it that follow (message, exception), but not the rest of the log.
        var failureLines = 0;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not { Length: > 0 } d)
                return;
            if (d.StartsWith("fail:", StringComparison.Ordinal) || d.StartsWith("crit:", StringComparison.Ordinal))
                failureLines = 3;
            else if (!d.StartsWith(' ') || failureLines-- <= 0)
                return;
            Console.WriteLine($"  [api:{port}] {d}");
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } d)
                Console.WriteLine($"  [api:{port}] {d}");
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient();
        var watch = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"The API on port {port} exited with {process.ExitCode}.");
            try
            {
                if ((await http.GetAsync($"{url}/healthz")).IsSuccessStatusCode)
                    break;
            }
            catch (HttpRequestException) { }
            if (watch.Elapsed > TimeSpan.FromSeconds(60))
                throw new TimeoutException($"The API on port {port} did not start.");
            await Task.Delay(200);
        }
        return new ApiNode(process, url);
    }

    public double PeakMemoryMiB => Stats.PeakMemoryMiB(_process.Id);

    /// <summary>SIGKILL: the process dies mid-work, as on a power cut or an out-of-memory kill.</summary>
    public void Kill()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        if (_process.HasExited)
            return;
        Process.Start("kill", ["-TERM", _process.Id.ToString()])!.WaitForExit();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
    }
}
