using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Governance.Wechat.Simulator;

/// <summary>
/// The simulator's api.weixin.qq.com, as strict as WeChat (docs/wechat/*.md has each API's rules and sources). Where
/// WeChat's behaviour is documented the simulator does what the document says; where it is not, it takes the
/// strictest reading and the rule's comment says so. What WeChat knows about people — who follows the official
/// account, who talked to it when, who opened the mini-program, who accepted which subscribe message — the simulator
/// learns from the pushes it sends and from the calls tests and the sandbox make (<see cref="Follow"/>,
/// <see cref="Visit"/>, <see cref="AcceptSubscribe"/>).
/// </summary>
public sealed partial class WechatSimulator
{
    private readonly ConcurrentDictionary<string, (string AppId, DateTimeOffset ExpiresAt, bool Revoked)> _tokens =
        new();
    private readonly ConcurrentDictionary<string, string> _stableTokenOf = new();
    private readonly ConcurrentDictionary<string, (DateOnly Day, int Count, DateTimeOffset At)> _forced = new();
    private readonly ConcurrentDictionary<
        (string OpenId, string ClientMsgId),
        (long MsgId, DateTimeOffset At)
    > _clientIds = new();
    private readonly ConcurrentDictionary<
        string,
        (string OpenId, string? UnionId, DateTimeOffset IssuedAt, bool Used)
    > _loginCodes = new();
    private readonly ConcurrentDictionary<string, string> _phoneCodes = new();
    private readonly ConcurrentDictionary<string, bool> _followers = new();
    private readonly ConcurrentDictionary<string, (DateTimeOffset At, int Sent)> _interactions = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _visits = new();
    private readonly ConcurrentDictionary<(string OpenId, string TemplateId), int> _grants = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _media = new();
    private readonly ConcurrentQueue<(string OpenId, int Scene, string Content)> _checks = new();
    private int _tokenRequests;
    private int _forcedRefreshes;

    /// <summary>
    /// The content checks asked for: who, in which scene (1 profile, 2 comment, 3 forum, 4 social log).
    /// </summary>
    public IReadOnlyList<(string OpenId, int Scene, string Content)> Checks => [.. _checks];

    /// <summary>Force refreshes of stable_token that WeChat carried out (each revoked the token before it).</summary>
    public int ForcedRefreshes => _forcedRefreshes;

    /// <summary>
    /// The mini-program's pages (its app.json): a subscribe or template message opening any other page is refused.
    /// The product links to these; a template whose page is not here is a bug the simulator shows at once.
    /// </summary>
    public HashSet<string> MiniProgramPages { get; } = [.. MiniProgramContract.Pages];

    // ---- what WeChat knows about people ----

    /// <summary>The person follows the official account (template messages reach them).</summary>
    public void Follow(params IEnumerable<string> openids)
    {
        foreach (var openid in openids)
            _followers[openid] = true;
    }

    /// <summary>
    /// The person just sent the official account something: the 48-hour customer-service window opens.
    /// </summary>
    public void Interact(string openid) => _interactions[openid] = (_clock.GetUtcNow(), 0);

    /// <summary>The person opened the mini-program (content checks need a visit in the last two hours).</summary>
    public void Visit(params IEnumerable<string> openids)
    {
        foreach (var openid in openids)
            _visits[openid] = _clock.GetUtcNow();
    }

    /// <summary>The person accepted these subscribe messages in wx.requestSubscribeMessage: one send each.</summary>
    public void AcceptSubscribe(string openid, params IEnumerable<string> templateIds)
    {
        foreach (var id in templateIds)
            _grants.AddOrUpdate((openid, id), 1, (_, n) => n + 1);
    }

    public int GrantsLeft(string openid, string templateId) => _grants.GetValueOrDefault((openid, templateId));

    /// <summary>
    /// Forgets what it learnt about people (followers, windows, visits, grants, client_msg_ids) and the day's force
    /// refreshes: a fresh start for a test.
    /// </summary>
    public void ForgetPeople()
    {
        _forced.Clear();
        _followers.Clear();
        _interactions.Clear();
        _visits.Clear();
        _grants.Clear();
        _clientIds.Clear();
    }

