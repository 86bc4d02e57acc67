using Governance.Api.Infrastructure;
using Governance.Core.Auth;
using Governance.Core.People;
using Governance.Wechat.Client;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Governance.Api.Auth;

public static class AuthEndpoints
{
    public sealed record LoginRequest(string? Code);
    public sealed record RefreshRequest(string? RefreshToken);
    public sealed record PhoneRequest(string? Code);
    public sealed record RenameRequest(string? Name);
    public sealed record LoginResponse(string AccessToken, int ExpiresIn, string RefreshToken, string TokenType, bool NewPerson, MeView Me);
    public sealed record StaffRoleView(string Role, long AreaId);
    public sealed record UnitRoleView(long UnitId, string Name, string Status);
    public sealed record MeView(long Id, string Name, string? Phone, IReadOnlyList<string> Roles, IReadOnlyList<StaffRoleView> Staff,
        IReadOnlyList<long> MemberCommunities, IReadOnlyList<UnitRoleView> Units, long? HomeBuildingId, IReadOnlyList<string> Skills);

    public static void MapAuth(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/auth").WithTags("Sign-in");
        auth.MapPost("/login", LoginAsync).AllowAnonymous().WithName("Login")
            .WithSummary("Mini-program sign-in: the wx.login code becomes our access token (JWT) and a refresh token; the first sign-in creates the person")
            .WithDescription("Errors: auth.code_required (400), auth.invalid_code (400, the code is wrong, used or expired; call wx.login again), auth.wechat_unavailable (503).");
        auth.MapPost("/refresh", RefreshAsync).AllowAnonymous().WithName("RefreshToken")
            .WithSummary("Exchange a refresh token for a new pair; each refresh token works once")
            .WithDescription("Errors: auth.refresh_invalid (401), auth.refresh_reused (401: a used token was presented again, so all its successors are revoked).");
        auth.MapPost("/logout", LogoutAsync).AllowAnonymous().WithName("Logout").WithSummary("Revoke a refresh token and its successors");
        auth.MapPost("/phone", PhoneAsync).RequireAuthorization().WithName("BindPhone")
            .WithSummary("Bind the phone number from the mini-program's getPhoneNumber code")
            .WithDescription("Errors: auth.code_required (400), auth.invalid_code (400), auth.wechat_unavailable (503).");
        var me = app.MapGroup("/api/me").WithTags("Me").RequireAuthorization();
        me.MapGet("/", GetMeAsync).WithName("GetMe").WithSummary("Who I am: roles, staff scopes, approved communities, units");
        me.MapPatch("/", RenameAsync).WithName("UpdateMe").WithSummary("Change my display name (checked by WeChat's text check)")
            .WithDescription("Errors: me.invalid_name (400), content.rejected (400).");
    }

