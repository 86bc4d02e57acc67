using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using Governance.Core;
using OpenTelemetry.Metrics;

namespace Governance.Api.Infrastructure;

public sealed class MetricsOptions
{
    public const string Section = "Metrics";

    /// <summary>Serve the node's metrics at /metrics in Prometheus' text format.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Answer scrapes from other hosts too; off, only the node's own host (a sidecar, an SSH tunnel) may read them.
    /// </summary>
    public bool AllowRemote { get; set; }
}

/// <summary>
/// The node's metrics, for Prometheus: ASP.NET Core's own (requests, durations, connections), the runtime's (GC, thread
/// pool), MySqlConnector's connection pool, and the database commands this process sends — one command is one round
/// trip, so commands per request is the figure to watch when a path grows slow.
/// </summary>
public static class Telemetry
{
    public const string MeterName = "Governance";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Commands = Meter.CreateCounter<long>(
        "governance.db.commands",
        description: "Database commands sent (each one round trip to the server)"
    );

    private static readonly Histogram<double> CommandDuration = Meter.CreateHistogram<double>(
        "governance.db.command.duration",
        unit: "s",
        description: "Time from sending a database command to reading its last result"
    );

    /// <summary>
    /// MySqlConnector reports each command as an "Execute" activity; counting them costs a callback each.
    /// </summary>
    private static readonly ActivityListener CommandListener = new()
    {
        ShouldListenTo = source => source.Name == "MySqlConnector",
        Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.PropagationData,
        ActivityStopped = activity =>
        {
            if (activity.OperationName != "Execute")
                return;
            Commands.Add(1);
            CommandDuration.Record(activity.Duration.TotalSeconds);
        },
    };

    public static void AddGovernanceTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddSettings<MetricsOptions>(MetricsOptions.Section);
        var options = builder.Configuration.GetSection(MetricsOptions.Section).Get<MetricsOptions>() ?? new();
        if (!options.Enabled)
            return;
        ActivitySource.AddActivityListener(CommandListener);
        builder
            .Services.AddOpenTelemetry()
            .WithMetrics(metrics =>
                metrics
                    .AddMeter(
                        MeterName,
                        "MySqlConnector",
                        "Microsoft.AspNetCore.Hosting",
                        "Microsoft.AspNetCore.Server.Kestrel",
                        "Microsoft.AspNetCore.RateLimiting",
                        "System.Runtime"
                    )
                    .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0)
            );
    }

    /// <summary>
    /// /metrics, from the node's own host unless AllowRemote (in-process test servers have no address).
    /// </summary>
    public static void UseGovernanceMetrics(this WebApplication app)
    {
        var options = app.Configuration.GetSection(MetricsOptions.Section).Get<MetricsOptions>() ?? new();
        if (!options.Enabled)
            return;
        app.UseOpenTelemetryPrometheusScrapingEndpoint(
            meterProvider: null,
            predicate: context =>
                context.Request.Path == "/metrics"
                && (
                    options.AllowRemote
                    || context.Connection.RemoteIpAddress is not { } remote
                    || IPAddress.IsLoopback(remote)
                ),
            path: null,
            configureBranchedPipeline: null,
            optionsName: null
        );
    }
}
