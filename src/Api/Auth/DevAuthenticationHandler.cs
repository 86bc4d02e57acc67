using System.Security.Claims;
using System.Text.Encodings.Web;
using Governance.Core.People;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Governance.Api.Auth;

/// <summary>
/// Development sign-in: "Authorization: Dev &lt;personId&gt;", registered only in sandbox mode (and switched off there
/// by Auth:AllowDevScheme=false). It resolves the person and loads every role and scope they hold, exactly
/// as a signed token does.
/// </summary>
public sealed class DevAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    PersonStore people
) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (
            !header.StartsWith("Dev ", StringComparison.Ordinal)
            || !long.TryParse(header.AsSpan(4).Trim(), out var personId)
        )
            return AuthenticateResult.NoResult();
        var caller = await people.LoadCallerAsync(personId, Context.RequestAborted);
        if (caller is null)
        {
            Context.Items[Infrastructure.Problems.UnknownPersonMark] = true;
            return AuthenticateResult.Fail("Unknown person.");
        }
        Context.Items[typeof(Caller)] = caller;
        var identity = new ClaimsIdentity([new Claim("sub", personId.ToString())], Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }
}
