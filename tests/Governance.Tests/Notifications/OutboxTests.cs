using System.Net.Http.Json;
using Governance.Core.Notifications;
using Governance.Wechat.Sending;

namespace Governance.Tests.Notifications;

/// <summary>
/// The outbox dispatcher against the WeChat simulator: channel choice, falling back when a recipient refuses,
/// retries with backoff, giving up visibly, and recovery from a dispatcher that died mid-send.
/// </summary>
[Collection(DbCollection.Name)]
public sealed class OutboxTests(TestApp app) : DbTest(app)
{
    private DateTime Now => App.Clock.GetUtcNow().UtcDateTime;
    private OutboxSender Dispatcher => App.Service<OutboxSender>();

    /// <summary>
    /// A mini-program user who also follows the official account, with the given subscribe-message grants.
    /// </summary>
    private async Task<(long PersonId, string MpOpenid, string OaOpenid)> SubscriberAsync(params string[] grants)
    {
        var mp = "o_mp_" + Guid.NewGuid().ToString("N")[..12];
        var (client, login) = await App.SignInAsync(mp);
        var id = login.GetProperty("me").GetProperty("id").GetInt64();
        var oa = "o_oa_" + Guid.NewGuid().ToString("N")[..12];
        await TestDatabase.ExecuteAsync(
            "UPDATE person SET oa_openid = @oa, oa_following = 1 WHERE id = @id",
            new { oa, id }
        );
        App.Wechat.Follow(oa);
        App.Wechat.AcceptSubscribe(mp, grants);
        if (grants.Length > 0)
            Assert.Equal(
                204,
                (int)(await client.PostAsJsonAsync("/api/me/subscriptions", new { templateIds = grants })).StatusCode
            );
        return (id, mp, oa);
    }

    private Task<List<(string Channel, string Status, int Attempts, string? LastError)>> RowsAsync(string key) =>
        TestDatabase.QueryAsync<(string, string, int, string?)>(
            "SELECT channel, status, attempts, last_error FROM delivery WHERE idempotency_key LIKE CONCAT(@key, ':%') "
                + "ORDER BY id",
            new { key }
        );

    [Fact]
    public async Task EachRecipientGetsTheBestChannelTheyCanReceive()
    {
        var code = await App.ClientFor(1001).ReportCodeAsync(2, "3栋楼道灯坏了，晚上上下楼很不方便，老人差点摔倒");
        var subscriber = await SubscriberAsync("TPL_MP_ORDER_RESOLVED");
        var notice = new Notice(
            "order_resolved",
            "工单已办结",
            "3栋楼道灯坏了，晚上上下楼很不方便，老人差点摔倒，已更换",
            code
        );
        await App.Service<NotificationStore>()
            .EnqueueAsync([1001, subscriber.PersonId, 2001], notice, "resolved-test", Now);
        var channels = (
            await TestDatabase.QueryAsync<(long PersonId, string Channel)>(
                "SELECT person_id, channel FROM delivery WHERE idempotency_key LIKE 'resolved-test:%'"
            )
        ).ToDictionary(r => r.PersonId, r => r.Channel);
        Assert.Equal(
            ("template", "subscribe", "inbox"),
            (channels[1001], channels[subscriber.PersonId], channels[2001])
        );

        var result = await Dispatcher.DrainAsync(default);
        Assert.Equal((3, 3), (result.Claimed, result.Sent));
        var template = App.Wechat.Sent("o_demo_resident_1001", "template").Single();
        Assert.Equal("TPL_OA_ORDER_STATUS", template.Body["template_id"]!.GetValue<string>());
        Assert.Equal(code, template.Body["data"]!["character_string1"]!["value"]!.GetValue<string>());
        Assert.Equal("已办结", template.Body["data"]!["phrase2"]!["value"]!.GetValue<string>());
        var thing = template.Body["data"]!["thing3"]!["value"]!.GetValue<string>();
        Assert.Equal(20, thing.Length); // WeChat refuses a "thing" over 20 characters: cut, with an ellipsis
        Assert.EndsWith("…", thing);
        Assert.Equal($"pages/order/detail?code={code}", template.Body["miniprogram"]!["pagepath"]!.GetValue<string>());
        var subscribe = App.Wechat.Sent(subscriber.MpOpenid, "subscribe").Single();
        Assert.Equal("TPL_MP_ORDER_RESOLVED", subscribe.Body["template_id"]!.GetValue<string>());
        Assert.Equal(
            0,
            await TestDatabase.ScalarAsync<int>(
                "SELECT remaining FROM subscribe_grant WHERE person_id = @id",
                new { id = subscriber.PersonId }
            )
        );
        var inbox = await App.ClientFor(2001).GetAsync("/api/me/inbox").OkAsync();
        Assert.Equal(notice.Body, inbox.EnumerateArray().Single().GetProperty("body").GetString());
        Assert.All(await RowsAsync("resolved-test"), r => Assert.Equal("sent", r.Status));

        // The grant was used up: the next notice of that kind goes by template message instead.
        await App.Service<NotificationStore>().EnqueueAsync([subscriber.PersonId], notice, "resolved-again", Now);
        Assert.Equal("template", (await RowsAsync("resolved-again")).Single().Channel);
        await (
            await App.ClientFor(1001)
                .PostAsJsonAsync("/api/me/subscriptions", new { templateIds = new[] { "NOT_OURS" } })
        ).ProblemAsync(400, "subscriptions.invalid");
    }

