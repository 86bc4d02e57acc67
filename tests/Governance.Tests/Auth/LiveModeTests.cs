using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Options;

namespace Governance.Tests.Auth;

/// <summary>
/// Live mode is said, checked and closed: a node missing a credential does not start, and one that starts has no
/// development sign-in and no sandbox.
/// </summary>
[Collection(DbCollection.Name)]
public sealed class LiveModeTests(TestApp app) : DbTest(app)
{
    private static readonly Dictionary<string, string> Live = new()
    {
        ["Wechat:Mode"] = "live",
        ["Wechat:AppId"] = "wx0123456789abcdef",
        ["Wechat:AppSecret"] = "0123456789abcdef0123456789abcdef",
        ["Wechat:AccountId"] = "gh_0123456789ab",
        ["Wechat:Token"] = "liveToken2026",
        ["Wechat:EncodingAesKey"] = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
        ["Wechat:MiniProgramAppId"] = "wxfedcba9876543210",
        ["Wechat:MiniProgramAppSecret"] = "fedcba9876543210fedcba9876543210",
        ["Wechat:ApiBaseAddress"] = "https://api.weixin.qq.com",
        ["Wechat:WebsiteAppId"] = "wx0a1b2c3d4e5f6a7b",
        ["Wechat:WebsiteAppSecret"] = "0a1b2c3d4e5f6a7b0a1b2c3d4e5f6a7b",
        ["Wechat:OpenBaseAddress"] = "https://open.weixin.qq.com",
        ["Auth:SigningKey"] = "a-live-signing-key-of-forty-characters!!",
    };

    private HttpClient Start(IDictionary<string, string> settings)
    {
        var node = App.WithWebHostBuilder(b =>
        {
            foreach (var (key, value) in settings)
                b.UseSetting(key, value);
        });
        return node.CreateClient(
            new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false }
        );
    }

    [Fact]
    public void ALiveNodeMissingItsCredentialsRefusesToStartAndNamesEachOne()
    {
        var settings = new Dictionary<string, string>(Live)
        {
            ["Wechat:AppSecret"] = "",
            ["Wechat:Token"] = Governance.Wechat.Simulator.SandboxAccount.Token,
            ["Wechat:EncodingAesKey"] = "too-short",
            ["Auth:SigningKey"] = "",
        };
        var refused = Assert.ThrowsAny<Exception>(() => Start(settings));
        var message = (refused as OptionsValidationException ?? refused.InnerException)?.Message ?? refused.Message;
        Assert.Contains("Wechat:AppSecret is required in live mode", message);
        Assert.Contains("Wechat:Token is the sandbox's value", message);
        Assert.Contains("Wechat:EncodingAesKey does not look like one", message);
    }

    [Fact]
    public void AWebsiteAppForQrSignInMustBeTheAccountsOwnWhenItIsSet()
    {
        var refused = Assert.ThrowsAny<Exception>(() =>
            Start(
                new Dictionary<string, string>(Live)
                {
                    ["Wechat:WebsiteAppSecret"] = Governance.Wechat.Simulator.SandboxAccount.WebsiteAppSecret,
                    ["Wechat:OpenBaseAddress"] = "http://open.weixin.qq.com",
                }
            )
        );
        Assert.Contains("Wechat:WebsiteAppSecret is the sandbox's value", refused.ToString());
        Assert.Contains("Wechat:OpenBaseAddress must be an https address", refused.ToString());
    }

    [Fact]
    public async Task ALiveNodeWithoutAWebsiteAppOffersPasswordsOnly()
    {
        var client = Start(
            new Dictionary<string, string>(Live) { ["Wechat:WebsiteAppId"] = "", ["Wechat:WebsiteAppSecret"] = "" }
        );
        var options = await client.GetAsync("/api/console/options").OkAsync();
        Assert.False(options.GetProperty("wechatLogin").GetBoolean());
        await (await client.GetAsync("/api/console/wechat/sign-in")).ProblemAsync(404, "console.wechat_off");

        // With one, the sign-in goes to open.weixin.qq.com with the app's id and this host's callback.
        var redirect = await Start(Live).GetAsync("/api/console/wechat/sign-in");
        Assert.Equal(System.Net.HttpStatusCode.Redirect, redirect.StatusCode);
        var location = redirect.Headers.Location!.ToString();
        Assert.StartsWith(
            "https://open.weixin.qq.com/connect/qrconnect?appid=wx0a1b2c3d4e5f6a7b&redirect_uri=",
            location
        );
        Assert.Contains(Uri.EscapeDataString("/api/console/wechat/callback"), location);
    }

    [Fact]
    public void ALiveNodeWithoutASigningKeyRefusesToStart()
    {
        var refused = Assert.ThrowsAny<Exception>(() =>
            Start(new Dictionary<string, string>(Live) { ["Auth:SigningKey"] = "" })
        );
        Assert.Contains("Auth:SigningKey is required in live mode", refused.ToString());
    }

    [Fact]
    public void ANodeThatDoesNotSayItsModeRefusesToStart()
    {
        var refused = Assert.ThrowsAny<Exception>(() =>
            Start(new Dictionary<string, string> { ["Wechat:Mode"] = "" })
        );
        Assert.Contains("Wechat:Mode must be \"sandbox\"", refused.ToString());
    }

    [Fact]
    public async Task ALiveNodeHasNoDevelopmentSignInAndNoSandbox()
    {
        var client = Start(Live);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Dev", "1001");
        await (await client.GetAsync("/api/me")).ProblemAsync(401, "auth.required");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await client.GetAsync("/sandbox")).StatusCode);
        Assert.Equal(
            System.Net.HttpStatusCode.NotFound,
            (await client.GetAsync("/sandbox/api/residents")).StatusCode
        );
        // What a mini-program shows before sign-in stays public.
        Assert.True((await client.GetAsync("/api/categories")).IsSuccessStatusCode);
    }

    [Fact]
    public async Task ADevelopmentIdThatNamesNobodySaysSo()
    {
        await (await App.ClientFor(99_999).GetAsync("/api/me")).ProblemAsync(401, "auth.unknown_person");
    }
}
