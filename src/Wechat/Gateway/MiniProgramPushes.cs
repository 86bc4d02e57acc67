using System.Globalization;
using Governance.Core.Messaging;
using Governance.Core.Notifications;
using Governance.Core.People;
using Governance.Wechat.Protocol;
using Microsoft.Extensions.Logging;

namespace Governance.Wechat.Gateway;

/// <summary>
/// The mini-program's message push (docs/wechat/subscribe-events.md): WeChat sends the subscribe-message events here,
/// not to the official account's callback — signed with the mini-program's Token, encrypted with its EncodingAESKey
/// and its AppId, in XML or JSON as set in the mini-program's console. Accepts become grants (one send each), rejects
/// and switch-offs are recorded, delivery results land on the deliveries. Each push is handled once across nodes and
/// redeliveries, like the official account's; the answer is always "success" (there is nothing to reply).
/// </summary>
public sealed class MiniProgramPushes(
    WechatOptions options,
    InboundMessageStore inbound,
    DeliveryStore deliveries,
    PersonStore people,
    TimeProvider clock,
    ILogger<MiniProgramPushes> log
)
{
    private readonly WechatCryptor _cryptor = new(
        options.MiniProgramToken,
        options.MiniProgramAppId,
        options.MiniProgramEncodingAesKey
    );

    /// <summary>
    /// A push still "processing" this long after it arrived lost its node: a redelivery does it again.
    /// </summary>
    private static readonly TimeSpan Abandoned = TimeSpan.FromSeconds(10);

    private static CallbackResponse Refuse(int status, string code) =>
        new(status, "text/plain; charset=utf-8", code, code);

    /// <summary>URL verification when the push address is saved: echo echostr if the signature is right.</summary>
    public CallbackResponse Verify(IReadOnlyDictionary<string, string?> query) =>
        CheckSignature(query)
        ?? new CallbackResponse(200, "text/plain; charset=utf-8", query.GetValueOrDefault("echostr") ?? "");

    private CallbackResponse? CheckSignature(IReadOnlyDictionary<string, string?> query)
    {
        var timestamp = query.GetValueOrDefault("timestamp");
        var nonce = query.GetValueOrDefault("nonce");
        var signature = query.GetValueOrDefault("signature");
        if (string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(nonce) || string.IsNullOrEmpty(signature))
            return Refuse(400, "wechat.missing_parameters");
        if (
            !long.TryParse(timestamp, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ts)
            || Math.Abs(clock.GetUtcNow().ToUnixTimeSeconds() - ts) > options.TimestampWindowSeconds
        )
            return Refuse(403, "wechat.stale_timestamp");
        if (!WechatSignature.Verify(signature, options.MiniProgramToken, timestamp, nonce))
            return Refuse(401, "wechat.bad_signature");
        return null;
    }

    public async Task<CallbackResponse> HandleAsync(
        IReadOnlyDictionary<string, string?> query,
        string body,
        CancellationToken ct
    )
    {
        if (CheckSignature(query) is { } refused)
        {
            log.LogWarning("Refused a mini-program push: {Code}", refused.Code);
            return refused;
        }
        InboundMessage message;
        var encrypted = query.GetValueOrDefault("encrypt_type") is { } et && et != "raw";
        if (!encrypted && options.MessageMode != WechatOptions.PlaintextMode)
            return Refuse(400, "wechat.plaintext_refused");
        try
        {
            var json = body.AsSpan().TrimStart().StartsWith("{");
            string? encrypt;
            if (json)
            {
                var outer = WechatJsonPush.Parse(body);
                encrypt = outer["Encrypt"]?.GetValue<string>();
                message = WechatJsonPush.ReadMessage(outer);
            }
            else
            {
                var outer = WechatXml.ParseSafe(body);
                encrypt = outer.Element("Encrypt")?.Value;
                message = WechatXml.ReadMessage(outer);
            }
            if (encrypted)
            {
                if (query.GetValueOrDefault("encrypt_type") != "aes")
                    return Refuse(400, "wechat.unknown_encrypt_type");
                if (string.IsNullOrEmpty(encrypt))
                    return Refuse(400, "wechat.missing_encrypt");
                if (
                    !_cryptor.VerifyMessageSignature(
                        query.GetValueOrDefault("msg_signature"),
                        query["timestamp"]!,
                        query["nonce"]!,
                        encrypt
                    )
                )
                    return Refuse(401, "wechat.bad_msg_signature");
                var inner = _cryptor.Decrypt(encrypt).Message;
                message = json
                    ? WechatJsonPush.ReadMessage(WechatJsonPush.Parse(inner))
                    : WechatXml.ReadMessage(WechatXml.ParseSafe(inner));
            }
        }
        catch (WechatCryptoException ex)
        {
            log.LogWarning("Refused a mini-program push body: {Code} {Error}", ex.Code, ex.Message);
            return Refuse(
                400,
                ex.Code == WechatCryptoException.ParseXmlError ? "wechat.bad_body" : $"wechat.decrypt_failed.{-ex.Code}"
            );
        }
        if (string.IsNullOrEmpty(message.FromUserName) || string.IsNullOrEmpty(message.MsgType))
            return Refuse(400, "wechat.incomplete_message");

        var key = "mp|" + message.DedupKey;
        var now = clock.GetUtcNow().UtcDateTime;
        var claim = await inbound.TryClaimAsync(
            key,
            message.FromUserName,
            message.MsgType,
            message.Event,
            now,
            long.Parse(query["timestamp"]!, CultureInfo.InvariantCulture),
            query["nonce"],
            ct
        );
        if (claim == ClaimOutcome.Replayed)
            return Refuse(401, "wechat.replayed");
        if (claim == ClaimOutcome.Redelivery)
        {
            var record = await inbound.GetAsync(key, ct);
            if (
                record is null
                || record.Status != InboundStatus.Processing
                || now - record.ReceivedAt < Abandoned
                || !await inbound.TryTakeOverAsync(key, record.ReceivedAt, now, ct)
            )
                return CallbackResponse.Success;
        }
        await ApplyAsync(message, now, ct);
        await inbound.CompleteAsync(key, InboundStatus.Replied, "success", now, CancellationToken.None);
        return CallbackResponse.Success;
    }

    private async Task ApplyAsync(InboundMessage message, DateTime now, CancellationToken ct)
    {
        var evt = (message.Event ?? "").ToLowerInvariant();
        if (evt == "subscribe_msg_sent_event")
        {
            foreach (var r in message.SubscribeResults.Where(r => r.MsgId is not null))
                await deliveries.RecordReceiptAsync(
                    r.MsgId!.Value,
                    DeliveryChannel.Subscribe,
                    r.ErrorCode is 0 or null ? r.Status ?? "success" : $"failed:{r.ErrorCode}",
                    now,
                    ct
                );
            return;
        }
        if (evt is not ("subscribe_msg_popup_event" or "subscribe_msg_change_event"))
        {
            log.LogInformation("Ignored a mini-program push: {MsgType} {Event}", message.MsgType, message.Event);
            return;
        }
        if (await people.IdByMpOpenidAsync(message.FromUserName, ct) is not { } person)
        {
            log.LogInformation("A subscribe-message event from an openid we do not know; ignored");
            return;
        }
        foreach (var r in message.SubscribeResults.Where(r => r.TemplateId.Length > 0))
        {
            var accepted = string.Equals(r.Status, "accept", StringComparison.OrdinalIgnoreCase);
            if (evt == "subscribe_msg_popup_event" && accepted)
                await deliveries.GrantAsync(person, r.TemplateId, now, DeliveryStore.GrantSource.Push, ct);
            else if (!accepted)
                await deliveries.RefuseAsync(
                    person,
                    r.TemplateId,
                    switchedOff: evt == "subscribe_msg_change_event",
                    now,
                    ct
                );
            // Switching a template back on in the settings allows no send by itself: the next accept does.
        }
    }
}
