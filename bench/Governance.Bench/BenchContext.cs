using System.Diagnostics;
using Dapper;
using Governance.Bench.Generator;
using Governance.Core;
using Governance.Core.Data;
using Governance.Jobs;
using Governance.Wechat;
using Governance.Wechat.Simulator;

namespace Governance.Bench;

/// <summary>
/// What every scenario shares: the bench database (built once, reused by later runs), the WeChat simulator that
/// stands in for api.weixin.qq.com, the product's own services over that database (built with the API's own
/// registration code), and the results file.
/// </summary>
public sealed class BenchContext : IAsyncDisposable
{
    /// <summary>
    /// The dataset every scenario runs on: one street of twenty communities (9,600 buildings), 20,000 members, 20,000
    /// residents, 1,000,000 orders of which 100,000 are open.
    /// </summary>
    public static readonly ScaleOptions Street = new()
    {
        Streets = 1,
        CommunitiesPerStreet = 20,
        CompoundsPerCommunity = 10,
        GridsPerCompound = 4,
        BuildingsPerGrid = 12,
        UnderPath = $"/{ScaleData.StreetBase}/",
        Residents = 20_000,
        Members = 20_000,
        Units = 50,
        Orders = 1_000_000,
        OpenShare = 0.1,
        FollowingShare = 0.9,
    };

    /// <summary>
    /// The county of the statistics issue (GOVERNANCE_BENCH_DATASET=county, used by bench/replica.sh): 12 streets of 9
    /// communities (108), two compounds of two grids each (432 grids), 176 units, 20,000 members and residents, and
    /// 1,000,000 orders over three years, 3% of them still open.
    /// </summary>
    public static readonly ScaleOptions County = new()
    {
        County = true,
        Streets = 12,
        CommunitiesPerStreet = 9,
        CompoundsPerCommunity = 2,
        GridsPerCompound = 2,
        BuildingsPerGrid = 6,
        UnderPath = $"/{ScaleData.CountyId}/",
        Residents = 20_000,
        Members = 20_000,
        Units = 176,
        Orders = 1_000_000,
        OpenShare = 0.03,
        HistoryDays = 1095,
        FollowingShare = 0.9,
    };

    /// <summary>The dataset of this run: <see cref="Street"/> unless GOVERNANCE_BENCH_DATASET says county.</summary>
    public static ScaleOptions Dataset { get; } =
        Environment.GetEnvironmentVariable("GOVERNANCE_BENCH_DATASET") == "county" ? County : Street;

    public static readonly WechatOptions Account = new()
    {
        Mode = "sandbox",
        SandboxPort = 0,
        AppId = "wxbench0000000oa1",
        AccountId = "gh_bench0000001",
        Token = "benchtoken",
        EncodingAesKey = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR",
        MiniProgramAppId = "wxbench0000000mp1",
        MiniProgramAppSecret = "bench-mp-secret",
        TimestampWindowSeconds = 3600,
    };

    public required string ConnectionString { get; init; }
    public required string Root { get; init; }
    public required WechatSimulator Wechat { get; init; }
    public required IServiceProvider Services { get; init; }
    public required WebApplication Host { get; init; }
    public required string ResultsFile { get; init; }
    public Db Db => Services.GetRequiredService<Db>();

    public T Service<T>()
        where T : notnull => Services.GetRequiredService<T>();

    public static async Task<BenchContext> CreateAsync(string connectionString, string root, bool fresh)
    {
        var wechat = await WechatSimulator.StartAsync(Account, TimeProvider.System);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        builder.Configuration.AddInMemoryCollection(
            Settings(connectionString, wechat.BaseAddress, Path.Combine(root, ".data", "bench-files"), roles: "api")
        );
        builder.Logging.ClearProviders();
        builder.Services.AddGovernanceCore();
        builder.Services.AddGovernanceWechat();
        builder.Services.AddGovernanceJobs(builder.Configuration);
        builder.Services.AddSingleton<ScaleData>();
        var host = builder.Build();
        var results = Path.Combine(root, "bench", "results", $"{DateTime.UtcNow:yyyyMMdd-HHmmss}.md");
        Directory.CreateDirectory(Path.GetDirectoryName(results)!);
        var context = new BenchContext
        {
            ConnectionString = connectionString,
            Root = root,
            Wechat = wechat,
            Services = host.Services,
            Host = host,
            ResultsFile = results,
        };
        await context.EnsureDatasetAsync(fresh);
        context.ServerVersion = await context.Db.SelfCheckAsync();
        return context;
    }

