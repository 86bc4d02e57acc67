using System.Net.Http.Json;
using Governance.Jobs.Claims;
using Governance.Jobs.Digest;
using Governance.Jobs.Dispatch;
using Governance.Jobs.Escalation;
using Governance.Jobs.FollowUp;
using Governance.Jobs.Participation;
using Governance.Jobs.Reminders;
using Governance.Tests.Infrastructure;
using Governance.Tests.MiniProgram;
using Governance.Tests.Orders;

namespace Governance.Tests.Jobs;

/// <summary>
/// The scheduled runners driven by the test clock over a realistic week, each run twice to show a re-run sends
/// nothing new. Demo people: resident 1001 (金龙小区 3栋, follows the account), member 2001 (unit 1 县医院, admin 3001),
/// member 2005 (unit 5), grid worker 9101, secretary 9011 (城东社区), street admin 9001 (莲花街道).
/// A 设施维修 report made on Wednesday 18 November 10:00 is due on Wednesday 25 November at 23:59:59 (five working days).
/// </summary>
[Collection(DbCollection.Name)]
public sealed class ScheduledWorkTests(TestApp app) : DbTest(app)
{
    [Fact]
    public async Task RemindersGoToTheGridWorkerWhileNobodyHoldsTheOrderThenToTheClaimerOnceEach()
    {
        var runner = App.Service<ReminderRunner>();
        var code = await App.PublishedOrderAsync();
        Assert.Equal(0, await runner.RunOnceAsync());

        App.Clock.SetChina(2026, 11, 22, 6); // past half-way, nobody has claimed it
        Assert.Equal(1, await runner.RunOnceAsync());
        Assert.Equal(0, await runner.RunOnceAsync());
        var toGrid = Assert.Single(await JobHelpers.NoticesAsync("reminder"));
        Assert.Equal((9101L, "工单过半程，还没人办理", code), (toGrid.PersonId, toGrid.Title, toGrid.OrderCode));
        Assert.Contains("办结期限11月25日 23:59", toGrid.Body);

        await App.ClientFor(2001).PostAsync($"/api/orders/{code}/claim", null).OkAsync();
        await App.ClientFor(2001).PostAsync($"/api/orders/{code}/start", null).OkAsync();
        App.Clock.SetChina(2026, 11, 24, 23); // a day before: not yet
        Assert.Equal(0, await runner.RunOnceAsync());
        App.Clock.SetChina(2026, 11, 25, 1);
        Assert.Equal(1, await runner.RunOnceAsync());
        Assert.Equal(0, await runner.RunOnceAsync());
        var final = (await JobHelpers.NoticesAsync("reminder", 2001)).Single();
        Assert.Equal("工单快到期了", final.Title);
        Assert.Contains("请在11月25日 23:59前办结", final.Body);

        // An extended deadline earns fresh reminders, half-way and a day before the new one.
        await App.ClientFor(9101).PostAsJsonAsync($"/api/orders/{code}/extend",
            new { resolveBy = new DateTimeOffset(2026, 11, 30, 23, 59, 0, TimeSpan.FromHours(8)), reason = "需要等配件" }).OkAsync();
        App.Clock.SetChina(2026, 11, 28, 6);
        Assert.Equal(1, await runner.RunOnceAsync());
        App.Clock.SetChina(2026, 11, 30, 0, 30);
        Assert.Equal(1, await runner.RunOnceAsync());
        Assert.Equal(0, await runner.RunOnceAsync());
        Assert.Equal(["工单快到期了", "工单已过半程", "工单快到期了"], (await JobHelpers.NoticesAsync("reminder", 2001)).Select(n => n.Title));
        Assert.Single(await JobHelpers.NoticesAsync("reminder", 9101));
        // Once the order is resolved nothing is due any more.
        Assert.Null(await TestDatabase.ScalarAsync<DateTime?>("SELECT next_remind_at FROM service_order WHERE code = @code", new { code }));
    }

