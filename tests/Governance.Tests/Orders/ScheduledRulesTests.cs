using System.Net.Http.Json;
using Governance.Core.Digest;
using Governance.Core.Members;
using Governance.Core.Orders;
using Governance.Wechat.Sending;

namespace Governance.Tests.Orders;

/// <summary>
/// The order rules the scheduler runs (reminders, escalation, 回访, claim expiry), driven by the test clock over a
/// realistic week, each run twice to show a re-run sends nothing new. Demo people: resident 1001 (金龙小区 3栋, follows the
/// account), member 2001 (unit 1 县医院, admin 3001), member 2005 (unit 5), grid worker 9101, secretary 9011 (城东社区),
/// street admin 9001 (莲花街道). A 设施维修 report made on Wednesday 18 November 10:00 is due on Wednesday 25 November at
/// 23:59:59 (five working days).
/// </summary>
[Collection(DbCollection.Name)]
public sealed class ScheduledRulesTests(TestApp app) : DbTest(app)
{
    [Fact]
    public async Task RemindersGoToTheGridWorkerWhileNobodyHoldsTheOrderThenToTheClaimerOnceEach()
    {
        var runner = App.Service<Reminders>();
        var code = await App.PublishedOrderAsync();
        Assert.Equal(0, await runner.RunAsync(default));

        App.Clock.SetChina(2026, 11, 22, 6); // past half-way, nobody has claimed it
        Assert.Equal(1, await runner.RunAsync(default));
        Assert.Equal(0, await runner.RunAsync(default));
        var toGrid = Assert.Single(await JobHelpers.NoticesAsync("reminder"));
        Assert.Equal((9101L, "工单过半程，还没人办理", code), (toGrid.PersonId, toGrid.Title, toGrid.OrderCode));
        Assert.Contains("办结期限11月25日 23:59", toGrid.Body);

        await App.ClientFor(2001).PostAsync($"/api/orders/{code}/claim", null).OkAsync();
        await App.ClientFor(2001).PostAsync($"/api/orders/{code}/start", null).OkAsync();
        App.Clock.SetChina(2026, 11, 24, 23); // a day before: not yet
        Assert.Equal(0, await runner.RunAsync(default));
        App.Clock.SetChina(2026, 11, 25, 1);
        Assert.Equal(1, await runner.RunAsync(default));
        Assert.Equal(0, await runner.RunAsync(default));
        var final = (await JobHelpers.NoticesAsync("reminder", 2001)).Single();
        Assert.Equal("工单快到期了", final.Title);
        Assert.Contains("请在11月25日 23:59前办结", final.Body);

        // An extended deadline earns fresh reminders, half-way and a day before the new one.
        await App.ClientFor(9101)
            .PostAsJsonAsync(
                $"/api/orders/{code}/extend",
                new
                {
                    resolveBy = new DateTimeOffset(2026, 11, 30, 23, 59, 0, TimeSpan.FromHours(8)),
                    reason = "需要等配件",
                }
            )
            .OkAsync();
        App.Clock.SetChina(2026, 11, 28, 6);
        Assert.Equal(1, await runner.RunAsync(default));
        App.Clock.SetChina(2026, 11, 30, 0, 30);
        Assert.Equal(1, await runner.RunAsync(default));
        Assert.Equal(0, await runner.RunAsync(default));
        Assert.Equal(
            ["工单快到期了", "工单已过半程", "工单快到期了"],
            (await JobHelpers.NoticesAsync("reminder", 2001)).Select(n => n.Title)
        );
        Assert.Single(await JobHelpers.NoticesAsync("reminder", 9101));
        // Once the order is resolved nothing is due any more.
        Assert.Null(
            await TestDatabase.ScalarAsync<DateTime?>(
                "SELECT next_remind_at FROM service_order WHERE code = @code",
                new { code }
            )
        );
    }

    [Fact]
    public async Task RemindersAtHalfWayCanBeSwitchedOff()
    {
        var options = App.Service<OrderPolicyOptions>();
        options.ReminderAtHalfway = false;
        try
        {
            var code = await App.StartedOrderAsync();
            App.Clock.SetChina(2026, 11, 22, 6);
            Assert.Equal(0, await App.Service<Reminders>().RunAsync(default));
            App.Clock.SetChina(2026, 11, 25, 1);
            Assert.Equal(1, await App.Service<Reminders>().RunAsync(default));
            Assert.Equal(["工单快到期了"], (await JobHelpers.NoticesAsync("reminder")).Select(n => n.Title));
            Assert.Equal(code, (await JobHelpers.NoticesAsync("reminder")).Single().OrderCode);
        }
        finally
        {
            options.ReminderAtHalfway = true;
        }
    }