    [Fact]
    public async Task ARecipientWhoRefusesIsReachedOnTheNextChannel()
    {
        var subscriber = await SubscriberAsync("TPL_MP_ORDER_RESOLVED");
        App.Wechat.Fail("/message/subscribe/send", 43101, "user refuse to accept the msg");
        App.Wechat.Fail("/message/template/send", 43004, "require subscribe", times: 1);
        var notice = new Notice("order_resolved", "工单已办结", "楼道灯已更换");
        await App.Service<NotificationStore>().EnqueueAsync([subscriber.PersonId], notice, "refused", Now);

        // subscribe refused → official-account template refused (not following any more) → the in-app inbox.
        var result = await Dispatcher.DrainAsync(default);
        Assert.Equal((2, 1), (result.Rerouted, result.Sent));
        var row = (await RowsAsync("refused")).Single();
        Assert.Equal(("inbox", "sent"), (row.Channel, row.Status));
        Assert.Equal(
            0,
            await TestDatabase.ScalarAsync<int>(
                "SELECT remaining FROM subscribe_grant WHERE person_id = @id",
                new { id = subscriber.PersonId }
            )
        );
        Assert.Equal(
            "楼道灯已更换",
            await TestDatabase.ScalarAsync<string>(
                "SELECT body FROM inbox_message WHERE person_id = @id",
                new { id = subscriber.PersonId }
            )
        );
        Assert.Empty(App.Wechat.Sent(subscriber.MpOpenid));
        Assert.Empty(App.Wechat.Sent(subscriber.OaOpenid));
    }

    [Fact]
    public async Task APersonsNoticesAboutOneOrderArriveInTheOrderWrittenEvenWhenOneIsRetried()
    {
        var code = await App.ClientFor(1001).ReportCodeAsync();
        var other = await App.ClientFor(1001).ReportCodeAsync();
        var store = App.Service<NotificationStore>();
        string Code(Governance.Wechat.Simulator.SentMessage m) =>
            m.Body["data"]!["character_string1"]!["value"]!.GetValue<string>();
        await store.EnqueueAsync([1001], new Notice("order_accepted", "工单已受理", "正在安排办理", code), "a", Now);
        await store.EnqueueAsync([1001], new Notice("order_claimed", "工单已认领", "党员已认领", code), "b", Now);
        // The first send fails ("system busy") and is retried after a backoff; the second waits for it.
        App.Wechat.Fail("/message/template/send", -1, "system busy", times: 1);
        await Dispatcher.DrainAsync(default);
        Assert.Empty(App.Wechat.Sent("o_demo_resident_1001", "template"));
        Assert.Equal("pending", (await RowsAsync("b")).Single().Status);

        // A notice about another order does not wait.
        await store.EnqueueAsync([1001], new Notice("order_accepted", "工单已受理", "正在安排办理", other), "c", Now);
        await Dispatcher.DrainAsync(default);
        Assert.Equal([other], App.Wechat.Sent("o_demo_resident_1001", "template").Select(Code));

        App.Clock.Advance(TimeSpan.FromMinutes(2));
        await Dispatcher.DrainAsync(default);
        var order = App.Wechat.Sent("o_demo_resident_1001", "template")
            .Where(m => Code(m) == code)
            .Select(m => m.Body["data"]!["phrase2"]!["value"]!.GetValue<string>());
        Assert.Equal(["已受理", "已认领"], order);
    }

