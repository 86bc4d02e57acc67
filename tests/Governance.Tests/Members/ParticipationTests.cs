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
            "您已有半年没有认领社区工单了",
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
}
