using System.Net.Http.Json;

namespace Governance.Tests.Orders;

[Collection(DbCollection.Name)]
public sealed class ListOrdersTests(TestApp app) : DbTest(app)
{
    private async Task<string> At(long resident, long building, long category, string text)
    {
        App.Clock.Advance(TimeSpan.FromMinutes(1));
        return await App.ClientFor(resident).ReportCodeAsync(category, text, building);
    }

    [Fact]
    public async Task ListsAreScopedFilteredAndPaged()
    {
        var jinlong1 = await At(1001, 111103, 2, "金龙3栋灯坏"); // 城东 / 金龙 / grid 1111
        var jinlong2 = await At(1002, 111208, 1, "金龙8栋垃圾"); // 城东 / 金龙 / grid 1112
        var wenhua = await At(1003, 112102, 4, "文化路2栋噪音"); // 城东 / 文化路
        var shiji = await At(1005, 121105, 2, "世纪山水5栋水管"); // 解放街
        var huafeng = await At(1007, 211103, 2, "床单厂3栋路灯"); // 华峰 (other street)
        await App.ClientFor(9101).PostAsync($"/api/orders/{jinlong1}/accept", null).OkAsync();

        var secretary = App.ClientFor(9011);
        Assert.Equal(new[] { wenhua, jinlong2, jinlong1 }, (await secretary.GetAsync("/api/orders").OkAsync()).Codes());
        Assert.Equal(
            new[] { shiji, wenhua, jinlong2, jinlong1 },
            (await App.ClientFor(9001).GetAsync("/api/orders").OkAsync()).Codes()
        );
        Assert.Equal(new[] { huafeng }, (await App.ClientFor(9002).GetAsync("/api/orders").OkAsync()).Codes());
        Assert.Equal(new[] { jinlong1 }, (await App.ClientFor(9101).GetAsync("/api/orders").OkAsync()).Codes());
        Assert.Equal(new[] { jinlong1 }, (await App.ClientFor(1001).GetAsync("/api/orders").OkAsync()).Codes());

        Assert.Equal(
            new[] { jinlong2, jinlong1 },
            (await secretary.GetAsync("/api/orders?areaId=111").OkAsync()).Codes()
        );
        Assert.Equal(new[] { jinlong1 }, (await secretary.GetAsync("/api/orders?status=accepted").OkAsync()).Codes());
        Assert.Equal(
            new[] { wenhua, jinlong2 },
            (await secretary.GetAsync("/api/orders?status=submitted,in_progress").OkAsync()).Codes()
        );
        Assert.Equal(new[] { jinlong1 }, (await secretary.GetAsync("/api/orders?categoryId=2").OkAsync()).Codes());
        // An area outside the caller's scope only narrows; it never widens what they see.
        Assert.Empty((await secretary.GetAsync("/api/orders?areaId=21").OkAsync()).Codes());

        var page1 = await secretary.GetAsync("/api/orders?page=1&pageSize=2").OkAsync();
        var page2 = await secretary.GetAsync("/api/orders?page=2&pageSize=2").OkAsync();
        Assert.Equal(3, page1.GetProperty("total").GetInt64());
        Assert.Equal(new[] { wenhua, jinlong2 }, page1.Codes());
        Assert.Equal(new[] { jinlong1 }, page2.Codes());
        Assert.Equal(2, page2.GetProperty("page").GetInt32());
    }

    [Fact]
    public async Task WhatSomeoneSeesForSeveralReasonsIsListedAndCountedOnce()
    {
        // Member 2001 joins a neighbour's report (follows it) and then claims it; they also report something of their
        // own. The joined order is theirs twice over and is listed once.
        var joined = await At(1001, 111103, 2, "金龙小区3栋楼道灯坏了");
        App.Clock.Advance(TimeSpan.FromMinutes(1));
        await App.ClientFor(2001)
            .PostAsJsonAsync(
                "/api/orders",
                new
                {
                    categoryId = 2,
                    description = "3号楼的楼道灯不亮了",
                    buildingId = 111103,
                }
            )
            .OkAsync();
        await App.ClientFor(9101).PostAsync($"/api/orders/{joined}/accept", null).OkAsync();
        await App.ClientFor(9101).PostAsync($"/api/orders/{joined}/publish", null).OkAsync();
        await App.ClientFor(2001).PostAsync($"/api/orders/{joined}/claim", null).OkAsync();
        var own = await At(2001, 111208, 1, "8栋门口垃圾没人清");
        await At(1007, 211103, 2, "床单厂3栋路灯"); // nothing to do with them

        var all = await App.ClientFor(2001).GetAsync("/api/orders").OkAsync();
        Assert.Equal(new[] { own, joined }, all.Codes());
        Assert.Equal(2, all.GetProperty("total").GetInt64());
        var page2 = await App.ClientFor(2001).GetAsync("/api/orders?page=2&pageSize=1").OkAsync();
        Assert.Equal(2, page2.GetProperty("total").GetInt64());
        Assert.Equal(new[] { joined }, page2.Codes());
        // Filters apply to every part alike.
        Assert.Equal(
            new[] { joined },
            (await App.ClientFor(2001).GetAsync("/api/orders?categoryId=2").OkAsync()).Codes()
        );
    }

    [Fact]
    public async Task TheOverdueFilterFindsOpenOrdersPastTheirDeadline()
    {
        App.Time.Reset(ClockExtensions.China(2026, 11, 16, 9)); // Monday
        var noise = await At(1003, 112102, 4, "噪音"); // 2 working days: due Wed 18 Nov 23:59:59
        var repair = await At(1001, 111103, 2, "维修"); // 5 working days: due Mon 23 Nov 23:59:59
        var rejected = await At(1001, 111103, 4, "噪音2");
        await App.ClientFor(9011)
            .PostAsJsonAsync($"/api/orders/{rejected}/reject", new { reason = "已解决" })
            .OkAsync();

        App.Clock.SetChina(2026, 11, 19, 9);
        var secretary = App.ClientFor(9011);
        Assert.Equal(new[] { noise }, (await secretary.GetAsync("/api/orders?overdue=true").OkAsync()).Codes());
        Assert.Equal(
            new[] { rejected, repair },
            (await secretary.GetAsync("/api/orders?overdue=false").OkAsync()).Codes()
        );
        var detail = await secretary.GetAsync($"/api/orders/{noise}").OkAsync();
        Assert.True(detail.GetProperty("overdue").GetBoolean());
    }

    [Fact]
    public async Task BadFiltersAreProblems()
    {
        var secretary = App.ClientFor(9011);
        await (await secretary.GetAsync("/api/orders?status=lost")).ProblemAsync(400, "order.invalid_status");
        await (await secretary.GetAsync("/api/orders?pageSize=500")).ProblemAsync(400, "paging.invalid");
        await (await secretary.GetAsync("/api/orders?page=0")).ProblemAsync(400, "paging.invalid");
        await (await secretary.GetAsync("/api/orders?areaId=987654")).ProblemAsync(400, "order.area_not_found");
        await (await secretary.GetAsync("/api/orders?page=abc")).ProblemAsync(400, "request.invalid");
    }
}