    /// <summary>
    /// WeChat drops a repeated client_msg_id only within ten minutes: a template send that timed out may have arrived,
    /// so its retries stay inside that window (five attempts with the default backoff, the last at most 8¼ minutes
    /// after the first) and then the notice goes to the in-app inbox instead of a sixth template that could arrive
    /// twice.
    /// </summary>
    [Fact]
    public async Task TemplateRetriesStayInsideTheClientMsgIdWindowThenTheNoticeGoesToTheInbox()
    {
        var code = await App.ClientFor(1001).ReportCodeAsync();
        App.Wechat.Fail("/message/template/send", 0, times: 100, httpStatus: 502);
        await App.Service<NotificationStore>()
            .EnqueueAsync([1001], new Notice("order_accepted", "工单已受理", "正在安排办理", code), "window", Now);
        var first = Now;
        DateTime? last = null;
        for (var attempt = 1; attempt <= 8; attempt++)
        {
            if ((await RowsAsync("window"))[0].Channel == "template")
                last = App.Clock.GetUtcNow().UtcDateTime; // this drain makes a template attempt
            await Dispatcher.DrainAsync(default);
            var next = await TestDatabase.ScalarAsync<DateTime?>(
                "SELECT next_attempt_at FROM delivery WHERE idempotency_key = 'window:1001' AND status <> 'sent'"
            );
            if (next is null)
                break;
            App.Clock.Advance(
                DateTime.SpecifyKind(next.Value, DateTimeKind.Utc)
                    - App.Clock.GetUtcNow().UtcDateTime
                    + TimeSpan.FromSeconds(1)
            );
        }
        var row = (await RowsAsync("window")).Single();
        Assert.Equal(("inbox", "sent", 5), (row.Channel, row.Status, row.Attempts));
        Assert.InRange((last!.Value - first).TotalMinutes, 4, 10);
        Assert.Equal(
            1,
            await TestDatabase.ScalarAsync<int>(
                "SELECT COUNT(*) FROM inbox_message WHERE person_id = 1001 AND title = '工单已受理'"
            )
        );
    }

