using System.Threading.RateLimiting;
using Governance.Core.People;
using Microsoft.AspNetCore.Mvc;

namespace Governance.Api.Infrastructure;

/// <summary>
/// Limits in memory on each node (behind several nodes the effective limit is up to the number of nodes times the
/// setting, which still stops a runaway client or script): writes per person, sign-ins per client address, and calls
/// that cost a WeChat content check or a classification per person.
/// </summary>
public static class RateLimits
{
    public const string Writes = "writes",
        SignIn = "sign-in",
        Checks = "checks";

    public static IServiceCollection AddGovernanceRateLimits(this IServiceCollection services)
    {
        services.AddRateLimiter(o =>
        {
            o.AddPolicy(Writes, http =>
            {
                var options = http.RequestServices.GetRequiredService<RateLimitOptions>();
                return RateLimitPartition.GetTokenBucketLimiter(
                    PersonOrAddress(http),
                    _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = options.Burst,
                        TokensPerPeriod = options.PerMinute,
                        ReplenishmentPeriod = TimeSpan.FromMinutes(1),
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    }
                );
            });
            o.AddPolicy(SignIn, http =>
                RateLimitPartition.GetFixedWindowLimiter(
                    $"ip:{http.Connection.RemoteIpAddress}",
                    _ => new FixedWindowRateLimiterOptions
                    {
                        PermitLimit = http.RequestServices.GetRequiredService<RateLimitOptions>().SignInPerMinute,
                        Window = TimeSpan.FromMinutes(1),
                        QueueLimit = 0,
                    }
                )
            );
            o.AddPolicy(Checks, http =>
                RateLimitPartition.GetFixedWindowLimiter(PersonOrAddress(http), _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = http.RequestServices.GetRequiredService<RateLimitOptions>().ChecksPerMinute,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                })
            );
            o.OnRejected = async (ctx, ct) =>
            {
                var http = ctx.HttpContext;
                http.Response.StatusCode = 429;
                http.Response.Headers.RetryAfter = ctx.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry)
                    ? ((int)Math.Ceiling(retry.TotalSeconds)).ToString(
                        System.Globalization.CultureInfo.InvariantCulture
                    )
                    : "60";
                var problem = new ProblemDetails { Status = 429, Title = Problems.Http.RateLimited.Title };
                problem.Extensions["code"] = Problems.Http.RateLimited.Code;
                await http
                    .RequestServices.GetRequiredService<IProblemDetailsService>()
                    .WriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem });
            };
        });
        return services;
    }

    private static string PersonOrAddress(HttpContext http) =>
        http.Items[typeof(Caller)] is Caller c ? $"p:{c.PersonId}" : $"ip:{http.Connection.RemoteIpAddress}";
}
