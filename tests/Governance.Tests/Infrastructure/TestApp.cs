using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Governance.Tests.Infrastructure;

/// <summary>The real API host over the real test database, with a clock the tests control.</summary>
public sealed class TestApp : WebApplicationFactory<Program>
{
    public ManualClock Clock { get; } = new(new DateTimeOffset(2026, 11, 18, 2, 0, 0, TimeSpan.Zero));
    public string DataRoot { get; } = Path.Combine(
        Environment.GetEnvironmentVariable("GOVERNANCE_TEST_DATA_ROOT") is { Length: > 0 } root ? root : Path.GetTempPath(),
        "run-" + Guid.NewGuid().ToString("N")[..8]);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Database:ConnectionString", TestDatabase.ConnectionString);
        builder.UseSetting("Storage:DataRoot", DataRoot);
        builder.UseSetting("Logging:Console:FormatterName", "simple");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.ConfigureServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
        });
    }

    /// <summary>A client signed in as the given person (demo seed ids: 1001 resident, 9011 secretary of 城东社区, 9101 grid worker of 金龙小区第一网格).</summary>
    public HttpClient ClientFor(long personId)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Dev", personId.ToString());
        return client;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (Directory.Exists(DataRoot)) Directory.Delete(DataRoot, recursive: true);
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
        App.Clock.SetChina(2026, 11, 18, 10); // a Wednesday, an ordinary working day
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
