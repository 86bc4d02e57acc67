using System.Net;
using System.Text;
using Dapper;
using Governance.Wechat;
using Governance.Wechat.Simulator;

namespace Governance.Tests.Wechat.Gateway;

/// <summary>
/// The callback as an attacker, a dead node and a slow database would meet it: the account's message mode is
/// enforced, a signed URL cannot be replayed with another message, a message whose node died mid-turn is taken over
/// by WeChat's next delivery, and the whole request — not only the dialog — stays inside its budget.
/// </summary>
[Collection(DbCollection.Name)]
public sealed class CallbackHardeningTests(TestApp app) : DbTest(app)
{
    private WechatOptions Options => App.Service<WechatOptions>();

    private async Task<(HttpStatusCode Status, string Body)> PostAsync(string pathAndQuery, string body)
    {
        var response = await App.CreateClient()
            .PostAsync(pathAndQuery, new StringContent(body, Encoding.UTF8, "text/xml"));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static Task<int> CountAsync(string sql) => TestDatabase.ScalarAsync<int>(sql);

    [Fact]
    public async Task InSafeModeAPlaintextBodyIsRefusedHoweverWellItsUrlIsSigned()
    {
        // A URL captured from a real safe-mode callback (an access log, a proxy) carries a valid plaintext signature.
        var (url, _) = App.Wechat.Envelope(App.Wechat.TextXml("o_demo_resident_1001", "帮助"), PushMode.Safe);
        var forged = App.Wechat.TextXml("o_demo_resident_1001", "取消");
        var plainUrl = url[..url.IndexOf("&encrypt_type", StringComparison.Ordinal)];
        Assert.Equal((HttpStatusCode.BadRequest, "wechat.plaintext_refused"), await PostAsync(plainUrl, forged));
        Assert.Equal((HttpStatusCode.BadRequest, "wechat.missing_encrypt"), await PostAsync(url, forged));
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM wechat_inbound"));
    }

    [Fact]
    public async Task ASignedUrlIsGoodForOneMessageOnlyButWechatsOwnRedeliveriesAreAnswered()
    {
        Options.MessageMode = WechatOptions.PlaintextMode;
        var openid = ChatHelpers.NewOpenid();
        var (url, body) = App.Wechat.Envelope(App.Wechat.TextXml(openid, "帮助", msgId: 7001), PushMode.Plaintext);
        var first = await PostAsync(url, body);
        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Contains("查询", first.Body);

        // WeChat redelivers the same message under the same URL: the same reply.
        Assert.Equal(first, await PostAsync(url, body));
        // Someone replays the URL with a message of their own: refused, and nothing happens.
        var replay = await PostAsync(url, App.Wechat.TextXml(openid, "取消", msgId: 7002));
        Assert.Equal((HttpStatusCode.Unauthorized, "wechat.replayed"), replay);
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM wechat_inbound"));
        Assert.Equal(2, await CountAsync("SELECT deliveries FROM wechat_inbound"));
    }

    [Fact]
    public async Task AMessageWhoseNodeDiedMidTurnIsTakenOverByTheNextDelivery()
    {
        var openid = ChatHelpers.NewOpenid();
        var xml = App.Wechat.TextXml(openid, "帮助", msgId: 7101);
        // What a node that died between recording the message and answering it leaves behind.
        await TestDatabase.ExecuteAsync(
            """
            INSERT INTO wechat_inbound (dedup_key, openid, msg_type, status, received_at)
            VALUES ('msg:7101', @openid, 'text', 'processing', @receivedAt)
            """,
            new { openid, receivedAt = App.Clock.GetUtcNow().UtcDateTime.AddSeconds(-30) }
        );
        var responses = await App.Wechat.PushAsync(xml, PushMode.Safe, maxDeliveries: 1);
        Assert.Contains("查询", responses[0].ReplyText);
        var row = await TestDatabase.QueryAsync<(string Status, int Takeovers, int Deliveries)>(
            "SELECT status, takeovers, deliveries FROM wechat_inbound WHERE dedup_key = 'msg:7101'"
        );
        Assert.Equal(("replied", 1, 2), row.Single());

        // A message another node is still working on (received just now) is waited for, not taken over.
        await TestDatabase.ExecuteAsync(
            """
            INSERT INTO wechat_inbound (dedup_key, openid, msg_type, status, received_at)
            VALUES ('msg:7102', @openid, 'text', 'processing', @receivedAt)
            """,
            new { openid, receivedAt = App.Clock.GetUtcNow().UtcDateTime }
        );
        Options.TurnBudgetMilliseconds = 300;
        var waited = await App.Wechat.PushAsync(
            App.Wechat.TextXml(openid, "帮助", msgId: 7102),
            PushMode.Safe,
            maxDeliveries: 1
        );
        Assert.Equal("success", waited[0].Body);
        Assert.Equal(0, await CountAsync("SELECT takeovers FROM wechat_inbound WHERE dedup_key = 'msg:7102'"));
    }

    [Fact]
    public async Task TimeSpentBeforeTheDialogCountsAgainstTheRequestsBudget()
    {
        Options.TurnBudgetMilliseconds = 500;
        var openid = ChatHelpers.NewOpenid();
        var xml = App.Wechat.TextXml(openid, "帮助", msgId: 7201);
        // Another transaction holds the row the gateway's dedup record needs, for a second: the insert waits.
        await using var c = await TestDatabase.Db.OpenDedicatedAsync();
        await using var tx = await c.BeginTransactionAsync();
        await c.ExecuteAsync(
            """
            INSERT INTO wechat_inbound (dedup_key, openid, msg_type, status, received_at)
            VALUES ('msg:7201', 'o_blocker', 'text', 'processing', UTC_TIMESTAMP(3))
            """,
            transaction: tx
        );
        var push = App.Wechat.PushAsync(xml, PushMode.Safe, maxDeliveries: 1);
        await Task.Delay(1000);
        await tx.RollbackAsync();
        var responses = await push;
        // The dialog itself is quick, but the request had used its budget waiting: WeChat gets "success" now…
        Assert.Equal("success", responses[0].Body);
        // …and the reply follows as a customer-service message.
        var sent = await GatewayTests.WaitForAsync(() => App.Wechat.Sent(openid, "custom"));
        Assert.Contains("查询", sent[0].Text);
    }
}