    /// <summary>Configuration shared by the bench's own services and the API processes it starts.</summary>
    public static Dictionary<string, string?> Settings(
        string connectionString,
        string wechatBase,
        string dataRoot,
        string roles
    ) =>
        new()
        {
            ["Database:ConnectionString"] = connectionString,
            // bench/replica.sh: statistics and exports read the replica.
            ["Database:ReadConnectionString"] = Environment.GetEnvironmentVariable(
                "GOVERNANCE_BENCH_REPLICA_CONNECTION_STRING"
            ) ?? "",
            ["Storage:DataRoot"] = dataRoot,
            ["Roles"] = roles,
            ["Wechat:Mode"] = Account.Mode,
            ["Wechat:SandboxPort"] = "0",
            ["Wechat:ApiBaseAddress"] = wechatBase,
            ["Wechat:AppId"] = Account.AppId,
            ["Wechat:AccountId"] = Account.AccountId,
            ["Wechat:Token"] = Account.Token,
            ["Wechat:EncodingAesKey"] = Account.EncodingAesKey,
            ["Wechat:MiniProgramAppId"] = Account.MiniProgramAppId,
            ["Wechat:MiniProgramAppSecret"] = Account.MiniProgramAppSecret,
            ["Wechat:TimestampWindowSeconds"] = Account.TimestampWindowSeconds.ToString(),
            ["RateLimits:Burst"] = "1000000",
            ["RateLimits:PerMinute"] = "1000000",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:Console:FormatterName"] = "simple",
        };

    /// <summary>
    /// Builds the dataset unless the database already holds it (the generator is deterministic, so a rebuild gives the
    /// same rows).
    /// </summary>
    private async Task EnsureDatasetAsync(bool fresh)
    {
        var database = MySqlDriver.DatabaseName(ConnectionString);
        await using (var c = MySqlDriver.CreateConnection(MySqlDriver.ServerLevel(ConnectionString)))
        {
            await c.OpenAsync();
            if (fresh)
                await c.ExecuteAsync($"DROP DATABASE IF EXISTS `{database}`");
            await c.ExecuteAsync(
                $"CREATE DATABASE IF NOT EXISTS `{database}` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci"
            );
        }
        var runner = Service<MigrationRunner>();
        await runner.ApplyAsync(SqlScript.Migrations(), CancellationToken.None);
        await runner.ApplyAsync(SqlScript.DemoSeed(), CancellationToken.None);
        await using var conn = await Db.OpenAsync();
        var orders = await conn.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM service_order WHERE id >= @base",
            new { @base = ScaleData.OrderBase }
        );
        if (orders >= Dataset.Orders)
        {
            Console.WriteLine(
                $"Dataset present in {database} ({orders:N0} generated orders); use --fresh to rebuild it."
            );
            // What earlier runs added goes, so every run starts from the same place: their reports, notices and job
            // records.
            await conn.ExecuteAsync(
                $"""
                DELETE FROM inbox_message; DELETE FROM delivery; DELETE FROM broadcast; DELETE FROM job_run; DELETE
                  FROM wechat_inbound; DELETE FROM conversation;
                DELETE FROM order_follower WHERE {NotGenerated("order_id")} OR person_id >= {ScaleData.ResidentBase};
                DELETE FROM order_photo WHERE {NotGenerated("order_id")};
                DELETE FROM order_event WHERE {NotGenerated("order_id")};
                DELETE FROM service_order WHERE {NotGenerated("id")};
                """,
                commandTimeout: 1800
            );
            return;
        }
        Console.WriteLine(
            $"Generating the dataset in {database}: {Dataset.Orders:N0} orders, {Dataset.Members:N0} members, "
                + $"{Dataset.Residents:N0} residents …"
        );
        var watch = Stopwatch.StartNew();
        var result = await Service<ScaleData>().GenerateAsync(Dataset);
        Console.WriteLine(
            $"Generated {result.Areas:N0} areas, {result.Orders:N0} orders and {result.Events:N0} timeline events in "
                + $"{watch.Elapsed.TotalSeconds:F1} s: "
                + string.Join(", ", result.Steps.Select(st => $"{st.Step} {st.Took.TotalSeconds:F1} s"))
        );
        Generation = result;
    }

    public ScaleResult? Generation { get; private set; }

    /// <summary>
    /// Orders made during bench runs, not by the generator (whose ids are OrderBase … OrderBase + Orders - 1).
    /// </summary>
    public static string NotGenerated(string column) =>
        $"({column} < {ScaleData.OrderBase} OR {column} >= {ScaleData.OrderBase + Dataset.Orders})";

    public string ServerVersion { get; private set; } = "";

    public async Task WriteAsync(Table table)
    {
        var md = table.ToMarkdown();
        Console.WriteLine();
        Console.WriteLine(md);
        await File.AppendAllTextAsync(ResultsFile, md);
    }

    public async ValueTask DisposeAsync()
    {
        await Wechat.DisposeAsync();
        await Host.DisposeAsync();
    }
}
