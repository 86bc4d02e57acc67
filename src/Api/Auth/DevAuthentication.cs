using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Governance.Core.People;
using Governance.Wechat;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Governance.Api.Auth;

public sealed class AuthOptions
{
    public const string Section = "Auth";
    /// <summary>HMAC-SHA256 key for access tokens, at least 32 characters. Required outside sandbox mode.</summary>
    public string SigningKey { get; set; } = "";
    public string Issuer { get; set; } = "governance";
    public int AccessTokenMinutes { get; set; } = 30;
    public int RefreshTokenDays { get; set; } = 30;
    /// <summary>Accept "Authorization: Dev &lt;personId&gt;" (development and sandbox only). Empty: on in sandbox mode.</summary>
    public bool? AllowDevScheme { get; set; }
}

public static class AuthenticationSetup
{
    public const string DevScheme = "Dev", Smart = "Smart";
    /// <summary>Used only in sandbox mode when no key is configured; tokens signed with it are worthless elsewhere.</summary>
    private const string SandboxKey = "sandbox-only-signing-key-not-for-production-use-0123456789";

    public static WebApplicationBuilder AddGovernanceAuthentication(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section);
        builder.Services.AddSingleton<TokenService>();
        builder.Services.AddSingleton<IPostConfigureOptions<JwtBearerOptions>, ConfigureJwt>();
        builder.Services.AddAuthentication(Smart)
            .AddPolicyScheme(Smart, null, o => o.ForwardDefaultSelector = http =>
            {
                var header = http.Request.Headers.Authorization.ToString();
                return header.StartsWith("Dev ", StringComparison.Ordinal) && http.RequestServices.GetRequiredService<TokenService>().AllowDev
                    ? DevScheme : JwtBearerDefaults.AuthenticationScheme;
            })
            .AddJwtBearer()
            .AddScheme<AuthenticationSchemeOptions, DevAuthenticationHandler>(DevScheme, null);
        builder.Services.AddAuthorization();
        return builder;
    }

    public static byte[] SigningKey(AuthOptions auth, WechatOptions wechat)
    {
        if (!string.IsNullOrEmpty(auth.SigningKey))
        {
            if (auth.SigningKey.Length < 32) throw new InvalidOperationException("Auth:SigningKey must be at least 32 characters.");
            return Encoding.UTF8.GetBytes(auth.SigningKey);
        }
        if (wechat.IsSandbox) return Encoding.UTF8.GetBytes(SandboxKey);
        throw new InvalidOperationException("Auth:SigningKey is required outside sandbox mode.");
    }

    /// <summary>JWT validation needs the configured key, which comes from DI.</summary>
    private sealed class ConfigureJwt(IOptions<AuthOptions> auth, WechatOptions wechat, TimeProvider clock) : IPostConfigureOptions<JwtBearerOptions>
    {
        public void PostConfigure(string? name, JwtBearerOptions o)
        {
            if (name != JwtBearerDefaults.AuthenticationScheme) return;
            o.MapInboundClaims = false;
            o.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = auth.Value.Issuer, ValidAudience = auth.Value.Issuer,
                IssuerSigningKey = new SymmetricSecurityKey(SigningKey(auth.Value, wechat)),
                // Lifetimes are checked against our TimeProvider, like every other rule.
                LifetimeValidator = (notBefore, expires, _, _) =>
                {
                    var now = clock.GetUtcNow().UtcDateTime;
                    return (notBefore is null || notBefore <= now.AddSeconds(30)) && expires is not null && expires > now.AddSeconds(-30);
                },
            };
            o.Events = new JwtBearerEvents
            {
                // The token carries only the person; roles and scopes are read fresh on every request,
                // so an approval or a revoked staff role takes effect at once.
                OnTokenValidated = async ctx =>
                {
                    var sub = ctx.Principal?.FindFirst("sub")?.Value;
                    var people = ctx.HttpContext.RequestServices.GetRequiredService<PersonStore>();
                    var caller = long.TryParse(sub, out var id) ? await people.LoadCallerAsync(id, ctx.HttpContext.RequestAborted) : null;
                    if (caller is null) ctx.Fail("Unknown person.");
                    else ctx.HttpContext.Items[typeof(Caller)] = caller;
                },
            };
        }
    }
}

/// <summary>
/// Development sign-in: "Authorization: Dev &lt;personId&gt;", accepted only in sandbox mode (or when
/// Auth:AllowDevScheme says so). It resolves the person and loads every role and scope they hold, exactly
/// as a signed token does.
/// </summary>
public sealed class DevAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, PersonStore people)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Dev ", StringComparison.Ordinal) || !long.TryParse(header.AsSpan(4).Trim(), out var personId))
            return AuthenticateResult.NoResult();
        var caller = await people.LoadCallerAsync(personId, Context.RequestAborted);
        if (caller is null) return AuthenticateResult.Fail("Unknown person.");
        Context.Items[typeof(Caller)] = caller;
        var identity = new ClaimsIdentity([new Claim("sub", personId.ToString())], Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }
}

/// <summary>The signed-in caller, bound as an endpoint parameter on endpoints that require authorization.</summary>
public sealed record Me(Caller Caller)
{
    public static ValueTask<Me?> BindAsync(HttpContext http) =>
        ValueTask.FromResult(http.Items[typeof(Caller)] is Caller c ? new Me(c) : null);
}
