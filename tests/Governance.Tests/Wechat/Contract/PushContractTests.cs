using System.Net.Http.Json;
using Governance.Wechat.Simulator;
using Item = Governance.Wechat.Simulator.WechatSimulator.SubscribeItem;

namespace Governance.Tests.Wechat.Contract;

/// <summary>
/// The pushes WeChat sends us, as it sends them: the official account's messages to /wechat/callback, and the
/// mini-program's subscribe-message events to /wechat/miniprogram/callback — signed with the mini-program's Token,
/// encrypted with its key and AppId, in XML or JSON (docs/wechat/subscribe-events.md).
/// </summary>
[Collection(DbCollection.Name)]
public sealed class PushContractTests(TestApp app) : DbTest(app)
{
    private async Task<(long PersonId, string Openid, HttpClient Client)> MiniProgramUserAsync()
    {
        var openid = "o_mp_push_" + Guid.NewGuid().ToString("N")[..10];
        var (client, login) = await App.SignInAsync(openid);
        return (login.GetProperty("me").GetProperty("id").GetInt64(), openid, client);
    }

    private Task<List<(int Remaining, string? Source, DateTime? RefusedAt)>> GrantAsync(long person, string template) =>
        TestDatabase.QueryAsync<(int, string?, DateTime?)>(
            "SELECT remaining, grant_source, refused_at FROM subscribe_grant WHERE person_id = @person "
                + "AND template_id = @template",
            new { person, template }
        );

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AcceptsAndRejectsInAPopupBecomeGrantsAndRefusals(bool json)
    {
        var (person, openid, _) = await MiniProgramUserAsync();
        var body = App.Wechat.SubscribeEvent(
            openid,
            "subscribe_msg_popup_event",
            json,
            new Item("TPL_SUB_A", "accept"),
            new Item("TPL_SUB_B", "reject")
        );
        var response = await App.Wechat.PushMiniProgramAsync(body);
        Assert.Equal((200, "success"), (response.Status, response.Body));
        Assert.Equal(1, (await GrantAsync(person, "TPL_SUB_A")).Single().Remaining);
        var refused = (await GrantAsync(person, "TPL_SUB_B")).Single();
        Assert.Equal(0, refused.Remaining);
        Assert.NotNull(refused.RefusedAt);

        // WeChat redelivers the same push: still one grant.
        await App.Wechat.PushMiniProgramAsync(body);
        Assert.Equal(1, (await GrantAsync(person, "TPL_SUB_A")).Single().Remaining);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ASingleItemListIsReadAsWellAsSeveral(bool json)
    {
        var (person, openid, _) = await MiniProgramUserAsync();
        await App.Wechat.PushMiniProgramAsync(
            App.Wechat.SubscribeEvent(openid, "subscribe_msg_popup_event", json, new Item("TPL_ONE", "accept"))
        );
        Assert.Equal(1, (await GrantAsync(person, "TPL_ONE")).Single().Remaining);
    }

    [Fact]
    public async Task TheSameAcceptReportedByTheMiniProgramAndByWechatCountsOnce()
    {
        var (person, openid, client) = await MiniProgramUserAsync();
        Assert.Equal(
            204,
            (int)(
                await client.PostAsJsonAsync(
                    "/api/me/subscriptions",
                    new { templateIds = new[] { "TPL_MP_ORDER_RESOLVED" } }
                )
            ).StatusCode
        );
        await App.Wechat.PushMiniProgramAsync(
            App.Wechat.SubscribeEvent(
                openid,
                "subscribe_msg_popup_event",
                false,
                new Item("TPL_MP_ORDER_RESOLVED", "accept"))
        );
        var grant = (await GrantAsync(person, "TPL_MP_ORDER_RESOLVED")).Single();
        Assert.Equal((1, "push"), (grant.Remaining, grant.Source));
        // A second accept a minute later is a second send.
        App.Clock.Advance(TimeSpan.FromMinutes(1));
        await App.Wechat.PushMiniProgramAsync(
            App.Wechat.SubscribeEvent(
                openid,
                "subscribe_msg_popup_event",
                true,
                new Item("TPL_MP_ORDER_RESOLVED", "accept"))
        );
        Assert.Equal(2, (await GrantAsync(person, "TPL_MP_ORDER_RESOLVED")).Single().Remaining);
    }

    [Fact]
    public async Task SwitchingATemplateOffInTheSettingsLeavesNoSends()
    {
        var (person, openid, _) = await MiniProgramUserAsync();
        await App.Wechat.PushMiniProgramAsync(
            App.Wechat.SubscribeEvent(
                openid,
                "subscribe_msg_popup_event",
                false,
                new Item("TPL_OFF", "accept"),
                new Item("TPL_KEEP", "accept")
            )
        );
        await App.Wechat.PushMiniProgramAsync(
            App.Wechat.SubscribeEvent(openid, "subscribe_msg_change_event", true, new Item("TPL_OFF", "reject"))
        );
        Assert.Equal(0, (await GrantAsync(person, "TPL_OFF")).Single().Remaining);
        Assert.Equal(1, (await GrantAsync(person, "TPL_KEEP")).Single().Remaining);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SentEventsRecordEachReceipt(bool json)
    {
        await TestDatabase.ExecuteAsync(
            """
            INSERT INTO delivery (idempotency_key, person_id, openid, channel, kind, payload, status, attempts,
              next_attempt_at, wechat_msgid, created_at, updated_at)
            VALUES ('s1', 1001, 'o_mp_1001', 'subscribe', 'order_update', '{}', 'sent', 1, NOW(3), 1700000001, NOW(3),
              NOW(3)),
                   ('s2', 1002, 'o_mp_1002', 'subscribe', 'order_update', '{}', 'sent', 1, NOW(3), 1700000002, NOW(3),
                     NOW(3))
            """
        );
        var body = App.Wechat.SubscribeEvent(
            "o_mp_1001",
            "subscribe_msg_sent_event",
            json,
            new Item("TPL1", "success", 1700000001, 0),
            new Item("TPL1", "user refuse", 1700000002, 43101)
        );
        Assert.Equal(200, (await App.Wechat.PushMiniProgramAsync(body)).Status);
        Assert.Equal(
            ["success", "failed:43101"],
            await TestDatabase.QueryAsync<string>(
                "SELECT receipt FROM delivery WHERE idempotency_key IN ('s1','s2') ORDER BY idempotency_key"
            )
        );
    }

    [Fact]
    public async Task TheOfficialAccountsCallbackDoesNotTakeTheMiniProgramsPushes()
    {
        // Signed and encrypted with the mini-program's credentials, a push to the official account's callback fails
        // its checks; the mini-program's address refuses a forged signature and a plaintext body.
        var (person, openid, _) = await MiniProgramUserAsync();
        var body = App.Wechat.SubscribeEvent(
                openid,
                "subscribe_msg_popup_event",
                false,
                new Item("TPL_WRONG", "accept"));
        var path = App.Wechat.MiniProgramCallbackPath;
        App.Wechat.MiniProgramCallbackPath = App.Wechat.CallbackPath;
        try
        {
            Assert.Equal(401, (await App.Wechat.PushMiniProgramAsync(body)).Status);
        }
        finally
        {
            App.Wechat.MiniProgramCallbackPath = path;
        }
        var http = App.CreateClient();
        var plain = await http.PostAsync(
            $"{path}?signature=x&timestamp={App.Wechat.Now}&nonce=1",
            new StringContent(body, System.Text.Encoding.UTF8, "text/xml")
        );
        Assert.Equal(401, (int)plain.StatusCode);
        Assert.Empty(await GrantAsync(person, "TPL_WRONG"));
    }

    [Fact]
    public async Task AVoiceMessageWithoutRecognitionAsksTheResidentToType()
    {
        var reply = await App.PushAsync(App.Wechat.VoiceXml(ChatHelpers.NewOpenid()));
        Assert.NotNull(reply);
        Assert.Contains("未能识别", reply);
        Assert.Contains("文字", reply);
    }
}
