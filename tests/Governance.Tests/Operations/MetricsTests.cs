using System.Globalization;
using System.Text.RegularExpressions;

namespace Governance.Tests.Operations;

[Collection(DbCollection.Name)]
public sealed partial class MetricsTests(TestApp app) : DbTest(app)
{
    private async Task<(string Text, double Commands)> ScrapeAsync()
    {
        var response = await App.CreateClient().GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        var match = CommandsLine().Match(text);
        Assert.True(match.Success, text);
        return (text, double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task TheNodeCountsItsDatabaseRoundTripsAndServesThemToPrometheus()
    {
        var (_, before) = await ScrapeAsync();
        await App.ClientFor(1001).ReportAsync();
        var (text, after) = await ScrapeAsync();
        // A report reads the caller, the category and the place, looks for duplicates and writes the order in a few
        // round trips; anything past a few dozen would be a loop talking to the database.
        Assert.InRange(after - before, 3, 40);
        Assert.Contains("governance_db_command_duration_seconds_bucket", text);
    }

    [Fact]
    public async Task ANodeServesItsHttpAndRuntimeMetrics()
    {
        using var node = App.WithWebHostBuilder(_ => { });
        var client = node.CreateClient();
        Assert.True((await client.GetAsync("/api/categories")).IsSuccessStatusCode);
        var text = await client.GetStringAsync("/metrics");
        Assert.Contains("http_server_request_duration_seconds_bucket", text);
        Assert.Contains("http_route=\"/api/categories\"", text);
        Assert.Contains("dotnet_gc_collections_total", text);
    }

    [GeneratedRegex(@"^governance_db_commands_total(?:\{[^}]*\})? ([0-9.e+]+)", RegexOptions.Multiline)]
    private static partial Regex CommandsLine();
}
