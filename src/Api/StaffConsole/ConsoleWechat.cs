using System.Security.Cryptography;
using Governance.Api.Auth;
using Governance.Api.Infrastructure;
using Governance.Core.Errors;
using Governance.Core.People;
using Governance.Core.StaffConsole;
using Governance.Wechat;
using Governance.Wechat.Client;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using static Governance.Core.Errors.ErrorKind;

namespace Governance.Api.StaffConsole;

/// <summary>Where the console is reached from outside (its scheme and host), for WeChat's redirect back.</summary>
public sealed class ConsoleOptions
{
    public const string Section = "Console";

    /// <summary>
    /// The console's public address (https://gov.example.cn). Its domain is the website app's 授权回调域. Empty: the
    /// address the request came in on, which is right when nothing rewrites Host in front of the API.
    /// </summary>
    public string PublicBaseUrl { get; set; } = "";
}

public static class ConsoleWechatErrors
{
    public static readonly ErrorCode Off = new(
        "console.wechat_off",
        NotFound,
        "本系统未开通微信扫码登录，请使用用户名和密码登录"
    );
    public static readonly ErrorCode StateInvalid = new(
        "console.wechat_state_invalid",
        Validation,
        "登录请求已过期或不是从本页面发起的，请重新扫码"
    );
    public static readonly ErrorCode CodeInvalid = new(
        "console.wechat_code_invalid",
        Validation,
        "微信登录凭证无效或已使用，请重新扫码"
    );
    public static readonly ErrorCode WechatDown = new(
        "console.wechat_unavailable",
        Unavailable,
        "微信服务暂时不可用，请稍后再试或使用密码登录"
    );
    public static readonly ErrorCode NotBound = new(
        "console.wechat_not_bound",
        Forbidden,
        "这个微信还没有绑定工作台账号：请先用用户名和密码登录，在「我的账号」中绑定微信"
    );
    public static readonly ErrorCode Taken = new(
        "console.wechat_taken",
        Conflict,
        "这个微信已绑定另一个工作台账号，一个微信只能绑定一个账号"
    );
    public static readonly ErrorCode NotBoundYet = new("console.wechat_unbound", NotFound, "你的账号没有绑定微信");

    /// <summary>What the callback can end with, shown by the page it sends the browser back to.</summary>
    public static readonly ErrorCode[] Callback =
    [
        StateInvalid,
        CodeInvalid,
        WechatDown,
        NotBound,
        Taken,
        ConsoleErrors.NoAccount,
        ConsoleErrors.NotStaff,
    ];
}

/// <summary>
/// 网站应用微信登录 for the console. The browser is sent to WeChat's QR page with a state drawn here and kept, with
/// what the round trip is for (sign in, or bind the signed-in person's account), in a short-lived cookie protected by
/// data protection. WeChat sends the browser back with a code; the code, traded for the person's unionid, signs in the
/// account bound to that unionid, or binds it. The state cookie is SameSite=Lax because the return from
/// open.weixin.qq.com is a cross-site navigation; it is HttpOnly and lives ten minutes, as long as WeChat's code.
/// Every outcome lands on the console's page with ?wechat=&lt;code&gt;, which shows its Chinese message.
/// </summary>
public static class ConsoleWechat
{
    private const string StateCookie = "gov_wechat_state";
    private const string CallbackPath = "/api/console/wechat/callback";
    private static readonly TimeSpan StateLifetime = TimeSpan.FromMinutes(10);

    private sealed record Pending(string State, long? BindPersonId);

    public static void MapConsoleWechat(this RouteGroupBuilder g)
    {
        g.MapGet("/options", (WechatOptions wechat) =>
                TypedResults.Ok(
                    new
                    {
                        wechatLogin = wechat.HasWebsiteLogin,
                        messages = ConsoleWechatErrors.Callback.ToDictionary(e => e.Code, e => e.Title),
                    }
                )
            )
            .AllowAnonymous()
            .WithName("ConsoleOptions")
            .WithSummary("Staff console: the sign-in choices offered (WeChat QR sign-in or not) and their messages");
        g.MapGet("/wechat/sign-in", (HttpContext http, WechatOptions wechat, IDataProtectionProvider dp) =>
                Start(http, wechat, dp, null)
            )
            .AllowAnonymous()
            .WithName("ConsoleWechatSignIn")
            .WithSummary("Staff console: go to WeChat's QR page to sign in by scanning (a redirect)")
            .ProducesErrors([ConsoleWechatErrors.Off]);
        g.MapGet("/wechat/bind", (Me me, HttpContext http, WechatOptions wechat, IDataProtectionProvider dp) =>
                Start(http, wechat, dp, me.Caller.PersonId)
            )
            .RequireAuthorization()
            .WithName("ConsoleWechatBind")
            .WithSummary(
                "Staff console: go to WeChat's QR page to bind the signed-in person's account to the WeChat that scans"
            )
            .ProducesErrors([ConsoleWechatErrors.Off]);
        // WeChat's redirect target, not an API
        g.MapGet("/wechat/callback", CallbackAsync).AllowAnonymous().ExcludeFromDescription();
        g.MapDelete("/wechat", UnbindAsync)
            .RequireAuthorization()
            .WithName("ConsoleWechatUnbind")
            .WithSummary("Staff console: unbind the signed-in person's account from WeChat (password only from now)")
            .ProducesErrors([ConsoleWechatErrors.NotBoundYet]);
    }

