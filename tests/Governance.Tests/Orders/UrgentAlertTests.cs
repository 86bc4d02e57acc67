using Governance.Core.Orders;

namespace Governance.Tests.Orders;

/// <summary>
/// An urgent report: alerted at once by the strongest channel and the inbox, climbing to the street when nobody
/// acknowledges it within the category's window, stopped by an acknowledgement, and withdrawn only with the resident's
/// confirmation — the staff it reached are told.
/// </summary>
[Collection(DbCollection.Name)]
public sealed class UrgentAlertTests(TestApp app) : DbTest(app)
{
    private const string Resident1001 = "o_demo_resident_1001"; // home: 金龙小区 3栋, grid 1111, 城东社区 (11), street 1

    private async Task<string> UrgentReportAsync()
    {
        var reply = await App.SayAsync(Resident1001, "家里厨房闻到很浓的煤气味");
        Assert.Contains("119", reply);
        return ChatHelpers.CodeIn(reply);
    }

    private Task<List<long>> AlertedAsync(string key) =>
        TestDatabase.QueryAsync<long>(
            "SELECT DISTINCT person_id FROM delivery WHERE idempotency_key LIKE CONCAT(@key, ':%') ORDER BY person_id",
            new { key }
        );

    private Task<List<string>> EventsAsync(string code) =>
        TestDatabase.QueryAsync<string>(
            "SELECT e.kind FROM order_event e JOIN service_order o ON o.id = e.order_id WHERE o.code = @code "
                + "ORDER BY e.id",
            new { code }
        );

    /// <summary>Puts back the seed's grid worker 9101, who follows the account only in this test.</summary>
    public override async Task DisposeAsync()
    {
        await TestDatabase.ExecuteAsync("UPDATE person SET oa_following = 0, oa_openid = NULL WHERE id = 9101");
        await base.DisposeAsync();
    }

    [Fact]
    public async Task AnUnacknowledgedAlertClimbsToTheStreetOnceAfterTheWindow()
    {
        // A follower gets the alert by template message and in the inbox as well.
        await TestDatabase.ExecuteAsync(
            "UPDATE person SET oa_following = 1, oa_openid = 'o_staff_9101' WHERE id = 9101"
        );
        App.Wechat.Follow("o_staff_9101");
        var code = await UrgentReportAsync();
        Assert.Equal([9011L, 9101L], await AlertedAsync($"urgent:{code}"));
        Assert.Equal(
            ["inbox", "template"],
            await TestDatabase.QueryAsync<string>(
                "SELECT channel FROM delivery WHERE person_id = 9101 AND kind = 'urgent_alert' ORDER BY channel"
            )
        );

        var alerts = App.Service<UrgentAlerts>();
        App.Clock.Advance(TimeSpan.FromMinutes(50));
        Assert.Equal(0, await alerts.RunAsync(default)); // inside the window (1 hour for 治安安全)
        App.Clock.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal(1, await alerts.RunAsync(default));
        Assert.Equal([9001L, 9011L], await AlertedAsync($"urgent:{code}:2")); // the street admin, the secretary again
        Assert.Equal(0, await alerts.RunAsync(default)); // nobody above the street: once
        App.Clock.Advance(TimeSpan.FromHours(5));
        Assert.Equal(0, await alerts.RunAsync(default));
        Assert.Equal(["created", "escalated", "escalated"], await EventsAsync(code));
    }

    [Fact]
    public async Task AnAcknowledgementStopsTheAlertAndIsOnTheTimeline()
    {
        var code = await UrgentReportAsync();
        var secretary = App.ClientFor(9011);
        var detail = await secretary.PostAsync($"/api/orders/{code}/acknowledge", null).OkAsync();
        Assert.Equal("submitted", detail.GetProperty("status").GetString());
        await (await secretary.PostAsync($"/api/orders/{code}/acknowledge", null)).ProblemAsync(
            409,
            "order.already_acknowledged"
        );
        await (await App.ClientFor(9103).PostAsync($"/api/orders/{code}/acknowledge", null)).ProblemAsync(
            404,
            "order.not_found"
        );
        App.Clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(0, await App.Service<UrgentAlerts>().RunAsync(default));
        Assert.Empty(await AlertedAsync($"urgent:{code}:2"));
        Assert.Equal(["created", "escalated", "acknowledged"], await EventsAsync(code));
        Assert.Equal(
            9011L,
            await TestDatabase.ScalarAsync<long>(
                "SELECT urgent_acked_by FROM service_order WHERE code = @code",
                new { code }
            )
        );
    }

    [Fact]
    public async Task StaffTriageCountsAsTheAcknowledgement()
    {
        var code = await UrgentReportAsync();
        await App.ClientFor(9101).PostAsync($"/api/orders/{code}/accept", null).OkAsync();
        App.Clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(0, await App.Service<UrgentAlerts>().RunAsync(default));
        Assert.Empty(await AlertedAsync($"urgent:{code}:2"));
    }

    [Fact]
    public async Task WithdrawingAnUrgentReportTakesAConfirmationAndTellsTheAlertedStaff()
    {
        var code = await UrgentReportAsync();
        var ask = await App.SayAsync(Resident1001, "取消");
        Assert.Contains("确定要撤销吗", ask);
        Assert.Contains(code, ask);
        Assert.Contains("保留", await App.SayAsync(Resident1001, "算了不撤了"));
        Assert.Equal(
            "submitted",
            await TestDatabase.ScalarAsync<string>("SELECT status FROM service_order WHERE code = @code", new { code })
        );

        await App.SayAsync(Resident1001, "取消");
        var done = await App.SayAsync(Resident1001, "确认撤销");
        Assert.Contains("已撤销紧急工单", done);
        Assert.Equal(
            "cancelled",
            await TestDatabase.ScalarAsync<string>("SELECT status FROM service_order WHERE code = @code", new { code })
        );
        Assert.Equal([9011L, 9101L], await AlertedAsync($"urgent-cancelled:{code}"));
    }

    [Fact]
    public async Task SayingTheDangerIsGoneOffersToWithdrawTheUrgentReport()
    {
        var code = await UrgentReportAsync();
        var offer = await App.SayAsync(Resident1001, "没有煤气味了，刚才是误会");
        Assert.Contains("已经解除了吗", offer);
        Assert.Contains(code, offer);
        Assert.Contains("已撤销紧急工单", await App.SayAsync(Resident1001, "确认撤销"));
        Assert.Equal([9011L, 9101L], await AlertedAsync($"urgent-cancelled:{code}"));
    }
}
