using Governance.Core;
using Governance.Core.Moderation;
using Governance.Wechat.Chat;
using Governance.Wechat.Client;
using Governance.Wechat.Gateway;
using Governance.Wechat.Sending;
using Governance.Wechat.Simulator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Governance.Wechat;

public static class WechatServices
{
    /// <summary>
    /// The WeChat layer: the API client with its shared access token, the content check (Core's ITextModeration), the
    /// callback gateway and the resident dialog, the outbox sender, and — in sandbox mode — the simulator.
    /// </summary>
    public static IServiceCollection AddGovernanceWechat(this IServiceCollection services)
    {
        services
            .AddOptions<WechatOptions>()
            .BindConfiguration(WechatOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart()
            .PostConfigure(SandboxAccount.FillIn);
        services.AddSingleton<IValidateOptions<WechatOptions>, WechatOptionsValidator>();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<WechatOptions>>().Value);
        services.AddSettings<OutboxOptions>(OutboxOptions.Section);

        services.AddHttpClient<WechatApiClient>(c => c.Timeout = TimeSpan.FromSeconds(10));
        services.AddSingleton<ContentGuard>();
        services.AddSingleton<ITextModeration>(sp => sp.GetRequiredService<ContentGuard>());
        services.AddSingleton<OutboxSender>();
        services.AddSingleton<ResidentDialog>();
        services.AddSingleton<DeferredReplies>();
        services.AddSingleton<WechatGateway>();
        services.AddSingleton<MiniProgramPushes>();
        services.AddSingleton<SandboxSimulator>();
        services.AddHostedService(sp => sp.GetRequiredService<SandboxSimulator>());
        return services;
    }
}
