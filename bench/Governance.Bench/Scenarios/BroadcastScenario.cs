using System.Diagnostics;
using Dapper;
using Governance.Bench.Generator;
using Governance.Core.Broadcasts;
using Governance.Core.People;
using Governance.Wechat.Sending;

namespace Governance.Bench.Scenarios;

/// <summary>
/// Scenario 2: a street admin's notice to every registered member of the street, expanded into the outbox and sent by
/// two dispatcher loops (as two jobs nodes would) to the simulator: template messages for members who follow the
/// account, the in-app inbox for the rest. Time to the last delivery, deliveries per second, and a count of anyone
/// reached twice (duplicates) or not at all (losses).
/// </summary>
public static class BroadcastScenario
{
    public const long StreetAdmin = ScaleData.StaffBase; // the admin of the generated street (area 900)

    public sealed record Outcome(
        int Recipients,
        IReadOnlyDictionary<string, int> ByChannel,
        TimeSpan Expansion,
        TimeSpan ToLastDelivery,
        int Sent,
        int Duplicates,
        int Losses
    );

    public static async Task RunAsync(BenchContext context, int size, int dispatchers = 2)
    {
        var id = await ComposeAsync(context, size);
        var outcome = await SendAndWaitAsync(context, id, async ct =>
        {
            var dispatcher = context.Service<OutboxSender>();
            await Task.WhenAll(
                Enumerable
                    .Range(0, dispatchers)
                    .Select(_ =>
                        Task.Run(
                            async () =>
                            {
                                while (!ct.IsCancellationRequested && (await dispatcher.RunOnceAsync(ct)).Claimed > 0)
                                { }
                            },
                            ct
                        )
                    )
            );
        });
        var table = new Table(
            $"Broadcast fan-out: one notice to {outcome.Recipients:N0} members through the outbox",
            "recipients",
            "channels",
            "expand into outbox",
            "time to last delivery",
            "deliveries/s",
            "duplicates",
            "losses"
        );
        table.Add(
            outcome.Recipients,
            string.Join(", ", outcome.ByChannel.Select(c => $"{c.Key} {c.Value:N0}")),
            outcome.Expansion,
            outcome.ToLastDelivery,
            outcome.Sent / outcome.ToLastDelivery.TotalSeconds,
            outcome.Duplicates,
            outcome.Losses
        );
        table.Notes.Add(
            $"{dispatchers} dispatcher loops in one process, batches of "
                + $"{context.Service<OutboxOptions>().BatchSize}, {context.Service<OutboxOptions>().Parallelism} sends "
                + $"in flight each, at most {context.Service<OutboxOptions>().PerSecond}/s per channel (the product "
                + $"default)"
        );
        table.Notes.Add("target: ≥ 1,000 deliveries/s, no duplicates, no losses");
        await context.WriteAsync(table);
    }

    /// <summary>
    /// A draft notice from the street admin to the street's members (all of them, or the first <paramref name="size"/>
    /// as a list).
    /// </summary>
    public static async Task<long> ComposeAsync(BenchContext context, int size)
    {
        var caller = (await context.Service<PersonStore>().LoadCallerAsync(StreetAdmin))!;
        var all = BenchContext.Dataset.Members;
        IReadOnlyList<long>? list =
            size >= all ? null : Enumerable.Range(0, size).Select(i => ScaleData.MemberBase + i).ToList();
        var created = await context
            .Service<BroadcastService>()
            .CreateAsync(
                caller,
                "冬季消防安全提醒",
                "请各位党员本周内协助检查所在小区楼道的消防通道和灭火器，发现问题请在小程序上报。",
                ScaleData.StreetBase,
                list is null ? Audience.Members : Audience.List,
                list,
                CancellationToken.None
            );
        if (!created.IsOk)
            throw new InvalidOperationException(created.Error!.Message);
        return created.Value!.Id;
    }

    /// <summary>
    /// Sends the broadcast, runs <paramref name="drain"/> (or waits for other processes to drain it), and checks who
    /// got what.
    /// </summary>
    public static async Task<Outcome> SendAndWaitAsync(
        BenchContext context,
        long id,
        Func<CancellationToken, Task>? drain,
        TimeSpan? timeout = null
    )
    {
        var caller = (await context.Service<PersonStore>().LoadCallerAsync(StreetAdmin))!;
        var service = context.Service<BroadcastService>();
        var preview = (await service.PreviewAsync(caller, id, CancellationToken.None)).Value!;
        var watch = Stopwatch.StartNew();
        var sent = await service.SendAsync(caller, id, null, CancellationToken.None);
        if (!sent.IsOk)
            throw new InvalidOperationException(sent.Error!.Message);
        var expansion = watch.Elapsed;
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(10));
        if (drain is not null)
            await drain(cts.Token);
        while (true)
        {
            await using var c = await context.Db.OpenAsync();
            if (
                await c.ExecuteScalarAsync<int>(
                    "SELECT COUNT(*) FROM delivery WHERE broadcast_id = @id AND status IN "
                        + "('pending','sending','failed')",
                    new { id }
                ) == 0
            )
                break;
            if (cts.IsCancellationRequested)
                throw new TimeoutException("The broadcast did not finish in time.");
            await Task.Delay(100);
        }
        await using var conn = await context.Db.OpenAsync();
        var last = await conn.ExecuteScalarAsync<DateTime>(
            "SELECT MAX(sent_at) FROM delivery WHERE broadcast_id = @id",
            new { id }
        );
        var startedAt = await conn.ExecuteScalarAsync<DateTime>(
            "SELECT sent_at FROM broadcast WHERE id = @id",
            new { id }
        );
        var rows = (
            await conn.QueryAsync<(string Channel, string Status, string? Openid)>(
                "SELECT channel, status, openid FROM delivery WHERE broadcast_id = @id",
                new { id }
            )
        ).AsList();
        var page = $"id={id}";
        var received = context
            .Wechat.Sent(api: "template")
            .Where(m =>
                m.Body["miniprogram"]?["pagepath"]?.GetValue<string>()?.EndsWith(page, StringComparison.Ordinal) == true
            )
            .ToList();
        var inbox = await conn.ExecuteScalarAsync<int>(
            "SELECT COUNT(*) FROM inbox_message i JOIN delivery d ON d.id = i.delivery_id WHERE d.broadcast_id = @id",
            new { id }
        );
        var duplicates =
            received.Count
            - received.Select(m => m.ToUser).Distinct().Count()
            + (int)context.Wechat.RepeatedTemplateSends;
        var templateRows = rows.Where(r => r.Channel == "template" && r.Status == "sent")
            .Select(r => r.Openid)
            .ToHashSet();
        var reached = received.Select(m => m.ToUser).ToHashSet();
        var losses =
            (preview.Recipients - rows.Count)
            + rows.Count(r => r.Status != "sent")
            + templateRows.Count(o => !reached.Contains(o!))
            + Math.Max(0, rows.Count(r => r.Channel == "inbox" && r.Status == "sent") - inbox);
        return new Outcome(
            preview.Recipients,
            preview.ByChannel,
            expansion,
            last - startedAt,
            rows.Count(r => r.Status == "sent"),
            duplicates,
            losses
        );
    }
}
