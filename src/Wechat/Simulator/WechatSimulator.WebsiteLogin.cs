using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Governance.Wechat.Simulator;

/// <summary>
/// The simulator's open.weixin.qq.com: 网站应用微信登录 (docs/wechat/website-login.md). The browser comes to
/// /connect/qrconnect with the website app's id, where WeChat would show a QR code for the phone to scan; here the page
/// also offers the scan itself (pick who is holding the phone), after which the browser is sent back to redirect_uri
/// with a code and the state, as WeChat does. The server then trades the code at /sns/oauth2/access_token.
/// </summary>
public sealed partial class WechatSimulator
{
    private readonly ConcurrentDictionary<string, (string UnionId, DateTimeOffset IssuedAt, bool Used)> _websiteCodes =
        new();
    private readonly ConcurrentDictionary<string, (string RedirectUri, string? State)> _qrSessions = new();

    /// <summary>
    /// Who the sandbox's QR page offers as the person scanning (unionid → name): the sandbox fills it with the staff
    /// whose console accounts are bound to WeChat. Any other unionid can be typed in.
    /// </summary>
    public ConcurrentDictionary<string, string> WebsiteUsers { get; } = new();

    /// <summary>The person's openid in the website app: one per app and person, unlike the unionid.</summary>
    public string WebsiteOpenId(string unionid) =>
        "o_web_"
        + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(_account.WebsiteAppId + "|" + unionid)))[
            ..22
        ];

    /// <summary>What the callback gets after the person scanned and confirmed: a code for 10 minutes, once.</summary>
    public string IssueWebsiteCode(string unionid)
    {
        var code = "web_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        _websiteCodes[code] = (unionid, _clock.GetUtcNow(), false);
        return code;
    }

    private void MapWebsiteLogin(WebApplication app)
    {
        app.MapGet("/connect/qrconnect", (Delegate)QrConnect);
        app.MapGet("/connect/qrconnect/confirm", (Delegate)QrConfirm);
        app.MapGet("/sns/oauth2/access_token", (Delegate)WebsiteAccessToken);
    }

    /// <summary>
    /// WeChat checks the request before it shows a QR code; a wrong app id, scope or redirect address gets an error
    /// page (the strictest reading: every parameter the document marks required).
    /// </summary>
    private IResult QrConnect(string? appid, string? redirect_uri, string? response_type, string? scope, string? state)
    {
        if (appid != _account.WebsiteAppId || appid.Length == 0)
            return Page("参数错误", "<p class=\"bad\">AppID 参数错误</p>");
        if (response_type != "code")
            return Page("参数错误", "<p class=\"bad\">response_type 参数错误</p>");
        if (scope is null || !scope.Split(',').Contains("snsapi_login"))
            return Page("参数错误", "<p class=\"bad\">Scope 参数错误或没有 Scope 权限</p>");
        if (!Uri.TryCreate(redirect_uri, UriKind.Absolute, out var target) || target.Scheme is not ("http" or "https"))
            return Page("参数错误", "<p class=\"bad\">redirect_uri 参数错误</p>");
        var uuid = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        _qrSessions[uuid] = (redirect_uri!, state);
        var options = string.Join(
            "",
            WebsiteUsers
                .OrderBy(u => u.Value, StringComparer.Ordinal)
                .Select(u => $"<option value=\"{Html(u.Key)}\">{Html(u.Value)}（{Html(u.Key)}）</option>")
        );
        return Page(
            "微信登录",
            $"""
            <h1>微信登录</h1>
            <div class="qr" aria-label="二维码">{QrPattern(uuid)}</div>
            <p>请使用微信扫描二维码登录「{Html(target.Host)}」</p>
            <form action="/connect/qrconnect/confirm" method="get" class="sim">
              <input type="hidden" name="uuid" value="{uuid}">
              <p><b>沙箱</b>：这里没有手机，选一位扫码并在手机上确认的人。</p>
              <label>扫码人 <select id="sim-user" onchange="document.getElementById('sim-unionid').value=this.value">
                <option value="">（选择）</option>{options}</select></label>
              <label>或填 unionid <input id="sim-unionid" name="unionid" required maxlength="64"></label>
              <button id="sim-confirm" type="submit">扫码并确认登录</button>
              <a id="sim-cancel" href="/connect/qrconnect/confirm?uuid={uuid}&amp;cancel=1">拒绝</a>
            </form>
            """
        );
    }

    /// <summary>
    /// The phone's answer. Confirmed: the browser goes to redirect_uri?code=…&amp;state=…. Refused: WeChat does not
    /// redirect at all, so the page says so and stays.
    /// </summary>
    private IResult QrConfirm(string? uuid, string? unionid, string? cancel)
    {
        if (uuid is null || !_qrSessions.TryRemove(uuid, out var session))
            return Page("二维码已失效", "<p class=\"bad\">二维码已失效，请返回网站重新发起登录</p>");
        if (cancel is not null)
            return Page("已取消", "<p>你已取消此次登录</p>");
        if (string.IsNullOrWhiteSpace(unionid) || unionid.Length > 64)
            return Page("二维码已失效", "<p class=\"bad\">没有扫码人，请返回网站重新发起登录</p>");
        var code = IssueWebsiteCode(unionid.Trim());
        var separator = session.RedirectUri.Contains('?') ? '&' : '?';
        var location = $"{session.RedirectUri}{separator}code={Uri.EscapeDataString(code)}";
        if (session.State is not null)
            location += $"&state={Uri.EscapeDataString(session.State)}";
        return Results.Redirect(location);
    }

    /// <summary>
    /// The code's exchange: the app's id and secret (40013, 40125), grant_type authorization_code (40002), a code that
    /// exists (40029), unused (40163) and under ten minutes old (40029).
    /// </summary>
    private IResult WebsiteAccessToken(string? appid, string? secret, string? code, string? grant_type)
    {
        if (appid != _account.WebsiteAppId || string.IsNullOrEmpty(appid))
            return Err(40013, "invalid appid");
        if (secret != _account.WebsiteAppSecret)
            return Err(40125, "invalid appsecret");
        if (grant_type != "authorization_code")
            return Err(40002, "invalid grant_type");
        if (code is null || !_websiteCodes.TryGetValue(code, out var c))
            return Err(40029, "invalid code");
        if (c.Used)
            return Err(40163, "code been used");
        if (_clock.GetUtcNow() - c.IssuedAt > TimeSpan.FromMinutes(10))
            return Err(40029, "invalid code");
        _websiteCodes[code] = c with { Used = true };
        return Results.Json(
            new
            {
                access_token = "web_at_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
                expires_in = 7200,
                refresh_token = "web_rt_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
                openid = WebsiteOpenId(c.UnionId),
                scope = "snsapi_login",
                unionid = c.UnionId,
            }
        );
    }

    private static string Html(string value) => WebUtility.HtmlEncode(value);

    /// <summary>A QR-looking pattern drawn from the session id (it encodes nothing: no phone scans it).</summary>
    private static string QrPattern(string uuid)
    {
        var bits = SHA256.HashData(Encoding.ASCII.GetBytes(uuid));
        var cells = new StringBuilder();
        for (var i = 0; i < 144; i++)
            if ((bits[i / 8 % bits.Length] >> (i % 8) & 1) == 1)
                cells.Append($"<rect x=\"{i % 12}\" y=\"{i / 12}\" width=\"1\" height=\"1\"/>");
        return $"<svg viewBox=\"0 0 12 12\" width=\"180\" height=\"180\">{cells}</svg>";
    }

    private static IResult Page(string title, string body) =>
        Results.Content(
            $$"""
            <!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{{title}}</title>
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <style>body{font-family:sans-serif;max-width:420px;margin:40px auto;text-align:center;color:#222}
            .qr{margin:16px auto;width:180px;padding:8px;border:1px solid #ddd} .bad{color:#c00}
            .sim{text-align:left;border-top:1px solid #eee;margin-top:24px;padding-top:12px}
            label{display:block;margin:8px 0} button{padding:6px 16px}</style></head>
            <body>{{body}}</body></html>
            """,
            "text/html; charset=utf-8"
        );
}
