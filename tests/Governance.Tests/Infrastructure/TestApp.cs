using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Governance.Api.Infrastructure;
using Governance.Wechat;
using Governance.Wechat.Simulator;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Governance.Tests.Infrastructure;

/// <summary>The real API host over the real test database, with a clock the tests control.</summary>
public sealed class TestApp : WebApplicationFactory<Program>
{
    /// <summary>What the app reads the time from; <see cref="Clock"/> is the current test's fake clock.</summary>
    public TestClock Time { get; } = new();
    public FakeTimeProvider Clock => Time.Current;

    /// <summary>
    /// The WeChat account the gateway is configured with, and that the simulator signs and encrypts for.
    /// </summary>
    public static WechatOptions Account { get; } =
        new()
        {
            Mode = "sandbox",
            SandboxPort = 0,
            AppId = "wxtest00000000oa1",
            AccountId = "gh_test00000001",
            Token = "testtoken123",
            EncodingAesKey = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR",
            MiniProgramAppId = "wxtest00000000mp1",
            MiniProgramAppSecret = "mp-secret",
            MiniProgramToken = "testmptoken456",
            MiniProgramEncodingAesKey = "mPxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1bQ",
            WebsiteAppId = "wxtest0000000web1",
            WebsiteAppSecret = "web-secret",
        };

    /// <summary>The WeChat simulator: API calls from the app go to it; it pushes callbacks into the app.</summary>
    public WechatSimulator Wechat { get; }

    public TestApp()
    {
        Wechat = WechatSimulator.StartAsync(Account, Time).GetAwaiter().GetResult();
    }

    public string DataRoot { get; } =
        Path.Combine(
            Environment.GetEnvironmentVariable("GOVERNANCE_TEST_DATA_ROOT") is { Length: > 0 } root
                ? root
                : Path.GetTempPath(),
            "run-" + Guid.NewGuid().ToString("N")[..8]
        );

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Database:ConnectionString", TestDatabase.ConnectionString);
        builder.UseSetting("Storage:DataRoot", DataRoot);
        builder.UseSetting("Logging:Console:FormatterName", "simple");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        // Tests file hundreds of reports as the same demo people; the limit itself is tested with a fresh person.
        builder.UseSetting("RateLimits:Burst", "100000");
        builder.UseSetting("RateLimits:PerMinute", "100000");
        builder.UseSetting("RateLimits:SignInPerMinute", "100000");
        builder.UseSetting("RateLimits:ChecksPerMinute", "100000");
        builder.UseSetting("Roles", "api"); // the scheduler has tests of its own; runners are called directly
        builder.UseSetting("Jobs:Dispatcher:PerSecond", "5000");
        builder.UseSetting("Wechat:Mode", Account.Mode);
        builder.UseSetting("Wechat:SandboxPort", "0");
        builder.UseSetting("Wechat:ApiBaseAddress", Wechat.BaseAddress);
        builder.UseSetting("Wechat:AppId", Account.AppId);
        builder.UseSetting("Wechat:AccountId", Account.AccountId);
        builder.UseSetting("Wechat:Token", Account.Token);
        builder.UseSetting("Wechat:EncodingAesKey", Account.EncodingAesKey);
        builder.UseSetting("Wechat:MiniProgramAppId", Account.MiniProgramAppId);
        builder.UseSetting("Wechat:MiniProgramAppSecret", Account.MiniProgramAppSecret);
        builder.UseSetting("Wechat:MiniProgramToken", Account.MiniProgramToken);
        builder.UseSetting("Wechat:MiniProgramEncodingAesKey", Account.MiniProgramEncodingAesKey);
        builder.UseSetting("Wechat:WebsiteAppId", Account.WebsiteAppId);
        builder.UseSetting("Wechat:WebsiteAppSecret", Account.WebsiteAppSecret);
        builder.UseSetting("Wechat:OpenBaseAddress", Wechat.BaseAddress);
        builder.ConfigureServices(services =>
        {
            services.AddSingleton<Governance.Bench.Generator.ScaleData>();
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Time);
            services.RemoveAll<SandboxSimulator>();
            services.AddSingleton(sp => new SandboxSimulator(
                sp.GetRequiredService<WechatOptions>(),
                sp.GetRequiredService<Governance.Core.People.PersonStore>(),
                sp.GetRequiredService<Governance.Core.StaffConsole.StaffAccountStore>(),
                Time,
                sp.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>(),
                sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<SandboxSimulator>>()
            )
            {
                Instance = Wechat,
            });
        });
    }

    /// <summary>
    /// A client signed in as the given person (demo seed ids: 1001 resident, 9011 secretary of 城东社区, 9101 grid worker
    /// of 金龙小区第一网格).
    /// </summary>
    public HttpClient ClientFor(long personId)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Dev", personId.ToString());
        return client;
    }

    /// <summary>Points the simulator's pushes at this app (the in-memory test server).</summary>
    public void ConnectSimulator() => Wechat.Gateway ??= CreateClient();

    public T Service<T>()
        where T : notnull => Services.GetRequiredService<T>();

    protected override void Dispose(bool disposing)
    {
        Wechat.DisposeAsync().AsTask().GetAwaiter().GetResult();
        base.Dispose(disposing);
        if (Directory.Exists(DataRoot))
            Directory.Delete(DataRoot, recursive: true);
    }
}

/// <summary>One app and one database for all database tests; they run one at a time and reset state first.</summary>
[CollectionDefinition(Name)]
public sealed class DbCollection : ICollectionFixture<TestApp>
{
    public const string Name = "database";
}

public abstract class DbTest(TestApp app) : IAsyncLifetime
{
    protected TestApp App { get; } = app;

    public virtual async Task InitializeAsync()
    {
        await TestDatabase.ResetAsync();
        App.Time.Reset(ClockExtensions.China(2026, 11, 18, 10)); // a Wednesday, an ordinary working day
        App.ConnectSimulator();
        App.Wechat.ClearSent();
        App.Wechat.ClearFaults();
        // What WeChat knows of the seed's people: who follows the official account, who has the mini-program.
        App.Wechat.ForgetPeople();
        var (followers, miniProgramUsers) = await App.Service<Governance.Core.People.PersonStore>().OpenidsAsync();
        App.Wechat.Follow(followers);
        App.Wechat.Visit(miniProgramUsers);
        var options = App.Service<WechatOptions>();
        options.TurnBudgetMilliseconds = 3000;
        options.MessageMode = WechatOptions.SafeMode;
        var shipped = new Governance.Wechat.Sending.OutboxOptions();
        App.Service<Governance.Wechat.Sending.OutboxOptions>().MaxAttempts = shipped.MaxAttempts;
    }

    public virtual Task DisposeAsync() => Task.CompletedTask;
}

public static class Json
{
    public static async Task<JsonElement> BodyAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement;
    }

    public static async Task<JsonElement> ProblemAsync(this HttpResponseMessage response, int status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var json = JsonDocument.Parse(body).RootElement;
        Assert.Equal(code, json.GetProperty("code").GetString());
        Assert.Equal(status, json.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(json.GetProperty("title").GetString()));
        return json;
    }

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string url, object body) =>
        client.PostAsJsonAsync(url, body);
}
