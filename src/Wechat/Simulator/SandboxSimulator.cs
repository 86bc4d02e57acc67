using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Governance.Wechat.Simulator;

/// <summary>
/// In sandbox mode, runs the WeChat simulator on 127.0.0.1:SandboxPort and points it at our own callback URL, so the
/// chat page exercises the real signed, encrypted callback path. Tests supply their own instance.
/// </summary>
public sealed class SandboxSimulator(
    WechatOptions options,
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
        _owned = true;
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