    [Fact]
    public async Task RemindersAtHalfWayCanBeSwitchedOff()
    {
        var options = App.Service<Governance.Jobs.JobsOptions>();
        options.ReminderAtHalfway = false;
        try
        {
            var code = await App.StartedOrderAsync();
            App.Clock.SetChina(2026, 11, 22, 6);
            Assert.Equal(0, await App.Service<ReminderRunner>().RunOnceAsync());
            App.Clock.SetChina(2026, 11, 25, 1);
            Assert.Equal(1, await App.Service<ReminderRunner>().RunOnceAsync());
            Assert.Equal(["工单快到期了"], (await JobHelpers.NoticesAsync("reminder")).Select(n => n.Title));
            Assert.Equal(code, (await JobHelpers.NoticesAsync("reminder")).Single().OrderCode);
        }
        finally { options.ReminderAtHalfway = true; }
    }

    [Fact]
    public async Task EscalationClimbsFromTheClaimerToTheGridWorkerSecretaryAndStreetOneStepAtATime()
    {
        var runner = App.Service<EscalationRunner>();
        var claimed = await App.StartedOrderAsync(2001);
        var unclaimed = await App.PublishedOrderAsync(2, "3栋单元门关不上");
        App.Clock.SetChina(2026, 11, 25, 23, 0);
        Assert.Equal(0, await runner.RunOnceAsync());

        App.Clock.SetChina(2026, 11, 26, 0, 30);
        Assert.Equal(2, await runner.RunOnceAsync());
        Assert.Equal(0, await runner.RunOnceAsync());
        Assert.Equal(1, await JobHelpers.EscalationLevelAsync(claimed));
        Assert.Equal([2001L], (await JobHelpers.NoticesAsync("escalation")).Where(n => n.OrderCode == claimed).Select(n => n.PersonId));
        Assert.Equal([9101L], (await JobHelpers.NoticesAsync("escalation")).Where(n => n.OrderCode == unclaimed).Select(n => n.PersonId));

        (int Day, long To, string Level)[] steps = [(27, 9101, "网格员"), (28, 9011, "社区书记"), (29, 9001, "街道")];
        foreach (var (day, to, level) in steps)
        {
            App.Clock.SetChina(2026, 11, day, 1);
            Assert.Equal(2, await runner.RunOnceAsync());
            Assert.Equal(0, await runner.RunOnceAsync());
            var notice = (await JobHelpers.NoticesAsync("escalation")).Last(n => n.OrderCode == claimed);
            Assert.Equal((to, $"工单逾期督办（{level}）"), (notice.PersonId, notice.Title));
        }
        App.Clock.SetChina(2026, 12, 3, 1);
        Assert.Equal(0, await runner.RunOnceAsync()); // the street is the top

        Assert.Equal([2001L, 9101, 9011, 9001], (await JobHelpers.NoticesAsync("escalation")).Where(n => n.OrderCode == claimed).Select(n => n.PersonId));
        var order = await App.ClientFor(9011).GetAsync($"/api/orders/{claimed}").OkAsync();
        Assert.Equal(4, order.GetProperty("escalationLevel").GetInt32());
        Assert.True(order.GetProperty("overdue").GetBoolean());
        var notes = order.GetProperty("timeline").EnumerateArray().Where(e => e.GetProperty("kind").GetString() == "escalated").Select(e => e.GetProperty("note").GetString()!).ToList();
        Assert.Equal(4, notes.Count);
        Assert.EndsWith("升级到认领人督办", notes[0]);
        Assert.EndsWith("升级到街道督办", notes[3]);
        Assert.StartsWith("已逾期3天", notes[3]);
    }

