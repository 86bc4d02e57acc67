using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Governance.Api.StaffConsole;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Governance.Tests.Console;

/// <summary>
/// 网站应用微信登录 over HTTP, redirect by redirect: the console sends the browser to the simulator's QR page with a
/// state kept in a cookie, the "phone" confirms, WeChat sends the browser back with a code, and the code (traded at
/// /sns/oauth2/access_token) signs in the account bound to that WeChat, or binds it. Also a person's own password.
/// </summary>
[Collection(DbCollection.Name)]
public sealed partial class ConsoleWechatTests(TestApp app) : DbTest(app)
{
    private HttpClient Browser() =>
        App.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });

    /// <summary>The simulator is another site: the browser's trip there needs no cookies of ours.</summary>
    private static readonly HttpClient Wechat = new(new HttpClientHandler { AllowAutoRedirect = false });

    /// <summary>A secretary of 解放街社区 made for the test, with a console account of their own.</summary>
    private async Task<(long Id, string Username)> NewSecretaryAsync(string password = "Passw0rd-2026")
    {
        var id = await TestDatabase.ScalarAsync<long>(
            """
            INSERT INTO person (name, phone, created_at, updated_at)
            VALUES ('扫码书记', NULL, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3));
            SELECT LAST_INSERT_ID();
            """
        );
        await TestDatabase.ExecuteAsync(
            """
            INSERT INTO staff_role (person_id, role, area_id, created_at)
            VALUES (@id, 'secretary', 12, UTC_TIMESTAMP(3))
            """,
            new { id }
        );
        var username = "w" + Guid.NewGuid().ToString("N")[..8];
        Assert.True((await App.Service<ConsoleSignIn>().SetPasswordAsync(id, username, password, default)).IsOk);
        return (id, username);
    }

    /// <summary>
    /// Follows the console's redirect to WeChat, lets the phone of <paramref name="unionid"/> scan and confirm, and
    /// answers where WeChat sends the browser back (the callback's address, with code and state).
    /// </summary>
    private static async Task<string> ScanAsync(HttpResponseMessage start, string unionid)
    {
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        var qr = start.Headers.Location!;
        Assert.StartsWith("/connect/qrconnect?", qr.PathAndQuery);
        Assert.Contains("scope=snsapi_login", qr.Query);
        Assert.Equal("#wechat_redirect", qr.Fragment);
        var page = await Wechat.GetStringAsync(qr);
        Assert.Contains("请使用微信扫描二维码登录", page);
        var uuid = Uuid().Match(page).Groups[1].Value;
        var confirm = await Wechat.GetAsync(
            $"{qr.GetLeftPart(UriPartial.Authority)}/connect/qrconnect/confirm?uuid={uuid}&unionid={unionid}"
        );
        Assert.Equal(HttpStatusCode.Redirect, confirm.StatusCode);
        var back = confirm.Headers.Location!;
        Assert.Equal("/api/console/wechat/callback", back.AbsolutePath);
        Assert.Contains("code=web_", back.Query);
        return back.PathAndQuery;
    }

    [GeneratedRegex("name=\"uuid\" value=\"([0-9a-f]+)\"")]
    private static partial Regex Uuid();

    private static async Task<string> Outcome(HttpResponseMessage callback)
    {
        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        return callback.Headers.Location!.OriginalString;
    }

    [Fact]
    public async Task ABoundSecretaryScansTheQrCodeAndIsSignedInAsThemselves()
    {
        var c = Browser();
        var options = await c.GetAsync("/api/console/options").OkAsync();
        Assert.True(options.GetProperty("wechatLogin").GetBoolean());
        Assert.Equal(
            "这个微信还没有绑定工作台账号：请先用用户名和密码登录，在「我的账号」中绑定微信",
            options.GetProperty("messages").GetProperty("console.wechat_not_bound").GetString()
        );

        // 孙丽华's account is bound to her WeChat in the demo data.
        var back = await ScanAsync(await c.GetAsync("/api/console/wechat/sign-in"), "oUnionDemo_sec11");
        Assert.Equal("/console/", await Outcome(await c.GetAsync(back)));
        var session = await c.GetAsync("/api/console/session").OkAsync();
        Assert.Equal(9011, session.GetProperty("me").GetProperty("id").GetInt64());
        Assert.True(session.GetProperty("wechatBound").GetBoolean());
        Assert.NotNull(
            await TestDatabase.ScalarAsync<DateTime?>(
                "SELECT last_sign_in_at FROM staff_account WHERE person_id = 9011"
            )
        );

        // The callback's address again (a reload, or the link opened in another browser) signs nobody in: the state
        // cookie belonged to this browser and was used up.
        Assert.Equal("/console/?wechat=console.wechat_state_invalid", await Outcome(await c.GetAsync(back)));
        var other = Browser();
        await other.GetAsync("/api/console/wechat/sign-in"); // a state cookie of its own
        Assert.Equal("/console/?wechat=console.wechat_state_invalid", await Outcome(await other.GetAsync(back)));
        await (await other.GetAsync("/api/console/session")).ProblemAsync(401, "auth.required");
    }

    [Fact]
    public async Task AWechatBoundToNoAccountAForgedStateAndWechatBeingDownAreRefusedWithTheirReasons()
    {
        var c = Browser();
        var back = await ScanAsync(await c.GetAsync("/api/console/wechat/sign-in"), "oUnion_stranger");
        Assert.Equal("/console/?wechat=console.wechat_not_bound", await Outcome(await c.GetAsync(back)));
        await (await c.GetAsync("/api/console/session")).ProblemAsync(401, "auth.required");

        // Someone else's callback address (their code, their state) in this browser: its state cookie was used up.
        var mine = Browser();
        var theirs = await ScanAsync(await Browser().GetAsync("/api/console/wechat/sign-in"), "oUnionDemo_sec11");
        Assert.Equal("/console/?wechat=console.wechat_state_invalid", await Outcome(await mine.GetAsync(theirs)));
        await (await mine.GetAsync("/api/console/session")).ProblemAsync(401, "auth.required");

        // WeChat busy when the code is traded: the person is told to try again or use the password.
        App.Wechat.Fail("/sns/oauth2/access_token", -1, "system error");
        back = await ScanAsync(await c.GetAsync("/api/console/wechat/sign-in"), "oUnionDemo_sec11");
        Assert.Equal("/console/?wechat=console.wechat_unavailable", await Outcome(await c.GetAsync(back)));
        await (await c.GetAsync("/api/console/session")).ProblemAsync(401, "auth.required");

        // The simulator refuses a QR request for another app, as WeChat's page does.
        var wrongApp = await Wechat.GetStringAsync(
            $"{App.Wechat.BaseAddress}/connect/qrconnect?appid=wx0000000000000000&redirect_uri=http%3A%2F%2Fx%2F"
                + "&response_type=code&scope=snsapi_login&state=s"
        );
        Assert.Contains("AppID 参数错误", wrongApp);
    }

    [Fact]
    public async Task AStaffMemberBindsTheirWechatSignsInByScanningAndUnbindsIt()
    {
        var (id, username) = await NewSecretaryAsync();
        var c = Browser();
        // Binding needs to be signed in: the QR round trip binds the one who started it.
        await (await c.GetAsync("/api/console/wechat/bind")).ProblemAsync(401, "auth.required");
        (
            await c.PostAsJsonAsync("/api/console/sign-in", new { username, password = "Passw0rd-2026" })
        ).EnsureSuccessStatusCode();
        var csrf = (await c.GetAsync("/api/console/session").OkAsync()).GetProperty("csrf").GetString()!;

        // 孙丽华's WeChat is bound to her account: it cannot be bound to a second one.
        var back = await ScanAsync(await c.GetAsync("/api/console/wechat/bind"), "oUnionDemo_sec11");
        Assert.Equal("/console/?wechat=console.wechat_taken#/account", await Outcome(await c.GetAsync(back)));

        back = await ScanAsync(await c.GetAsync("/api/console/wechat/bind"), "oUnion_new_secretary");
        Assert.Equal("/console/?wechat=bound#/account", await Outcome(await c.GetAsync(back)));
        Assert.Equal(
            "oUnion_new_secretary",
            await TestDatabase.ScalarAsync<string>(
                "SELECT wechat_unionid FROM staff_account WHERE person_id = @id",
                new { id }
            )
        );

        // A fresh browser signs in by scanning alone.
        var fresh = Browser();
        back = await ScanAsync(await fresh.GetAsync("/api/console/wechat/sign-in"), "oUnion_new_secretary");
        Assert.Equal("/console/", await Outcome(await fresh.GetAsync(back)));
        Assert.Equal(
            id,
            (await fresh.GetAsync("/api/console/session").OkAsync()).GetProperty("me").GetProperty("id").GetInt64()
        );

        // Unbound (a write: it needs the page's token), the same scan no longer signs in.
        var unbind = new HttpRequestMessage(HttpMethod.Delete, "/api/console/wechat");
        unbind.Headers.Add(ConsoleAuth.HeaderName, csrf);
        Assert.Equal(HttpStatusCode.NoContent, (await c.SendAsync(unbind)).StatusCode);
        var again = new HttpRequestMessage(HttpMethod.Delete, "/api/console/wechat");
        again.Headers.Add(ConsoleAuth.HeaderName, csrf);
        await (await c.SendAsync(again)).ProblemAsync(404, "console.wechat_unbound");
        var later = Browser();
        back = await ScanAsync(await later.GetAsync("/api/console/wechat/sign-in"), "oUnion_new_secretary");
        Assert.Equal("/console/?wechat=console.wechat_not_bound", await Outcome(await later.GetAsync(back)));
    }

    [Fact]
    public async Task AStaffMemberChangesTheirOwnPasswordGivingTheCurrentOne()
    {
        var (_, username) = await NewSecretaryAsync();
        var c = Browser();
        (
            await c.PostAsJsonAsync("/api/console/sign-in", new { username, password = "Passw0rd-2026" })
        ).EnsureSuccessStatusCode();
        var csrf = (await c.GetAsync("/api/console/session").OkAsync()).GetProperty("csrf").GetString()!;

        Task<HttpResponseMessage> Change(string current, string password)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/console/password")
            {
                Content = JsonContent.Create(new { current, password }),
            };
            request.Headers.Add(ConsoleAuth.HeaderName, csrf);
            return c.SendAsync(request);
        }

        await (await Change("wrong-one-1", "NewPassw0rd")).ProblemAsync(400, "console.current_password_wrong");
        await (await Change("Passw0rd-2026", "short1")).ProblemAsync(400, "console.password_weak");
        await (await Change("Passw0rd-2026", "Passw0rd-2026")).ProblemAsync(400, "console.password_unchanged");
        Assert.Equal(HttpStatusCode.NoContent, (await Change("Passw0rd-2026", "NewPassw0rd")).StatusCode);

        var fresh = Browser();
        await (
            await fresh.PostAsJsonAsync("/api/console/sign-in", new { username, password = "Passw0rd-2026" })
        ).ProblemAsync(401, "console.sign_in_failed");
        (
            await fresh.PostAsJsonAsync("/api/console/sign-in", new { username, password = "NewPassw0rd" })
        ).EnsureSuccessStatusCode();
        // The wrong current password counted towards the lock-out; the right sign-in started the count over.
        Assert.Equal(
            0,
            await TestDatabase.ScalarAsync<int>(
                "SELECT failed_count FROM staff_account WHERE username = @username",
                new { username }
            )
        );
    }
}
