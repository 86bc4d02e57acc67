using Governance.Api.Infrastructure;
using Governance.Core.People;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Governance.Api.Auth;

public static class AuthEndpoints
{
    public sealed record LoginRequest(string? Code);

    public sealed record RefreshRequest(string? RefreshToken);

    public sealed record PhoneRequest(string? Code);

    public sealed record ProfileRequest(string? Name, long? HomeBuildingId, List<string>? Skills, long? UnitId);

    public static void MapAuth(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/auth").WithTags("Sign-in");
        auth.MapPost("/login", async (LoginRequest body, SignIn signIn, CancellationToken ct) =>
                (await signIn.LoginAsync(body.Code, ct)).ToOk()
            )
            .AllowAnonymous()
            .RequireRateLimiting(RateLimits.SignIn)
            .WithName("Login")
            .WithSummary(
                "Mini-program sign-in: the wx.login code becomes our access token (JWT) and a refresh token; the first "
                    + "sign-in "
                    + "creates the person"
            )
            .ProducesErrors(SignInErrors.Login);
        auth.MapPost("/refresh", async (RefreshRequest body, SignIn signIn, CancellationToken ct) =>
                (await signIn.RefreshAsync(body.RefreshToken, ct)).ToOk()
            )
            .AllowAnonymous()
            .RequireRateLimiting(RateLimits.SignIn)
            .WithName("RefreshToken")
            .WithSummary(
                "Exchange a refresh token for a new pair; each refresh token works once (a repeat within a few seconds "
                    + "gets the "
                    + "same successor; later, all its successors are revoked)"
            )
            .ProducesErrors(SignInErrors.Refresh);
        auth.MapPost("/logout", LogoutAsync)
            .AllowAnonymous()
            .RequireRateLimiting(RateLimits.SignIn)
            .WithName("Logout")
            .WithSummary("Revoke a refresh token and its successors");
        auth.MapPost("/phone", async (Me me, PhoneRequest body, SignIn signIn, CancellationToken ct) =>
                (await signIn.BindPhoneAsync(me.Caller, body.Code, ct)).ToOk()
            )
            .RequireAuthorization()
            .RequireRateLimiting(RateLimits.Writes)
            .WithName("BindPhone")
            .WithSummary("Bind the phone number from the mini-program's getPhoneNumber code")
            .ProducesErrors(SignInErrors.Login);

        var me = app.MapGroup("/api/me").WithTags("Me").RequireAuthorization();
        me.MapGet("/", async (Me me, Profiles profiles, CancellationToken ct) =>
                TypedResults.Ok(await profiles.MeAsync(me.Caller, ct))
            )
            .WithName("GetMe")
            .WithSummary("Who I am: roles, staff scopes, approved communities, units, home, skills");
        me.MapPatch("/", async (Me me, ProfileRequest body, Profiles profiles, CancellationToken ct) =>
                (
                    await profiles.UpdateAsync(
                        me.Caller,
                        new ProfileUpdate(body.Name, body.HomeBuildingId, body.Skills, body.UnitId),
                        ct
                    )
                ).ToOk()
            )
            .RequireRateLimiting(RateLimits.Checks)
            .WithName("UpdateMe")
            .WithSummary(
                "Change my profile: real name (checked by WeChat's content check), home building, skills, unit; the "
                    + "phone comes from "
                    + "/api/auth/phone. A field this endpoint does not take is refused."
            )
            .ProducesErrors(ProfileErrors.Update);
    }

    private static async Task<NoContent> LogoutAsync(RefreshRequest body, TokenService tokens, CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(body.RefreshToken) && body.RefreshToken.Length <= 200)
            await tokens.RevokeAsync(body.RefreshToken, ct);
        return TypedResults.NoContent();
    }
}
