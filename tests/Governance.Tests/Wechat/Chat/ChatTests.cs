using static Governance.Tests.Infrastructure.ChatHelpers;

namespace Governance.Tests.Wechat.Chat;

/// <summary>
/// The resident's conversation, end to end: simulator → signed, encrypted callback → dialog → database.
/// </summary>
[Collection(DbCollection.Name)]
public sealed class ChatTests(TestApp app) : DbTest(app)
{
    private const string Resident1001 = "o_demo_resident_1001"; // home: 金龙小区 3栋 (building 111103, grid 1111)

    private static Task<(
        string Status,
        string Source,
        long AreaId,
        long CategoryId,
        string Urgency,
        int Escalation
    )> OrderAsync(string code) =>
        TestDatabase
            .QueryAsync<(string, string, long, long, string, int)>(
                "SELECT status, source, area_id, category_id, urgency, escalation_level FROM service_order WHERE code "
                    + "= @code",
                new { code }
            )
            .ContinueWith(t => t.Result.Single());

    private static Task<List<string>> EventsAsync(string code) =>
        TestDatabase.QueryAsync<string>(
            "SELECT e.kind FROM order_event e JOIN service_order o ON o.id = e.order_id WHERE o.code = @code ORDER BY "
                + "e.id",
            new { code }
        );

    [Fact]
    public async Task AOneMessageReportIsSummarisedConfirmedAndCreated()
    {
        var openid = NewOpenid();
        var summary = await App.SayAsync(openid, "金龙小区5号楼门口垃圾堆了好几天没人清理");
        Assert.Contains("类别：环境卫生", summary);
        Assert.Contains("位置：金龙小区 5栋", summary);
        Assert.Contains("回复「确认」提交", summary);
        Assert.Equal(0, await TestDatabase.ScalarAsync<int>("SELECT COUNT(*) FROM service_order"));

        var done = await App.SayAsync(openid, "确认");
        var code = CodeIn(done);
        Assert.Contains("11月23日前办结", done); // 环境卫生: 3 working days after Wednesday 18 Nov
        var order = await OrderAsync(code);
        Assert.Equal(("submitted", "wechat_chat", 111105L, 1L, "normal", 0), order);
        Assert.Equal(["created"], await EventsAsync(code));
        Assert.Equal(
            1,
            await TestDatabase.ScalarAsync<int>("SELECT COUNT(*) FROM person WHERE oa_openid = @openid", new { openid })
        );
        Assert.Null(
            await TestDatabase.ScalarAsync<string?>(
                "SELECT state FROM conversation WHERE openid = @openid",
                new { openid }
            )
        );
    }

    [Fact]
    public async Task AMultiTurnReportAsksOnlyForWhatIsMissing()
    {
        var openid = NewOpenid(); // no home registered
        Assert.Contains("请问问题在哪里", await App.SayAsync(openid, "楼道灯坏了"));
        // The state is in the database, so any node could take the next message.
        Assert.Contains(
            "\"awaiting\":\"place\"",
            await TestDatabase.ScalarAsync<string>(
                "SELECT state FROM conversation WHERE openid = @openid",
                new { openid }
            )
        );
        Assert.Contains("还是没找到", await App.SayAsync(openid, "就在那边"));
        var summary = await App.SayAsync(openid, "世纪山水二期");
        Assert.Contains("位置：世纪山水二期", summary);
        Assert.Contains("类别：设施维修", summary);
        var code = CodeIn(await App.SayAsync(openid, "好的"));
        Assert.Equal(1212, (await OrderAsync(code)).AreaId); // 世纪山水二期网格
    }

    [Fact]
    public async Task AnUnclearCategoryIsPickedFromTheList()
    {
        var openid = NewOpenid();
        var ask = await App.SayAsync(openid, "金龙小区2栋有个情况");
        Assert.Contains("请问属于哪一类问题", ask);
        Assert.Contains("2. 设施维修", ask);
        var summary = await App.SayAsync(openid, "2");
        Assert.Contains("类别：设施维修", summary);
        Assert.Contains("位置：金龙小区 2栋", summary);
    }

    [Fact]
    public async Task AnUrgentReportGetsSafetyAdviceAndAnEscalatedOrderAtOnce()
    {
        var reply = await App.SayAsync(Resident1001, "家里厨房闻到很浓的煤气味");
        Assert.Contains("119", reply);
        Assert.Contains("关闭燃气阀门", reply);
        var code = CodeIn(reply);
        var order = await OrderAsync(code);
        Assert.Equal(("submitted", "urgent", 1), (order.Status, order.Urgency, order.Escalation));
        Assert.Equal(111103, order.AreaId);
        Assert.Equal(["created", "escalated"], await EventsAsync(code));
        var alerted = await TestDatabase.QueryAsync<long>(
            "SELECT DISTINCT person_id FROM delivery WHERE kind = 'urgent_alert' ORDER BY person_id"
        );
        Assert.Equal([9011L, 9101L], alerted); // the secretary of 城东社区 and the grid worker of 金龙小区第一网格
    }