    [Fact]
    public async Task EscalationClimbsFromTheClaimerToTheGridWorkerSecretaryStreetAndCountyOneStepAtATime()
    {
        var runner = App.Service<Escalation>();
        var claimed = await App.StartedOrderAsync(2001);
        var unclaimed = await App.PublishedOrderAsync(2, "3栋单元门关不上");
        App.Clock.SetChina(2026, 11, 25, 23, 0);
        Assert.Equal(0, await runner.RunAsync(default));

        App.Clock.SetChina(2026, 11, 26, 0, 30);
        Assert.Equal(2, await runner.RunAsync(default));
        Assert.Equal(0, await runner.RunAsync(default));
        Assert.Equal(1, await JobHelpers.EscalationLevelAsync(claimed));
        Assert.Equal(
            [2001L],
            (await JobHelpers.NoticesAsync("escalation")).Where(n => n.OrderCode == claimed).Select(n => n.PersonId)
        );
        Assert.Equal(
            [9101L],
            (await JobHelpers.NoticesAsync("escalation")).Where(n => n.OrderCode == unclaimed).Select(n => n.PersonId)
        );

        (int Day, long To, string Level)[] steps = [
            (27, 9101, "网格员"),
            (28, 9011, "社区书记"),
            (29, 9001, "街道"),
            (30, 9000, "区县"),
        ];
        foreach (var (day, to, level) in steps)
        {
            App.Clock.SetChina(2026, 11, day, 1);
            Assert.Equal(2, await runner.RunAsync(default));
            Assert.Equal(0, await runner.RunAsync(default));
            var notice = (await JobHelpers.NoticesAsync("escalation")).Last(n => n.OrderCode == claimed);
            Assert.Equal((to, $"工单逾期督办（{level}）"), (notice.PersonId, notice.Title));
        }
        App.Clock.SetChina(2026, 12, 5, 1);
        Assert.Equal(0, await runner.RunAsync(default)); // the county is the top

        Assert.Equal(
            [2001L, 9101, 9011, 9001, 9000],
            (await JobHelpers.NoticesAsync("escalation")).Where(n => n.OrderCode == claimed).Select(n => n.PersonId)
        );
        var order = await App.ClientFor(9011).GetAsync($"/api/orders/{claimed}").OkAsync();
        Assert.Equal(5, order.GetProperty("escalationLevel").GetInt32());
        Assert.True(order.GetProperty("overdue").GetBoolean());
        var notes = order
            .GetProperty("timeline")
            .EnumerateArray()
            .Where(e => e.GetProperty("kind").GetString() == "escalated")
            .Select(e => e.GetProperty("note").GetString()!)
            .ToList();
        Assert.Equal(5, notes.Count);
        Assert.EndsWith("升级到认领人督办", notes[0]);
        Assert.EndsWith("升级到街道督办", notes[3]);
        Assert.EndsWith("升级到区县督办", notes[4]); // no department answers for repairs: nobody is summoned
        Assert.StartsWith("已逾期3天", notes[3]);
    }

    [Fact]
    public async Task AResolvedOrderIsFollowedUpAfterThreeDaysAndClosedUnratedAfterSeven()
    {
        var runner = App.Service<FollowUp>();
        var code = await App.ResolvedOrderAsync(2001);
        var rated = await App.ResolvedOrderAsync(2001, 1, "3栋单元门关不上");
        await App.ClientFor(1001).PostAsJsonAsync($"/api/orders/{rated}/rate", new { rating = "satisfied" }).OkAsync();

        App.Clock.SetChina(2026, 11, 21, 9);
        Assert.Equal((0, 0), await runner.RunAsync(default));
        App.Clock.SetChina(2026, 11, 21, 11);
        Assert.Equal((1, 0), await runner.RunAsync(default));
        Assert.Equal((0, 0), await runner.RunAsync(default));
        var notice = (await JobHelpers.NoticesAsync("followup")).Single();
        Assert.Equal((1001L, code, "template"), (notice.PersonId, notice.OrderCode, notice.Channel));
        Assert.Contains("请回复满意、基本满意或不满意", notice.Body);

        App.Clock.SetChina(2026, 11, 25, 11);
        Assert.Equal((0, 1), await runner.RunAsync(default));
        Assert.Equal((0, 0), await runner.RunAsync(default));
        var order = await App.ClientFor(1001).GetAsync($"/api/orders/{code}").OkAsync();
        Assert.Equal(
            ("closed", "unrated"),
            (order.GetProperty("status").GetString(), order.GetProperty("satisfaction").GetString())
        );
        var closing = order.GetProperty("timeline").EnumerateArray().Last();
        Assert.Equal(
            ("closed", "系统"),
            (closing.GetProperty("kind").GetString(), closing.GetProperty("actor").GetString())
        );
        await (
            await App.ClientFor(1001).PostAsJsonAsync($"/api/orders/{code}/rate", new { rating = "satisfied" })
        ).ProblemAsync(409, "order.not_resolved");
        Assert.Single(await JobHelpers.NoticesAsync("followup"));
    }

    [Fact]
    public async Task AClaimNotStartedInItsWindowReturnsToThePoolOnce()
    {
        var code = await App.PublishedOrderAsync();
        await App.ClientFor(2001).PostAsync($"/api/orders/{code}/claim", null).OkAsync();
        var runner = App.Service<ClaimExpiry>();
        App.Clock.Advance(TimeSpan.FromHours(23));
        Assert.Equal(0, await runner.RunAsync(1000, default));
        App.Clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(1, await runner.RunAsync(1000, default));
        Assert.Equal(0, await runner.RunAsync(1000, default));
        Assert.Equal(
            "published",
            await TestDatabase.ScalarAsync<string>("SELECT status FROM service_order WHERE code = @code", new { code })
        );
        Assert.Equal(code, (await JobHelpers.NoticesAsync("claim_expired", 2001)).Single().OrderCode);
    }
}
