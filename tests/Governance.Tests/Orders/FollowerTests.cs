using System.Net;
using System.Net.Http.Json;
using Governance.Core.Orders;

namespace Governance.Tests.Orders;

/// <summary>
/// A problem reported twice is one order with followers: the form decides duplicates as the chat does, the residents
/// who joined an order read it and hear of it, and triage tells them what became of it.
/// </summary>
[Collection(DbCollection.Name)]
public sealed class FollowerTests(TestApp app) : DbTest(app)
{
    private static object Form(string description, long buildingId = 111103) =>
        new
        {
            categoryId = 2,
            description,
            buildingId,
        };

    [Fact]
    public async Task AFormReportOfAnOpenProblemJoinsItAndSaysSo()
    {
        var first = await App.ClientFor(1001).PostAsJsonAsync("/api/orders", Form("金龙小区3栋楼道灯坏了"));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var created = await first.BodyAsync();
        Assert.Equal("created", created.GetProperty("outcome").GetString());
        var code = created.GetProperty("code").GetString()!;

        var neighbour = await App.ClientFor(1002)
            .PostAsJsonAsync("/api/orders", Form("金龙小区3号楼的楼道灯不亮了"))
            .OkAsync();
        Assert.Equal(code, neighbour.GetProperty("code").GetString());
        Assert.Equal("linked", neighbour.GetProperty("outcome").GetString());
        var again = await App.ClientFor(1001)
            .PostAsJsonAsync("/api/orders", Form("3栋楼道灯坏了还没人修"))
            .OkAsync();
        Assert.Equal(code, again.GetProperty("code").GetString());
        Assert.Equal("already_reported", again.GetProperty("outcome").GetString());

        Assert.Equal(1, await TestDatabase.ScalarAsync<int>("SELECT COUNT(*) FROM service_order"));
        Assert.Equal(["created", "linked_report", "comment"], await MiniProgramHelpers.KindsAsync(code));
        // The neighbour follows it: it is in their list and they may read it.
        Assert.Contains(code, (await App.ClientFor(1002).GetAsync("/api/orders").OkAsync()).Codes());
        await App.ClientFor(1002).GetAsync($"/api/orders/{code}").OkAsync();

        // A report of another problem at the same place, or of the same one elsewhere, is a new order.
        var other = await App.ClientFor(1002).PostAsJsonAsync("/api/orders", Form("单元门禁失灵，刷卡进不去"));
        Assert.Equal(HttpStatusCode.Created, other.StatusCode);
        var elsewhere = await App.ClientFor(1002).PostAsJsonAsync("/api/orders", Form("楼道灯坏了", 112106));
        Assert.Equal(HttpStatusCode.Created, elsewhere.StatusCode);
    }

    [Fact]
    public async Task OnlyResidentsWhoReportedAnOrderUrgeIt()
    {
        var code = await App.ClientFor(1001).ReportCodeAsync(description: "金龙小区3栋楼道灯坏了");
        await App.ClientFor(1002).PostAsJsonAsync("/api/orders", Form("3号楼楼道灯不亮了")).OkAsync();

        await App.ClientFor(1002).PostAsync($"/api/orders/{code}/urge", null).OkAsync();
        await (await App.ClientFor(9101).PostAsync($"/api/orders/{code}/urge", null)).ProblemAsync(
            403,
            "order.reporter_only"
        );
        Assert.Equal(
            1,
            (await MiniProgramHelpers.KindsAsync(code)).Count(k => k == OrderEventKind.Urged)
        );
    }

    [Fact]
    public async Task RejectingAndMergingTellEveryResidentWhoReportedIt()
    {
        var rejected = await App.ClientFor(1001).ReportCodeAsync(description: "小区里有人遛狗不牵绳");
        await App.ClientFor(1002).PostAsJsonAsync("/api/orders", Form("小区里遛狗不牵绳的人太多")).OkAsync();
        await App.ClientFor(9011)
            .PostAsJsonAsync($"/api/orders/{rejected}/reject", new { reason = "属于城管执法范围，请拨打12345" })
            .OkAsync();
        var told = await JobHelpers.NoticesAsync("order_rejected");
        Assert.Equal([1001L, 1002], told.Select(n => n.PersonId).Order());
        Assert.All(told, n => Assert.Contains("请拨打12345", n.Body));

        var target = await App.ClientFor(1003).ReportCodeAsync(description: "3栋电梯停运了", buildingId: 111103);
        var duplicate = await App.ClientFor(1004).ReportCodeAsync(description: "金龙小区电梯坏了，老人下不了楼", buildingId: 111101);
        await App.ClientFor(9011)
            .PostAsJsonAsync($"/api/orders/{duplicate}/merge", new { intoCode = target, note = "同一部电梯" })
            .OkAsync();
        var merged = Assert.Single(await JobHelpers.NoticesAsync("order_merged"));
        Assert.Equal((1004L, duplicate), (merged.PersonId, merged.OrderCode));
        Assert.Contains(target, merged.Body);
        // From now on the reporter of the duplicate follows the order that goes on.
        Assert.Contains(target, (await App.ClientFor(1004).GetAsync("/api/orders").OkAsync()).Codes());
        await App.ClientFor(9011).PostAsync($"/api/orders/{target}/accept", null).OkAsync();
        Assert.Equal(
            [1003L, 1004],
            (await JobHelpers.NoticesAsync("order_accepted")).Select(n => n.PersonId).Order()
        );
    }

    [Fact]
    public async Task EscalationOfAnOrderAboveTheGridsReachesTheGridWorkersOfTheCompound()
    {
        // Reported for 金龙小区 as a whole (no building): no single grid holds it.
        var response = await App.ClientFor(1001)
            .PostAsJsonAsync(
                "/api/orders",
                new
                {
                    categoryId = 2,
                    description = "小区路灯一大片都不亮",
                    areaId = 111,
                }
            );
        var code = (await response.BodyAsync()).GetProperty("code").GetString()!;
        await App.ClientFor(9011).PostAsync($"/api/orders/{code}/accept", null).OkAsync();
        await App.ClientFor(9011).PostAsync($"/api/orders/{code}/publish", null).OkAsync();

        var escalation = App.Service<Escalation>();
        App.Clock.SetChina(2026, 11, 26, 0, 30);
        Assert.Equal(1, await escalation.RunAsync(default));
        App.Clock.SetChina(2026, 11, 27, 1);
        Assert.Equal(1, await escalation.RunAsync(default));
        var notices = await JobHelpers.NoticesAsync("escalation");
        Assert.Equal(
            [9101L, 9102],
            notices.Where(n => n.Title.Contains("网格员")).Select(n => n.PersonId).Order()
        );
    }

    [Fact]
    public async Task AUnitsOnlyOrderIsNotAssignedToAMember()
    {
        var code = await App.PublishedOrderAsync(10, "3栋物业不处理漏水");
        await (
            await App.ClientFor(9101).PostAsJsonAsync($"/api/orders/{code}/assign", new { personId = 2001 })
        ).ProblemAsync(403, "order.units_only");
        var assigned = await App.ClientFor(9101)
            .PostAsJsonAsync($"/api/orders/{code}/assign", new { unitId = 1 })
            .OkAsync();
        Assert.Equal("claimed", assigned.GetProperty("status").GetString());
    }
}
