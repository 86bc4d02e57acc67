using Governance.Core.People;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Governance.Wechat.Simulator;

/// <summary>
/// In sandbox mode, runs the WeChat simulator on 127.0.0.1:SandboxPort and points it at our own callback URL, so the
/// chat page exercises the real signed, encrypted callback path. Tests supply their own instance.
/// </summary>
public sealed class SandboxSimulator(
    WechatOptions options,
    PersonStore people,
    Core.StaffConsole.StaffAccountStore accounts,
    TimeProvider clock,
    ILoggerFactory logging,
    ILogger<SandboxSimulator> log
) : IHostedService, IAsyncDisposable
{
    private bool _owned;
    public WechatSimulator? Instance { get; set; }

    public async Task StartAsync(CancellationToken ct)
    {
        if (Instance is not null || !options.IsSandbox || options.SandboxPort <= 0)
            return;
        Instance = await WechatSimulator.StartAsync(options, clock, options.SandboxPort, logging);
        var callback = new Uri(options.SandboxCallbackUrl);
        Instance.Gateway = new HttpClient { BaseAddress = new Uri(callback.GetLeftPart(UriPartial.Authority)) };
        Instance.CallbackPath = callback.AbsolutePath;
        Instance.MiniProgramCallbackPath = callback.AbsolutePath.Replace(
            "/wechat/callback",
            "/wechat/miniprogram/callback",
            StringComparison.Ordinal
        );
        _owned = true;
        // What WeChat would know of the demo's people: who follows the account, who has the mini-program, and whose
        // WeChat is bound to a console account (the QR page offers them as the one scanning).
        try
        {
            var (followers, miniProgramUsers) = await people.OpenidsAsync(ct);
            Instance.Follow(followers);
            Instance.Visit(miniProgramUsers);
            foreach (var (unionid, name) in await accounts.WechatHoldersAsync(ct))
                Instance.WebsiteUsers[unionid] = name;
        }
        catch (Exception ex) when (Core.Data.MySqlDriver.IsUnavailable(ex))
        {
            log.LogWarning("WeChat sandbox: could not read the demo's followers; the simulator starts knowing no one");
        }
        log.LogInformation(
            "WeChat sandbox: simulator on {Address}, pushing to {Callback}",
            Instance.BaseAddress,
            options.SandboxCallbackUrl
        );
    }

    public async Task StopAsync(CancellationToken ct)
    {
        if (_owned && Instance is not null)
            await Instance.DisposeAsync();
        Instance = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None);
}