    [Fact]
    public async Task AnUrgentReportWithoutAPlaceAsksWhereWhileGivingAdvice()
    {
        var openid = NewOpenid();
        var first = await App.SayAsync(openid, "有人被困在电梯里了，快来人");
        Assert.Contains("119", first);
        Assert.Contains("具体位置", first);
        var code = CodeIn(await App.SayAsync(openid, "文化路小区6栋"));
        var order = await OrderAsync(code);
        Assert.Equal(("urgent", 112106L), (order.Urgency, order.AreaId));
    }

    [Fact]
    public async Task ASecondReportOfTheSameProblemIsLinkedInsteadOfDuplicated()
    {
        var code = CodeIn(
            await App.SayAsync(Resident1001, "确认")
                .ContinueWith(_ => App.SayAsync(Resident1001, "金龙小区3栋楼道灯坏了"))
                .Unwrap()
                .ContinueWith(_ => App.SayAsync(Resident1001, "确认"))
                .Unwrap()
        );
        var neighbour = NewOpenid();
        await App.SayAsync(neighbour, "金龙小区3号楼的楼道灯不亮了");
        var linked = await App.SayAsync(neighbour, "确认");
        Assert.Contains(code, linked);
        Assert.Contains("合并", linked);
        Assert.Equal(1, await TestDatabase.ScalarAsync<int>("SELECT COUNT(*) FROM service_order"));
        Assert.Equal(
            1,
            await TestDatabase.ScalarAsync<int>(
                "SELECT COUNT(*) FROM order_follower f JOIN person p ON p.id = f.person_id WHERE p.oa_openid = "
                    + "@neighbour",
                new { neighbour }
            )
        );
        Assert.Equal(["created", "linked_report"], await EventsAsync(code));
        // The neighbour now follows it.
        Assert.Contains(code, await App.SayAsync(neighbour, "查询"));

        // A different problem in the same building and category is not a duplicate.
        await App.SayAsync(neighbour, "金龙小区3栋电梯坏了停运了");
        Assert.NotEqual(code, CodeIn(await App.SayAsync(neighbour, "确认")));
        Assert.Equal(2, await TestDatabase.ScalarAsync<int>("SELECT COUNT(*) FROM service_order"));
    }

    [Fact]
    public async Task StatusQueriesListMyOrdersAndShowOne()
    {
        Assert.Contains("还没有提交过工单", await App.SayAsync(Resident1001, "我的工单"));
        await App.SayAsync(Resident1001, "3栋楼道灯坏了");
        var code = CodeIn(await App.SayAsync(Resident1001, "确认"));
        var list = await App.SayAsync(Resident1001, "查询");
        Assert.Contains($"1. {code} 设施维修｜待受理", list);
        var one = await App.SayAsync(Resident1001, $"查询 {code}");
        Assert.Contains("状态：待受理", one);
        Assert.Contains("提交诉求", one);
        Assert.Contains("没有找到", await App.SayAsync(NewOpenid(), $"查询 {code}")); // someone else's order
    }

    [Fact]
    public async Task UrgingNotifiesTheGridWorkerAndIsThrottled()
    {
        await App.SayAsync(Resident1001, "3栋楼道灯坏了");
        var code = CodeIn(await App.SayAsync(Resident1001, "确认"));
        Assert.Contains($"已为您催办 {code}", await App.SayAsync(Resident1001, $"催办 {code}"));
        Assert.Contains("小时后可再次催办", await App.SayAsync(Resident1001, $"催办 {code}"));
        App.Clock.Advance(TimeSpan.FromHours(13));
        Assert.Contains("已为您催办", await App.SayAsync(Resident1001, "催办"));
        Assert.Equal(["created", "urged", "urged"], await EventsAsync(code));
        Assert.Equal(
            2,
            await TestDatabase.ScalarAsync<int>(
                "SELECT COUNT(*) FROM delivery WHERE kind = 'order_urged' AND person_id = 9101"
            )
        );
    }

