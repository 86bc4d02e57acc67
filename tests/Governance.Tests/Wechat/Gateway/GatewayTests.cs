using System.Diagnostics;
using System.Net;
using System.Text;
using Governance.Wechat;
using Governance.Wechat.Protocol;
using Governance.Wechat.Simulator;

namespace Governance.Tests.Wechat.Gateway;

[Collection(DbCollection.Name)]
public sealed class GatewayTests(TestApp app) : DbTest(app)
{
    private static readonly WechatOptions Account = TestApp.Account;

    private string Now => App.Clock.GetUtcNow().ToUnixTimeSeconds().ToString();

    private async Task<(HttpStatusCode Status, string Body, long Ms)> PostAsync(
        string body,
        string? timestamp = null,
        string? signature = null,
        string? extraQuery = null
    )
    {
        timestamp ??= Now;
        const string nonce = "12345678";
        signature ??= WechatSignature.Compute(Account.Token, timestamp, nonce);
        var watch = Stopwatch.StartNew();
        var response = await App.CreateClient()
            .PostAsync(
                $"/wechat/callback?signature={signature}&timestamp={timestamp}&nonce={nonce}{extraQuery}",
                new StringContent(body, Encoding.UTF8, "text/xml")
            );
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), watch.ElapsedMilliseconds);
    }

    private static async Task AssertNothingRecordedAsync()
    {
        Assert.Equal(0, await TestDatabase.ScalarAsync<int>("SELECT COUNT(*) FROM wechat_inbound"));
        Assert.Equal(0, await TestDatabase.ScalarAsync<int>("SELECT COUNT(*) FROM service_order"));
    }

    [Fact]
    public async Task UrlVerificationEchoesEchostrOnlyWithTheRightSignature()
    {
        var ts = Now;
        var sig = WechatSignature.Compute(Account.Token, ts, "99");
        var ok = await App.CreateClient()
            .GetAsync($"/wechat/callback?signature={sig}&timestamp={ts}&nonce=99&echostr=4375120948345356249");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("4375120948345356249", await ok.Content.ReadAsStringAsync());
        var bad = await App.CreateClient()
            .GetAsync($"/wechat/callback?signature={new string('0', 40)}&timestamp={ts}&nonce=99&echostr=1");
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
        Assert.NotEqual("1", await bad.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AnXxeBodyIsRefusedQuicklyAndNothingIsDone()
    {
        App.Service<WechatOptions>().MessageMode = WechatOptions.PlaintextMode; // the parser sees the body as sent
        const string xxe = """
            <?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
            <xml><ToUserName>gh</ToUserName>
            <FromUserName>o_x</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>&xxe;</Content>
            <MsgId>1</MsgId></xml>
            """;
        var (status, body, ms) = await PostAsync(xxe);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("wechat.bad_xml", body);
        Assert.DoesNotContain("root:", body);
        Assert.True(ms < 2000, $"took {ms} ms");
        await AssertNothingRecordedAsync();
    }

    [Fact]
    public async Task ABillionLaughsBodyIsRefusedQuickly()
    {
        App.Service<WechatOptions>().MessageMode = WechatOptions.PlaintextMode;
        var sb = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">");
        for (var i = 1; i <= 9; i++)
        {
            var previous = $"&lol{(i == 1 ? "" : (i - 1).ToString())};";
            sb.Append($"<!ENTITY lol{i} \"{string.Concat(Enumerable.Repeat(previous, 10))}\">");
        }
        sb.Append(
            "]><xml><ToUserName>gh</ToUserName><FromUserName>o_x</FromUserName><CreateTime>1</CreateTime><MsgType>te"
                + "xt</MsgType><Content>&lol9;</Content></xml>"
        );
        var (status, body, ms) = await PostAsync(sb.ToString());
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("wechat.bad_xml", body);
        Assert.True(ms < 2000, $"took {ms} ms");
        await AssertNothingRecordedAsync();
    }

    [Fact]
    public async Task AnOversizeBodyIsRefused()
    {
        var huge = App.Wechat.TextXml(ChatHelpers.NewOpenid(), new string('长', 30_000));
        var (status, body, _) = await PostAsync(huge);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("wechat.body_too_large", body);
        await AssertNothingRecordedAsync();
    }

    [Fact]
    public async Task AStaleTimestampIsRefusedEvenWithAValidSignature()
    {
        var old = (App.Clock.GetUtcNow().ToUnixTimeSeconds() - 600).ToString();
        var (status, body, _) = await PostAsync(
            App.Wechat.TextXml(ChatHelpers.NewOpenid(), "楼道灯坏了"),
            timestamp: old
        );
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("wechat.stale_timestamp", body);
        var future = (App.Clock.GetUtcNow().ToUnixTimeSeconds() + 600).ToString();
        Assert.Equal(
            HttpStatusCode.Forbidden,
            (await PostAsync(App.Wechat.TextXml(ChatHelpers.NewOpenid(), "x"), timestamp: future)).Status
        );
        await AssertNothingRecordedAsync();
    }

    [Fact]
    public async Task BadSignaturesAndMissingParametersAreRefused()
    {
        var xml = App.Wechat.TextXml(ChatHelpers.NewOpenid(), "楼道灯坏了");
        Assert.Equal(
            (HttpStatusCode.Unauthorized, "wechat.bad_signature"),
            Pick(await PostAsync(xml, signature: new string('a', 40)))
        );
        var noSig = await App.CreateClient()
            .PostAsync("/wechat/callback?timestamp=1&nonce=2", new StringContent(xml, Encoding.UTF8, "text/xml"));
        Assert.Equal(HttpStatusCode.BadRequest, noSig.StatusCode);
        Assert.Equal("wechat.missing_parameters", await noSig.Content.ReadAsStringAsync());
        // Safe mode: the plain signature is right but the msg_signature over Encrypt is not.
        var tampered = await App.Wechat.PushAsync(
            App.Wechat.TextXml(ChatHelpers.NewOpenid(), "x"),
            PushMode.Safe,
            maxDeliveries: 1
        );
        Assert.Equal(200, tampered[0].Status); // sanity: the genuine push works
        var cryptor = new WechatCryptor(Account.Token, Account.AppId, Account.EncodingAesKey);
        var encrypt = cryptor.Encrypt(App.Wechat.TextXml(ChatHelpers.NewOpenid(), "x"));
        var body = $"<xml><ToUserName><![CDATA[gh]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>";
        Assert.Equal(
            (HttpStatusCode.Unauthorized, "wechat.bad_msg_signature"),
            Pick(await PostAsync(body, extraQuery: $"&encrypt_type=aes&msg_signature={new string('b', 40)}"))
        );
        // Encrypted for another account (wrong key): the signature matches but decryption fails.
        var stranger = new WechatCryptor(Account.Token, Account.AppId, new string('A', 43));
        var alien = stranger.Encrypt(App.Wechat.TextXml(ChatHelpers.NewOpenid(), "x"));
        var alienBody = $"<xml><ToUserName><![CDATA[gh]]></ToUserName><Encrypt><![CDATA[{alien}]]></Encrypt></xml>";
        var ts = Now;
        var (alienStatus, alienCode, _) = await PostAsync(
            alienBody,
            timestamp: ts,
            extraQuery: $"&encrypt_type=aes&msg_signature={cryptor.MessageSignature(ts, "12345678", alien)}"
        );
        Assert.Equal(HttpStatusCode.BadRequest, alienStatus);
        Assert.StartsWith("wechat.decrypt_failed", alienCode);
        // only the genuine push
        Assert.Equal(1, await TestDatabase.ScalarAsync<int>("SELECT COUNT(*) FROM wechat_inbound"));
    }

    private static (HttpStatusCode, string) Pick((HttpStatusCode Status, string Body, long Ms) r) => (r.Status, r.Body);

    [Fact]
    public async Task FourConcurrentDeliveriesOfOneMessageCreateOneOrderAndGetFourIdenticalReplies()
    {
        const string openid = "o_demo_resident_1003"; // lives in 文化路小区 2栋
        var summary = await App.SayAsync(openid, "2号楼楼道灯坏了，晚上很黑");
        Assert.Contains("请确认", summary);

        var confirm = App.Wechat.TextXml(openid, "确认");
        var responses = await App.Wechat.PushAsync(confirm, PushMode.Safe, concurrentCopies: 4);

        Assert.Equal(4, responses.Count);
        Assert.All(responses, r => Assert.Equal(200, r.Status));
        Assert.Single(responses.Select(r => r.Body).Distinct());
        var code = ChatHelpers.CodeIn(responses[0].ReplyText);
        Assert.Equal(
            1,
            await TestDatabase.ScalarAsync<int>("SELECT COUNT(*) FROM service_order WHERE resident_id = 1003")
        );
        Assert.Equal(
            code,
            await TestDatabase.ScalarAsync<string>("SELECT code FROM service_order WHERE resident_id = 1003")
        );
        Assert.Equal(4, await TestDatabase.ScalarAsync<int>("SELECT MAX(deliveries) FROM wechat_inbound"));
    }

    [Fact]
    public async Task ARetryAfterTheReplyGetsTheSameBytes()
    {
        var openid = ChatHelpers.NewOpenid();
        var xml = App.Wechat.TextXml(openid, "帮助");
        var first = await App.Wechat.PushAsync(xml, PushMode.Compatible, maxDeliveries: 1);
        var second = await App.Wechat.PushAsync(xml, PushMode.Compatible, maxDeliveries: 1);
        Assert.Equal(first[0].Body, second[0].Body);
        Assert.Contains("查询", first[0].ReplyText);
        Assert.Equal(
            2,
            await TestDatabase.ScalarAsync<int>(
                "SELECT deliveries FROM wechat_inbound WHERE openid = @openid",
                new { openid }
            )
        );
    }

    [Fact]
    public async Task PlaintextAndCompatibleModesWorkAndEncryptedRequestsGetEncryptedReplies()
    {
        App.Service<WechatOptions>().MessageMode = WechatOptions.PlaintextMode;
        var openid = ChatHelpers.NewOpenid();
        var plain = await App.Wechat.PushAsync(App.Wechat.TextXml(openid, "帮助"), PushMode.Plaintext);
        Assert.DoesNotContain("<Encrypt>", plain[0].Body);
        Assert.Contains("查询", plain[0].ReplyText);
        var compatible = await App.Wechat.PushAsync(App.Wechat.TextXml(openid, "帮助"), PushMode.Compatible);
        Assert.Contains("<Encrypt>", compatible[0].Body);
        Assert.Contains("<MsgSignature>", compatible[0].Body);
        Assert.Contains("查询", compatible[0].ReplyText);
        Assert.Contains($"<ToUserName><![CDATA[{openid}]]></ToUserName>", compatible[0].ReplyXml);
    }

    [Fact]
    public async Task ATurnOverBudgetAnswersSuccessAndTheReplyFollowsByCustomerServiceMessage()
    {
        App.Service<WechatOptions>().TurnBudgetMilliseconds = 0;
        var openid = ChatHelpers.NewOpenid();
        var responses = await App.Wechat.PushAsync(App.Wechat.TextXml(openid, "帮助"));
        Assert.Equal("success", responses[0].Body);

        var sent = await WaitForAsync(() => App.Wechat.Sent(openid, "custom"));
        Assert.Contains("查询", sent[0].Text);
        Assert.Equal(
            "deferred",
            await TestDatabase.ScalarAsync<string>(
                "SELECT status FROM wechat_inbound WHERE openid = @openid",
                new { openid }
            )
        );
        var delivery = await WaitForAsync(async () =>
            await TestDatabase.QueryAsync<string>(
                "SELECT status FROM delivery WHERE openid = @openid AND status = 'sent'",
                new { openid }
            )
        );
        Assert.Equal("sent", delivery[0]);
    }

    [Fact]
    public async Task AFailedDeferredReplyStaysInTheOutboxWithItsError()
    {
        App.Service<WechatOptions>().TurnBudgetMilliseconds = 0;
        App.Wechat.Fail("/message/custom/send", -1, "system error");
        var openid = ChatHelpers.NewOpenid();
        await App.Wechat.PushAsync(App.Wechat.TextXml(openid, "帮助"));
        var rows = await WaitForAsync(async () =>
            await TestDatabase.QueryAsync<(string Status, string Error)>(
                "SELECT status, last_error FROM delivery WHERE openid = @openid AND status = 'failed'",
                new { openid }
            )
        );
        Assert.Contains("-1", rows[0].Error);
        Assert.Empty(App.Wechat.Sent(openid));
    }

    [Fact]
    public async Task TemplateJobFinishedEventsRecordTheReceipt()
    {
        await TestDatabase.ExecuteAsync(
            """
            INSERT INTO delivery (idempotency_key, person_id, openid, channel, kind, payload, status, attempts,
              next_attempt_at, wechat_msgid, created_at, updated_at)
            VALUES ('t1', 1001, 'o_demo_resident_1001', 'template', 'order_update', '{}', 'sent', 1, NOW(3), 424242,
              NOW(3), NOW(3))
            """
        );
        var reply = await App.PushAsync(
            App.Wechat.TemplateFinishedXml("o_demo_resident_1001", 424242, "failed:user block")
        );
        Assert.Null(reply);
        Assert.Equal(
            "failed:user block",
            await TestDatabase.ScalarAsync<string>("SELECT receipt FROM delivery WHERE idempotency_key = 't1'")
        );
    }

    [Fact]
    public async Task AfterUnfollowingNoticesGoToTheInAppInboxInsteadOfTheAccount()
    {
        var openid = ChatHelpers.NewOpenid();
        await App.PushAsync(App.Wechat.EventXml(openid, "subscribe"));
        var personId = await TestDatabase.ScalarAsync<long>(
            "SELECT id FROM person WHERE oa_openid = @openid",
            new { openid }
        );
        var store = App.Service<Governance.Core.Notifications.NotificationStore>();
        var notice = new Governance.Core.Notifications.Notice("order_accepted", "工单进展", "已受理");
        await store.EnqueueAsync([personId], notice, "n1", App.Clock.GetUtcNow().UtcDateTime);
        await App.PushAsync(App.Wechat.EventXml(openid, "unsubscribe", createTime: App.Wechat.Now + 1));
        await store.EnqueueAsync([personId], notice, "n2", App.Clock.GetUtcNow().UtcDateTime);
        await store.EnqueueAsync([personId], notice, "n2", App.Clock.GetUtcNow().UtcDateTime); // a repeat is a no-op
        Assert.Equal(
            [("n1:" + personId, "template"), ("n2:" + personId, "inbox")],
            await TestDatabase.QueryAsync<(string, string)>(
                "SELECT idempotency_key, channel FROM delivery WHERE person_id = @personId ORDER BY id",
                new { personId }
            )
        );
    }

    public static async Task<IReadOnlyList<T>> WaitForAsync<T>(Func<IReadOnlyList<T>> probe) =>
        await WaitForAsync(() => Task.FromResult(probe()));

    public static async Task<IReadOnlyList<T>> WaitForAsync<T>(Func<Task<List<T>>> probe) =>
        await WaitForAsync(async () => (IReadOnlyList<T>)await probe());

    public static async Task<IReadOnlyList<T>> WaitForAsync<T>(Func<Task<IReadOnlyList<T>>> probe)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var items = await probe();
            if (items.Count > 0)
                return items;
            Assert.True(watch.ElapsedMilliseconds < 10_000, "timed out waiting");
            await Task.Delay(50);
        }
    }
}