    private static IResult Start(HttpContext http, WechatOptions wechat, IDataProtectionProvider dp, long? bindFor)
    {
        if (!wechat.HasWebsiteLogin)
            return ConsoleWechatErrors.Off.ToProblem();
        var state = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var protector = Protector(dp);
        http.Response.Cookies.Append(
            StateCookie,
            protector.Protect($"{state}|{bindFor}", StateLifetime),
            new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Lax,
                Secure = http.Request.IsHttps,
                Path = CallbackPath,
                MaxAge = StateLifetime,
            }
        );
        var redirect = PublicBase(http) + CallbackPath;
        return Results.Redirect(
            $"{wechat.OpenBaseAddress.TrimEnd('/')}/connect/qrconnect?appid={Uri.EscapeDataString(wechat.WebsiteAppId)}"
                + $"&redirect_uri={Uri.EscapeDataString(redirect)}&response_type=code&scope=snsapi_login"
                + $"&state={state}#wechat_redirect"
        );
    }

    private static async Task<IResult> CallbackAsync(
        HttpContext http,
        string? code,
        string? state,
        IDataProtectionProvider dp,
        WechatApiClient client,
        StaffAccountStore accounts,
        PersonStore people,
        TimeProvider clock,
        CancellationToken ct
    )
    {
        var pending = Read(http, dp);
        http.Response.Cookies.Delete(StateCookie, new CookieOptions { Path = CallbackPath });
        if (pending is null || state is null || !FixedTimeEquals(pending.State, state))
            return Back(ConsoleWechatErrors.StateInvalid);
        if (string.IsNullOrEmpty(code))
            return Back(ConsoleWechatErrors.CodeInvalid);
        var session = await client.WebsiteCodeAsync(code, ct);
        if (session.Result.Outcome != WechatOutcome.Ok)
            return Back(
                session.Result.Outcome == WechatOutcome.RetryLater
                    ? ConsoleWechatErrors.WechatDown
                    : ConsoleWechatErrors.CodeInvalid
            );
        // A website app always belongs to an Open Platform account, so WeChat answers the unionid; without one there
        // is nothing an account could be bound to.
        if (string.IsNullOrEmpty(session.UnionId))
            return Back(ConsoleWechatErrors.CodeInvalid);
        var now = clock.GetUtcNow().UtcDateTime;
        if (pending.BindPersonId is { } personId)
            return await accounts.BindWechatAsync(personId, session.UnionId, now, ct) switch
            {
                StaffAccountStore.BindOutcome.Bound => Results.Redirect("/console/?wechat=bound#/account"),
                StaffAccountStore.BindOutcome.TakenByAnother => Back(ConsoleWechatErrors.Taken, "#/account"),
                _ => Back(ConsoleErrors.NoAccount, "#/account"),
            };
        // Scanning proves the phone, not a password: a lock-out left by wrong passwords does not stop it.
        var account = await accounts.FindByWechatAsync(session.UnionId, ct);
        if (account is null)
            return Back(ConsoleWechatErrors.NotBound);
        var caller = await people.LoadCallerAsync(account.PersonId, ct);
        if (caller is null || !ConsoleAuth.MayUse(caller))
            return Back(ConsoleErrors.NotStaff);
        await accounts.RecordSuccessAsync(account.PersonId, now, ct);
        await http.SignInAsync(ConsoleAuth.Scheme, ConsoleAuth.PrincipalFor(account.PersonId));
        return Results.Redirect("/console/");
    }

    private static async Task<IResult> UnbindAsync(
        Me me,
        StaffAccountStore accounts,
        TimeProvider clock,
        CancellationToken ct
    ) =>
        await accounts.UnbindWechatAsync(me.Caller.PersonId, clock.GetUtcNow().UtcDateTime, ct)
            ? TypedResults.NoContent()
            : ConsoleWechatErrors.NotBoundYet.ToProblem();

    private static IResult Back(ErrorCode error, string hash = "") =>
        Results.Redirect($"/console/?wechat={Uri.EscapeDataString(error.Code)}{hash}");

    private static ITimeLimitedDataProtector Protector(IDataProtectionProvider dp) =>
        dp.CreateProtector("Governance.Console.WechatState").ToTimeLimitedDataProtector();

    private static Pending? Read(HttpContext http, IDataProtectionProvider dp)
    {
        if (!http.Request.Cookies.TryGetValue(StateCookie, out var value) || string.IsNullOrEmpty(value))
            return null;
        try
        {
            var parts = Protector(dp).Unprotect(value).Split('|');
            return parts.Length != 2 ? null : new Pending(parts[0], long.TryParse(parts[1], out var id) ? id : null);
        }
        catch (CryptographicException)
        {
            return null; // expired, or not ours
        }
    }

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.ASCII.GetBytes(a),
            System.Text.Encoding.ASCII.GetBytes(b)
        );

    private static string PublicBase(HttpContext http)
    {
        var configured = http
            .RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<ConsoleOptions>>()
            .Value.PublicBaseUrl;
        return configured.Length > 0
            ? configured.TrimEnd('/')
            : $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}";
    }
}
