using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Governance.Tests.Infrastructure;

public static class MiniProgramHelpers
{
    /// <summary>Signs in through the real path: the simulator issues a wx.login code, the API exchanges it.</summary>
    public static async Task<(HttpClient Client, JsonElement Login)> SignInAsync(
        this TestApp app,
        string? openid = null,
        string? unionid = null,
        string? name = null
    )
    {
        var code = app.Wechat.IssueLoginCode(openid ?? "o_mp_" + Guid.NewGuid().ToString("N")[..12], unionid);
        var login = await app.CreateClient().PostAsJsonAsync("/api/auth/login", new { code }).OkAsync();
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Bearer",
            login.GetProperty("accessToken").GetString()
        );
        if (name is not null)
            await client.PatchAsJsonAsync("/api/me", new { name }).OkAsync();
        return (client, login);
    }

    /// <summary>
    /// A published order in 金龙小区 3栋 (城东社区), reported by resident 1001 and triaged by its grid worker.
    /// </summary>
    public static async Task<string> PublishedOrderAsync(
        this TestApp app,
        long categoryId = 2,
        string? description = null
    )
    {
        var code = await app.ClientFor(1001).ReportCodeAsync(categoryId, description);
        await app.ClientFor(9101).PostAsync($"/api/orders/{code}/accept", null).OkAsync();
        await app.ClientFor(9101).PostAsync($"/api/orders/{code}/publish", null).OkAsync();
        return code;
    }

    public static Task<List<string>> KindsAsync(string code) =>
        TestDatabase.QueryAsync<string>(
            "SELECT e.kind FROM order_event e JOIN service_order o ON o.id = e.order_id WHERE o.code = @code ORDER BY "
                + "e.id",
            new { code }
        );

    /// <summary>Notices queued for a person about an order, by kind, in order.</summary>
    public static Task<List<string>> NoticesAsync(long personId, string? code = null) =>
        TestDatabase.QueryAsync<string>(
            "SELECT kind FROM delivery WHERE person_id = @personId AND (@code IS NULL OR payload LIKE CONCAT('%', "
                + "@code, '%')) ORDER BY id",
            new { personId, code }
        );
}
