using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Governance.Core.Messaging;
using Microsoft.Extensions.Logging;

namespace Governance.Wechat.Client;

/// <summary>
/// The one client for WeChat's server APIs, with a configurable base address for every endpoint (the
/// sandbox points it at the simulator). Access tokens come from stable_token, are cached in memory and in
/// the database for all nodes, refreshed in normal mode in their last five minutes, and recovered once when an API
/// answers 40001/40014/42001 — in normal mode, forcing only when WeChat hands back the very token it refused — then
/// the call is retried once (docs/wechat/access-token.md). Bodies are sent as WeChat's servers expect them: buffered
/// with a Content-Length (never chunked) and in raw UTF-8 (a \uXXXX escape is refused with 40033).
/// </summary>
public sealed partial class WechatApiClient(
    HttpClient http,
    WechatOptions options,
    AccessTokenStore tokens,
    TimeProvider clock,
    ILogger<WechatApiClient> log
)
{
    private static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);
    private readonly Dictionary<string, StoredToken> _memory = new();
    private readonly Lock _memoryLock = new();

    public sealed record App(string AppId, string Secret);

    public App OfficialAccount => new(options.AppId, options.AppSecret);
    public App MiniProgram => new(options.MiniProgramAppId, options.MiniProgramAppSecret);

    private Uri Url(string pathAndQuery) => new(options.ApiBaseAddress.TrimEnd('/') + pathAndQuery);

    /// <summary>Chinese and emoji as they are: WeChat answers 40033 to a body with \uXXXX escapes.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// System.Text.Json escapes every character outside the Basic Multilingual Plane (an emoji becomes
    /// \uD83D\uDD25) whatever the encoder; WeChat refuses any \uXXXX. A pair of escaped surrogates not preceded by
    /// an escaped backslash is turned back into the character.
    /// </summary>
    [System.Text.RegularExpressions.GeneratedRegex(
        @"(?<!\\)((?:\\\\)*)\\u(D[89AB][0-9A-F]{2})\\u(D[C-F][0-9A-F]{2})",
        System.Text.RegularExpressions.RegexOptions.IgnoreCase
    )]
    private static partial System.Text.RegularExpressions.Regex SurrogateEscape();

    /// <summary>
    /// A JSON body in one buffer, so the request carries Content-Length: WeChat's API answers a chunked POST with 412.
    /// </summary>
    public static ByteArrayContent JsonBody(object body)
    {
        var json = SurrogateEscape().Replace(
            JsonSerializer.Serialize(body, body.GetType(), Json),
            m =>
                m.Groups[1].Value
                + (char)Convert.ToInt32(m.Groups[2].Value, 16)
                + (char)Convert.ToInt32(m.Groups[3].Value, 16)
        );
        var content = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(json));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }

    public async Task<string> AccessTokenAsync(App app, string? failed = null, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        lock (_memoryLock)
        {
            if (
                _memory.TryGetValue(app.AppId, out var t)
                && t.ExpiresAt - RefreshMargin > now
                && t.AccessToken != failed
            )
                return t.AccessToken;
        }
        var stored = failed is null ? await tokens.GetAsync(app.AppId, ct) : null;
        if (stored is null || stored.ExpiresAt - RefreshMargin <= now)
        {
            var refresh = await tokens.RefreshAsync(
                app.AppId,
                failed,
                RefreshMargin,
                now,
                (force, c) => FetchStableTokenAsync(app, force, c),
                ct
            );
            if (refresh.Forced)
                log.LogCritical(
                    "WeChat refused the current access token of {AppId} and normal mode returned the same token: "
                        + "force-refreshed it ({Count} of {Max} today). Force mode revokes the token for every other "
                        + "system using this AppId; find who else refreshes it, or whether it leaked",
                    app.AppId,
                    refresh.ForcedToday,
                    AccessTokenStore.ForcePerDay
                );
            stored = refresh.Token;
        }
        lock (_memoryLock)
            _memory[app.AppId] = stored;
        return stored.AccessToken;
    }

    private async Task<StoredToken> FetchStableTokenAsync(App app, bool force, CancellationToken ct)
    {
        using var response = await http.PostAsync(
            Url("/cgi-bin/stable_token"),
            JsonBody(
                new
                {
                    grant_type = "client_credential",
                    appid = app.AppId,
                    secret = app.Secret,
                    force_refresh = force,
                }
            ),
            ct
        );
        var json = await ReadJsonAsync(response, ct);
        if (json["access_token"]?.GetValue<string>() is not { Length: > 0 } token)
            throw new InvalidOperationException($"stable_token failed: {json["errcode"]} {json["errmsg"]}");
        var seconds = json["expires_in"]?.GetValue<int>() ?? 7200;
        log.LogInformation(
            "Fetched an access token for {AppId} (force={Force}), valid {Seconds}s",
            app.AppId,
            force,
            seconds
        );
        return new StoredToken(token, clock.GetUtcNow().UtcDateTime.AddSeconds(seconds));
    }

    /// <summary>
    /// POSTs with the access token; on a token error refreshes (compare-and-refresh) and retries once.
    /// </summary>
    private async Task<(WechatResult Result, JsonObject Body)> CallAsync(
        App app,
        string path,
        object body,
        CancellationToken ct
    )
    {
        string token;
        try
        {
            token = await AccessTokenAsync(app, null, ct);
        }
        catch (Exception ex)
            when (ex is HttpRequestException or InvalidOperationException or TaskCanceledException or TimeoutException)
        {
            return (new WechatResult(WechatOutcome.RetryLater, -1, "token: " + ex.Message), new JsonObject());
        }
        for (var attempt = 0; ; attempt++)
        {
            JsonObject json;
            try
            {
                using var response = await http.PostAsync(
                    Url($"{path}?access_token={Uri.EscapeDataString(token)}"),
                    JsonBody(body),
                    ct
                );
                json = await ReadJsonAsync(response, ct);
            }
            catch (Exception ex)
                when (ex is HttpRequestException or JsonException or TaskCanceledException
                    && !ct.IsCancellationRequested
                )
            {
                return (new WechatResult(WechatOutcome.RetryLater, -1, ex.Message), new JsonObject());
            }
            var errcode = json["errcode"]?.GetValue<int>() ?? 0;
            if (WechatResult.IsTokenError(errcode) && attempt == 0)
            {
                log.LogWarning("WeChat said {ErrCode} for {Path}; refreshing the access token once", errcode, path);
                try
                {
                    token = await AccessTokenAsync(app, token, ct);
                }
                catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or TimeoutException)
                {
                    return (new WechatResult(WechatOutcome.RetryLater, errcode, ex.Message), json);
                }
                continue;
            }
            var msgid = json["msgid"] is { } m
                ? m.GetValueKind() == JsonValueKind.Number
                    ? m.GetValue<long>()
                    : long.TryParse(m.ToString(), out var v)
                        ? v
                        : null
                : (long?)null;
            return (WechatResult.Classify(errcode, json["errmsg"]?.GetValue<string>() ?? "", msgid), json);
        }
    }

    private static async Task<JsonObject> ReadJsonAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"HTTP {(int)response.StatusCode}");
        return (await response.Content.ReadFromJsonAsync<JsonObject>(ct)) ?? new JsonObject();
    }

    /// <summary>Customer-service text message (客服消息), allowed within 48 h of the user's last message.</summary>
    public async Task<WechatResult> SendTextAsync(string openid, string text, CancellationToken ct = default) =>
        (
            await CallAsync(
                OfficialAccount,
                "/cgi-bin/message/custom/send",
                new
                {
                    touser = openid,
                    msgtype = "text",
                    text = new { content = text },
                },
                ct
            )
        ).Result;

    /// <summary>Official-account template message; client_msg_id makes WeChat drop a repeat of the same send.</summary>
    public async Task<WechatResult> SendTemplateAsync(
        string openid,
        string templateId,
        IReadOnlyDictionary<string, string> data,
        string? page,
        string clientMsgId,
        CancellationToken ct = default
    )
    {
        var body = new Dictionary<string, object?>
        {
            ["touser"] = openid,
            ["template_id"] = templateId,
            ["client_msg_id"] = clientMsgId,
            ["data"] = data.ToDictionary(kv => kv.Key, kv => new { value = kv.Value }),
        };
        if (page is not null)
            body["miniprogram"] = new { appid = options.MiniProgramAppId, pagepath = page };
        return (await CallAsync(OfficialAccount, "/cgi-bin/message/template/send", body, ct)).Result;
    }

    /// <summary>Mini-program subscribe message; each user "accept" allows one send (43101 after that).</summary>
    public async Task<WechatResult> SendSubscribeAsync(
        string openid,
        string templateId,
        IReadOnlyDictionary<string, string> data,
        string? page,
        CancellationToken ct = default
    )
    {
        var body = new Dictionary<string, object?>
        {
            ["touser"] = openid,
            ["template_id"] = templateId,
            ["lang"] = "zh_CN",
            ["data"] = data.ToDictionary(kv => kv.Key, kv => new { value = kv.Value }),
        };
        if (page is not null)
            body["page"] = page;
        return (await CallAsync(MiniProgram, "/cgi-bin/message/subscribe/send", body, ct)).Result;
    }

    /// <summary>wx.login code → openid and session_key (kept on the server). No access token is needed.</summary>
    public Task<SessionResult> Code2SessionAsync(string code, CancellationToken ct = default) =>
        ExchangeCodeAsync(
            $"/sns/jscode2session?appid={Uri.EscapeDataString(options.MiniProgramAppId)}"
                + $"&secret={Uri.EscapeDataString(options.MiniProgramAppSecret)}"
                + $"&js_code={Uri.EscapeDataString(code)}&grant_type=authorization_code",
            ct
        );

    /// <summary>
    /// 网站应用微信登录: the code WeChat handed the console's callback after a QR scan → the person's openid in the
    /// website app and their unionid. A code works once and for ten minutes. The access token it also answers is not
    /// kept: the console needs only who signed in.
    /// </summary>
    public Task<SessionResult> WebsiteCodeAsync(string code, CancellationToken ct = default) =>
        ExchangeCodeAsync(
            $"/sns/oauth2/access_token?appid={Uri.EscapeDataString(options.WebsiteAppId)}"
                + $"&secret={Uri.EscapeDataString(options.WebsiteAppSecret)}"
                + $"&code={Uri.EscapeDataString(code)}&grant_type=authorization_code",
            ct
        );

    /// <summary>
    /// An /sns code exchange: no access token; busy and too-frequent can be tried again, the rest cannot.
    /// </summary>
    private async Task<SessionResult> ExchangeCodeAsync(string pathAndQuery, CancellationToken ct)
    {
        try
        {
            using var response = await http.GetAsync(Url(pathAndQuery), ct);
            var json = await ReadJsonAsync(response, ct);
            var errcode = json["errcode"]?.GetValue<int>() ?? 0;
            var result =
                errcode == 0
                    ? new WechatResult(WechatOutcome.Ok, 0, "ok")
                    : new WechatResult(
                        errcode is -1 or 45011 ? WechatOutcome.RetryLater : WechatOutcome.GiveUp,
                        errcode,
                        json["errmsg"]?.GetValue<string>() ?? ""
                    );
            return new SessionResult(
                result,
                json["openid"]?.GetValue<string>(),
                json["unionid"]?.GetValue<string>(),
                json["session_key"]?.GetValue<string>()
            );
        }
        catch (Exception ex)
            when (ex is HttpRequestException or JsonException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return new SessionResult(new WechatResult(WechatOutcome.RetryLater, -1, ex.Message), null, null, null);
        }
    }

    /// <summary>Text content check v2: the verdict is result.suggest (pass, review, risky), not errcode.</summary>
    public async Task<SecurityVerdict> CheckTextAsync(
        string openid,
        string content,
        int scene,
        CancellationToken ct = default
    )
    {
        var (result, json) = await CallAsync(
            MiniProgram,
            "/wxa/msg_sec_check",
            new
            {
                version = 2,
                openid,
                scene,
                content,
            },
            ct
        );
        var suggest = json["result"]?["suggest"]?.GetValue<string>() ?? (result.Ok ? "pass" : "review");
        var label = json["result"]?["label"]?.GetValue<int>() ?? 100;
        return new SecurityVerdict(result, suggest, label);
    }

    /// <summary>getPhoneNumber code → the user's phone number (the code is single use, valid 5 minutes).</summary>
    public async Task<(WechatResult Result, string? Phone)> PhoneNumberAsync(
        string code,
        CancellationToken ct = default
    )
    {
        var (result, json) = await CallAsync(MiniProgram, "/wxa/business/getuserphonenumber", new { code }, ct);
        return (result, PhoneOf(json["phone_info"]));
    }

    /// <summary>
    /// A mainland number as its 11 digits; any other keeps its country code, as +&lt;code&gt;&lt;number&gt;
    /// (phoneNumber carries the code for foreign numbers, purePhoneNumber never does).
    /// </summary>
    public static string? PhoneOf(JsonNode? info)
    {
        var pure = info?["purePhoneNumber"]?.ToString();
        var country = info?["countryCode"]?.ToString()?.TrimStart('+');
        if (string.IsNullOrEmpty(pure))
            return info?["phoneNumber"]?.ToString();
        return string.IsNullOrEmpty(country) || country == "86" ? pure : $"+{country}{pure}";
    }

    /// <summary>Downloads a temporary media file (a picture the resident sent), or null.</summary>
    public async Task<byte[]?> GetMediaAsync(string mediaId, CancellationToken ct = default)
    {
        try
        {
            var token = await AccessTokenAsync(OfficialAccount, null, ct);
            using var response = await http.GetAsync(
                Url(
                    $"/cgi-bin/media/get?access_token={Uri.EscapeDataString(token)}"
                        + $"&media_id={Uri.EscapeDataString(mediaId)}"
                ),
                ct
            );
            if (!response.IsSuccessStatusCode)
                return null;
            // Errors come back as JSON; media as bytes.
            if (response.Content.Headers.ContentType?.MediaType is "application/json" or "text/plain")
                return null;
            return await response.Content.ReadAsByteArrayAsync(ct);
        }
        catch (Exception ex)
            when (ex is HttpRequestException or TaskCanceledException or InvalidOperationException
                && !ct.IsCancellationRequested
            )
        {
            log.LogWarning("Could not download media: {Error}", ex.Message);
            return null;
        }
    }
}