    [Fact]
    public async Task TheWeeklyDigestTellsMembersUnitAdminsAndSecretariesTheirWeekOnce()
    {
        // Last week: a noise report nobody has triaged, overdue by Friday.
        App.Time.Reset(ClockExtensions.China(2026, 11, 9, 10)); // a week before the test day
        await App.ClientFor(1001).ReportCodeAsync(4, "3栋楼上装修太吵");
        // This week: member 2001 resolves two reports that residents rate; a third waits in the pool.
        App.Clock.SetChina(2026, 11, 16, 9);
        var minutesBefore = await TestDatabase.ScalarAsync<int>("SELECT service_minutes FROM member WHERE person_id = 2001");
        var first = await App.ResolvedOrderAsync(2001, 1.5, "3栋楼道灯坏了");
        var second = await App.ResolvedOrderAsync(2001, 1, "3栋单元门关不上");
        await App.ClientFor(1001).PostAsJsonAsync($"/api/orders/{first}/rate", new { rating = "satisfied" }).OkAsync();
        await App.ClientFor(1001).PostAsJsonAsync($"/api/orders/{second}/rate", new { rating = "basically_satisfied" }).OkAsync();
        var waiting = await App.PublishedOrderAsync(2, "3栋路灯不亮");

        App.Clock.SetChina(2026, 11, 20, 18); // Friday 18:00
        var runner = App.Service<WeeklyDigestRunner>();
        var queued = await runner.RunOnceAsync();
        var members = await TestDatabase.ScalarAsync<int>("SELECT COUNT(DISTINCT person_id) FROM registration WHERE status = 'approved'");
        Assert.Equal(members + 5 + 4, queued); // every registered member, the five unit admins, the four secretaries
        Assert.Equal(0, await runner.RunOnceAsync());
        Assert.Equal(queued, (await JobHelpers.NoticesAsync("weekly_digest")).Count);

        var busy = (await JobHelpers.NoticesAsync("weekly_digest", 2001)).Single();
        var hours = Math.Round((minutesBefore + 150) / 60.0, 1);
        Assert.Equal("本周服务小结", busy.Title);
        Assert.StartsWith("王志远同志，本周您认领2单、办结2单，居民评价满意1、基本满意1、不满意0。", busy.Body);
        Assert.Contains($"累计服务{hours}小时", busy.Body);
        Assert.True(busy.Body.Contains($"身边待认领：{waiting} 设施维修"), busy.Body);

        var idle = (await JobHelpers.NoticesAsync("weekly_digest", 2005)).Single();
        Assert.Equal("本周服务提醒", idle.Title);
        Assert.StartsWith("陈国华同志，本周您还没有认领工单。", idle.Body);
        Assert.Contains($"身边待认领：{waiting} 设施维修（11月23日前）", idle.Body);
        Assert.EndsWith("感谢您对社区的支持！", idle.Body);
        // A member registered only in 解放街社区 sees no 城东 orders.
        Assert.DoesNotContain(waiting, (await JobHelpers.NoticesAsync("weekly_digest", 2002)).Single().Body);

        var unitHours = Math.Round((await TestDatabase.QueryAsync<int>("SELECT service_minutes FROM member WHERE unit_id = 1")).Sum(m => Math.Round(m / 60.0, 1)), 1);
        var unit = (await JobHelpers.NoticesAsync("weekly_digest", 3001)).Single();
        Assert.Equal("县医院本周服务情况", unit.Title);
        Assert.Equal($"县医院本周：8名党员认领2单、办结2单，居民评价满意1、基本满意1、不满意0，累计服务{unitHours}小时。本周办结最多：王志远（2单）。", unit.Body);
        Assert.Contains("本周暂无办结", (await JobHelpers.NoticesAsync("weekly_digest", 3002)).Single().Body);

        var community = (await JobHelpers.NoticesAsync("weekly_digest", 9011)).Single();
        Assert.Equal(("城东社区本周工单情况", "城东社区本周：新增3单，办结2单，逾期未办结1单，满意率100%（2/2）。"), (community.Title, community.Body));
        Assert.Equal("解放街社区本周：新增0单，办结0单，逾期未办结0单，本周暂无评价。", (await JobHelpers.NoticesAsync("weekly_digest", 9012)).Single().Body);

        // Members have no WeChat openid in the demo: the digest reaches them in the mini-program's inbox, in full.
        await App.Service<OutboxDispatcher>().DrainAsync();
        var inbox = await App.ClientFor(2005).GetAsync("/api/me/inbox").OkAsync();
        Assert.Equal(idle.Body, inbox.EnumerateArray().Single(m => m.GetProperty("kind").GetString() == "weekly_digest").GetProperty("body").GetString());
    }

