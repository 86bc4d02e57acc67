using Governance.Core.Messaging;
using Governance.Core.Notifications;
using Governance.Wechat.Chat;
using Governance.Wechat.Sending;
using Microsoft.Extensions.Logging;

namespace Governance.Wechat.Gateway;

/// <summary>
/// Replies that could not ride on WeChat's 5-second answer: written to the outbox first (so nothing is lost if this
/// node dies), then handed to the outbox sender to go at once by customer-service message, through the same channel
/// rules and rate limit as every other notice. A failed send stays in the outbox with its error and next attempt for
/// the jobs nodes' dispatcher to retry.
/// </summary>
public sealed class DeferredReplies(
    NotificationStore notifications,
    ConversationStore conversations,
    OutboxSender sender,
    TimeProvider clock,
    ILogger<DeferredReplies> log
)
{
    public const string Apology = "抱歉，系统暂时出了点问题，请稍后再试，或回复「人工」联系网格员。";

    public async Task SendWhenReadyAsync(Task<DialogTurn> turn, string openid, string dedupKey, CancellationToken ct)
    {
        string? reply;
        try
        {
            var done = await turn;
            reply = done.Reply;
            if (done.Conversation is { } write)
                await conversations.ApplyAsync(write, ct);
        }
        catch (Exception ex)
        {
            log.LogError(ex, "Deferred dialog turn failed for {Key}", dedupKey);
            reply = Apology;
        }
        if (!string.IsNullOrEmpty(reply))
            await SendTextAsync(openid, reply, dedupKey, ct);
    }

    public async Task SendTextAsync(string openid, string text, string dedupKey, CancellationToken ct)
    {
        var key = $"reply:{dedupKey}";
        try
        {
            await notifications.EnqueueCustomerServiceAsync(null, openid, text, key, clock.GetUtcNow().UtcDateTime, ct);
            await sender.SendNowAsync(key, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Queued rows are retried by the dispatcher; a row that could not even be queued is logged here.
            log.LogError(ex, "Deferred reply {Key} could not be queued or sent", key);
        }
    }
}
