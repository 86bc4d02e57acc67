using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Governance.Api.StaffConsole;
using Governance.Core.People;
using Governance.Wechat;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Governance.Api.Auth;

public static class AuthenticationSetup
{
    public const string DevScheme = "Dev",
        Smart = "Smart";

    /// <summary>
    /// Used only in sandbox mode when no key is configured; tokens signed with it are worthless elsewhere.
    /// </summary>
    internal const string SandboxKey = "sandbox-only-signing-key-not-for-production-use-0123456789";

    public static WebApplicationBuilder AddGovernanceAuthentication(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        builder.Services.AddSingleton<TokenService>();
        builder.Services.AddSingleton<SignIn>();
        builder.Services.AddSingleton<IPostConfigureOptions<JwtBearerOptions>, ConfigureJwt>();
        // One policy scheme picks per request: "Authorization: Dev …" (sandbox only), a bearer token (the
        // mini-program), or the staff console's cookie. The development scheme exists only in sandbox mode: in live
        // mode "Authorization: Dev …" is just a token the JWT handler does not understand.
        var sandbox = builder.Configuration[$"{WechatOptions.Section}:Mode"] == WechatOptions.Sandbox;
        var authentication = builder.Services.AddAuthentication(Smart);
        authentication.AddJwtBearer();
        authentication.AddPolicyScheme(Smart, null, o => o.ForwardDefaultSelector = http => SchemeFor(http, sandbox));
        authentication.AddStaffConsoleCookie();
        builder.Services.AddOptions<ConsoleOptions>().BindConfiguration(ConsoleOptions.Section);
        if (sandbox)
            authentication.AddScheme<AuthenticationSchemeOptions, DevAuthenticationHandler>(DevScheme, null);
        builder.Services.AddAuthorization();
        return builder;
    }

    private static string SchemeFor(HttpContext http, bool sandbox)
    {
        var header = http.Request.Headers.Authorization.ToString();
        if (
            sandbox
            && header.StartsWith("Dev ", StringComparison.Ordinal)
            && http.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value.AllowDevScheme
        )
            return DevScheme;
        if (header.Length == 0 && http.Request.Cookies.ContainsKey(StaffConsole.ConsoleAuth.CookieName))
            return StaffConsole.ConsoleAuth.Scheme;
        return JwtBearerDefaults.AuthenticationScheme;
    }

    public static byte[] SigningKey(AuthOptions auth, WechatOptions wechat)
    {
        if (!string.IsNullOrEmpty(auth.SigningKey))
        {
            if (auth.SigningKey.Length < 32)
                throw new InvalidOperationException("Auth:SigningKey must be at least 32 characters.");
            return Encoding.UTF8.GetBytes(auth.SigningKey);
        }
        if (wechat.IsSandbox)
            return Encoding.UTF8.GetBytes(SandboxKey);
        throw new InvalidOperationException("Auth:SigningKey is required outside sandbox mode.");
    }

    /// <summary>JWT validation needs the configured key, which comes from DI.</summary>
    private sealed class ConfigureJwt(IOptions<AuthOptions> auth, WechatOptions wechat, TimeProvider clock)
        : IPostConfigureOptions<JwtBearerOptions>
    {
        public void PostConfigure(string? name, JwtBearerOptions o)
        {
            if (name != JwtBearerDefaults.AuthenticationScheme)
                return;
            o.MapInboundClaims = false;
            o.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = auth.Value.Issuer,
                ValidAudience = auth.Value.Issuer,
                IssuerSigningKey = new SymmetricSecurityKey(SigningKey(auth.Value, wechat)),
                // Lifetimes are checked against our TimeProvider, like every other rule.
                LifetimeValidator = (notBefore, expires, _, _) =>
                {
                    var now = clock.GetUtcNow().UtcDateTime;
                    return (notBefore is null || notBefore <= now.AddSeconds(30))
                        && expires is not null
                        && expires > now.AddSeconds(-30);
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
                    var caller = long.TryParse(sub, out var id)
                        ? await people.LoadCallerAsync(id, ctx.HttpContext.RequestAborted)
                        : null;
                    if (caller is null)
                    {
                        ctx.HttpContext.Items[Infrastructure.Problems.UnknownPersonMark] = true;
                        ctx.Fail("Unknown person.");
                    }
                    else
                        ctx.HttpContext.Items[typeof(Caller)] = caller;
                },
            };
        }
    }
}