    [Fact]
    public async Task AResolvedOrderIsFollowedUpAfterThreeDaysAndClosedUnratedAfterSeven()
    {
        var runner = App.Service<FollowUpRunner>();
        var code = await App.ResolvedOrderAsync(2001);
        var rated = await App.ResolvedOrderAsync(2001, 1, "3栋单元门关不上");
        await App.ClientFor(1001).PostAsJsonAsync($"/api/orders/{rated}/rate", new { rating = "satisfied" }).OkAsync();

        App.Clock.SetChina(2026, 11, 21, 9);
        Assert.Equal((0, 0), await runner.RunOnceAsync());
        App.Clock.SetChina(2026, 11, 21, 11);
        Assert.Equal((1, 0), await runner.RunOnceAsync());
        Assert.Equal((0, 0), await runner.RunOnceAsync());
        var notice = (await JobHelpers.NoticesAsync("followup")).Single();
        Assert.Equal((1001L, code, "template"), (notice.PersonId, notice.OrderCode, notice.Channel));
        Assert.Contains("请回复满意、基本满意或不满意", notice.Body);

        App.Clock.SetChina(2026, 11, 25, 11);
        Assert.Equal((0, 1), await runner.RunOnceAsync());
        Assert.Equal((0, 0), await runner.RunOnceAsync());
        var order = await App.ClientFor(1001).GetAsync($"/api/orders/{code}").OkAsync();
        Assert.Equal(("closed", "unrated"), (order.GetProperty("status").GetString(), order.GetProperty("satisfaction").GetString()));
        var closing = order.GetProperty("timeline").EnumerateArray().Last();
        Assert.Equal(("closed", "系统"), (closing.GetProperty("kind").GetString(), closing.GetProperty("actor").GetString()));
        await (await App.ClientFor(1001).PostAsJsonAsync($"/api/orders/{code}/rate", new { rating = "satisfied" })).ProblemAsync(409, "order.not_resolved");
        Assert.Single(await JobHelpers.NoticesAsync("followup"));
    }

    [Fact]
    public async Task MembersWithoutServiceForSixMonthsAreToldAndTheirUnitAdminSeesTheList()
    {
        await App.StartedOrderAsync(2001); // 2001 served this week; the demo's other members never have
        var runner = App.Service<ParticipationRunner>();
        var queued = await runner.RunOnceAsync();
        // Every member with an approved registration but 2001, and the admins of the five units those members belong to.
        var registered = await TestDatabase.ScalarAsync<int>("SELECT COUNT(DISTINCT person_id) FROM registration WHERE status = 'approved'");
        Assert.Equal(registered - 1 + 5, queued);
        Assert.Equal(0, await runner.RunOnceAsync());

        Assert.Empty(await JobHelpers.NoticesAsync("participation", 2001));
        Assert.Contains("您已有半年没有认领社区工单了", (await JobHelpers.NoticesAsync("participation", 2006)).Single().Body);
        var toAdmin = (await JobHelpers.NoticesAsync("participation_unit", 3001)).Single();
        Assert.Contains("杨丽萍", toAdmin.Body); // 2006, unit 1
        Assert.DoesNotContain("王志远", toAdmin.Body); // 2001

        var list = await App.ClientFor(3001).GetAsync("/api/units/1/inactive-members").OkAsync();
        var ids = list.EnumerateArray().Select(m => m.GetProperty("personId").GetInt64()).ToList();
        Assert.Contains(2006L, ids);
        Assert.DoesNotContain(2001L, ids);
        await App.ClientFor(9011).GetAsync("/api/units/1/inactive-members").OkAsync(); // the secretary where the unit stands
        await (await App.ClientFor(3002).GetAsync("/api/units/1/inactive-members")).ProblemAsync(404, "unit.not_found");
    }

    [Fact]
    public async Task AClaimNotStartedInItsWindowReturnsToThePoolOnce()
    {
        var code = await App.PublishedOrderAsync();
        await App.ClientFor(2001).PostAsync($"/api/orders/{code}/claim", null).OkAsync();
        var runner = App.Service<ClaimExpiryRunner>();
        App.Clock.Advance(TimeSpan.FromHours(23));
        Assert.Equal(0, await runner.RunOnceAsync());
        App.Clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(1, await runner.RunOnceAsync());
        Assert.Equal(0, await runner.RunOnceAsync());
        Assert.Equal("published", await TestDatabase.ScalarAsync<string>("SELECT status FROM service_order WHERE code = @code", new { code }));
        Assert.Equal(code, (await JobHelpers.NoticesAsync("claim_expired", 2001)).Single().OrderCode);
    }
}
