using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using Dapper;
using Governance.Bench.Generator;
using Governance.Core.Intake;
using Governance.Wechat.Protocol;

namespace Governance.Bench.Scenarios;

/// <summary>
/// Scenario 1: residents report problems through the real callback path — signed, encrypted (safe mode) text
/// messages into a real API process, a real dialog turn each: the report (answered with a summary to confirm) and
/// "确认" (answered with the new order's code, or a link to an open order of the same problem). Rising concurrency,
/// each level with fresh residents. In the same run, the baseline: the same host answering an endpoint that does
/// one INSERT per request.
/// </summary>
public static class GatewayScenario
{
    /// <summary>
    /// Reports a resident might send; those the classifier is not confident about are dropped at start.
    /// </summary>
    private static readonly string[] Reports =
    [
        "小区门口的路灯坏了好几天了，晚上很黑",
        "楼上邻居每天半夜装修，吵得睡不着",
        "单元门口的垃圾堆了三天没人清运",
        "楼道里的灯不亮了，上下楼看不见",
        "小区里有人私自搭建彩钢棚",
        "家里老人行动不便，需要有人帮忙买菜",
        "想咨询一下租房合同纠纷怎么处理",
        "物业不按时维修电梯，经常停运",
        "车位被外来车辆长期占用",
        "下水道堵塞，污水漫到路面",
        "广场舞音乐声音太大，晚上十点还在跳",
        "楼下烧烤店油烟太大",
        "单元门的门禁坏了关不上",
        "小区的健身器材坏了很危险",
        "邻居家的狗天天叫，影响休息",
        "水管漏水，楼道里全是水",
        "希望社区能组织一些老年人的文体活动",
        "孩子放学后没人照看，有没有托管服务",
        "有人在小区里乱停电动车充电",
        "楼顶防水坏了，家里漏雨",
    ];

    public sealed record Level(int Concurrency, int Residents);

