using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Governance.Wechat.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Governance.Wechat.Simulator;

public enum PushMode
{
    Plaintext,
    Compatible,
    Safe,
}

/// <summary>A message the simulator received for sending to a user.</summary>
public sealed record SentMessage(
    long Seq,
    string Api,
    string AppId,
    string ToUser,
    JsonObject Body,
    long MsgId,
    DateTimeOffset At
)
{
    public string? Text => Body["text"]?["content"]?.GetValue<string>();
}

public sealed record PushResponse(int Status, string Body, string? ReplyXml, string? ReplyText, TimeSpan Elapsed);

public sealed record Fault(
    string Path,
    int ErrCode,
    string ErrMsg,
    int Times,
    int LatencyMs,
    int HttpStatus = 200,
    int Every = 1,
    long Seen = 0
);

/// <summary>
/// A stand-in for api.weixin.qq.com and for WeChat's callback pushes, so the whole product runs and is
/// tested with no WeChat account. It is a real HTTP server with WeChat's paths and JSON shapes; it records
/// every message sent, can be told to fail (error codes, latency, expired tokens), issues mini-program login
/// codes, and pushes signed, encrypted messages into the gateway as WeChat does, retries included.
/// State is in memory: it is a simulator, one per sandbox or test run.
/// </summary>
public sealed partial class WechatSimulator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly WechatOptions _account;
    private readonly TimeProvider _clock;
    private readonly ConcurrentQueue<SentMessage> _sent = new();
    private readonly List<Fault> _faults = [];
    private readonly Lock _faultLock = new();
    private long _seq;
    private long _repeatedTemplateSends;
    private long _msgId = 7_300_000_000_000_000_000;

    private WechatSimulator(WebApplication app, WechatOptions account, TimeProvider clock)
    {
        _app = app;
        _account = account;
        _clock = clock;
    }

    public string BaseAddress { get; private set; } = "";

    /// <summary>Where pushes go: the gateway's callback URL, through this client.</summary>
    public HttpClient? Gateway { get; set; }
    public string CallbackPath { get; set; } = "/wechat/callback";
    public TimeSpan PushTimeout { get; set; } = TimeSpan.FromSeconds(5);
    public int TokenRequests => _tokenRequests;

    /// <summary>
    /// Template sends that repeated an earlier client_msg_id (dropped, as WeChat drops them): at-least-once made
    /// visible.
    /// </summary>
    public long RepeatedTemplateSends => Interlocked.Read(ref _repeatedTemplateSends);
    public HashSet<string> RiskyWords { get; } = ["赌博网站", "代开发票", "办证刻章"];

    public static async Task<WechatSimulator> StartAsync(
        WechatOptions account,
        TimeProvider clock,
        int port = 0,
        ILoggerFactory? logging = null
    )
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        if (logging is not null)
            builder.Services.AddSingleton(logging);
        var app = builder.Build();
        var sim = new WechatSimulator(app, account, clock);
        sim.Map(app);
        await app.StartAsync();
        var address = app
            .Services.GetRequiredService<IServer>()
            .Features.Get<IServerAddressesFeature>()!
            .Addresses.First();
        sim.BaseAddress = address.Replace("[::]", "127.0.0.1").TrimEnd('/');
        return sim;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    // ---- what tests and the sandbox page use ----

    public IReadOnlyList<SentMessage> Sent(string? toUser = null, string? api = null) =>
        _sent
            .Where(m => (toUser is null || m.ToUser == toUser) && (api is null || m.Api == api))
            .OrderBy(m => m.Seq)
            .ToList();

    public void ClearSent()
    {
        _sent.Clear();
        Interlocked.Exchange(ref _repeatedTemplateSends, 0);
    }

    /// <summary>
    /// The next <paramref name="times"/> calls whose path contains <paramref name="path"/> fail (or are only slowed
    /// when errcode is 0).
    /// </summary>
    public void Fail(
        string path,
        int errcode,
        string errmsg = "simulated failure",
        int times = 1,
        int latencyMs = 0,
        int httpStatus = 200
    )
    {
        lock (_faultLock)
            _faults.Add(new Fault(path, errcode, errmsg, times, latencyMs, httpStatus));
    }

    /// <summary>
    /// Every <paramref name="every"/>th call whose path contains <paramref name="path"/> fails, <paramref
    /// name="times"/> times in all.
    /// </summary>
    public void FailEvery(
        string path,
        int every,
        int errcode,
        string errmsg = "simulated failure",
        int times = int.MaxValue,
        int httpStatus = 200
    )
    {
        lock (_faultLock)
            _faults.Add(new Fault(path, errcode, errmsg, times, 0, httpStatus, every));
    }

    public void ClearFaults()
    {
        lock (_faultLock)
            _faults.Clear();
    }

    /// <summary>Every token issued so far stops working (the next API call gets 42001).</summary>
    public void ExpireTokens()
    {
        foreach (var key in _tokens.Keys)
            _tokens.AddOrUpdate(key, _ => default, (_, t) => t with { Revoked = true });
        _stableTokenOf.Clear();
    }

    public string IssueLoginCode(string openid, string? unionid = null)
    {
        var code = "code_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        _loginCodes[code] = (openid, unionid, _clock.GetUtcNow(), false);
        return code;
    }

    public string IssuePhoneCode(string phone)
    {
        var code = "phone_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        _phoneCodes[code] = phone;
        return code;
    }

    public long NextMsgId() => Interlocked.Increment(ref _msgId);

    // ---- messages as WeChat pushes them ----

    public long Now => _clock.GetUtcNow().ToUnixTimeSeconds();

    public string TextXml(string openid, string content, long? msgId = null) =>
        WechatXml.Build(Head(openid, "text", msgId ?? NextMsgId()).Append(("Content", content)));

    /// <summary>
    /// A voice message. WeChat is retiring its speech recognition: <c>Recognition</c> arrives empty unless a test
    /// says what it heard.
    /// </summary>
    public string VoiceXml(string openid, string? recognition = null, long? msgId = null) =>
        WechatXml.Build(
            Head(openid, "voice", msgId ?? NextMsgId())
                .Concat([
                    ("MediaId", (object?)IssueMedia("media_voice_")),
                    ("Format", "amr"),
                    ("Recognition", recognition ?? ""),
                ])
        );

    public string ImageXml(string openid, string? mediaId = null, long? msgId = null)
    {
        mediaId ??= IssueMedia("media_img_");
        return WechatXml.Build(
            Head(openid, "image", msgId ?? NextMsgId())
                .Concat([("PicUrl", (object?)$"{BaseAddress}/sim/media/{mediaId}.jpg"), ("MediaId", mediaId)])
        );
    }

    public string LocationXml(string openid, double latitude, double longitude, string label, long? msgId = null) =>
        WechatXml.Build(
            Head(openid, "location", msgId ?? NextMsgId())
                .Concat([("Location_X", (object?)latitude), ("Location_Y", longitude), ("Scale", 15), ("Label", label)])
        );

    public string LinkXml(string openid, string title, string url, long? msgId = null) =>
        WechatXml.Build(
            Head(openid, "link", msgId ?? NextMsgId())
                .Concat([("Title", (object?)title), ("Description", title), ("Url", url)])
        );

    public string EventXml(string openid, string evt, string? eventKey = null, long? createTime = null) =>
        WechatXml.Build(
            Head(openid, "event", null, createTime).Concat([("Event", (object?)evt), ("EventKey", eventKey)])
        );

    public string TemplateFinishedXml(string openid, long msgId, string status) =>
        WechatXml.Build(
            Head(openid, "event", null)
                .Concat([("Event", (object?)"TEMPLATESENDJOBFINISH"), ("MsgID", msgId), ("Status", status)])
        );

    private IEnumerable<(string, object?)> Head(string openid, string type, long? msgId, long? createTime = null)
    {
        yield return ("ToUserName", _account.AccountId);
        yield return ("FromUserName", openid);
        yield return ("CreateTime", createTime ?? Now);
        yield return ("MsgType", type);
        if (msgId is not null)
            yield return ("MsgId", msgId);
    }

    /// <summary>
    /// Pushes a message into the gateway as WeChat does: signed, encrypted in compatible or safe mode, and
    /// redelivered (up to <paramref name="maxDeliveries"/> in all) when no answer comes within PushTimeout.
    /// With <paramref name="concurrentCopies"/> > 1, that many identical deliveries are sent at once.
    /// </summary>
    public async Task<IReadOnlyList<PushResponse>> PushAsync(
        string innerXml,
        PushMode mode = PushMode.Safe,
        int maxDeliveries = 4,
        int concurrentCopies = 1,
        string? overrideSignature = null,
        CancellationToken ct = default
    )
    {
        var gateway = Gateway ?? throw new InvalidOperationException("Set Gateway before pushing.");
        var (url, body) = Envelope(innerXml, mode, overrideSignature);
        var cryptor = Cryptor;

        if (concurrentCopies > 1)
            return await Task.WhenAll(
                Enumerable
                    .Range(0, concurrentCopies)
                    .Select(_ => Task.Run(() => DeliverAsync(gateway, url, body, cryptor, ct), ct))
            );

        var responses = new List<PushResponse>();
        for (var delivery = 0; delivery < maxDeliveries; delivery++)
        {
            var response = await DeliverAsync(gateway, url, body, cryptor, ct);
            responses.Add(response);
            // WeChat retries only when it got no answer in time (or a broken one).
            if (response.Status == 200 && response.Elapsed < PushTimeout)
                break;
        }
        return responses;
    }

    private WechatCryptor Cryptor => new(_account.Token, _account.AppId, _account.EncodingAesKey);

    /// <summary>
    /// The request WeChat would send for a message: the callback path with its signed query string, and the body in
    /// plaintext, compatible or safe mode. (Load generators build these ahead of time.)
    /// </summary>
    public (string PathAndQuery, string Body) Envelope(
        string innerXml,
        PushMode mode = PushMode.Safe,
        string? overrideSignature = null
    )
    {
        var openid = WechatXml.ReadMessage(WechatXml.ParseSafe(innerXml)).FromUserName;
        Learn(innerXml);
        var timestamp = Now.ToString();
        var nonce = RandomNumberGenerator.GetInt32(100_000_000, int.MaxValue).ToString();
        var signature = overrideSignature ?? WechatSignature.Compute(_account.Token, timestamp, nonce);
        var url =
            $"{CallbackPath}?signature={signature}&timestamp={timestamp}&nonce={nonce}"
            + $"&openid={Uri.EscapeDataString(openid)}";
        if (mode == PushMode.Plaintext)
            return (url, innerXml);
        var cryptor = Cryptor;
        var encrypt = cryptor.Encrypt(innerXml);
        url += $"&encrypt_type=aes&msg_signature={cryptor.MessageSignature(timestamp, nonce, encrypt)}";
        var body =
            mode == PushMode.Safe
                ? $"<xml><ToUserName>{WechatXml.Cdata(_account.AccountId)}</ToUserName>"
                    + $"<Encrypt>{WechatXml.Cdata(encrypt)}</Encrypt></xml>"
                : innerXml.Replace("</xml>", $"<Encrypt>{WechatXml.Cdata(encrypt)}</Encrypt></xml>");
        return (url, body);
    }

    // ---- the mini-program's message push ----

    public string MiniProgramCallbackPath { get; set; } = "/wechat/miniprogram/callback";

    /// <summary>The mini-program's original id, which its pushes carry in ToUserName.</summary>
    public const string MiniProgramAccountId = "gh_sandboxmp0001";

    private WechatCryptor MiniProgramCryptor =>
        new(_account.MiniProgramToken, _account.MiniProgramAppId, _account.MiniProgramEncodingAesKey);

    public sealed record SubscribeItem(string TemplateId, string Status, long? MsgId = null, int? ErrorCode = null);

    /// <summary>
    /// A subscribe-message event as the mini-program's push sends it, in XML or JSON: <paramref name="evt"/> is
    /// subscribe_msg_popup_event (Status accept/reject), subscribe_msg_change_event (accept/reject in the settings) or
    /// subscribe_msg_sent_event (MsgID, ErrorCode, ErrorStatus). In JSON, List is an object for one item and an array
    /// for several, as WeChat sends it.
    /// </summary>
    public string SubscribeEvent(string openid, string evt, bool json, params SubscribeItem[] items)
    {
        var wrapper = evt switch
        {
            "subscribe_msg_popup_event" => "SubscribeMsgPopupEvent",
            "subscribe_msg_change_event" => "SubscribeMsgChangeEvent",
            _ => "SubscribeMsgSentEvent",
        };
        var sent = evt == "subscribe_msg_sent_event";
        if (json)
        {
            var list = items
                .Select(i =>
                    sent
                        ? new JsonObject
                        {
                            ["TemplateId"] = i.TemplateId,
                            ["MsgID"] = i.MsgId?.ToString(),
                            ["ErrorCode"] = (i.ErrorCode ?? 0).ToString(),
                            ["ErrorStatus"] = i.Status,
                        }
                        : new JsonObject
                        {
                            ["TemplateId"] = i.TemplateId,
                            ["SubscribeStatusString"] = i.Status,
                            ["PopupScene"] = "0",
                        }
                )
                .ToList();
            var root = new JsonObject
            {
                ["ToUserName"] = MiniProgramAccountId,
                ["FromUserName"] = openid,
                ["CreateTime"] = Now,
                ["MsgType"] = "event",
                ["Event"] = evt,
                [wrapper] = new JsonObject { ["List"] = list.Count == 1 ? list[0] : new JsonArray([.. list]) },
            };
            return root.ToJsonString();
        }
        var sb = new StringBuilder(
            $"<xml><ToUserName><![CDATA[{MiniProgramAccountId}]]></ToUserName><FromUserName>{WechatXml.Cdata(openid)}"
                + $"</FromUserName><CreateTime>{Now}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
                + $"<Event>{WechatXml.Cdata(evt)}</Event><{wrapper}>"
        );
        foreach (var i in items)
            sb.Append(
                sent
                    ? $"<List><TemplateId>{WechatXml.Cdata(i.TemplateId)}</TemplateId><MsgID>{i.MsgId}</MsgID>"
                        + $"<ErrorCode>{i.ErrorCode ?? 0}</ErrorCode><ErrorStatus>{WechatXml.Cdata(i.Status)}"
                        + "</ErrorStatus></List>"
                    : $"<List><TemplateId>{WechatXml.Cdata(i.TemplateId)}</TemplateId><SubscribeStatusString>"
                        + $"{WechatXml.Cdata(i.Status)}</SubscribeStatusString><PopupScene>0</PopupScene></List>"
            );
        return sb.Append($"</{wrapper}></xml>").ToString();
    }

    /// <summary>
    /// Pushes an event to the mini-program's push address, signed with its Token and encrypted with its key and AppId
    /// (safe mode), in the body's own format. An accept in a popup is recorded first, as WeChat records it before
    /// telling us; a switch-off leaves no sends.
    /// </summary>
    public async Task<PushResponse> PushMiniProgramAsync(string innerBody, CancellationToken ct = default)
    {
        var gateway = Gateway ?? throw new InvalidOperationException("Set Gateway before pushing.");
        var json = innerBody.TrimStart().StartsWith('{');
        var message = json
            ? WechatJsonPush.ReadMessage(WechatJsonPush.Parse(innerBody))
            : WechatXml.ReadMessage(WechatXml.ParseSafe(innerBody));
        foreach (var r in message.SubscribeResults)
        {
            if (message.Event == "subscribe_msg_popup_event" && r.Status == "accept")
                AcceptSubscribe(message.FromUserName, r.TemplateId);
            else if (message.Event == "subscribe_msg_change_event" && r.Status == "reject")
                _grants[(message.FromUserName, r.TemplateId)] = 0;
        }
        var timestamp = Now.ToString();
        var nonce = RandomNumberGenerator.GetInt32(100_000_000, int.MaxValue).ToString();
        var cryptor = MiniProgramCryptor;
        var encrypt = cryptor.Encrypt(innerBody);
        var signature = WechatSignature.Compute(_account.MiniProgramToken, timestamp, nonce);
        var url =
            $"{MiniProgramCallbackPath}?signature={signature}"
            + $"&timestamp={timestamp}&nonce={nonce}&encrypt_type=aes"
            + $"&msg_signature={cryptor.MessageSignature(timestamp, nonce, encrypt)}";
        var body = json
            ? new JsonObject { ["ToUserName"] = MiniProgramAccountId, ["Encrypt"] = encrypt }.ToJsonString()
            : $"<xml><ToUserName><![CDATA[{MiniProgramAccountId}]]></ToUserName>"
                + $"<Encrypt>{WechatXml.Cdata(encrypt)}</Encrypt></xml>";
        var started = Environment.TickCount64;
        using var response = await gateway.PostAsync(
            url,
            new StringContent(body, Encoding.UTF8, json ? "application/json" : "text/xml"),
            ct
        );
        var text = await response.Content.ReadAsStringAsync(ct);
        return new PushResponse(
            (int)response.StatusCode,
            text,
            null,
            null,
            TimeSpan.FromMilliseconds(Environment.TickCount64 - started)
        );
    }

    /// <summary>
    /// The reply XML inside a gateway response (decrypted and its signature checked when encrypted), or null.
    /// </summary>
    public string? ReplyXml(string responseBody) => ReplyXml(responseBody, Cryptor);

    private static string? ReplyXml(string text, WechatCryptor cryptor)
    {
        if (!text.StartsWith("<xml>", StringComparison.Ordinal))
            return null;
        var envelope = WechatXml.ParseSafe(text);
        if (envelope.Element("Encrypt")?.Value is not { } encrypt)
            return text;
        var sig = envelope.Element("MsgSignature")?.Value;
        if (
            !cryptor.VerifyMessageSignature(
                sig,
                envelope.Element("TimeStamp")!.Value,
                envelope.Element("Nonce")!.Value,
                encrypt
            )
        )
            throw new InvalidOperationException("The gateway's encrypted reply has a bad MsgSignature.");
        return cryptor.Decrypt(encrypt).Message;
    }

    private async Task<PushResponse> DeliverAsync(
        HttpClient gateway,
        string url,
        string body,
        WechatCryptor cryptor,
        CancellationToken ct
    )
    {
        var started = Environment.TickCount64;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(PushTimeout);
            using var response = await gateway.PostAsync(
                url,
                new StringContent(body, Encoding.UTF8, "text/xml"),
                timeout.Token
            );
            var text = await response.Content.ReadAsStringAsync(timeout.Token);
            var elapsed = TimeSpan.FromMilliseconds(Environment.TickCount64 - started);
            var replyXml = response.IsSuccessStatusCode ? ReplyXml(text, cryptor) : null;
            var replyText = replyXml is null ? null : WechatXml.ParseSafe(replyXml).Element("Content")?.Value;
            return new PushResponse((int)response.StatusCode, text, replyXml, replyText, elapsed);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new PushResponse(0, "", null, null, TimeSpan.FromMilliseconds(Environment.TickCount64 - started));
        }
    }

    /// <summary>A valid 1×1 JPEG, what the simulator hands out for every picture.</summary>
    public static readonly byte[] TinyJpeg = Convert.FromBase64String(
        "/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP/////////////////////////////////////////////////////////////////////////"
            + "/////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA="
    );
}
