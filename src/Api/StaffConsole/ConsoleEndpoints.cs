using Governance.Api.Auth;
using Governance.Api.Infrastructure;
using Governance.Core.People;
using Governance.Core.StaffConsole;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;

namespace Governance.Api.StaffConsole;

public static class ConsoleEndpoints
{
    public sealed record SignInRequest(string? Username, string? Password);

    public sealed record PasswordRequest(string? Current, string? Password);

    public sealed record Session(object Me, string Csrf, bool WechatBound);

    public static void MapConsoleAuth(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/console").WithTags("Staff console");
        g.MapPost("/sign-in", SignInAsync)
            .AllowAnonymous()
            .RequireRateLimiting(RateLimits.SignIn)
            .WithName("ConsoleSignIn")
            .WithSummary(
                "Staff console: sign in with username and password; sets the console cookie. Five wrong passwords in "
                    + "a row lock the account for 15 minutes"
            )
            .ProducesErrors(ConsoleErrors.SignIn);
        g.MapPost("/sign-out", async (HttpContext http) =>
            {
                await http.SignOutAsync(ConsoleAuth.Scheme);
                return TypedResults.NoContent();
            })
            .AllowAnonymous()
            .WithName("ConsoleSignOut")
            .WithSummary("Staff console: sign out (the cookie is removed)");
        g.MapGet("/session", SessionAsync)
            .RequireAuthorization()
            .WithName("ConsoleSession")
            .WithSummary(
                "Staff console: who is signed in (roles and scopes), whether the account is bound to WeChat, and the "
                    + "antiforgery token for writes"
            );
        g.MapPost("/password", async (Me me, PasswordRequest body, ConsoleSignIn signIn, CancellationToken ct) =>
            {
                var result = await signIn.ChangePasswordAsync(me.Caller.PersonId, body.Current, body.Password, ct);
                return result.IsOk ? (IResult)TypedResults.NoContent() : result.Error!.ToProblem();
            })
            .RequireAuthorization()
            .RequireRateLimiting(RateLimits.SignIn)
            .WithName("ConsoleChangePassword")
            .WithSummary("Staff console: change one's own password, giving the current one")
            .ProducesErrors(ConsoleErrors.ChangePassword);
        g.MapConsoleWechat();
    }

    private static async Task<IResult> SignInAsync(
        SignInRequest body,
        ConsoleSignIn signIn,
        HttpContext http,
        CancellationToken ct
    )
    {
        var result = await signIn.SignInAsync(body.Username, body.Password, ct);
        if (!result.IsOk)
            return result.Error!.ToProblem();
        await http.SignInAsync(ConsoleAuth.Scheme, ConsoleAuth.PrincipalFor(result.Value!.PersonId));
        return TypedResults.Ok(new { result.Value.PersonId, result.Value.Name });
    }

    private static async Task<IResult> SessionAsync(
        Me me,
        Profiles profiles,
        StaffAccountStore accounts,
        IAntiforgery antiforgery,
        HttpContext http,
        CancellationToken ct
    )
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        return TypedResults.Ok(
            new Session(
                await profiles.MeAsync(me.Caller, ct),
                tokens.RequestToken!,
                await accounts.WechatOfAsync(me.Caller.PersonId, ct) is not null
            )
        );
    }
}