    private static async Task<Results<Ok<LoginResponse>, ProblemHttpResult>> LoginAsync(LoginRequest body, WechatApiClient wechat, PersonStore people,
        TokenService tokens, TimeProvider clock, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body.Code)) return Problems.Problem("auth.code_required", "缺少登录凭证 code", 400);
        var session = await wechat.Code2SessionAsync(body.Code.Trim(), ct);
        if (!session.Result.Ok || session.OpenId is null || session.SessionKey is null)
            return session.Result.Outcome == WechatOutcome.RetryLater
                ? Problems.Problem("auth.wechat_unavailable", "微信登录服务暂时不可用，请稍后再试", 503)
                : Problems.Problem("auth.invalid_code", "登录凭证无效或已过期，请重新登录", 400);
        var (personId, created) = await people.EnsureByMpOpenidAsync(session.OpenId, session.UnionId, session.SessionKey, clock.GetUtcNow().UtcDateTime, ct);
        var pair = await tokens.IssueAsync(personId, ct);
        var view = await ViewAsync(people, (await people.LoadCallerAsync(personId, ct))!, ct);
        return TypedResults.Ok(new LoginResponse(pair.AccessToken, pair.ExpiresIn, pair.RefreshToken, pair.TokenType, created, view));
    }

    private static async Task<Results<Ok<TokenPair>, ProblemHttpResult>> RefreshAsync(RefreshRequest body, TokenService tokens, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body.RefreshToken)) return Problems.Problem("auth.refresh_invalid", "登录已失效，请重新登录", 401);
        var (outcome, pair) = await tokens.RefreshAsync(body.RefreshToken, ct);
        return outcome switch
        {
            RefreshOutcome.Rotated => TypedResults.Ok(pair!),
            RefreshOutcome.Reused => Problems.Problem("auth.refresh_reused", "登录凭证已被使用过，为安全起见请重新登录", 401),
            _ => Problems.Problem("auth.refresh_invalid", "登录已失效，请重新登录", 401),
        };
    }

    private static async Task<NoContent> LogoutAsync(RefreshRequest body, TokenService tokens, CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(body.RefreshToken)) await tokens.RevokeAsync(body.RefreshToken, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<MeView>, ProblemHttpResult>> PhoneAsync(Me me, PhoneRequest body, WechatApiClient wechat,
        PersonStore people, TimeProvider clock, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body.Code)) return Problems.Problem("auth.code_required", "缺少手机号凭证 code", 400);
        var (result, phone) = await wechat.PhoneNumberAsync(body.Code.Trim(), ct);
        if (!result.Ok || phone is null)
            return result.Outcome == WechatOutcome.RetryLater
                ? Problems.Problem("auth.wechat_unavailable", "微信服务暂时不可用，请稍后再试", 503)
                : Problems.Problem("auth.invalid_code", "手机号凭证无效或已过期，请重新授权", 400);
        await people.BindPhoneAsync(me.Caller.PersonId, phone, clock.GetUtcNow().UtcDateTime, ct);
        return TypedResults.Ok(await ViewAsync(people, me.Caller, ct));
    }

    private static async Task<Ok<MeView>> GetMeAsync(Me me, PersonStore people, CancellationToken ct) => TypedResults.Ok(await ViewAsync(people, me.Caller, ct));

    private static async Task<Results<Ok<MeView>, ProblemHttpResult>> RenameAsync(Me me, RenameRequest body, PersonStore people, ContentGuard guard, TimeProvider clock, CancellationToken ct)
    {
        var name = body.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 20) return Problems.Problem("me.invalid_name", "名字需要1到20个字", 400);
        var profile = await people.ProfileAsync(me.Caller.PersonId, ct);
        if ((await guard.CheckAsync(profile?.MpOpenid, name, ct)).Verdict == ContentVerdict.Reject)
            return Problems.Problem("content.rejected", "内容含有不适宜的信息，请修改后再提交", 400);
        await people.RenameAsync(me.Caller.PersonId, name, clock.GetUtcNow().UtcDateTime, ct);
        return TypedResults.Ok(await ViewAsync(people, (await people.LoadCallerAsync(me.Caller.PersonId, ct))!, ct));
    }

    public static async Task<MeView> ViewAsync(PersonStore people, Caller c, CancellationToken ct)
    {
        var profile = await people.ProfileAsync(c.PersonId, ct);
        var roles = new List<string>();
        if (c.IsResident) roles.Add("resident");
        if (c.IsMember) roles.Add("member");
        if (c.UnitAdminOf.Count > 0) roles.Add("unit_admin");
        roles.AddRange(c.Staff.Select(s => s.Role).Distinct());
        return new MeView(c.PersonId, c.Name, profile?.Phone, roles, c.Staff.Select(s => new StaffRoleView(s.Role, s.AreaId)).ToList(),
            c.MemberCommunities.Select(m => m.CommunityId).ToList(), c.Units.Select(u => new UnitRoleView(u.UnitId, u.Name, u.Status)).ToList(),
            profile?.HomeBuildingId, c.Skills);
    }
}
