using Governance.Core.Auth;
using Governance.Core.Errors;
using Governance.Core.People;
using Governance.Wechat.Client;
using static Governance.Core.Errors.ErrorKind;

namespace Governance.Api.Auth;

public sealed record LoginResponse(
    string AccessToken,
    int ExpiresIn,
    string RefreshToken,
    string TokenType,
    bool NewPerson,
    MeView Me
);

public static class SignInErrors
{
    public static readonly ErrorCode CodeRequired = new("auth.code_required", Validation, "缺少凭证 code", "code");
    public static readonly ErrorCode InvalidCode = new(
        "auth.invalid_code",
        Validation,
        "凭证无效或已过期，请重新获取",
        "code"
    );
    public static readonly ErrorCode Blocked = new(
        "auth.account_blocked",
        Forbidden,
        "该微信账号存在安全风险，已被微信限制登录"
    );
    public static readonly ErrorCode WechatUnavailable = new(
        "auth.wechat_unavailable",
        Unavailable,
        "微信服务暂时不可用，请稍后再试"
    );
    public static readonly ErrorCode RefreshInvalid = new(
        "auth.refresh_invalid",
        Unauthorized,
        "登录已失效，请重新登录"
    );
    public static readonly ErrorCode RefreshReused = new(
        "auth.refresh_reused",
        Unauthorized,
        "登录凭证已被使用过，为安全起见请重新登录"
    );

    public static readonly ErrorCode[] Login = [CodeRequired, InvalidCode, Blocked, WechatUnavailable];
    public static readonly ErrorCode[] Refresh = [RefreshInvalid, RefreshReused];
}

/// <summary>
/// Mini-program sign-in: the wx.login code becomes the person (created on first sign-in, joined with an
/// official-account follower by unionid) and a token pair; a getPhoneNumber code becomes their verified phone; refresh
/// tokens rotate.
/// </summary>
public sealed class SignIn(
    WechatApiClient wechat,
    PersonStore people,
    Profiles profiles,
    TokenService tokens,
    TimeProvider clock
)
{
    /// <summary>wx.login and getPhoneNumber codes are short tokens of letters, digits and a few symbols.</summary>
    public static bool IsWellFormedCode(string code) =>
        code.Length is >= 8 and <= 128 && code.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    public async Task<Result<LoginResponse>> LoginAsync(string? code, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(code))
            return SignInErrors.CodeRequired;
        code = code.Trim();
        if (!IsWellFormedCode(code))
            return SignInErrors.InvalidCode;
        var session = await wechat.Code2SessionAsync(code, ct);
        if (!session.Result.Ok || session.OpenId is null || session.SessionKey is null)
            return Refused(session.Result);
        var (personId, created) = await people.EnsureByMpOpenidAsync(
            session.OpenId,
            session.UnionId,
            session.SessionKey,
            clock.GetUtcNow().UtcDateTime,
            ct
        );
        var pair = await tokens.IssueAsync(personId, ct);
        var me = await profiles.MeAsync((await people.LoadCallerAsync(personId, ct))!, ct);
        return new LoginResponse(pair.AccessToken, pair.ExpiresIn, pair.RefreshToken, pair.TokenType, created, me);
    }

    public async Task<Result<MeView>> BindPhoneAsync(Caller caller, string? code, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(code))
            return SignInErrors.CodeRequired;
        code = code.Trim();
        if (!IsWellFormedCode(code))
            return SignInErrors.InvalidCode;
        var (result, phone) = await wechat.PhoneNumberAsync(code, ct);
        if (!result.Ok || phone is null)
            return Refused(result);
        await people.BindPhoneAsync(caller.PersonId, phone, clock.GetUtcNow().UtcDateTime, ct);
        return await profiles.MeAsync(caller, ct);
    }

    public async Task<Result<TokenPair>> RefreshAsync(string? refreshToken, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(refreshToken) || refreshToken.Length > 200)
            return SignInErrors.RefreshInvalid;
        var (outcome, pair) = await tokens.RefreshAsync(refreshToken, ct);
        return outcome switch
        {
            RefreshOutcome.Rotated => pair!,
            RefreshOutcome.Reused => SignInErrors.RefreshReused,
            _ => SignInErrors.RefreshInvalid,
        };
    }

    private static Error Refused(WechatResult r) =>
        r switch
        {
            { Outcome: WechatOutcome.RetryLater } => SignInErrors.WechatUnavailable,
            { ErrCode: 40226 } => SignInErrors.Blocked,
            _ => SignInErrors.InvalidCode,
        };
}