    [Fact]
    public async Task AnUnsatisfiedRatingReopensTheOrderAndASatisfiedOneClosesIt()
    {
        await App.SayAsync(Resident1001, "3栋楼道灯坏了");
        var code = CodeIn(await App.SayAsync(Resident1001, "确认"));
        Assert.Contains("没有待评价", await App.SayAsync(Resident1001, "满意"));
        await TestDatabase.ExecuteAsync(
            "UPDATE service_order SET status = 'resolved', claimer_person_id = 2001 WHERE code = @code",
            new { code }
        );

        Assert.Contains("哪里不满意", await App.SayAsync(Resident1001, "不满意"));
        var reopened = await App.SayAsync(Resident1001, "灯还是不亮，只换了灯泡");
        Assert.Contains("重新办理", reopened);
        var row = (
            await TestDatabase.QueryAsync<(string Status, string Satisfaction, long Claimer)>(
                "SELECT status, satisfaction, claimer_person_id FROM service_order WHERE code = @code",
                new { code }
            )
        ).Single();
        Assert.Equal(("claimed", "unsatisfied", 2001L), row);
        Assert.Equal(["created", "rated", "reopened"], await EventsAsync(code));
        Assert.Equal(
            1,
            await TestDatabase.ScalarAsync<int>(
                "SELECT COUNT(*) FROM delivery WHERE kind = 'order_reopened' AND person_id = 2001"
            )
        );

        await TestDatabase.ExecuteAsync(
            "UPDATE service_order SET status = 'resolved' WHERE code = @code",
            new { code }
        );
        Assert.Contains("已关闭", await App.SayAsync(Resident1001, "满意"));
        Assert.Equal(
            ("closed", "satisfied"),
            (
                await TestDatabase.QueryAsync<(string, string)>(
                    "SELECT status, satisfaction FROM service_order WHERE code = @code",
                    new { code }
                )
            ).Single()
        );
    }

    [Fact]
    public async Task CancellingDropsADraftOrWithdrawsAnUnclaimedOrder()
    {
        await App.SayAsync(Resident1001, "3栋楼道灯坏了");
        Assert.Contains("已取消这次反映", await App.SayAsync(Resident1001, "取消"));
        Assert.Equal(0, await TestDatabase.ScalarAsync<int>("SELECT COUNT(*) FROM service_order"));

        await App.SayAsync(Resident1001, "3栋楼道灯坏了");
        var code = CodeIn(await App.SayAsync(Resident1001, "确认"));
        Assert.Contains($"已撤销工单 {code}", await App.SayAsync(Resident1001, "取消"));
        Assert.Equal("cancelled", (await OrderAsync(code)).Status);

        await App.SayAsync(Resident1001, "3栋电梯坏了");
        var claimed = CodeIn(await App.SayAsync(Resident1001, "确认"));
        await TestDatabase.ExecuteAsync(
            "UPDATE service_order SET status = 'claimed' WHERE code = @claimed",
            new { claimed }
        );
        Assert.Contains("不能撤销", await App.SayAsync(Resident1001, $"取消 {claimed}"));
    }

    [Fact]
    public async Task VoiceUsesRecognitionAndSaysSoWhenItIsEmpty()
    {
        var openid = NewOpenid();
        Assert.Contains("没听清", await App.PushAsync(App.Wechat.VoiceXml(openid, "")));
        var summary = await App.PushAsync(App.Wechat.VoiceXml(openid, "金龙小区6栋门口的路灯不亮了"));
        Assert.Contains("位置：金龙小区 6栋", summary);
        CodeIn(await App.SayAsync(openid, "确认"));
    }

    [Fact]
    public async Task ALocationRoutesTheReportToTheNearestGrid()
    {
        var openid = NewOpenid();
        var got = await App.PushAsync(App.Wechat.LocationXml(openid, 33.1520, 107.3313, "金龙小区东门"));
        Assert.Contains("已收到位置", got);
        Assert.Contains("金龙小区", got);
        Assert.Contains("请确认", await App.SayAsync(openid, "路灯坏了好几天"));
        var code = CodeIn(await App.SayAsync(openid, "确认"));
        var row = (
            await TestDatabase.QueryAsync<(long AreaId, decimal Lat, decimal Lng, string Location)>(
                "SELECT area_id, latitude, longitude, location_text FROM service_order WHERE code = @code",
                new { code }
            )
        ).Single();
        Assert.Equal((1111L, 33.152m, 107.3313m, "金龙小区东门"), row);
        Assert.Contains(
            "不在我们服务的社区范围内",
            await App.PushAsync(App.Wechat.LocationXml(NewOpenid(), 39.9, 116.4, "北京"))
        );
    }

