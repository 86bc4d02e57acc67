using Governance.Core.Intake;
using Governance.Core.Messaging;
using Governance.Core.Notifications;
using Governance.Wechat;
using Governance.Wechat.Chat;
using Governance.Wechat.Client;
using Governance.Wechat.Gateway;
using Governance.Wechat.Simulator;
using Microsoft.Extensions.Options;

namespace Governance.Api.Infrastructure;

public static class WechatServices
{
    public static WebApplicationBuilder AddGovernanceWechat(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<WechatOptions>().BindConfiguration(WechatOptions.Section).PostConfigure(o =>
        {
            // Sandbox: the client talks to the built-in simulator instead of api.weixin.qq.com.
            if (o.IsSandbox && o.SandboxPort > 0) o.ApiBaseAddress = $"http://127.0.0.1:{o.SandboxPort}";
        });
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<WechatOptions>>().Value);
        services.AddOptions<IntakeOptions>().BindConfiguration(IntakeOptions.Section);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<IntakeOptions>>().Value);

        services.AddSingleton<InboundMessageStore>();
        services.AddSingleton<ConversationStore>();
        services.AddSingleton<AccessTokenStore>();
        services.AddSingleton<DeliveryStore>();
        services.AddSingleton<IntakeExampleStore>();
        services.AddSingleton<IntakeService>();
        services.AddHttpClient<WechatApiClient>(c => c.Timeout = TimeSpan.FromSeconds(10));
        services.AddSingleton<ContentGuard>();
        services.AddSingleton<ResidentDialog>();
        services.AddSingleton<DeferredReplies>();
        services.AddSingleton<WechatGateway>();
        services.AddSingleton<SandboxSimulator>();
        services.AddHostedService(sp => sp.GetRequiredService<SandboxSimulator>());
        return builder;
    }
}

/// <summary>
/// In sandbox mode, runs the WeChat simulator on 127.0.0.1:SandboxPort and points it at our own callback
/// URL, so the chat page exercises the real signed, encrypted callback path. Tests supply their own.
/// </summary>
public sealed class SandboxSimulator(WechatOptions options, TimeProvider clock, ILoggerFactory logging, ILogger<SandboxSimulator> log) : IHostedService, IAsyncDisposable
{
    private bool _owned;
    public WechatSimulator? Instance { get; set; }

    public async Task StartAsync(CancellationToken ct)
    {
        if (Instance is not null || !options.IsSandbox || options.SandboxPort <= 0) return;
        Instance = await WechatSimulator.StartAsync(options, clock, options.SandboxPort, logging);
        var callback = new Uri(options.SandboxCallbackUrl);
        Instance.Gateway = new HttpClient { BaseAddress = new Uri(callback.GetLeftPart(UriPartial.Authority)) };
        Instance.CallbackPath = callback.AbsolutePath;
        _owned = true;
        log.LogInformation("WeChat sandbox: simulator on {Address}, pushing to {Callback}", Instance.BaseAddress, options.SandboxCallbackUrl);
    }

    public async Task StopAsync(CancellationToken ct)
    {
        if (_owned && Instance is not null) await Instance.DisposeAsync();
        Instance = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None);
}
