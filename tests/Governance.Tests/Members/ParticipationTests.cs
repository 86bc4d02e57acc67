using System.Net.Http.Json;
using Governance.Core.Digest;
using Governance.Core.Members;
using Governance.Core.Orders;
using Governance.Wechat.Sending;

namespace Governance.Tests.Members;

/// <summary>
/// The six-month participation check.
/// Demo people: resident 1001 (金龙小区 3栋, follows the account), member 2001 (unit 1 县医院, admin 3001),
/// member 2005 (unit 5), grid worker 9101, secretary 9011 (城东社区), street admin 9001 (莲花街道).
/// A 设施维修 report made on Wednesday 18 November 10:00 is due on Wednesday 25 November at 23:59:59 (five working days).
/// </summary>
[Collection(DbCollection.Name)]
public sealed class ParticipationTests(TestApp app) : DbTest(app)
{
    [Fact]
    public async Task MembersWithoutServiceForSixMonthsAreToldAndTheirUnitAdminSeesTheList()
    {
        await App.StartedOrderAsync(2001); // 2001 served this week; the demo's other members never have
        var runner = App.Service<Participation>();
        var queued = await runner.RunAsync(default);
        // Every member with an approved registration but 2001, and the admins of the five units those members belong
        // to.
        var registered = await TestDatabase.ScalarAsync<int>(
            "SELECT COUNT(DISTINCT person_id) FROM registration WHERE status = 'approved'"
        );
        Assert.Equal(registered - 1 + 5, queued);
        Assert.Equal(0, await runner.RunAsync(default));

        Assert.Empty(await JobHelpers.NoticesAsync("participation", 2001));
        Assert.Contains(
            "您已有半年没有参加社区服务了",
            (await JobHelpers.NoticesAsync("participation", 2006)).Single().Body
        );
        var toAdmin = (await JobHelpers.NoticesAsync("participation_unit", 3001)).Single();
        Assert.Contains("杨丽萍", toAdmin.Body); // 2006, unit 1
        Assert.DoesNotContain("王志远", toAdmin.Body); // 2001

        var list = await App.ClientFor(3001).GetAsync("/api/units/1/inactive-members").OkAsync();
        var ids = list.EnumerateArray().Select(m => m.GetProperty("personId").GetInt64()).ToList();
        Assert.Contains(2006L, ids);
        Assert.DoesNotContain(2001L, ids);
        // the secretary where the unit stands
        await App.ClientFor(9011).GetAsync("/api/units/1/inactive-members").OkAsync();
        await (await App.ClientFor(3002).GetAsync("/api/units/1/inactive-members")).ProblemAsync(404, "unit.not_found");
    }

    [Fact]
    public async Task ServingThroughPostsAndVisitsCountsForTheCheckAndTheDigest()
    {
        // 2005 holds a post and logs a duty; 2010, a 包联 cadre, visits a household; 2006 does nothing.
        var post = await App.ClientFor(9011)
            .PostAsJsonAsync("/api/communities/11/posts", new { areaId = 111103, title = "3栋楼栋长", termMonths = 12 })
            .OkAsync();
        var holding = await App.ClientFor(2005)
            .PostAsync($"/api/posts/{post.GetProperty("id").GetInt64()}/claim", null)
            .OkAsync();
        await App.ClientFor(2005)
            .PostAsJsonAsync(
                $"/api/holdings/{holding.GetProperty("id").GetInt64()}/duties",
                new { note = "巡楼", minutes = 30 }
            )
            .OkAsync();
        await App.ClientFor(9011)
            .PostAsJsonAsync(
                "/api/areas/111/assignments",
                new
                {
                    personId = 2010,
                    role = "cadre",
                    monthlyQuota = 5,
                    startsOn = "2026-11-01",
                    endsOn = "2027-10-31",
                }
            )
            .OkAsync();
        var household = await App.ClientFor(9101)
            .PostAsJsonAsync("/api/buildings/111103/households", new { room = "101", headName = "李大爷", people = 1 })
            .OkAsync();
        await App.ClientFor(2010)
            .PostAsJsonAsync($"/api/households/{household.GetProperty("id").GetInt64()}/visits", new { found = "正常" })
            .OkAsync();

        await App.Service<Participation>().RunAsync(default);
        Assert.Empty(await JobHelpers.NoticesAsync("participation", 2005));
        Assert.Empty(await JobHelpers.NoticesAsync("participation", 2010));
        Assert.Single(await JobHelpers.NoticesAsync("participation", 2006));

        App.Clock.Advance(TimeSpan.FromHours(1)); // the digest goes out later in the week
        await App.Service<WeeklyDigest>().RunAsync(default);
        Assert.Contains("岗位履职1次", (await JobHelpers.NoticesAsync("weekly_digest", 2005)).Single().Body);
        Assert.Contains("走访1户", (await JobHelpers.NoticesAsync("weekly_digest", 2010)).Single().Body);
        Assert.Contains("还没有认领工单", (await JobHelpers.NoticesAsync("weekly_digest", 2006)).Single().Body);
    }
}
