using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Governance.Core.Notifications;
using Governance.Wechat.Client;
using Governance.Wechat.Sending;

namespace Governance.Tests.Wechat.Contract;

/// <summary>
/// The client against the simulator's WeChat rules, one API at a time (docs/wechat/*.md): each test goes through the
/// product's own client and would fail if the client broke the rule, and each rule is also shown to be enforced by
/// the simulator with a request that breaks it.
/// </summary>
[Collection(DbCollection.Name)]
public sealed class ApiContractTests(TestApp app) : DbTest(app)
{
    private WechatApiClient Client => App.Service<WechatApiClient>();

    private HttpClient Raw => new() { BaseAddress = new Uri(App.Wechat.BaseAddress) };

    private async Task<string> TokenAsync(WechatApiClient.App account) => await Client.AccessTokenAsync(account);

    private static async Task<(int Status, JsonObject? Body)> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.StartsWith('{') ? JsonNode.Parse(text) as JsonObject : null);
    }

    private static int ErrCode(JsonObject? body) => body?["errcode"]?.GetValue<int>() ?? 0;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        // A token of our own, with no force refresh on record: what earlier tests left (at other times) is gone.
        await TestDatabase.ExecuteAsync("DELETE FROM wechat_token");
        App.Wechat.ExpireTokens();
        App.Wechat.Follow("o_contract");
        App.Wechat.Interact("o_contract");
        App.Wechat.Visit("o_mp_contract");
    }

    // ---- transport: Content-Length and raw UTF-8 ----

    [Fact]
    public async Task EveryPostGoesWithContentLengthAndRawUtf8AndTheSimulatorRefusesTheOtherKinds()
    {
        // Through the client: Chinese and an emoji in every kind of POST the product sends.
        await TestDatabase.ExecuteAsync("DELETE FROM wechat_token");
        App.Wechat.ExpireTokens();
        Assert.True((await Client.SendTextAsync("o_contract", "您反映的问题已受理🙂")).Ok);
        var template = await Client.SendTemplateAsync(
            "o_contract",
            "TPL_OA_ORDER_STATUS",
            new Dictionary<string, string> { ["thing3"] = "楼道灯坏了", ["phrase2"] = "已受理" },
            "pages/order/detail?code=GD1",
            "contract:1"
        );
        Assert.True(template.Ok, template.ErrMsg);
        var check = await Client.CheckTextAsync("o_mp_contract", "楼道灯坏了", scene: 2);
        Assert.True(check.Result.Ok, check.Result.ErrMsg);
        Assert.Equal("您反映的问题已受理🙂", App.Wechat.Sent("o_contract", "custom").Single().Text);

        // What a careless client sends: a chunked body gets HTTP 412, a \uXXXX escape gets 40033.
        var token = await TokenAsync(Client.OfficialAccount);
        using var chunked = new HttpRequestMessage(
            HttpMethod.Post,
            $"/cgi-bin/message/custom/send?access_token={token}"
        )
        {
            Content = JsonContent.Create(new { touser = "o_contract", msgtype = "text", text = new { content = "x" } }),
        };
        chunked.Headers.TransferEncodingChunked = true;
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await Raw.SendAsync(chunked)).StatusCode);
        var escaped = await Raw.PostAsync(
            $"/cgi-bin/message/custom/send?access_token={token}",
            new StringContent(
                """{"touser":"o_contract","msgtype":"text","text":{"content":"\u697c\u9053"}}""",
                Encoding.UTF8,
                "application/json"
            )
        );
        Assert.Equal(40033, ErrCode((await ReadAsync(escaped)).Body));
        Assert.Single(App.Wechat.Sent("o_contract", "custom"));
    }

    // ---- access tokens ----

    private async Task<string?> StoredTokenAsync() =>
        await TestDatabase.ScalarAsync<string?>(
            "SELECT access_token FROM wechat_token WHERE app_id = @appId",
            new { appId = TestApp.Account.AppId }
        );

    [Fact]
    public async Task AnExpiredTokenIsRecoveredInNormalModeWithoutForcing()
    {
        Assert.True((await Client.SendTextAsync("o_contract", "预热")).Ok);
        var forced = App.Wechat.ForcedRefreshes;
        App.Wechat.ExpireTokens();
        Assert.True((await Client.SendTextAsync("o_contract", "过期之后")).Ok);
        Assert.Equal(forced, App.Wechat.ForcedRefreshes);
    }

    [Fact]
    public async Task InATokensLastFiveMinutesNormalModeGivesANewOneAndTheOldKeepsWorking()
    {
        Assert.True((await Client.SendTextAsync("o_contract", "一")).Ok);
        var forced = App.Wechat.ForcedRefreshes;
        var first = await StoredTokenAsync();
        App.Clock.Advance(TimeSpan.FromSeconds(7200 - 240));
        Assert.True((await Client.SendTextAsync("o_contract", "二")).Ok);
        var second = await StoredTokenAsync();
        Assert.NotEqual(first, second);
        Assert.Equal(forced, App.Wechat.ForcedRefreshes);
        // The old token still works until it expires: other systems sharing the AppId are not cut off.
        var old = await Raw.PostAsync(
            $"/cgi-bin/message/custom/send?access_token={first}",
            WechatApiClient.JsonBody(new { touser = "o_contract", msgtype = "text", text = new { content = "旧" } })
        );
        Assert.Equal(0, ErrCode((await ReadAsync(old)).Body));
    }

    [Fact]
    public async Task ForceRefreshOnlyWhenNormalModeReturnsTheRefusedTokenWithinTheDailyBudget()
    {
        Assert.True((await Client.SendTextAsync("o_contract", "预热")).Ok);
        var forced = App.Wechat.ForcedRefreshes;
        // Someone else sharing the AppId revoked our token behind our back: WeChat refuses it, normal mode returns it.
        App.Wechat.Fail("/message/custom/send", 40001, "invalid credential", times: 1);
        Assert.True((await Client.SendTextAsync("o_contract", "强制刷新后")).Ok);
        Assert.Equal(forced + 1, App.Wechat.ForcedRefreshes);
        Assert.Equal(
            1,
            await TestDatabase.ScalarAsync<int>(
                "SELECT forced_count FROM wechat_token WHERE app_id = @appId",
                new { appId = TestApp.Account.AppId }
            )
        );

        // Within 30 seconds of that force, and once today's 20 are used, no force: the call is retried later.
        App.Wechat.Fail("/message/custom/send", 40001, "invalid credential", times: 1);
        var soon = await Client.SendTextAsync("o_contract", "太快");
        Assert.Equal(WechatOutcome.RetryLater, soon.Outcome);
        Assert.Equal(forced + 1, App.Wechat.ForcedRefreshes);
        App.Clock.Advance(TimeSpan.FromMinutes(1));
        await TestDatabase.ExecuteAsync("UPDATE wechat_token SET forced_count = 20");
        App.Wechat.Fail("/message/custom/send", 40001, "invalid credential", times: 1);
        Assert.Equal(WechatOutcome.RetryLater, (await Client.SendTextAsync("o_contract", "用完了")).Outcome);
        Assert.Equal(forced + 1, App.Wechat.ForcedRefreshes);
    }

    [Fact]
    public async Task StableTokenChecksTheSecretAndLimitsForceMode()
    {
        async Task<JsonObject?> AskAsync(object body) =>
            (await ReadAsync(await Raw.PostAsync("/cgi-bin/stable_token", WechatApiClient.JsonBody(body)))).Body;
        var account = TestApp.Account;
        Assert.Equal(
            40125,
            ErrCode(await AskAsync(new { grant_type = "client_credential", appid = account.AppId, secret = "wrong" }))
        );
        Assert.Equal(
            40002,
            ErrCode(await AskAsync(new { grant_type = "password", appid = account.AppId, secret = account.AppSecret }))
        );
        var force = new
        {
            grant_type = "client_credential",
            appid = account.AppId,
            secret = account.AppSecret,
            force_refresh = true,
        };
        var first = (await AskAsync(force))!["access_token"]!.GetValue<string>();
        // Forced again within 30 s: nothing is refreshed.
        Assert.Equal(first, (await AskAsync(force))!["access_token"]!.GetValue<string>());
        for (var i = 1; i < 20; i++)
        {
            App.Clock.Advance(TimeSpan.FromSeconds(31));
            Assert.NotNull((await AskAsync(force))!["access_token"]);
        }
        App.Clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(45009, ErrCode(await AskAsync(force)));
    }

    [Fact]
    public async Task ATokenWorksOnlyForItsOwnAccount()
    {
        var officialToken = await TokenAsync(Client.OfficialAccount);
        var response = await Raw.PostAsync(
            $"/wxa/msg_sec_check?access_token={officialToken}",
            WechatApiClient.JsonBody(
                new
                {
                    version = 2,
                    openid = "o_mp_contract",
                    scene = 2,
                    content = "x",
                }
            )
        );
        Assert.Equal(48001, ErrCode((await ReadAsync(response)).Body));
        Assert.True((await Client.CheckTextAsync("o_mp_contract", "x", 2)).Result.Ok);
    }

    // ---- template and subscribe messages ----

    [Fact]
    public async Task TemplateAndSubscribeValuesAreCheckedAgainstTheirTypes()
    {
        async Task<int> TemplateAsync(Dictionary<string, string> data, string page = "pages/order/detail") =>
            (
                await Client.SendTemplateAsync(
                    "o_contract",
                    "TPL",
                    data,
                    page,
                    Guid.NewGuid().ToString("N")
                )
            ).ErrCode;
        Assert.Equal(47003, await TemplateAsync(new() { ["thing1"] = new string('灯', 21) }));
        Assert.Equal(47003, await TemplateAsync(new() { ["phrase2"] = "done" }));
        Assert.Equal(47003, await TemplateAsync(new() { ["character_string1"] = "GD 编号" }));
        Assert.Equal(47003, await TemplateAsync(new() { ["thing1"] = "" }));
        Assert.Equal(47003, await TemplateAsync(new() { ["time4"] = "明天下午" }));
        Assert.Equal(40165, await TemplateAsync(new() { ["thing1"] = "灯" }, "pages/nowhere"));
        Assert.Equal(
            0,
            await TemplateAsync(new() { ["thing1"] = new string('灯', 20), ["time4"] = "2026年11月18日 10:00" })
        );

        // What the product renders from its notices always passes, however long or odd the text: a thing cut on a
        // character boundary inside the limit even when an emoji sits at the cut, never empty.
        var template = new ChannelTemplate(
            "order_accepted",
            "template",
            "TPL_OA_ORDER_STATUS",
            [
                new("character_string1", "code", "character_string"),
                new("phrase2", "status", "phrase"),
                new("thing3", "body", "thing"),
                new("time4", "time", "time"),
            ],
            "pages/order/detail"
        );
        string[] bodies = [new string('灯', 18) + "🔥🔥🔥", "", "🔥", "line\nbreak\r\n" + new string('x', 40)];
        foreach (var body in bodies)
        {
            var notice = new Notice("order_accepted", "工单已受理", body, "GD20261118-0001");
            var data = TemplateRenderer.Render(template, notice, App.Clock.GetUtcNow().UtcDateTime);
            var result = await Client.SendTemplateAsync(
                "o_contract",
                template.TemplateId,
                data,
                TemplateRenderer.Page(template, notice),
                Guid.NewGuid().ToString("N")
            );
            Assert.True(result.Ok, $"{body}: {result.ErrCode} {result.ErrMsg}");
        }
        var cut = App.Wechat.Sent("o_contract", "template")[1].Body["data"]!["thing3"]!["value"]!.GetValue<string>();
        Assert.True(cut.Length <= 20 && !char.IsHighSurrogate(cut[^2]), cut);
    }

    [Fact]
    public async Task TemplateMessagesGoOnlyToFollowersAndAClientMsgIdIsDroppedForTenMinutes()
    {
        var data = new Dictionary<string, string> { ["thing1"] = "楼道灯坏了" };
        var stranger = await Client.SendTemplateAsync("o_never_followed", "TPL", data, null, "k1");
        Assert.Equal((WechatOutcome.RecipientRefused, 43004), (stranger.Outcome, stranger.ErrCode));

        var first = await Client.SendTemplateAsync("o_contract", "TPL", data, null, "k1");
        var again = await Client.SendTemplateAsync("o_contract", "TPL", data, null, "k1");
        Assert.Equal(first.MsgId, again.MsgId);
        App.Wechat.Follow("o_other");
        Assert.NotEqual(first.MsgId, (await Client.SendTemplateAsync("o_other", "TPL", data, null, "k1")).MsgId);
        App.Clock.Advance(TimeSpan.FromMinutes(11));
        Assert.NotEqual(first.MsgId, (await Client.SendTemplateAsync("o_contract", "TPL", data, null, "k1")).MsgId);
        Assert.Equal(2, App.Wechat.Sent("o_contract", "template").Count);
    }

    [Fact]
    public async Task ASubscribeMessageNeedsAnAcceptPerSendAndAnExistingPage()
    {
        var data = new Dictionary<string, string> { ["thing1"] = "已受理" };
        var none = await Client.SendSubscribeAsync("o_mp_contract", "TPL_SUB", data, "pages/order/detail");
        Assert.Equal((WechatOutcome.RecipientRefused, 43101), (none.Outcome, none.ErrCode));
        App.Wechat.AcceptSubscribe("o_mp_contract", "TPL_SUB");
        Assert.Equal(41030, (await Client.SendSubscribeAsync("o_mp_contract", "TPL_SUB", data, "pages/gone")).ErrCode);
        var sent = await Client.SendSubscribeAsync("o_mp_contract", "TPL_SUB", data, "pages/order/detail?code=1");
        Assert.True(sent.Ok);
        Assert.Equal(43101, (await Client.SendSubscribeAsync("o_mp_contract", "TPL_SUB", data, null)).ErrCode);
    }

    [Fact]
    public async Task CustomerServiceMessagesOnlyWithin48HoursAndFiveAfterTheUsersLastMessage()
    {
        for (var i = 1; i <= 5; i++)
            Assert.True((await Client.SendTextAsync("o_contract", $"第{i}条")).Ok);
        var sixth = await Client.SendTextAsync("o_contract", "第6条");
        Assert.Equal((WechatOutcome.RecipientRefused, 45047), (sixth.Outcome, sixth.ErrCode));
        App.Wechat.Interact("o_contract");
        Assert.True((await Client.SendTextAsync("o_contract", "又说话了")).Ok);
        App.Clock.Advance(TimeSpan.FromHours(49));
        Assert.Equal(45015, (await Client.SendTextAsync("o_contract", "太晚了")).ErrCode);
    }

    [Fact]
    public async Task ADailyQuotaReachedSendsTheNoticeDownTheLadderInsteadOfKillingIt()
    {
        var code = await App.ClientFor(1001).ReportCodeAsync();
        App.Wechat.Fail("/message/template/send", 45009, "reach max api daily quota limit", times: 5);
        await App.Service<NotificationStore>()
            .EnqueueAsync(
                [1001],
                new Notice("order_accepted", "工单已受理", "正在安排办理", code),
                "quota",
                App.Clock.GetUtcNow().UtcDateTime
            );
        await App.Service<OutboxSender>().DrainAsync(default);
        Assert.Equal(
            ("inbox", "sent"),
            (
                await TestDatabase.QueryAsync<(string, string)>(
                    "SELECT channel, status FROM delivery WHERE idempotency_key = 'quota:1001'"
                )
            ).Single()
        );
    }

    // ---- sign-in, phone number, content check, media ----

    [Fact]
    public async Task Code2SessionChecksTheSecretAndTheGrantType()
    {
        var account = TestApp.Account;
        var code = App.Wechat.IssueLoginCode("o_mp_new");
        var wrongSecret = await Raw.GetAsync(
            $"/sns/jscode2session?appid={account.MiniProgramAppId}&secret=x&js_code={code}"
                + "&grant_type=authorization_code"
        );
        Assert.Equal(40125, ErrCode((await ReadAsync(wrongSecret)).Body));
        var wrongGrant = await Raw.GetAsync(
            $"/sns/jscode2session?appid={account.MiniProgramAppId}&secret={account.MiniProgramAppSecret}"
                + $"&js_code={code}&grant_type=client_credential"
        );
        Assert.Equal(40002, ErrCode((await ReadAsync(wrongGrant)).Body));
        var session = await Client.Code2SessionAsync(code);
        Assert.True(session.Result.Ok, session.Result.ErrMsg);
        Assert.Equal("o_mp_new", session.OpenId);
    }

    [Fact]
    public async Task ABlockedUserIsToldSoNotThatTheCodeWasWrong()
    {
        var code = App.Wechat.IssueLoginCode("o_mp_blocked");
        App.Wechat.Fail("/sns/jscode2session", 40226, "invalid user");
        var response = await App.CreateClient().PostAsJsonAsync("/api/auth/login", new { code });
        await response.ProblemAsync(403, "auth.account_blocked");
    }

    [Fact]
    public async Task AForeignPhoneNumberKeepsItsCountryCode()
    {
        var (client, _) = await App.SignInAsync("o_mp_hk_" + Guid.NewGuid().ToString("N")[..8]);
        var me = await client
            .PostAsJsonAsync("/api/auth/phone", new { code = App.Wechat.IssuePhoneCode("+85291234567") })
            .OkAsync();
        Assert.Equal("+85291234567", me.GetProperty("phone").GetString());
        var mainland = await client
            .PostAsJsonAsync("/api/auth/phone", new { code = App.Wechat.IssuePhoneCode("13800138000") })
            .OkAsync();
        Assert.Equal("13800138000", mainland.GetProperty("phone").GetString());
    }

    [Fact]
    public async Task TheContentCheckWantsARecentVisitorTheRightSceneAndAtMost2500Characters()
    {
        var unknown = await Client.CheckTextAsync("o_mp_stranger", "你好", 2);
        Assert.Equal(40003, unknown.Result.ErrCode);
        Assert.Equal(40097, (await Client.CheckTextAsync("o_mp_contract", "你好", 5)).Result.ErrCode);
        Assert.Equal(40097, (await Client.CheckTextAsync("o_mp_contract", new string('字', 2501), 2)).Result.ErrCode);
        App.Clock.Advance(TimeSpan.FromHours(3));
        Assert.Equal(61010, (await Client.CheckTextAsync("o_mp_contract", "你好", 2)).Result.ErrCode);

        // The product's guard: a long text with emoji is cut to 2,500 UTF-16 units on a character boundary, and a
        // display name is checked in scene 1 (资料), a comment in scene 2.
        var (client, login) = await App.SignInAsync("o_mp_writer_" + Guid.NewGuid().ToString("N")[..8]);
        var openid = App.Wechat.Checks.Count;
        await client.PatchAsJsonAsync("/api/me", new { name = "王阿姨" }).OkAsync();
        var check = App.Wechat.Checks.Skip(openid).Single();
        Assert.Equal((1, "王阿姨"), (check.Scene, check.Content));
        var guard = App.Service<ContentGuard>();
        var verdict = await guard.CheckAsync(
            login.GetProperty("me").GetProperty("id").GetInt64(),
            string.Concat(Enumerable.Repeat("灯坏了🔥", 700)),
            Governance.Core.Moderation.TextScene.Comment,
            default
        );
        Assert.Null(verdict.Flag);
        var sent = App.Wechat.Checks[^1];
        Assert.Equal(2, sent.Scene);
        Assert.True(sent.Content.Length <= 2500 && !char.IsHighSurrogate(sent.Content[^1]));
    }

    [Fact]
    public async Task TemporaryMediaExpiresAfterThreeDays()
    {
        var media = App.Wechat.IssueMedia("media_img_");
        Assert.NotNull(await Client.GetMediaAsync(media));
        Assert.Null(await Client.GetMediaAsync("media_img_never_issued"));
        App.Clock.Advance(TimeSpan.FromDays(3) + TimeSpan.FromMinutes(1));
        Assert.Null(await Client.GetMediaAsync(media));
    }
}
