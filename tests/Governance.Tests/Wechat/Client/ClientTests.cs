using Governance.Wechat.Client;

namespace Governance.Tests.Wechat.Client;

[Collection(DbCollection.Name)]
public sealed class ClientTests(TestApp app) : DbTest(app)
{
    private WechatApiClient Client => App.Service<WechatApiClient>();

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        // A token of our own, with no force refresh on record: what earlier tests left (at other times) is gone.
        await TestDatabase.ExecuteAsync("DELETE FROM wechat_token");
        App.Wechat.ExpireTokens();
        // o_client follows the official account and has just written to it (customer-service messages may go to them
        // for 48 hours); o_mp_user_1 has just opened the mini-program.
        App.Wechat.Follow("o_client");
        App.Wechat.Interact("o_client");
        App.Wechat.Visit("o_mp_user_1");
    }

    [Fact]
    public async Task TheAccessTokenIsFetchedOnceAndSharedThroughTheDatabase()
    {
        await TestDatabase.ExecuteAsync("DELETE FROM wechat_token");
        App.Wechat.ExpireTokens(); // forget whatever an earlier test cached in memory
        var before = App.Wechat.TokenRequests;
        for (var i = 0; i < 5; i++)
            Assert.True((await Client.SendTextAsync("o_client", $"第{i}条")).Ok);
        Assert.Equal(before + 1, App.Wechat.TokenRequests);
        Assert.Equal(5, App.Wechat.Sent("o_client", "custom").Count);
        var stored = await TestDatabase.ScalarAsync<string>(
            "SELECT access_token FROM wechat_token WHERE app_id = @appId",
            new { appId = TestApp.Account.AppId }
        );
        Assert.StartsWith("SIM_", stored);
    }

    [Fact]
    public async Task AnExpiredTokenIsRefreshedOnceAndTheCallRetried()
    {
        Assert.True((await Client.SendTextAsync("o_client", "预热")).Ok);
        var old = await TestDatabase.ScalarAsync<string>(
            "SELECT access_token FROM wechat_token WHERE app_id = @appId",
            new { appId = TestApp.Account.AppId }
        );
        App.Wechat.ExpireTokens();

        var result = await Client.SendTextAsync("o_client", "过期后重试");
        Assert.True(result.Ok, result.ErrMsg);
        Assert.Equal(["预热", "过期后重试"], App.Wechat.Sent("o_client").Select(m => m.Text));
        Assert.NotEqual(
            old,
            await TestDatabase.ScalarAsync<string>(
                "SELECT access_token FROM wechat_token WHERE app_id = @appId",
                new { appId = TestApp.Account.AppId }
            )
        );
    }

    [Fact]
    public async Task ATokenErrorThatPersistsIsRetriedOnlyOnce()
    {
        Assert.True((await Client.SendTextAsync("o_client", "预热")).Ok);
        var tokensBefore = App.Wechat.TokenRequests;
        var forcedBefore = App.Wechat.ForcedRefreshes;
        App.Wechat.Fail("/message/custom/send", 40001, "invalid credential", times: 2);

        // Normal mode hands back the very token WeChat refused, so the one recovery forces a new one; the retry with it
        // fails too, and the call gives up for now.
        var result = await Client.SendTextAsync("o_client", "x");
        Assert.Equal((WechatOutcome.RetryLater, 40001), (result.Outcome, result.ErrCode));
        Assert.Equal(tokensBefore + 2, App.Wechat.TokenRequests);
        Assert.Equal(forcedBefore + 1, App.Wechat.ForcedRefreshes);
        Assert.True((await Client.SendTextAsync("o_client", "y")).Ok);
        Assert.Equal(tokensBefore + 2, App.Wechat.TokenRequests);
        Assert.Equal(["预热", "y"], App.Wechat.Sent("o_client").Select(m => m.Text));
    }

    [Theory]
    [InlineData(43101, WechatOutcome.RecipientRefused)]
    [InlineData(45015, WechatOutcome.RecipientRefused)]
    [InlineData(47003, WechatOutcome.GiveUp)]
    [InlineData(45009, WechatOutcome.QuotaReached)]
    [InlineData(-1, WechatOutcome.RetryLater)]
    [InlineData(45011, WechatOutcome.RetryLater)]
    public async Task ErrorCodesBecomeTypedOutcomes(int errcode, WechatOutcome expected)
    {
        App.Wechat.Fail("/message/subscribe/send", errcode, "simulated");
        var result = await Client.SendSubscribeAsync(
            "o_client",
            "TPL1",
            new Dictionary<string, string> { ["thing1"] = "测试" },
            "pages/index/index"
        );
        Assert.Equal(expected, result.Outcome);
        Assert.Equal(errcode, result.ErrCode);
    }

    [Fact]
    public async Task AnHttpFailureIsRetryLater()
    {
        App.Wechat.Fail("/message/custom/send", 0, httpStatus: 502);
        Assert.Equal(WechatOutcome.RetryLater, (await Client.SendTextAsync("o_client", "x")).Outcome);
    }

    [Fact]
    public async Task TemplateMessagesCarryAClientMsgIdThatWechatDeduplicates()
    {
        var data = new Dictionary<string, string> { ["thing1"] = "楼道灯坏了", ["time2"] = "2026年11月18日 10:00" };
        var first = await Client.SendTemplateAsync(
            "o_client",
            "TPL_ORDER",
            data,
            "pages/order/detail?code=GD1",
            "order:GD1:accepted"
        );
        var again = await Client.SendTemplateAsync(
            "o_client",
            "TPL_ORDER",
            data,
            "pages/order/detail?code=GD1",
            "order:GD1:accepted"
        );
        Assert.True(first.Ok);
        Assert.Equal(first.MsgId, again.MsgId);
        var sent = Assert.Single(App.Wechat.Sent("o_client", "template"));
        Assert.Equal("楼道灯坏了", sent.Body["data"]!["thing1"]!["value"]!.GetValue<string>());
        Assert.Equal(TestApp.Account.MiniProgramAppId, sent.Body["miniprogram"]!["appid"]!.GetValue<string>());
    }

    [Fact]
    public async Task LoginCodesAreSingleUse()
    {
        var code = App.Wechat.IssueLoginCode("o_mp_user_1", "u_union_1");
        var session = await Client.Code2SessionAsync(code);
        Assert.True(session.Result.Ok);
        Assert.Equal(("o_mp_user_1", "u_union_1"), (session.OpenId, session.UnionId));
        Assert.False(string.IsNullOrEmpty(session.SessionKey));
        Assert.Equal(40163, (await Client.Code2SessionAsync(code)).Result.ErrCode);
        var bogus = await Client.Code2SessionAsync("not-a-code");
        Assert.Equal((WechatOutcome.GiveUp, 40029), (bogus.Result.Outcome, bogus.Result.ErrCode));
    }

    [Fact]
    public async Task TheTextCheckReturnsTheVerdictNotJustTheErrcode()
    {
        var pass = await Client.CheckTextAsync("o_mp_user_1", "楼道灯坏了，请尽快修理", scene: 2);
        Assert.Equal(("pass", 100), (pass.Suggest, pass.Label));
        var risky = await Client.CheckTextAsync("o_mp_user_1", "专业代开发票，联系我", scene: 2);
        Assert.True(risky.Result.Ok);
        Assert.Equal("risky", risky.Suggest);
    }
}