    /// <summary>
    /// A user's message or event reaching the official account, as WeChat records it before pushing it.
    /// </summary>
    private void Learn(string innerXml)
    {
        var message = Protocol.WechatXml.ReadMessage(Protocol.WechatXml.ParseSafe(innerXml));
        var evt = (message.Event ?? "").ToLowerInvariant();
        if (message.MsgType == "event" && evt == "unsubscribe")
        {
            _followers.TryRemove(message.FromUserName, out _);
            _interactions.TryRemove(message.FromUserName, out _);
            return;
        }
        if (message.MsgType == "event" && evt is "templatesendjobfinish" or "view")
            return;
        // Messages and the events a user causes (subscribe, scan, a menu click, a location report) open the window.
        _followers[message.FromUserName] = true;
        Interact(message.FromUserName);
    }

    // ---- the routes ----

    private void Map(WebApplication app)
    {
        app.Use(
            async (http, next) =>
            {
                if (await ApplyFaultAsync(http))
                    return;
                if (await RefuseMalformedAsync(http))
                    return;
                await next(http);
            }
        );
        // Handlers that take only HttpContext would bind as RequestDelegate and drop their result: cast to Delegate.
        app.MapPost("/cgi-bin/stable_token", (Delegate)StableTokenAsync);
        app.MapGet("/cgi-bin/token", (Delegate)LegacyToken);
        app.MapPost("/cgi-bin/message/custom/send", (Delegate)CustomAsync);
        app.MapPost("/cgi-bin/message/template/send", (Delegate)TemplateAsync);
        app.MapPost("/cgi-bin/message/subscribe/send", (Delegate)SubscribeAsync);
        app.MapGet("/sns/jscode2session", (Delegate)Code2Session);
        app.MapPost("/wxa/msg_sec_check", (Delegate)SecCheckAsync);
        app.MapPost("/wxa/business/getuserphonenumber", (Delegate)PhoneNumberAsync);
        app.MapGet("/cgi-bin/media/get", (Delegate)Media);
        MapWebsiteLogin(app);
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

    /// <summary>
    /// What WeChat refuses before looking at a request: a POST without Content-Length (chunked) gets HTTP 412, as
    /// reported against api.weixin.qq.com since 2021 (the strictest reading: every POST API); a JSON body with a
    /// \uXXXX escape gets 40033 (global return code: "不合法的请求字符，不能包含\uxxxx格式的字符").
    /// </summary>
    private static async Task<bool> RefuseMalformedAsync(HttpContext http)
    {
        if (!HttpMethods.IsPost(http.Request.Method) || http.Request.Path.StartsWithSegments("/_sim"))
            return false;
        if (http.Request.ContentLength is null)
        {
            http.Response.StatusCode = StatusCodes.Status412PreconditionFailed;
            return true;
        }
        http.Request.EnableBuffering();
        using var reader = new StreamReader(http.Request.Body, Encoding.UTF8, leaveOpen: true);
        var text = await reader.ReadToEndAsync();
        http.Request.Body.Position = 0;
        if (EscapedChar().IsMatch(text))
        {
            await http.Response.WriteAsJsonAsync(
                new
                {
                    errcode = 40033,
                    errmsg = "invalid charset. please check your request, if include \\uxxxx will create fail!",
                }
            );
            return true;
        }
        return false;
    }

    [GeneratedRegex(@"\\u[0-9a-fA-F]{4}")]
    private static partial Regex EscapedChar();

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

    private static IResult Err(int errcode, string errmsg) => Results.Json(new { errcode, errmsg });

    private static async Task<JsonObject?> BodyAsync(HttpContext http)
    {
        try
        {
            return await JsonNode.ParseAsync(http.Request.Body) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Str(JsonNode? node, string name) =>
        node?[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    // ---- access tokens ----

    private string? SecretOf(string appId) =>
        appId == _account.AppId ? _account.AppSecret
        : appId == _account.MiniProgramAppId ? _account.MiniProgramAppSecret
        : null;

    /// <summary>
    /// stable_token (getStableAccessToken): normal mode returns the current token and hands out a new one only in the
    /// current one's last five minutes (both stay valid until the old one expires); force mode revokes the current
    /// token, at most 20 times a day (45009 after that) and only 30 seconds after the last force (sooner, nothing is
    /// refreshed and the current token comes back).
    /// </summary>
    private async Task<IResult> StableTokenAsync(HttpContext http)
    {
        var body = await BodyAsync(http);
        if (body is null)
            return Err(47001, "data format error");
        if (Str(body, "grant_type") != "client_credential")
            return Err(40002, "invalid grant_type");
        var appId = Str(body, "appid") ?? "";
        if (SecretOf(appId) is not { } secret)
            return Err(40013, "invalid appid");
        if (Str(body, "secret") != secret)
            return Err(40125, "invalid appsecret");
        var force = body["force_refresh"] is JsonValue f && f.GetValueKind() == JsonValueKind.True;
        Interlocked.Increment(ref _tokenRequests);
        var now = _clock.GetUtcNow();
        var current = _stableTokenOf.TryGetValue(appId, out var existing) && _tokens.TryGetValue(existing, out var t)
            ? (Token: existing, State: t)
            : default;
        var usable = current.Token is not null && !current.State.Revoked && current.State.ExpiresAt > now;
        if (force)
        {
            var today = DateOnly.FromDateTime(now.ToOffset(TimeSpan.FromHours(8)).DateTime);
            var record = _forced.GetValueOrDefault(appId);
            var count = record.Day == today ? record.Count : 0;
            if (count >= 20)
                return Err(45009, "reach max api daily quota limit");
            if (usable && record.Day != default && now - record.At < TimeSpan.FromSeconds(30))
                return TokenAnswer(current.Token!, current.State.ExpiresAt, now);
            _forced[appId] = (today, count + 1, now);
            Interlocked.Increment(ref _forcedRefreshes);
            if (current.Token is not null)
                _tokens[current.Token] = current.State with { Revoked = true };
            return NewToken(appId, now);
        }
        if (usable && current.State.ExpiresAt - now > TimeSpan.FromMinutes(5))
            return TokenAnswer(current.Token!, current.State.ExpiresAt, now);
        return NewToken(appId, now);
    }

    private IResult NewToken(string appId, DateTimeOffset now)
    {
        var token = "SIM_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        _tokens[token] = (appId, now.AddSeconds(7200), false);
        _stableTokenOf[appId] = token;
        return TokenAnswer(token, now.AddSeconds(7200), now);
    }

    private static IResult TokenAnswer(string token, DateTimeOffset expiresAt, DateTimeOffset now) =>
        Results.Json(new { access_token = token, expires_in = (int)(expiresAt - now).TotalSeconds });

    /// <summary>
    /// The old /cgi-bin/token: every call issues a new token and the previous one dies (we never use it).
    /// </summary>
    private IResult LegacyToken(HttpContext http)
    {
        var appId = http.Request.Query["appid"].ToString();
        if (SecretOf(appId) is not { } secret)
            return Err(40013, "invalid appid");
        if (http.Request.Query["secret"] != secret)
            return Err(40125, "invalid appsecret");
        if (_stableTokenOf.TryGetValue(appId, out var old) && _tokens.TryGetValue(old, out var t))
            _tokens[old] = t with { Revoked = true };
        Interlocked.Increment(ref _tokenRequests);
        return NewToken(appId, _clock.GetUtcNow());
    }

    /// <summary>
    /// The access token of the call, which must belong to <paramref name="appId"/>: a token is bound to its account,
    /// and an API called with another account's token answers 48001 (the account has no such permission).
    /// </summary>
    private IResult? CheckToken(HttpContext http, string appId)
    {
        var token = http.Request.Query["access_token"].ToString();
        if (!_tokens.TryGetValue(token, out var t))
            return Err(40001, "invalid credential, access_token is invalid or not latest");
        if (t.Revoked || t.ExpiresAt <= _clock.GetUtcNow())
            return Err(42001, "access_token expired");
        if (t.AppId != appId)
            return Err(48001, "api unauthorized");
        return null;
    }

    // ---- messages ----

    private void Record(string api, string appId, string touser, JsonObject body, long msgid) =>
        _sent.Enqueue(
            new SentMessage(Interlocked.Increment(ref _seq), api, appId, touser, body, msgid, _clock.GetUtcNow())
        );

    /// <summary>
    /// Customer-service message: only within 48 hours of the user's last message or event (45015), and at most five
    /// messages after it (45047) — the limits WeChat states for the official account's 客服消息.
    /// </summary>
    private async Task<IResult> CustomAsync(HttpContext http)
    {
        if (CheckToken(http, _account.AppId) is { } refused)
            return refused;
        if (await BodyAsync(http) is not { } body)
            return Err(47001, "data format error");
        if (Str(body, "touser") is not { Length: > 0 } touser)
            return Err(40003, "invalid openid");
        if (Str(body, "msgtype") != "text" || Str(body["text"], "content") is not { Length: > 0 } content)
            return Err(47001, "data format error");
        if (Encoding.UTF8.GetByteCount(content) > 2048)
            return Err(45002, "content size out of limit");
        var now = _clock.GetUtcNow();
        if (!_interactions.TryGetValue(touser, out var window) || now - window.At > TimeSpan.FromHours(48))
            return Err(45015, "response out of time limit or subscription is canceled");
        if (window.Sent >= 5)
            return Err(45047, "out of response count limit");
        _interactions[touser] = window with { Sent = window.Sent + 1 };
        Record("custom", _account.AppId, touser, body, NextMsgId());
        return Results.Json(new { errcode = 0, errmsg = "ok" });
    }

    /// <summary>
    /// Template message (模板消息): only to followers (43004), values checked against their keyword types (47003),
    /// a mini-program page that exists (40165), and a repeat of the same client_msg_id to the same user within ten
    /// minutes dropped and answered with the first send's msgid.
    /// </summary>
    private async Task<IResult> TemplateAsync(HttpContext http)
    {
        if (CheckToken(http, _account.AppId) is { } refused)
            return refused;
        if (await BodyAsync(http) is not { } body)
            return Err(47001, "data format error");
        if (Str(body, "touser") is not { Length: > 0 } touser)
            return Err(40003, "invalid openid");
        if (Str(body, "template_id") is not { Length: > 0 })
            return Err(40037, "invalid template_id");
        if (MiniProgramContract.CheckData(body["data"]) is { } bad)
            return Err(47003, $"argument invalid! data.{bad}");
        if (body["miniprogram"] is { } mp)
        {
            if (Str(mp, "appid") != _account.MiniProgramAppId)
                return Err(40165, "invalid weapp appid");
            if (!MiniProgramPages.Contains(PathOf(Str(mp, "pagepath"))))
                return Err(40165, "invalid weapp pagepath");
        }
        if (!_followers.ContainsKey(touser))
            return Err(43004, "require subscribe");
        var now = _clock.GetUtcNow();
        if (Str(body, "client_msg_id") is { Length: > 0 } clientId)
        {
            var key = (touser, clientId);
            if (_clientIds.TryGetValue(key, out var first) && now - first.At < TimeSpan.FromMinutes(10))
            {
                Interlocked.Increment(ref _repeatedTemplateSends);
                return Results.Json(
                    new
                    {
                        errcode = 0,
                        errmsg = "ok",
                        msgid = first.MsgId,
                    }
                );
            }
            var id = NextMsgId();
            _clientIds[key] = (id, now);
            Record("template", _account.AppId, touser, body, id);
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
        Record("template", _account.AppId, touser, body, msgid);
        return Results.Json(
            new
            {
                errcode = 0,
                errmsg = "ok",
                msgid,
            }
        );
    }

    /// <summary>
    /// Mini-program subscribe message (订阅消息): values checked against their types (47003), a page that exists
    /// (41030), and one send per accept the user gave (43101 when none is left).
    /// </summary>
    private async Task<IResult> SubscribeAsync(HttpContext http)
    {
        if (CheckToken(http, _account.MiniProgramAppId) is { } refused)
            return refused;
        if (await BodyAsync(http) is not { } body)
            return Err(47001, "data format error");
        if (Str(body, "touser") is not { Length: > 0 } touser)
            return Err(40003, "invalid openid");
        if (Str(body, "template_id") is not { Length: > 0 } templateId)
            return Err(40037, "invalid template_id");
        if (MiniProgramContract.CheckData(body["data"]) is { } bad)
            return Err(47003, $"argument invalid! data.{bad}");
        if (Str(body, "page") is { } page && !MiniProgramPages.Contains(PathOf(page)))
            return Err(41030, "invalid page rid");
        var left = _grants.AddOrUpdate((touser, templateId), -1, (_, n) => n - 1);
        if (left < 0)
        {
            _grants[(touser, templateId)] = 0;
            return Err(43101, "user refuse to accept the msg");
        }
        var msgid = NextMsgId();
        Record("subscribe", _account.MiniProgramAppId, touser, body, msgid);
        return Results.Json(
            new
            {
                errcode = 0,
                errmsg = "ok",
                msgid,
            }
        );
    }

    private static string PathOf(string? page) => page is null ? "" : page.Split('?', 2)[0].TrimStart('/');

    // ---- the mini-program's sign-in, phone number and content check ----

    /// <summary>
    /// code2Session: the mini-program's AppId and secret (40013, 40125), grant_type authorization_code (40002), a
    /// code used once (40163) within five minutes (40029). A sign-in is a visit.
    /// </summary>
    private IResult Code2Session(string? appid, string? secret, string? js_code, string? grant_type)
    {
        if (appid != _account.MiniProgramAppId)
            return Err(40013, "invalid appid");
        if (secret != _account.MiniProgramAppSecret)
            return Err(40125, "invalid appsecret");
        if (grant_type != "authorization_code")
            return Err(40002, "invalid grant_type");
        if (js_code is null || !_loginCodes.TryGetValue(js_code, out var c))
            return Err(40029, "invalid code");
        if (c.Used)
            return Err(40163, "code been used");
        if (_clock.GetUtcNow() - c.IssuedAt > TimeSpan.FromMinutes(5))
            return Err(40029, "invalid code");
        _loginCodes[js_code] = c with { Used = true };
        Visit(c.OpenId);
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

    /// <summary>
    /// msgSecCheck v2: version 2, a scene of 1 to 4 and content of 1 to 2,500 characters (counted in UTF-16 units, the
    /// strictest reading: the document says 字), else 40097 (WeChat's "invalid args"; the exact code is not documented
    /// for each case); the openid of a user who opened the mini-program in the last two hours, else 61010.
    /// </summary>
    private async Task<IResult> SecCheckAsync(HttpContext http)
    {
        if (CheckToken(http, _account.MiniProgramAppId) is { } refused)
            return refused;
        if (await BodyAsync(http) is not { } body)
            return Err(47001, "data format error");
        var content = Str(body, "content") ?? "";
        if (content.Length == 0)
            return Err(44002, "empty content");
        if (
            body["version"]?.ToJsonString() != "2"
            || body["scene"]?.ToJsonString() is not ("1" or "2" or "3" or "4")
            || content.Length > 2500
        )
            return Err(40097, "invalid args");
        var openid = Str(body, "openid") ?? "";
        if (!_visits.TryGetValue(openid, out var visited))
            return Err(40003, "invalid openid");
        if (_clock.GetUtcNow() - visited > TimeSpan.FromHours(2))
            return Err(61010, "user access record expired");
        _checks.Enqueue((openid, int.Parse(body["scene"]!.ToJsonString(), CultureInfo.InvariantCulture), content));
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

    /// <summary>
    /// getPhoneNumber's code, single use. A number issued with a country code (+852…) comes back as WeChat gives a
    /// foreign number: phoneNumber with the code, purePhoneNumber without it, countryCode apart.
    /// </summary>
    private async Task<IResult> PhoneNumberAsync(HttpContext http)
    {
        if (CheckToken(http, _account.MiniProgramAppId) is { } refused)
            return refused;
        var body = await BodyAsync(http);
        var code = Str(body, "code");
        if (code is null || !_phoneCodes.TryRemove(code, out var phone))
            return Err(40029, "invalid code");
        var (country, pure) = phone.StartsWith('+') ? SplitCountry(phone) : ("86", phone);
        return Results.Json(
            new
            {
                errcode = 0,
                errmsg = "ok",
                phone_info = new
                {
                    phoneNumber = country == "86" ? pure : $"+{country}{pure}",
                    purePhoneNumber = pure,
                    countryCode = country,
                    watermark = new
                    {
                        timestamp = _clock.GetUtcNow().ToUnixTimeSeconds(),
                        appid = _account.MiniProgramAppId,
                    },
                },
            }
        );
    }

    /// <summary>"+85212345678" → ("852", "12345678"): the codes the simulator knows, one to three digits.</summary>
    private static (string, string) SplitCountry(string phone)
    {
        var digits = phone[1..];
        foreach (var code in new[] { "852", "853", "886", "1", "44", "61", "65", "81", "82" })
            if (digits.StartsWith(code, StringComparison.Ordinal))
                return (code, digits[code.Length..]);
        return (digits[..2], digits[2..]);
    }

    /// <summary>Temporary media lives three days; an unknown or expired media_id is 40007.</summary>
    private IResult Media(HttpContext http, string? media_id)
    {
        if (CheckToken(http, _account.AppId) is { } refused)
            return refused;
        if (
            media_id is null
            || !_media.TryGetValue(media_id, out var issued)
            || _clock.GetUtcNow() - issued > TimeSpan.FromDays(3)
        )
            return Err(40007, "invalid media_id");
        return Results.Bytes(TinyJpeg, "image/jpeg");
    }

    /// <summary>A media file the user sent, as WeChat keeps it for three days.</summary>
    public string IssueMedia(string prefix)
    {
        var id = $"{prefix}{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}";
        _media[id] = _clock.GetUtcNow();
        return id;
    }
}

/// <summary>
/// The contract between the product and the mini-program and WeChat's value rules for template and subscribe
/// messages (docs/wechat/messages.md): the pages the mini-program has, and what each keyword type accepts.
/// </summary>
public static partial class MiniProgramContract
{
    /// <summary>The mini-program's pages that notices open (its app.json must list them).</summary>
    public static readonly IReadOnlyList<string> Pages =
    [
        "pages/index/index",
        "pages/order/detail",
        "pages/order/rate",
        "pages/notice/detail",
        "pages/me/summary",
        "pages/me/registration",
        "pages/staff/summary",
        "pages/unit/summary",
        "pages/inbox/index",
    ];

    /// <summary>
    /// The first value that breaks its keyword's rule ("thing3.value" and why), or null. The type is the keyword's
    /// name without its number (thing3 → thing). Lengths are counted in UTF-16 units (an emoji counts two), the
    /// strictest reading of WeChat's "个字符". Empty values are refused for every type.
    /// </summary>
    public static string? CheckData(JsonNode? data)
    {
        if (data is not JsonObject fields || fields.Count == 0)
            return "data is empty";
        foreach (var (key, node) in fields)
        {
            var value = node?["value"] is JsonValue v && v.GetValueKind() == JsonValueKind.String
                ? v.GetValue<string>()
                : null;
            if (string.IsNullOrEmpty(value))
                return $"{key}.value is empty";
            var type = TypeOf(key);
            var ok = type switch
            {
                "thing" => value.Length <= 20,
                "name" => value.Length <= 10,
                "phrase" => value.Length <= 5 && value.All(c => c is >= '\u4E00' and <= '\u9FFF'),
                "character_string" => value.Length <= 32 && value.All(c => c is >= '!' and <= '~'),
                "number" => value.Length <= 32 && NumberFormat().IsMatch(value),
                "letter" => value.Length <= 32 && value.All(char.IsAsciiLetter),
                "symbol" => value.Length <= 5 && !value.Any(char.IsLetterOrDigit),
                "amount" => value.Length <= 10 && AmountFormat().IsMatch(value),
                "date" or "time" => value.Length <= 40 && TimeFormat().IsMatch(value),
                "phone_number" => value.Length <= 17 && value.All(c => char.IsAsciiDigit(c) || c is '+' or '-'),
                "car_number" => value.Length <= 8,
                // Keywords of the old official-account templates (first, keyword1, remark) have no type.
                _ => value.Length <= 200,
            };
            if (!ok)
                return $"{key}.value \"{value}\" is not a valid {type}";
        }
        return null;
    }

    public static string TypeOf(string key) => key.TrimEnd('0', '1', '2', '3', '4', '5', '6', '7', '8', '9');

    [GeneratedRegex(@"^[+-]?\d+(\.\d+)?$")]
    private static partial Regex NumberFormat();

    [GeneratedRegex(@"^[¥$€]?\d+(\.\d{1,2})?元?$")]
    private static partial Regex AmountFormat();

    /// <summary>15:01; 2019年10月1日; 2019年10月1日 15:01; 2019-10-01 15:01(:30); a span joined by ~.</summary>
    [GeneratedRegex(
        @"^(\d{4}年\d{1,2}月\d{1,2}日|\d{4}-\d{2}-\d{2})?\s?(\d{1,2}:\d{2}(:\d{2})?)?"
            + @"(\s?~\s?(\d{4}年\d{1,2}月\d{1,2}日|\d{4}-\d{2}-\d{2})?\s?(\d{1,2}:\d{2}(:\d{2})?)?)?$"
    )]
    private static partial Regex TimeFormat();
}
