using System.Security.Claims;
using System.Text.Encodings.Web;
using Governance.Core.People;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Governance.Api.Auth;

public static class AuthenticationSetup
{
    public const string DevScheme = "Dev";

    public static WebApplicationBuilder AddGovernanceAuthentication(this WebApplicationBuilder builder)
    {
        builder.Services.AddAuthentication(DevScheme)
            .AddScheme<AuthenticationSchemeOptions, DevAuthenticationHandler>(DevScheme, null);
        builder.Services.AddAuthorization();
        return builder;
    }
}

/// <summary>
/// Development sign-in: "Authorization: Dev &lt;personId&gt;". It stands in for the mini-program's signed
/// token until that lands, but does the same job: it resolves the person and loads every role and area
/// scope they hold, so every endpoint is already scoped by a real caller.
/// </summary>
public sealed class DevAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, PersonStore people)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header)) return AuthenticateResult.NoResult();
        if (!header.StartsWith("Dev ", StringComparison.Ordinal) || !long.TryParse(header.AsSpan(4).Trim(), out var personId))
            return AuthenticateResult.Fail("Expected 'Authorization: Dev <personId>'.");
        var caller = await people.LoadCallerAsync(personId, Context.RequestAborted);
        if (caller is null) return AuthenticateResult.Fail("Unknown person.");
        Context.Items[typeof(Caller)] = caller;
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, personId.ToString())], Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }
}

/// <summary>The signed-in caller, bound as an endpoint parameter on endpoints that require authorization.</summary>
public sealed record Me(Caller Caller)
{
    public static ValueTask<Me?> BindAsync(HttpContext http) =>
        ValueTask.FromResult(http.Items[typeof(Caller)] is Caller c ? new Me(c) : null);
}
