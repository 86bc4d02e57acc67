using System.Net.Http.Json;
using Governance.Core.Digest;
using Governance.Core.Members;
using Governance.Core.Orders;
using Governance.Wechat.Sending;

namespace Governance.Tests.Digest;

/// <summary>
/// The weekly digest over a realistic week, run twice to show a re-run sends nothing new.
/// Demo people: resident 1001 (金龙小区 3栋, follows the account), member 2001 (unit 1 县医院, admin 3001),
/// member 2005 (unit 5), grid worker 9101, secretary 9011 (城东社区), street admin 9001 (莲花街道).
/// A 设施维修 report made on Wednesday 18 November 10:00 is due on Wednesday 25 November at 23:59:59 (five working days).
/// </summary>
[Collection(DbCollection.Name)]
public sealed class WeeklyDigestTests(TestApp app) : DbTest(app)
{
    [Fact]
    public async Task TheWeeklyDigestTellsMembersUnitAdminsAndSecretariesTheirWeekOnce()
    {
        // Last week: a noise report nobody has triaged, overdue by Friday.
        App.Time.Reset(ClockExtensions.China(2026, 11, 9, 10)); // a week before the test day
        await App.ClientFor(1001).ReportCodeAsync(4, "3栋楼上装修太吵");
        // This week: member 2001 resolves two reports that residents rate; a third waits in the pool.
        App.Clock.SetChina(2026, 11, 16, 9);
        var minutesBefore = await TestDatabase.ScalarAsync<int>(
            "SELECT service_minutes FROM member WHERE person_id = 2001"
        );
        var first = await App.ResolvedOrderAsync(2001, 1.5, "3栋楼道灯坏了");
        var second = await App.ResolvedOrderAsync(2001, 1, "3栋单元门关不上");
        await App.ClientFor(1001).PostAsJsonAsync($"/api/orders/{first}/rate", new { rating = "satisfied" }).OkAsync();
        await App.ClientFor(1001)
            .PostAsJsonAsync($"/api/orders/{second}/rate", new { rating = "basically_satisfied" })
            .OkAsync();
        var waiting = await App.PublishedOrderAsync(2, "3栋路灯不亮");

        App.Clock.SetChina(2026, 11, 20, 18); // Friday 18:00
        var runner = App.Service<WeeklyDigest>();
        var queued = await runner.RunAsync(default);
        var members = await TestDatabase.ScalarAsync<int>(
            "SELECT COUNT(DISTINCT person_id) FROM registration WHERE status = 'approved'"
        );
        Assert.Equal(members + 6 + 4, queued); // every registered member, the six unit admins, the four secretaries
        Assert.Equal(0, await runner.RunAsync(default));
        Assert.Equal(
            queued,
            (await JobHelpers.NoticesAsync()).Count(n => n.Kind.StartsWith("weekly_digest", StringComparison.Ordinal))
        );

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

        var unitHours = Math.Round(
            (await TestDatabase.QueryAsync<int>("SELECT service_minutes FROM member WHERE unit_id = 1")).Sum(m =>
                Math.Round(m / 60.0, 1)
            ),
            1
        );
        var unit = (await JobHelpers.NoticesAsync("weekly_digest_unit", 3001)).Single();
        Assert.Equal("县医院本周服务情况", unit.Title);
        Assert.Equal(
            $"县医院本周：8名党员认领2单、办结2单，居民评价满意1、基本满意1、不满意0，累计服务{unitHours}小时。本周办结最多：王志远（2单）。",
            unit.Body
        );
        Assert.Contains("本周暂无办结", (await JobHelpers.NoticesAsync("weekly_digest_unit", 3002)).Single().Body);

        var community = (await JobHelpers.NoticesAsync("weekly_digest_community", 9011)).Single();
        Assert.Equal(
            ("城东社区本周工单情况", "城东社区本周：新增3单，办结2单，逾期未办结1单，满意率100%（2/2）。"),
            (community.Title, community.Body)
        );
        Assert.Equal(
            "解放街社区本周：新增0单，办结0单，逾期未办结0单，本周暂无评价。",
            (await JobHelpers.NoticesAsync("weekly_digest_community", 9012)).Single().Body
        );

        // Members have no WeChat openid in the demo: the digest reaches them in the mini-program's inbox, in full.
        await App.Service<OutboxSender>().DrainAsync(default);
        var inbox = await App.ClientFor(2005).GetAsync("/api/me/inbox").OkAsync();
        Assert.Equal(
            idle.Body,
            inbox
                .EnumerateArray()
                .Single(m => m.GetProperty("kind").GetString() == "weekly_digest")
                .GetProperty("body")
                .GetString()
        );
    }
}