    [Fact]
    public async Task APictureIsAttachedToTheReportBeingDrafted()
    {
        var openid = NewOpenid();
        Assert.Contains("收到照片", await App.PushAsync(App.Wechat.ImageXml(openid)));
        var summary = await App.SayAsync(openid, "金龙小区4栋单元门坏了关不上");
        Assert.Contains("照片：1张", summary);
        Assert.Contains("已添加照片（共2张）", await App.PushAsync(App.Wechat.ImageXml(openid)));
        var code = CodeIn(await App.SayAsync(openid, "确认"));
        var keys = await TestDatabase.QueryAsync<string>(
            "SELECT p.storage_key FROM order_photo p JOIN service_order o ON o.id = p.order_id WHERE o.code = @code",
            new { code }
        );
        Assert.Equal(2, keys.Count);
        Assert.True(File.Exists(Path.Combine(App.DataRoot, keys[0])));
    }

    [Fact]
    public async Task FollowingGreetsAndUnfollowingStopsMessages()
    {
        var openid = NewOpenid();
        var welcome = await App.PushAsync(App.Wechat.EventXml(openid, "subscribe"));
        Assert.Contains("欢迎关注", welcome);
        Assert.Contains("查询", welcome);
        Assert.True(
            await TestDatabase.ScalarAsync<bool>(
                "SELECT oa_following FROM person WHERE oa_openid = @openid",
                new { openid }
            )
        );
        await App.SayAsync(openid, "楼道灯坏了");
        Assert.Null(await App.PushAsync(App.Wechat.EventXml(openid, "unsubscribe")));
        Assert.False(
            await TestDatabase.ScalarAsync<bool>(
                "SELECT oa_following FROM person WHERE oa_openid = @openid",
                new { openid }
            )
        );
        Assert.Equal(
            0,
            await TestDatabase.ScalarAsync<int>(
                "SELECT COUNT(*) FROM conversation WHERE openid = @openid",
                new { openid }
            )
        );
        // Following again turns template messages back on.
        await App.PushAsync(App.Wechat.EventXml(openid, "subscribe", createTime: App.Wechat.Now + 1));
        Assert.True(
            await TestDatabase.ScalarAsync<bool>(
                "SELECT oa_following FROM person WHERE oa_openid = @openid",
                new { openid }
            )
        );
    }

    [Fact]
    public async Task MenuClicksLinksHelpHumanAndUnplaceableMessagesGetSensibleAnswers()
    {
        Assert.Contains(
            "还没有提交过工单",
            await App.PushAsync(App.Wechat.EventXml(Resident1001, "CLICK", "MY_ORDERS"))
        );
        Assert.Contains("直接发送文字", await App.PushAsync(App.Wechat.EventXml(Resident1001, "CLICK", "REPORT")));
        Assert.Null(await App.PushAsync(App.Wechat.EventXml(Resident1001, "VIEW", "https://example.org/")));
        Assert.Contains(
            "收到链接",
            await App.PushAsync(App.Wechat.LinkXml(NewOpenid(), "一篇文章", "https://example.org/a"))
        );
        Assert.Contains("回复「查询」", await App.SayAsync(NewOpenid(), "帮助"));
        Assert.Contains("没太明白", await App.SayAsync(NewOpenid(), "哈哈"));
        Assert.Contains("已通知您所在网格的网格员", await App.SayAsync(Resident1001, "人工"));
        Assert.Equal(
            1,
            await TestDatabase.ScalarAsync<int>(
                "SELECT COUNT(*) FROM delivery WHERE kind = 'handover' AND person_id = 9101"
            )
        );
        Assert.Contains("住在哪个小区", await App.SayAsync(NewOpenid(), "人工"));
    }

    [Fact]
    public async Task EveryReplyFitsWeChatsPassiveTextLimit()
    {
        var replies = new List<string?>
        {
            await App.SayAsync(Resident1001, "帮助"),
            await App.SayAsync(NewOpenid(), "金龙小区2栋有个情况"),
            await App.SayAsync(Resident1001, "家里着火了冒浓烟，有人受伤，还有人打架"),
        };
        Assert.All(replies, r =>
            Assert.InRange(
                System.Text.Encoding.UTF8.GetByteCount(r!),
                1,
                Governance.Wechat.Protocol.WechatXml.MaxTextReplyBytes
            )
        );
        var (passive, rest) = Governance.Wechat.Gateway.WechatGateway.SplitForPassiveReply(
            string.Concat(Enumerable.Repeat("一行很长的中文回复😀\n", 200))
        );
        Assert.True(
            System.Text.Encoding.UTF8.GetByteCount(passive) <= Governance.Wechat.Protocol.WechatXml.MaxTextReplyBytes
        );
        Assert.NotNull(rest);
    }
}
