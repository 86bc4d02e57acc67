using System.Diagnostics;
using System.Text;
using Governance.Core.Messaging;
using Governance.Core.Notifications;
using Governance.Wechat.Chat;
using Governance.Wechat.Protocol;
using Microsoft.Extensions.Logging;

namespace Governance.Wechat.Gateway;

public sealed record CallbackResponse(int Status, string ContentType, string Body, string? Code = null)
{
    public static CallbackResponse Success => new(200, "text/plain; charset=utf-8", "success");
}

/// <summary>
/// The URL WeChat calls (docs/wechat/callback.md). Checks the timestamp window and the signature before
/// anything else, parses XML with DTDs prohibited, decrypts safe/compatible-mode bodies, records the
/// message once by its dedup key, runs the dialog within a budget well under WeChat's 5 seconds and
/// answers every delivery of the same message with the same reply.
/// </summary>
public sealed class WechatGateway(
    WechatOptions options,
    InboundMessageStore inbound,
    ResidentDialog dialog,
    DeferredReplies deferred,
    DeliveryStore deliveries,
    TimeProvider clock,
    ILogger<WechatGateway> log
)
{
    private readonly WechatCryptor _cryptor = new(
        options.Token,
        options.AppId,
        options.EncodingAesKey,
        string.IsNullOrEmpty(options.PreviousEncodingAesKey) ? null : options.PreviousEncodingAesKey
    );

    private static CallbackResponse Refuse(int status, string code) =>
        new(status, "text/plain; charset=utf-8", code, code);

    /// <summary>
    /// URL verification: echo echostr when the signature is right (always plaintext for an official account).
    /// </summary>
    public CallbackResponse Verify(IReadOnlyDictionary<string, string?> query)
    {
        if (CheckSignature(query) is { } refused)
            return refused;
        return new CallbackResponse(200, "text/plain; charset=utf-8", query.GetValueOrDefault("echostr") ?? "");
    }

    private CallbackResponse? CheckSignature(IReadOnlyDictionary<string, string?> query)
    {
        var timestamp = query.GetValueOrDefault("timestamp");
        var nonce = query.GetValueOrDefault("nonce");
        var signature = query.GetValueOrDefault("signature");
        if (string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(nonce) || string.IsNullOrEmpty(signature))
            return Refuse(400, "wechat.missing_parameters");
        if (
            !long.TryParse(timestamp, out var ts)
            || Math.Abs(clock.GetUtcNow().ToUnixTimeSeconds() - ts) > options.TimestampWindowSeconds
        )
            return Refuse(403, "wechat.stale_timestamp");
        if (!WechatSignature.Verify(signature, options.Token, timestamp, nonce))
            return Refuse(401, "wechat.bad_signature");
        return null;
    }

    /// <summary>
    /// One delivery of a callback. <paramref name="arrived"/> (a Stopwatch timestamp) starts the request's budget:
    /// everything — the dedup record, waiting for a first delivery's reply, the dialog — fits in it, and past it the
    /// answer is "success" with the reply following by customer-service message.
    /// </summary>
    public async Task<CallbackResponse> HandleAsync(
        IReadOnlyDictionary<string, string?> query,
        string body,
        long arrived,
        CancellationToken ct
    )
    {
        if (CheckSignature(query) is { } refused)
        {
            log.LogWarning("Refused a callback: {Code}", refused.Code);
            return refused;
        }
        if (Encoding.UTF8.GetByteCount(body) > options.MaxBodyBytes)
            return Refuse(413, "wechat.body_too_large");

        InboundMessage message;
        int keyIndex = 0;
        var encrypted = query.GetValueOrDefault("encrypt_type") is { } et && et != "raw";
        // The account's message mode decides, not the request: in safe and compatible mode only the encrypted body is
        // authenticated (msg_signature), so a plaintext request is refused however well its URL is signed.
        if (!encrypted && options.MessageMode != WechatOptions.PlaintextMode)
            return Refuse(400, "wechat.plaintext_refused");
        try
        {
            var outer = WechatXml.ParseSafe(body);
            if (encrypted)
            {
                if (query.GetValueOrDefault("encrypt_type") != "aes")
                    return Refuse(400, "wechat.unknown_encrypt_type");
                var encrypt = outer.Element("Encrypt")?.Value;
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
                var decrypted = _cryptor.Decrypt(encrypt);
                keyIndex = decrypted.KeyIndex;
                message = WechatXml.ReadMessage(WechatXml.ParseSafe(decrypted.Message));
            }
            else
                message = WechatXml.ReadMessage(outer);
        }
        catch (WechatCryptoException ex)
        {
            log.LogWarning("Refused a callback body: {Code} {Error}", ex.Code, ex.Message);
            return Refuse(
                400,
                ex.Code == WechatCryptoException.ParseXmlError ? "wechat.bad_xml" : $"wechat.decrypt_failed.{-ex.Code}"
            );
        }
        if (string.IsNullOrEmpty(message.FromUserName) || string.IsNullOrEmpty(message.MsgType))
            return Refuse(400, "wechat.incomplete_message");
        if (query.GetValueOrDefault("openid") is { Length: > 0 } openid && openid != message.FromUserName)
            return Refuse(400, "wechat.openid_mismatch");

        var key = message.DedupKey;
        var now = clock.GetUtcNow().UtcDateTime;
        var claim = await inbound.TryClaimAsync(
            key,
            message.FromUserName,
            message.MsgType,
            message.Event,
            now,
            long.Parse(query["timestamp"]!, System.Globalization.CultureInfo.InvariantCulture),
            query["nonce"],
            ct
        );
        if (claim == ClaimOutcome.Replayed)
        {
            log.LogWarning("Refused a callback replaying a used timestamp and nonce for another message");
            return Refuse(401, "wechat.replayed");
        }
        if (claim == ClaimOutcome.Redelivery && await ReplayAsync(key, arrived, ct) is { } replayed)
            return replayed;

        if (await ReceiptAsync(message, now, ct))
        {
            await inbound.CompleteAsync(key, InboundStatus.Replied, "success", now, CancellationToken.None);
            return CallbackResponse.Success;
        }
        var turn = Task.Run(() => dialog.HandleAsync(message, CancellationToken.None), CancellationToken.None);
        var left = Budget - Stopwatch.GetElapsedTime(arrived);
        if (left <= TimeSpan.Zero || await Task.WhenAny(turn, Task.Delay(left, ct)) != turn)
        {
            // Too slow for WeChat's 5 s: answer now and send the reply by customer-service message when ready.
            await inbound.CompleteAsync(key, InboundStatus.Deferred, "success", now, CancellationToken.None);
            log.LogWarning(
                "Callback over its budget ({Budget} ms); the reply will follow by customer-service message",
                options.TurnBudgetMilliseconds
            );
            _ = deferred.SendWhenReadyAsync(turn, message.FromUserName, key, CancellationToken.None);
            return CallbackResponse.Success;
        }

        DialogTurn done;
        try
        {
            done = await turn;
        }
        catch (Exception ex)
        {
            log.LogError(ex, "Dialog turn failed for message {Key}", key);
            done = new DialogTurn(DeferredReplies.Apology, null);
        }
        var response = BuildReply(message, done.Reply, query, encrypted, keyIndex, key);
        await inbound.CompleteAsync(
            key,
            InboundStatus.Replied,
            response.Body,
            clock.GetUtcNow().UtcDateTime,
            CancellationToken.None,
            done.Conversation
        );
        log.LogInformation(
            "Answered {MsgType} {Key} in {Elapsed} ms",
            message.MsgType,
            key,
            (int)Stopwatch.GetElapsedTime(arrived).TotalMilliseconds
        );
        return response;
    }

    private TimeSpan Budget => TimeSpan.FromMilliseconds(options.TurnBudgetMilliseconds);

    /// <summary>
    /// A live node answers or defers a message within the budget; one still "processing" this long after it was
    /// received lost its node mid-turn.
    /// </summary>
    private TimeSpan Abandoned => Budget + TimeSpan.FromSeconds(2);

    /// <summary>
    /// WeChat's final word on a template message we sent (TEMPLATESENDJOBFINISH), recorded on the delivery; nobody is
    /// answered. False for anything else. (Subscribe messages report to the mini-program's push, <see
    /// cref="MiniProgramPushes"/>.)
    /// </summary>
    private async Task<bool> ReceiptAsync(InboundMessage message, DateTime now, CancellationToken ct)
    {
        if (message.MsgType != "event")
            return false;
        switch ((message.Event ?? "").ToLowerInvariant())
        {
            case "templatesendjobfinish":
                if (message.MsgId is { } templateMsg)
                    await deliveries.RecordReceiptAsync(
                        templateMsg,
                        DeliveryChannel.Template,
                        message.Status ?? "unknown",
                        now,
                        ct
                    );
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// A redelivery of a message already recorded: wait (within the request's budget) for the first delivery's reply
    /// and give the same one. Null when this delivery takes over a turn whose node died (see
    /// <see cref="Abandoned"/>) and must do the work itself.
    /// </summary>
    private async Task<CallbackResponse?> ReplayAsync(string key, long arrived, CancellationToken ct)
    {
        while (true)
        {
            var record = await inbound.GetAsync(key, ct);
            if (record is not null && record.Status != InboundStatus.Processing)
                return record.ReplyBody is { Length: > 0 } body && body.StartsWith("<xml>", StringComparison.Ordinal)
                    ? new CallbackResponse(200, "text/xml; charset=utf-8", body)
                    : CallbackResponse.Success;
            var now = clock.GetUtcNow().UtcDateTime;
            if (
                record is not null
                && now - record.ReceivedAt > Abandoned
                && await inbound.TryTakeOverAsync(key, record.ReceivedAt, now, ct)
            )
            {
                log.LogWarning("Took over message {Key}: its first delivery's node did not finish it", key);
                return null;
            }
            // WeChat's 5 seconds are real seconds, whatever the business clock says.
            if (Stopwatch.GetElapsedTime(arrived) > Budget)
                return CallbackResponse.Success;
            await Task.Delay(25, ct);
        }
    }

    private CallbackResponse BuildReply(
        InboundMessage message,
        string? reply,
        IReadOnlyDictionary<string, string?> query,
        bool encrypted,
        int keyIndex,
        string key
    )
    {
        if (string.IsNullOrEmpty(reply))
            return CallbackResponse.Success;
        var (passive, remainder) = SplitForPassiveReply(reply);
        if (remainder is not null)
            _ = deferred.SendTextAsync(message.FromUserName, remainder, key + ":rest", CancellationToken.None);
        var xml = WechatXml.TextReply(
            message.FromUserName,
            options.AccountId,
            clock.GetUtcNow().ToUnixTimeSeconds(),
            passive
        );
        if (!encrypted)
            return new CallbackResponse(200, "text/xml; charset=utf-8", xml);
        // The official sample reuses the request's timestamp and nonce for the reply envelope.
        var timestamp = query["timestamp"]!;
        var nonce = query["nonce"]!;
        var encrypt = _cryptor.Encrypt(xml, keyIndex);
        return new CallbackResponse(
            200,
            "text/xml; charset=utf-8",
            WechatXml.EncryptedEnvelope(encrypt, _cryptor.MessageSignature(timestamp, nonce, encrypt), timestamp, nonce)
        );
    }

    /// <summary>
    /// Passive text over 2048 bytes is not shown by WeChat: cut at a line break and send the rest separately.
    /// </summary>
    public static (string Passive, string? Remainder) SplitForPassiveReply(string text)
    {
        if (Encoding.UTF8.GetByteCount(text) <= WechatXml.MaxTextReplyBytes)
            return (text, null);
        var budget = WechatXml.MaxTextReplyBytes - 32; // room for the "continued" marker
        int bytes = 0,
            end = 0,
            lastBreak = -1;
        foreach (var rune in text.EnumerateRunes())
        {
            if (bytes + rune.Utf8SequenceLength > budget)
                break;
            bytes += rune.Utf8SequenceLength;
            end += rune.Utf16SequenceLength;
            if (rune.Value == '\n')
                lastBreak = end;
        }
        var cut = lastBreak > end / 2 ? lastBreak : end;
        return (text[..cut].TrimEnd() + "\n（接下条）", text[cut..].TrimStart());
    }
}