    public static async Task RunAsync(BenchContext context, IReadOnlyList<Level> levels, TimeSpan warmUp)
    {
        var texts = await ConfidentReportsAsync(context);
        await using var api = await ApiNode.StartAsync(context, 5190, "api");
        await using var baselineNode = await ApiNode.StartBaselineAsync(context, 5189);
        var table = new Table(
            "Gateway: signed, encrypted text messages through the callback and a real dialog turn",
            "kind",
            "concurrency",
            "requests",
            "req/s",
            "p50 ms",
            "p99 ms",
            "max ms",
            "errors",
            "replies deferred",
            "orders created",
            "reports linked",
            "API peak MiB",
            "CPU ms/request: API / DB / load"
        );
        var next = 0;
        // Warm-up until the JIT has settled (tiered compilation keeps recompiling hot methods for a minute or more),
        // with the connection pools, the classifier model and the place directory filled on the way.
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed < warmUp && next < 8000)
        {
            await RunLevelAsync(context, api.BaseAddress, texts, new Level(32, 1000), next, null);
            next += 1000;
        }
        await BaselineLevelAsync(baselineNode.BaseAddress, 32, 8000, null, baselineNode);
        table.Notes.Add($"after a warm-up of {warm.Elapsed.TotalSeconds:F0} s ({next:N0} residents)");
        var ratios = new List<string>();
        var statements = new Table(
            "Gateway: what each message costs the database, statement by statement (server-side)",
            "statement",
            "calls a message",
            "mean µs",
            "µs a message",
            "rows examined a call",
            "lock µs a call"
        );
        foreach (var level in levels)
        {
            var gateway = await RunLevelAsync(
                context,
                api.BaseAddress,
                texts,
                level,
                next,
                table,
                api
            );
            next += level.Residents;
            var baseline = await BaselineLevelAsync(
                baselineNode.BaseAddress,
                level.Concurrency,
                level.Residents * 2,
                table,
                baselineNode
            );
            ratios.Add($"{level.Concurrency}: {gateway / baseline:F2}");
        }
        // A separate stretch for the per-statement table: recording statements slows the server.
        await RunLevelAsync(context, api.BaseAddress, texts, new Level(8, 500), next, null, api, statements);
        next += 500;
        table.Notes.Add(
            $"gateway throughput as a share of the baseline's, by concurrency — {string.Join(", ", ratios)}"
        );
        table.Notes.Add(
            $"each resident sends two messages (the report, then 确认); {texts.Count} report texts; residents live in "
                + $"{Buildings:N0} buildings holding {BenchContext.Dataset.Orders:N0} orders"
        );
        table.Notes.Add("the load generator, the API process and MariaDB share the machine's two cores");
        await context.WriteAsync(table);
        await context.WriteAsync(statements);
    }

    public static async Task<List<string>> ConfidentReportsAsync(BenchContext context)
    {
        var intake = context.Service<IntakeService>();
        var confident = new List<string>();
        foreach (var text in Reports)
        {
            var a = await intake.AnalyzeAsync(text);
            if (a.Confident && !a.Urgency.IsUrgent)
                confident.Add(text);
        }
        if (confident.Count == 0)
            throw new InvalidOperationException("The classifier is confident about none of the bench's reports.");
        return confident;
    }

    private static HttpClient Client(string baseAddress, int concurrency) =>
        new(
            new SocketsHttpHandler
            {
                MaxConnectionsPerServer = concurrency,
                PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            }
        )
        {
            BaseAddress = new Uri(baseAddress),
            Timeout = TimeSpan.FromSeconds(30),
        };

    public sealed record LevelResult(
        double Rate,
        int Requests,
        double P50,
        double P99,
        double Max,
        int Errors,
        long Created,
        long Linked,
        IReadOnlyList<string> Samples,
        string CpuPerRequest = "",
        int Deferred = 0
    )
    {
        public (List<StatementProfile.Row> Rows, double RoundTripsPerMessage)? Statements { get; init; }
    }

    /// <summary>
    /// CPU milliseconds per request spent by the API process(es), MariaDB and this load generator over a measured
    /// stretch.
    /// </summary>
    private sealed class CpuMeter(IReadOnlyList<int> apiPids)
    {
        private readonly int? _db = Cpu.MariaDbPid();
        private readonly int _self = Environment.ProcessId;
        private readonly (double Api, double Db, double Self) _start = Read(
            apiPids,
            Cpu.MariaDbPid(),
            Environment.ProcessId
        );

        private static (double, double, double) Read(IReadOnlyList<int> api, int? db, int self) =>
            (api.Sum(Cpu.Seconds), db is { } d ? Cpu.Seconds(d) : 0, Cpu.Seconds(self));

        public string PerRequest(int requests)
        {
            var (api, db, self) = Read(apiPids, _db, _self);
            double Ms(double s) => s * 1000 / requests;
            return $"{Ms(api - _start.Api):F2} / {Ms(db - _start.Db):F2} / {Ms(self - _start.Self):F2}";
        }
    }

    /// <summary>Returns messages per second.</summary>
    private static async Task<double> RunLevelAsync(
        BenchContext context,
        string baseAddress,
        List<string> texts,
        Level level,
        int firstResident,
        Table? table,
        ApiNode? api = null,
        Table? statements = null
    )
    {
        var r = await LoadAsync(
            context,
            [baseAddress],
            texts,
            level,
            firstResident,
            api is null ? [] : [api.Pid],
            statements is null ? null : new StatementProfile(context, baseAddress)
        );
        if (statements is not null && r.Statements is { } profile)
        {
            foreach (var row in profile.Rows)
                statements.Add(
                    row.Statement,
                    row.CallsPerMessage,
                    row.MeanMicros,
                    row.MicrosPerMessage,
                    row.RowsExaminedPerCall,
                    row.LockMicrosPerCall
                );
            statements.Notes.Add(
                $"{r.Requests:N0} messages at concurrency {level.Concurrency}: "
                    + $"{profile.RoundTripsPerMessage:F1} round trips "
                    + $"and {profile.Rows.Sum(x => x.CallsPerMessage):F1} statements a message, "
                    + $"{profile.Rows.Sum(x => x.MicrosPerMessage) / 1000:F2} ms of server time a message "
                    + "(half the messages are reports answered with a summary, half confirmations that file the order)"
            );
        }
        table?.Add(
            "gateway",
            level.Concurrency,
            r.Requests,
            r.Rate,
            r.P50,
            r.P99,
            r.Max,
            r.Errors,
            r.Deferred,
            r.Created,
            r.Linked,
            api?.PeakMemoryMiB,
            r.CpuPerRequest
        );
        Console.WriteLine($"  gateway c={level.Concurrency}: {r.Rate:F0} msg/s, p99 {r.P99:F1} ms, errors {r.Errors}");
        if (table is not null && table.Notes.Count == 0)
            table.Notes.Add($"a resident's two turns, as sent back: «{string.Join("» → «", r.Samples)}»");
        return r.Rate;
    }

    /// <summary>
    /// Residents firstResident … firstResident + level.Residents - 1 each report and confirm, spread over the given API
    /// nodes (resident i talks to node i mod n, as a load balancer would send them).
    /// </summary>
    public static async Task<LevelResult> LoadAsync(
        BenchContext context,
        IReadOnlyList<string> baseAddresses,
        List<string> texts,
        Level level,
        int firstResident,
        IReadOnlyList<int>? apiPids = null,
        StatementProfile? profile = null
    )
    {
        // Built ahead, so the timed loop only sends: WeChat's envelope for each resident's report and confirmation.
        var sim = context.Wechat;
        var requests = Enumerable
            .Range(0, level.Residents)
            .Select(i =>
            {
                var openid = $"o_gen_resident_{ScaleData.ResidentBase + firstResident + i}";
                return (
                    Report: sim.Envelope(sim.TextXml(openid, texts[(firstResident + i) % texts.Count])),
                    Confirm: sim.Envelope(sim.TextXml(openid, "确认"))
                );
            })
            .ToArray();
        var latencies = new ConcurrentBag<double>();
        var replies = new string?[level.Residents * 2];
        var errors = 0;
        var clients = baseAddresses.Select(a => Client(a, level.Concurrency)).ToArray();
        var started = DateTime.UtcNow;
        var next = -1;
        if (profile is not null)
            await profile.ResetAsync();
        var cpu = new CpuMeter(apiPids ?? []);
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(
            Enumerable
                .Range(0, level.Concurrency)
                .Select(_ =>
                    Task.Run(async () =>
                    {
                        int i;
                        while ((i = Interlocked.Increment(ref next)) < requests.Length)
                        {
                            var http = clients[i % clients.Length];
                            foreach (
                                var (n, (url, body)) in new[] { (0, requests[i].Report), (1, requests[i].Confirm) }
                            )
                            {
                                var t = Stopwatch.GetTimestamp();
                                try
                                {
                                    using var response = await http.PostAsync(
                                        url,
                                        new StringContent(body, Encoding.UTF8, "text/xml")
                                    );
                                    var text = await response.Content.ReadAsStringAsync();
                                    latencies.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                                    if (response.StatusCode == HttpStatusCode.OK)
                                        replies[i * 2 + n] = text;
                                    else
                                        Interlocked.Increment(ref errors);
                                }
                                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                                {
                                    latencies.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                                    Interlocked.Increment(ref errors);
                                }
                            }
                        }
                    })
                )
        );
        var elapsed = watch.Elapsed;
        var cpuPerRequest = cpu.PerRequest(requests.Length * 2);
        (List<StatementProfile.Row> Rows, double RoundTripsPerMessage)? statements =
            profile is null ? null : await profile.ReadAsync(requests.Length * 2);
        foreach (var client in clients)
            client.Dispose();
        // Every reply is read back (decrypted, signature checked): the report gets a summary, the confirmation an order
        // or a link.
        var samples = new List<string>();
        var deferred = 0;
        for (var i = 0; i < replies.Length; i++)
        {
            if (replies[i] is not { } body)
                continue;
            var content = sim.ReplyXml(body) is { } xml ? WechatXml.ParseSafe(xml).Element("Content")?.Value ?? "" : "";
            if (i < 2)
                samples.Add(content.ReplaceLineEndings(" "));
            if (body == "success")
            {
                // Over the turn budget: WeChat got "success" in time and the reply follows by customer-service message.
                deferred++;
                continue;
            }
            var ok =
                i % 2 == 0
                    ? content.StartsWith("请确认您要反映的问题", StringComparison.Ordinal)
                    : content.Contains("工单号", StringComparison.Ordinal)
                        || content.Contains("合并", StringComparison.Ordinal)
                        || content.Contains("已经反映过", StringComparison.Ordinal);
            if (!ok)
                Interlocked.Increment(ref errors);
        }
        await using var c = await context.Db.OpenAsync();
        var created = await c.ExecuteScalarAsync<long>(
            $"SELECT COUNT(*) FROM service_order WHERE source = 'wechat_chat' AND created_at >= @started AND "
                + $"{BenchContext.NotGenerated("id")}",
            new { started }
        );
        var linked = await c.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM order_follower WHERE created_at >= @started",
            new { started }
        );
        var sorted = latencies.Order().ToList();
        return new LevelResult(
            requests.Length * 2 / elapsed.TotalSeconds,
            requests.Length * 2,
            Stats.Percentile(sorted, 50),
            Stats.Percentile(sorted, 99),
            sorted.LastOrDefault(),
            errors,
            created,
            linked,
            samples,
            cpuPerRequest,
            deferred
        )
        {
            Statements = statements,
        };
    }

    /// <summary>
    /// The baseline server (same framework and driver), one INSERT per request. Returns requests per second.
    /// </summary>
    private static async Task<double> BaselineLevelAsync(
        string baseAddress,
        int concurrency,
        int total,
        Table? table,
        ApiNode api
    )
    {
        var latencies = new ConcurrentBag<double>();
        var errors = 0;
        using var http = Client(baseAddress, concurrency);
        var next = -1;
        var cpu = new CpuMeter([api.Pid]);
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(
            Enumerable
                .Range(0, concurrency)
                .Select(_ =>
                    Task.Run(async () =>
                    {
                        while (Interlocked.Increment(ref next) < total)
                        {
                            var t = Stopwatch.GetTimestamp();
                            try
                            {
                                using var response = await http.PostAsync("/insert", null);
                                await response.Content.ReadAsStringAsync();
                                if (response.StatusCode != HttpStatusCode.OK)
                                    Interlocked.Increment(ref errors);
                            }
                            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                            {
                                Interlocked.Increment(ref errors);
                            }
                            latencies.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                        }
                    })
                )
        );
        var elapsed = watch.Elapsed;
        var sorted = latencies.Order().ToList();
        var rate = total / elapsed.TotalSeconds;
        table?.Add(
            "baseline (1 INSERT)",
            concurrency,
            total,
            rate,
            Stats.Percentile(sorted, 50),
            Stats.Percentile(sorted, 99),
            sorted.LastOrDefault(),
            errors,
            "",
            "",
            "",
            api.PeakMemoryMiB,
            cpu.PerRequest(total)
        );
        return rate;
    }

    private static readonly int Buildings =
        BenchContext.Dataset.Streets
        * BenchContext.Dataset.CommunitiesPerStreet
        * BenchContext.Dataset.CompoundsPerCommunity
        * BenchContext.Dataset.GridsPerCompound
        * BenchContext.Dataset.BuildingsPerGrid;
}