    [Fact]
    public async Task FailedSendsRetryWithBackoffThenDieVisiblyToTheAreasStaffWhoCanSendThemAgain()
    {
        var code = await App.ClientFor(1001).ReportCodeAsync();
        // Four attempts fit in client_msg_id's ten minutes (see the next test): a template row can die of them.
        App.Service<OutboxOptions>().MaxAttempts = 4;
        App.Wechat.Fail("/message/template/send", -1, "system error", times: 100);
        await App.Service<NotificationStore>()
            .EnqueueAsync([1001], new Notice("order_accepted", "工单已受理", "正在安排办理", code), "retry", Now);

        Assert.Equal(1, (await Dispatcher.DrainAsync(default)).Retrying);
        var next = await TestDatabase.ScalarAsync<DateTime>(
            "SELECT next_attempt_at FROM delivery WHERE idempotency_key = 'retry:1001'"
        );
        Assert.InRange((next - Now).TotalSeconds, 26, 34); // 30 s with jitter
        Assert.Equal(0, (await Dispatcher.DrainAsync(default)).Claimed); // not due yet
        for (var attempt = 2; attempt <= 4; attempt++)
        {
            App.Clock.Advance(TimeSpan.FromHours(1));
            await Dispatcher.DrainAsync(default);
        }
        var dead = (await RowsAsync("retry")).Single();
        Assert.Equal(("dead", 4), (dead.Status, dead.Attempts));
        Assert.StartsWith("gave up after 4 attempts: -1 system error", dead.LastError);
        App.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(0, (await Dispatcher.DrainAsync(default)).Claimed); // dead stays dead

        // The grid worker of 金龙小区第一网格 sees it; another grid's worker and residents do not.
        var list = await App.ClientFor(9101).GetAsync("/api/deliveries").OkAsync();
        var item = list.GetProperty("items").EnumerateArray().Single();
        Assert.Equal(
            ("工单已受理", code, "dead", 1001L),
            (
                item.GetProperty("title").GetString(),
                item.GetProperty("orderCode").GetString(),
                item.GetProperty("status").GetString(),
                item.GetProperty("personId").GetInt64()
            )
        );
        Assert.Equal(
            0,
            (await App.ClientFor(9103).GetAsync("/api/deliveries").OkAsync()).GetProperty("total").GetInt32()
        );
        await (await App.ClientFor(1001).GetAsync("/api/deliveries")).ProblemAsync(403, "auth.staff_only");
        await (await App.ClientFor(9101).GetAsync("/api/deliveries?status=sent")).ProblemAsync(
            400,
            "deliveries.invalid_status"
        );

        var id = item.GetProperty("id").GetInt64();
        await (await App.ClientFor(9103).PostAsync($"/api/deliveries/{id}/retry", null)).ProblemAsync(
            404,
            "delivery.not_found"
        );
        App.Wechat.ClearFaults();
        Assert.Equal(
            "pending",
            (await App.ClientFor(9101).PostAsync($"/api/deliveries/{id}/retry", null).OkAsync())
                .GetProperty("status")
                .GetString()
        );
        await (await App.ClientFor(9101).PostAsync($"/api/deliveries/{id}/retry", null)).ProblemAsync(
            409,
            "delivery.not_dead"
        );
        Assert.Equal(1, (await Dispatcher.DrainAsync(default)).Sent);
        Assert.Single(App.Wechat.Sent("o_demo_resident_1001", "template"));
    }

    [Fact]
    public async Task ASendThatCanNeverWorkIsDeadAtOnce()
    {
        App.Wechat.Fail("/message/template/send", 40037, "invalid template_id");
        await App.Service<NotificationStore>()
            .EnqueueAsync([1001], new Notice("order_accepted", "工单已受理", "正在安排办理"), "hopeless", Now);
        Assert.Equal(1, (await Dispatcher.DrainAsync(default)).Dead);
        Assert.Equal(("dead", 1), (await RowsAsync("hopeless")).Select(r => (r.Status, r.Attempts)).Single());
    }

    [Fact]
    public async Task RowsHeldByADispatcherThatDiedAreSentOnceItsLeaseRunsOut()
    {
        await App.Service<NotificationStore>()
            .EnqueueAsync([1001, 1002], new Notice("order_accepted", "工单已受理", "正在安排办理"), "lease", Now);
        // ... and then the node died
        var claimed = await App.Service<DeliveryStore>().ClaimBatchAsync(10, TimeSpan.FromSeconds(120), Now);
        Assert.Equal(2, claimed.Count);
        Assert.Equal(0, (await Dispatcher.DrainAsync(default)).Claimed);
        App.Clock.Advance(TimeSpan.FromSeconds(121));
        Assert.Equal(2, (await Dispatcher.DrainAsync(default)).Sent);
        Assert.All(await RowsAsync("lease"), r => Assert.Equal(("sent", 2), (r.Status, r.Attempts)));
        Assert.Single(App.Wechat.Sent("o_demo_resident_1001", "template"));
        Assert.Single(App.Wechat.Sent("o_demo_resident_1002", "template"));
    }
}
