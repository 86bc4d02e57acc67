using System.Net;
using Governance.Core.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using MySqlConnector;

namespace Governance.Tests.Api;

/// <summary>
/// The database goes away under a running node and comes back: requests meanwhile answer 503 with Retry-After and a
/// stable code, the outage is logged once rather than per request, and the node recovers without a restart.
/// </summary>
[Collection(DbCollection.Name)]
public sealed class DatabaseOutageTests(TestApp app) : DbTest(app)
{
    private sealed class Errors : ILoggerProvider
    {
        public readonly List<string> Lines = [];

        public ILogger CreateLogger(string category) => new Logger(this, category);

        public void Dispose() { }

        private sealed class Logger(Errors owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel level) => level >= LogLevel.Error;

            public void Log<TState>(
                LogLevel level,
                EventId id,
                TState state,
                Exception? exception,
                Func<TState, Exception?, string> format
            )
            {
                if (level >= LogLevel.Error)
                    lock (owner.Lines)
                        owner.Lines.Add($"{category}: {format(state, exception)}");
            }
        }
    }

    [Fact]
    public async Task WhileTheDatabaseIsAwayRequestsAnswer503AndTheNodeRecoversOnItsOwn()
    {
        var target = new MySqlConnectionStringBuilder(TestDatabase.ConnectionString);
        await using var proxy = new TcpProxy(target.Server, (int)target.Port);
        proxy.Start();
        var viaProxy = new MySqlConnectionStringBuilder(TestDatabase.ConnectionString)
        {
            Server = "127.0.0.1",
            Port = (uint)proxy.Port,
            ConnectionTimeout = 2,
        }.ConnectionString;
        var errors = new Errors();
        using var node = App.WithWebHostBuilder(b =>
        {
            b.UseSetting("Database:ConnectionString", viaProxy);
            b.ConfigureLogging(l => l.AddProvider(errors));
        });
        var resident = node.CreateClient();
        resident.DefaultRequestHeaders.Authorization = new("Dev", "1001");
        await resident.GetAsync("/api/orders").OkAsync();

        proxy.Cut();
        for (var i = 0; i < 20; i++)
        {
            var response = await resident.GetAsync(i % 2 == 0 ? "/api/orders" : "/api/categories/x");
            if (response.StatusCode == HttpStatusCode.NotFound)
                continue; // a route that does not exist needs no database
            await response.ProblemAsync(503, "service.unavailable");
            Assert.True(response.Headers.RetryAfter is not null);
        }
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await node.CreateClient().GetAsync("/healthz")).StatusCode);
        lock (errors.Lines)
            Assert.Single(errors.Lines, l => l.Contains("Database unavailable"));

        proxy.Start();
        var back = false;
        for (var i = 0; i < 20 && !back; i++)
        {
            back = (await resident.GetAsync("/api/orders")).IsSuccessStatusCode;
            if (!back)
                await Task.Delay(250);
        }
        Assert.True(back, "the node did not recover after the database came back");
        await resident.ReportCodeAsync();
    }

    /// <summary>
    /// What the driver throws on a connection the server dropped — first the failed statement, then every use of the
    /// now Broken connection — is recognised as the database being away (503), not as a bug (500).
    /// </summary>
    [Fact]
    public async Task ADroppedConnectionIsRecognisedAsAnOutageEveryWayTheDriverReportsIt()
    {
        var target = new MySqlConnectionStringBuilder(TestDatabase.ConnectionString);
        await using var proxy = new TcpProxy(target.Server, (int)target.Port);
        proxy.Start();
        var viaProxy = new MySqlConnectionStringBuilder(TestDatabase.ConnectionString)
        {
            Server = "127.0.0.1",
            Port = (uint)proxy.Port,
            Pooling = false,
        }.ConnectionString;
        await using var c = new MySqlConnection(viaProxy);
        await c.OpenAsync();
        await using (var ok = new MySqlCommand("SELECT 1", c))
            Assert.Equal(1, Convert.ToInt32(await ok.ExecuteScalarAsync()));
        proxy.Cut();
        var seen = new List<Exception>();
        for (var i = 0; i < 3; i++)
        {
            try
            {
                await using var command = new MySqlCommand("SELECT 1", c);
                await command.ExecuteScalarAsync();
            }
            catch (Exception ex)
            {
                seen.Add(ex);
            }
        }
        Assert.Equal(3, seen.Count);
        Assert.Contains(seen, e => e is InvalidOperationException);
        Assert.All(seen, e => Assert.True(MySqlDriver.IsUnavailable(e), $"{e.GetType().Name}: {e.Message}"));
        Assert.False(MySqlDriver.IsUnavailable(new InvalidOperationException("Sequence contains no elements")));
    }
}
