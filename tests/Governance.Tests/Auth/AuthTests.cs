using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;

namespace Governance.Tests.Auth;

[Collection(DbCollection.Name)]
public sealed class AuthTests(TestApp app) : DbTest(app)
{
    [Fact]
    public async Task AFirstSignInCreatesTheResidentAndTheTokenIdentifiesThem()
    {
        var openid = "o_mp_first_" + Guid.NewGuid().ToString("N")[..8];
        var (client, login) = await App.SignInAsync(openid);
        Assert.True(login.GetProperty("newPerson").GetBoolean());
        Assert.Equal("Bearer", login.GetProperty("tokenType").GetString());
        Assert.Equal(1800, login.GetProperty("expiresIn").GetInt32());
        // session_key never leaves the server
        Assert.DoesNotContain("session", login.GetRawText(), StringComparison.OrdinalIgnoreCase);
        var me = await client.GetAsync("/api/me").OkAsync();
        Assert.Equal(["resident"], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        var row = (
            await TestDatabase.QueryAsync<(long Id, string? SessionKey)>(
                "SELECT id, mp_session_key FROM person WHERE mp_openid = @openid",
                new { openid }
            )
        ).Single();
        Assert.Equal(row.Id, me.GetProperty("id").GetInt64());
        Assert.False(string.IsNullOrEmpty(row.SessionKey));

        // Signing in again finds the same person.
        var (_, again) = await App.SignInAsync(openid);
        Assert.False(again.GetProperty("newPerson").GetBoolean());
        Assert.Equal(row.Id, again.GetProperty("me").GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task AMiniProgramSignInWithTheSameUnionidJoinsTheOfficialAccountResident()
    {
        var oaOpenid = Infrastructure.ChatHelpers.NewOpenid();
        await App.PushAsync(App.Wechat.EventXml(oaOpenid, "subscribe"));
        await TestDatabase.ExecuteAsync(
            "UPDATE person SET unionid = 'u_same_person' WHERE oa_openid = @oaOpenid",
            new { oaOpenid }
        );
        var (_, login) = await App.SignInAsync(unionid: "u_same_person");
        Assert.Equal(
            await TestDatabase.ScalarAsync<long>("SELECT id FROM person WHERE oa_openid = @oaOpenid", new { oaOpenid }),
            login.GetProperty("me").GetProperty("id").GetInt64()
        );
        Assert.Equal(
            1,
            await TestDatabase.ScalarAsync<int>("SELECT COUNT(*) FROM person WHERE unionid = 'u_same_person'")
        );
    }

    [Fact]
    public async Task BadUsedOrMissingCodesAreProblems()
    {
        var code = App.Wechat.IssueLoginCode("o_mp_once");
        await App.CreateClient().PostAsJsonAsync("/api/auth/login", new { code }).OkAsync();
        await (await App.CreateClient().PostAsJsonAsync("/api/auth/login", new { code })).ProblemAsync(
            400,
            "auth.invalid_code"
        );
        await (await App.CreateClient().PostAsJsonAsync("/api/auth/login", new { code = "made-up" })).ProblemAsync(
            400,
            "auth.invalid_code"
        );
        await (await App.CreateClient().PostAsJsonAsync("/api/auth/login", new { code = "" })).ProblemAsync(
            400,
            "auth.code_required"
        );
        App.Wechat.Fail("/sns/jscode2session", -1, "system busy");
        await (
            await App.CreateClient()
                .PostAsJsonAsync("/api/auth/login", new { code = App.Wechat.IssueLoginCode("o_mp_busy") })
        ).ProblemAsync(503, "auth.wechat_unavailable");
    }

    [Fact]
    public async Task TwoRefreshesOfOneTokenAtOnceGetTheSameSuccessorAndKeepTheSession()
    {
        // Many times over: two refreshes at once can deadlock in InnoDB, and neither may answer anything but the
        // successor.
        for (var round = 0; round < 12; round++)
        {
            var (_, session) = await App.SignInAsync();
            var token = session.GetProperty("refreshToken").GetString();
            var pair = await Task.WhenAll(
                Enumerable
                    .Range(0, 2)
                    .Select(_ =>
                        App.CreateClient().PostAsJsonAsync("/api/auth/refresh", new { refreshToken = token }).OkAsync()
                    )
            );
            var successors = pair.Select(p => p.GetProperty("refreshToken").GetString()).Distinct();
            Assert.Single(successors);
        }
        var (_, login) = await App.SignInAsync();
        var first = login.GetProperty("refreshToken").GetString();
        var both = await Task.WhenAll(
            Enumerable
                .Range(0, 2)
                .Select(_ =>
                    App.CreateClient().PostAsJsonAsync("/api/auth/refresh", new { refreshToken = first }).OkAsync()
                )
        );
        var successor = both[0].GetProperty("refreshToken").GetString();
        Assert.Equal(successor, both[1].GetProperty("refreshToken").GetString());
        Assert.NotEqual(first, successor);
        // The session goes on: the successor works, once.
        var third = await App.CreateClient()
            .PostAsJsonAsync("/api/auth/refresh", new { refreshToken = successor })
            .OkAsync();
        var me = App.CreateClient();
        me.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Bearer",
            third.GetProperty("accessToken").GetString()
        );
        await me.GetAsync("/api/me").OkAsync();
        // Once the successor has been used, the first token has nothing to give again: it was copied.
        await (
            await App.CreateClient().PostAsJsonAsync("/api/auth/refresh", new { refreshToken = first })
        ).ProblemAsync(401, "auth.refresh_reused");
    }

    [Fact]
    public async Task RefreshTokensRotateAndAReusedOneRevokesTheFamily()
    {
        var (_, login) = await App.SignInAsync();
        var first = login.GetProperty("refreshToken").GetString();
        var second = await App.CreateClient()
            .PostAsJsonAsync("/api/auth/refresh", new { refreshToken = first })
            .OkAsync();
        var secondToken = second.GetProperty("refreshToken").GetString();
        Assert.NotEqual(first, secondToken);

        // The first token again, after the grace for refreshes at once: someone copied it. Both it and its successor
        // stop working.
        App.Clock.Advance(TimeSpan.FromSeconds(31));
        await (
            await App.CreateClient().PostAsJsonAsync("/api/auth/refresh", new { refreshToken = first })
        ).ProblemAsync(401, "auth.refresh_reused");
        await (
            await App.CreateClient().PostAsJsonAsync("/api/auth/refresh", new { refreshToken = secondToken })
        ).ProblemAsync(401, "auth.refresh_reused");
        await (
            await App.CreateClient().PostAsJsonAsync("/api/auth/refresh", new { refreshToken = "nonsense" })
        ).ProblemAsync(401, "auth.refresh_invalid");
        Assert.Equal(
            0,
            await TestDatabase.ScalarAsync<int>(
                "SELECT COUNT(*) FROM auth_refresh_token WHERE token_hash = @first",
                new { first }
            )
        );
    }

    [Fact]
    public async Task LoggingOutRevokesTheRefreshToken()
    {
        var (_, login) = await App.SignInAsync();
        var refresh = login.GetProperty("refreshToken").GetString();
        Assert.Equal(
            HttpStatusCode.NoContent,
            (await App.CreateClient().PostAsJsonAsync("/api/auth/logout", new { refreshToken = refresh })).StatusCode
        );
        await (
            await App.CreateClient().PostAsJsonAsync("/api/auth/refresh", new { refreshToken = refresh })
        ).ProblemAsync(401, "auth.refresh_reused");
    }

    [Fact]
    public async Task ExpiredOrTamperedAccessTokensAreRefused()
    {
        var (client, login) = await App.SignInAsync();
        await client.GetAsync("/api/me").OkAsync();
        var token = login.GetProperty("accessToken").GetString()!;
        var tampered = App.CreateClient();
        tampered.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Bearer",
            token[..^4] + (token.EndsWith("AAAA") ? "BBBB" : "AAAA")
        );
        await (await tampered.GetAsync("/api/me")).ProblemAsync(401, "auth.required");
        App.Clock.Advance(TimeSpan.FromMinutes(31));
        await (await client.GetAsync("/api/me")).ProblemAsync(401, "auth.required");
    }

    [Fact]
    public async Task APhoneNumberCanBeBound()
    {
        var (client, _) = await App.SignInAsync();
        var me = await client
            .PostAsJsonAsync("/api/auth/phone", new { code = App.Wechat.IssuePhoneCode("13912345678") })
            .OkAsync();
        Assert.Equal("13912345678", me.GetProperty("phone").GetString());
        await (await client.PostAsJsonAsync("/api/auth/phone", new { code = "used-or-fake" })).ProblemAsync(
            400,
            "auth.invalid_code"
        );
        var renamed = await client.PatchAsJsonAsync("/api/me", new { name = "王阿姨" }).OkAsync();
        Assert.Equal("王阿姨", renamed.GetProperty("name").GetString());
        await (await client.PatchAsJsonAsync("/api/me", new { name = "办证刻章找我" })).ProblemAsync(
            400,
            "content.rejected"
        );
    }

    [Fact]
    public async Task TheDevelopmentSchemeIsRefusedWhenItIsSwitchedOff()
    {
        using var strict = App.WithWebHostBuilder(b => b.UseSetting("Auth:AllowDevScheme", "false"));
        var client = strict.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Dev", "1001");
        await (await client.GetAsync("/api/me")).ProblemAsync(401, "auth.required");
    }
}
