using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Microsoft.Playwright;

namespace Governance.Tests.Console;

/// <summary>
/// The real server (the API binary with its API and jobs roles, on Kestrel, over the test database) and Debian's
/// Chromium driven by Playwright: what a secretary's browser talks to. WeChat calls go to the test app's simulator, so
/// what the console sends can be counted there. Started once for the browser tests.
/// </summary>
public sealed class ConsoleServer : IAsyncLifetime
{
    private ApiProcess? _process;
    private readonly StringBuilder _output = new();
    private IPlaywright? _playwright;

    public string BaseAddress { get; private set; } = "";
    public IBrowser Browser { get; private set; } = null!;
    public string Log
    {
        get
        {
            lock (_output)
                return _output.ToString();
        }
    }

    /// <summary>Where screenshots go (GOVERNANCE_SCREENSHOTS, or the test output's screenshots folder).</summary>
    public static string Screenshots { get; } =
        Environment.GetEnvironmentVariable("GOVERNANCE_SCREENSHOTS") is { Length: > 0 } dir
            ? dir
            : Path.Combine(AppContext.BaseDirectory, "screenshots");

    /// <summary>Debian's Chromium (./test.sh installs it); CHROMIUM_PATH overrides.</summary>
    public static string Chromium { get; } =
        Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>
    /// Starts the server and the browser the first time (a class fixture cannot see the test app's simulator, whose
    /// address the server needs; the tests pass it in).
    /// </summary>
    public async Task EnsureStartedAsync(string simulatorAddress)
    {
        if (_process is not null)
            return;
        Directory.CreateDirectory(Screenshots);
        var port = FreePort();
        BaseAddress = $"http://127.0.0.1:{port}";
        var env = new Dictionary<string, string>
        {
            ["Roles"] = "api,jobs",
            ["Jobs__DispatchIntervalSeconds"] = "1",
            ["Jobs__BroadcastIntervalSeconds"] = "2",
            ["Jobs__IdleWaitSeconds"] = "1",
            ["RateLimits__Burst"] = "100000",
            ["RateLimits__PerMinute"] = "100000",
            ["RateLimits__SignInPerMinute"] = "100000",
            ["Wechat__ApiBaseAddress"] = simulatorAddress,
            ["Wechat__OpenBaseAddress"] = simulatorAddress,
        };
        // The browser tests' own data only: no scheduled job fires while they run (trigger now still works).
        foreach (
            var cron in new[]
            {
                "RemindersCron",
                "EscalationCron",
                "WeeklyDigestCron",
                "FollowUpCron",
                "ParticipationCron",
                "ClaimExpiryCron",
                "UrgentAlertsCron",
                "PracticeRemindersCron",
                "StatisticsCron",
                "AssessmentRemindersCron",
            }
        )
            env[$"Jobs__{cron}"] = "0 0 0 1 1 ? 2099";
        foreach (var (key, value) in WechatSettings())
            env[key] = value;
        _process = ApiProcess.Start("console-" + port, BaseAddress, env, _output);
        using var http = new HttpClient();
        var watch = Stopwatch.StartNew();
        while (true)
        {
            Assert.False(_process.HasExited, "the console server stopped:\n" + Log);
            Assert.True(watch.Elapsed < TimeSpan.FromMinutes(2), "the console server did not start:\n" + Log);
            try
            {
                if ((await http.GetAsync(BaseAddress + "/healthz")).IsSuccessStatusCode)
                    break;
            }
            catch (HttpRequestException) { }
            await Task.Delay(250);
        }
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(
            new BrowserTypeLaunchOptions
            {
                ExecutablePath = Chromium,
                Headless = true,
                // What this closed network needs: no background connections to Google's services.
                Args =
                [
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                ],
            }
        );
    }

    /// <summary>The simulator's account settings, as the in-process test app has them (set per test run).</summary>
    private static IEnumerable<(string, string)> WechatSettings()
    {
        var a = TestApp.Account;
        yield return ("Wechat__AppId", a.AppId);
        yield return ("Wechat__AccountId", a.AccountId);
        yield return ("Wechat__Token", a.Token);
        yield return ("Wechat__EncodingAesKey", a.EncodingAesKey);
        yield return ("Wechat__MiniProgramAppId", a.MiniProgramAppId);
        yield return ("Wechat__MiniProgramAppSecret", a.MiniProgramAppSecret);
        yield return ("Wechat__MiniProgramToken", a.MiniProgramToken);
        yield return ("Wechat__MiniProgramEncodingAesKey", a.MiniProgramEncodingAesKey);
        yield return ("Wechat__WebsiteAppId", a.WebsiteAppId);
        yield return ("Wechat__WebsiteAppSecret", a.WebsiteAppSecret);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>An API client as a person, with the sandbox's development sign-in (for the residents' side).</summary>
    public HttpClient ClientFor(long personId)
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseAddress) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Dev", personId.ToString());
        return client;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
            await Browser.CloseAsync();
        _playwright?.Dispose();
        _process?.Stop();
    }
}
