using Governance.Core.Notifications;
using Governance.Wechat.Client;
using Microsoft.Extensions.Logging;

namespace Governance.Wechat.Gateway;

/// <summary>
/// Replies that could not ride on WeChat's 5-second answer: written to the outbox first (so nothing is lost
/// if this node dies), then sent at once by customer-service message. A failed send stays in the outbox as
/// failed, with its error and next attempt, for the outbox dispatcher to retry.
/// </summary>
public sealed class DeferredReplies(NotificationStore notifications, DeliveryStore deliveries, WechatApiClient wechat, TimeProvider clock, ILogger<DeferredReplies> log)
{
    public async Task SendWhenReadyAsync(Task<string?> turn, string openid, string dedupKey)
    {
        string? reply;
        try { reply = await turn; }
        catch (Exception ex)
        {
            log.LogError(ex, "Deferred dialog turn failed for {Key}", dedupKey);
            reply = "抱歉，系统暂时出了点问题，请稍后再试，或回复「人工」联系网格员。";
        }
        if (!string.IsNullOrEmpty(reply)) await SendTextAsync(openid, reply, dedupKey);
    }

    public async Task SendTextAsync(string openid, string text, string dedupKey)
    {
        var key = $"reply:{dedupKey}";
        try
        {
            var now = clock.GetUtcNow().UtcDateTime;
            await notifications.EnqueueCustomerServiceAsync(null, openid, text, key, now);
            var row = await deliveries.ClaimAsync(key, TimeSpan.FromMinutes(1), now);
            if (row is null) return;
            var result = await wechat.SendTextAsync(openid, text);
            if (result.Ok) await deliveries.MarkSentAsync(row.Id, null, clock.GetUtcNow().UtcDateTime);
            else
            {
                var dead = result.Outcome is WechatOutcome.GiveUp or WechatOutcome.RecipientRefused;
                await deliveries.MarkFailedAsync(row.Id, dead, clock.GetUtcNow().UtcDateTime.AddMinutes(1), $"{result.ErrCode} {result.ErrMsg}", clock.GetUtcNow().UtcDateTime);
                log.LogWarning("Deferred reply {Key} not sent: {ErrCode}", key, result.ErrCode);
            }
        }
        catch (Exception ex)
        {
            log.LogError(ex, "Deferred reply {Key} could not be queued or sent", key);
        }
    }
}
