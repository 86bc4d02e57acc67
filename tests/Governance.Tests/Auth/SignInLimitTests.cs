using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;

namespace Governance.Tests.Auth;

/// <summary>Sign-in and the calls that cost a WeChat check have limits of their own.</summary>
[Collection(DbCollection.Name)]
public sealed class SignInLimitTests(TestApp app) : DbTest(app)
{
    [Fact]
    public async Task SignInsPerClientAndChecksPerPersonAreLimitedAndBogusCodesNeverReachWechat()
    {
        using var node = App.WithWebHostBuilder(b =>
        {
            b.UseSetting("RateLimits:SignInPerMinute", "3");
            b.UseSetting("RateLimits:ChecksPerMinute", "2");
        });
        var client = node.CreateClient();
        // A code that cannot be one (wx.login codes are 32 characters or so) is refused here.
        await (
            await client.PostAsJsonAsync("/api/auth/login", new { code = new string('x', 5000) })
        ).ProblemAsync(400, "auth.invalid_code");
        for (var i = 0; i < 2; i++)
            await client
                .PostAsJsonAsync("/api/auth/login", new { code = App.Wechat.IssueLoginCode($"o_mp_limit_{i}") })
                .OkAsync();
        var limited = await client.PostAsJsonAsync(
            "/api/auth/login",
            new { code = App.Wechat.IssueLoginCode("o_mp_limit_9") }
        );
        await limited.ProblemAsync(429, "rate_limited");
        Assert.True(int.Parse(limited.Headers.GetValues("Retry-After").Single()) > 0);

        var resident = node.CreateClient();
        resident.DefaultRequestHeaders.Authorization = new("Dev", "1001");
        for (var i = 0; i < 2; i++)
            await resident.PostAsJsonAsync("/api/intake/analyze", new { text = "3栋楼道灯坏了" }).OkAsync();
        await (
            await resident.PostAsJsonAsync("/api/intake/analyze", new { text = "3栋楼道灯坏了" })
        ).ProblemAsync(429, "rate_limited");
    }
}
