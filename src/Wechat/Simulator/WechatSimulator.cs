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
public sealed class WechatSimulator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly WechatOptions _account;
    private readonly TimeProvider _clock;
    private readonly ConcurrentDictionary<string, (string AppId, DateTimeOffset ExpiresAt, bool Revoked)> _tokens =
        new();
    private readonly ConcurrentDictionary<string, string> _stableTokenOf = new();
    private readonly ConcurrentQueue<SentMessage> _sent = new();
    private readonly ConcurrentDictionary<string, long> _templateClientIds = new();
    private readonly List<Fault> _faults = [];
    private readonly Lock _faultLock = new();
    private readonly ConcurrentDictionary<
        string,
        (string OpenId, string? UnionId, DateTimeOffset IssuedAt, bool Used)
    > _loginCodes = new();
    private readonly ConcurrentDictionary<string, string> _phoneCodes = new();
    private long _seq;
    private long _repeatedTemplateSends;
    private long _msgId = 7_300_000_000_000_000_000;
    private int _tokenRequests;

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

    public string VoiceXml(string openid, string? recognition, long? msgId = null) =>
        WechatXml.Build(
            Head(openid, "voice", msgId ?? NextMsgId())
                .Concat([
                    ("MediaId", (object?)"media_voice_" + Guid.NewGuid().ToString("N")[..8]),
                    ("Format", "amr"),
                    ("Recognition", recognition ?? ""),
                ])
        );

    public string ImageXml(string openid, string? mediaId = null, long? msgId = null)
    {
        mediaId ??= "media_img_" + Guid.NewGuid().ToString("N")[..10];
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

    // ---- the API ----

    private void Map(WebApplication app)
    {
        app.Use(
            async (http, next) =>
            {
                if (await ApplyFaultAsync(http))
                    return;
                await next(http);
            }
        );
        // Handlers that take only HttpContext would bind as RequestDelegate and drop their result: cast to Delegate.
        app.MapPost("/cgi-bin/stable_token", (Delegate)StableTokenAsync);
        app.MapGet(
            "/cgi-bin/token",
            (Delegate)((HttpContext http) => Issue(http.Request.Query["appid"].ToString(), forceNew: true))
        );
        app.MapPost("/cgi-bin/message/custom/send", (Delegate)((HttpContext http) => RecordAsync(http, "custom")));
        app.MapPost("/cgi-bin/message/template/send", (Delegate)((HttpContext http) => RecordAsync(http, "template")));
        app.MapPost(
            "/cgi-bin/message/subscribe/send",
            (Delegate)((HttpContext http) => RecordAsync(http, "subscribe"))
        );
        app.MapPost(
            "/cgi-bin/message/subscribe/bizsend",
            (Delegate)((HttpContext http) => RecordAsync(http, "bizsend"))
        );
        app.MapGet("/sns/jscode2session", Code2Session);
        app.MapPost("/wxa/msg_sec_check", (Delegate)SecCheckAsync);
        app.MapPost("/wxa/business/getuserphonenumber", (Delegate)PhoneNumberAsync);
        app.MapGet("/cgi-bin/media/get", Media);
        app.MapGet("/sim/media/{name}", (string name) => Results.Bytes(TinyJpeg, "image/jpeg"));
        app.MapGet("/_sim/messages", (string? touser, long? after) => Results.Json(
                Sent(touser)
                    .Where(m => after is null || m.Seq > after)
                    .Select(m => new
                    {
                        m.Seq,
                        m.Api,
                        m.ToUser,
                        m.Text,
                        m.Body,
                        m.At,
                    })
            ));
    }

    private async Task<bool> ApplyFaultAsync(HttpContext http)
    {
        Fault? hit = null;
        lock (_faultLock)
        {
            var i = _faults.FindIndex(f => http.Request.Path.Value!.Contains(f.Path, StringComparison.Ordinal));
            if (i >= 0)
            {
                var f = _faults[i] with { Seen = _faults[i].Seen + 1 };
                _faults[i] = f;
                if (f.Seen % f.Every == 0)
                {
                    hit = f;
                    if (f.Times <= 1)
                        _faults.RemoveAt(i);
                    else
                        _faults[i] = f with { Times = f.Times - 1 };
                }
            }
        }
        if (hit is null)
            return false;
        if (hit.LatencyMs > 0)
            await Task.Delay(hit.LatencyMs);
        if (hit.HttpStatus != 200)
        {
            http.Response.StatusCode = hit.HttpStatus;
            return true;
        }
        if (hit.ErrCode == 0)
            return false;
        await http.Response.WriteAsJsonAsync(new { errcode = hit.ErrCode, errmsg = hit.ErrMsg });
        return true;
    }

    private bool KnownApp(string appId) => appId == _account.AppId || appId == _account.MiniProgramAppId;

    private async Task<IResult> StableTokenAsync(HttpContext http)
    {
        var body = await JsonNode.ParseAsync(http.Request.Body) as JsonObject;
        var appId = body?["appid"]?.GetValue<string>() ?? "";
        var force = body?["force_refresh"]?.GetValue<bool>() ?? false;
        if (body?["grant_type"]?.GetValue<string>() != "client_credential")
            return Err(40002, "invalid grant_type");
        return Issue(appId, force);
    }

    private IResult Issue(string appId, bool forceNew)
    {
        if (!KnownApp(appId))
            return Err(40013, "invalid appid");
        Interlocked.Increment(ref _tokenRequests);
        var now = _clock.GetUtcNow();
        if (
            !forceNew
            && _stableTokenOf.TryGetValue(appId, out var existing)
            && _tokens.TryGetValue(existing, out var t)
            && !t.Revoked
            && t.ExpiresAt > now
        )
            return Results.Json(new { access_token = existing, expires_in = (int)(t.ExpiresAt - now).TotalSeconds });
        if (_stableTokenOf.TryGetValue(appId, out var old) && _tokens.TryGetValue(old, out var oldT))
            _tokens[old] = oldT with { Revoked = true };
        var token = "SIM_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        _tokens[token] = (appId, now.AddSeconds(7200), false);
        _stableTokenOf[appId] = token;
        return Results.Json(new { access_token = token, expires_in = 7200 });
    }

    private (bool Ok, IResult? Error, string AppId) CheckToken(HttpContext http)
    {
        var token = http.Request.Query["access_token"].ToString();
        if (!_tokens.TryGetValue(token, out var t))
            return (false, Err(40001, "invalid credential, access_token is invalid or not latest"), "");
        if (t.Revoked || t.ExpiresAt <= _clock.GetUtcNow())
            return (false, Err(42001, "access_token expired"), "");
        return (true, null, t.AppId);
    }

    private async Task<IResult> RecordAsync(HttpContext http, string api)
    {
        var (ok, error, appId) = CheckToken(http);
        if (!ok)
            return error!;
        if (await JsonNode.ParseAsync(http.Request.Body) is not JsonObject body)
            return Err(47001, "data format error");
        var touser = body["touser"]?.GetValue<string>();
        if (string.IsNullOrEmpty(touser))
            return Err(40003, "invalid openid");
        if (
            api is "template" or "subscribe" or "bizsend"
            && string.IsNullOrEmpty(body["template_id"]?.GetValue<string>())
        )
            return Err(40037, "invalid template_id");
        if (api == "template" && body["client_msg_id"]?.GetValue<string>() is { Length: > 0 } clientId)
        {
            // WeChat drops a repeat of the same client_msg_id; so do we.
            var first = false;
            var id = _templateClientIds.GetOrAdd(clientId, _ =>
            {
                first = true;
                return NextMsgId();
            });
            if (!first)
            {
                Interlocked.Increment(ref _repeatedTemplateSends);
                return Results.Json(
                    new
                    {
                        errcode = 0,
                        errmsg = "ok",
                        msgid = id,
                    }
                );
            }
            _sent.Enqueue(
                new SentMessage(Interlocked.Increment(ref _seq), api, appId, touser, body, id, _clock.GetUtcNow())
            );
            return Results.Json(
                new
                {
                    errcode = 0,
                    errmsg = "ok",
                    msgid = id,
                }
            );
        }
        var msgid = NextMsgId();
        _sent.Enqueue(
            new SentMessage(Interlocked.Increment(ref _seq), api, appId, touser, body, msgid, _clock.GetUtcNow())
        );
        return api == "custom"
            ? Results.Json(new { errcode = 0, errmsg = "ok" })
            : Results.Json(
                new
                {
                    errcode = 0,
                    errmsg = "ok",
                    msgid,
                }
            );
    }

    private IResult Code2Session(string? appid, string? js_code)
    {
        if (appid != _account.MiniProgramAppId)
            return Err(40013, "invalid appid");
        if (js_code is null || !_loginCodes.TryGetValue(js_code, out var c))
            return Err(40029, "invalid code");
        if (c.Used)
            return Err(40163, "code been used");
        if (_clock.GetUtcNow() - c.IssuedAt > TimeSpan.FromMinutes(5))
            return Err(40029, "invalid code");
        _loginCodes[js_code] = c with { Used = true };
        var sessionKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        return c.UnionId is null
            ? Results.Json(new { openid = c.OpenId, session_key = sessionKey })
            : Results.Json(
                new
                {
                    openid = c.OpenId,
                    session_key = sessionKey,
                    unionid = c.UnionId,
                }
            );
    }

    private async Task<IResult> SecCheckAsync(HttpContext http)
    {
        var (ok, error, _) = CheckToken(http);
        if (!ok)
            return error!;
        var body = await JsonNode.ParseAsync(http.Request.Body) as JsonObject;
        var content = body?["content"]?.GetValue<string>() ?? "";
        if (content.Length == 0)
            return Err(44002, "empty content");
        var risky = RiskyWords.FirstOrDefault(w => content.Contains(w, StringComparison.Ordinal));
        var traceId = Guid.NewGuid().ToString("N");
        return Results.Json(
            new
            {
                errcode = 0,
                errmsg = "ok",
                trace_id = traceId,
                result = new { suggest = risky is null ? "pass" : "risky", label = risky is null ? 100 : 20006 },
                detail = risky is null
                    ? Array.Empty<object>()
                    :
                    [
                        new
                        {
                            strategy = "content_model",
                            errcode = 0,
                            suggest = "risky",
                            label = 20006,
                            keyword = risky,
                        },
                    ],
            }
        );
    }

    private async Task<IResult> PhoneNumberAsync(HttpContext http)
    {
        var (ok, error, _) = CheckToken(http);
        if (!ok)
            return error!;
        var body = await JsonNode.ParseAsync(http.Request.Body) as JsonObject;
        var code = body?["code"]?.GetValue<string>();
        if (code is null || !_phoneCodes.TryRemove(code, out var phone))
            return Err(40029, "invalid code");
        return Results.Json(
            new
            {
                errcode = 0,
                errmsg = "ok",
                phone_info = new
                {
                    phoneNumber = phone,
                    purePhoneNumber = phone,
                    countryCode = "86",
                },
            }
        );
    }

    private IResult Media(HttpContext http, string? media_id)
    {
        var (ok, error, _) = CheckToken(http);
        if (!ok)
            return error!;
        if (media_id is null || !media_id.StartsWith("media_", StringComparison.Ordinal))
            return Err(40007, "invalid media_id");
        return Results.Bytes(TinyJpeg, "image/jpeg");
    }

    private static IResult Err(int errcode, string errmsg) => Results.Json(new { errcode, errmsg });

    /// <summary>A valid 1×1 JPEG, what the simulator hands out for every picture.</summary>
    public static readonly byte[] TinyJpeg = Convert.FromBase64String(
        "/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP/////////////////////////////////////////////////////////////////////////"
            + "/////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA="
    );
}
