using System.Threading.RateLimiting;
using Governance.Core.People;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace Governance.Api.Infrastructure;

public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";
    /// <summary>Writes (reports, urges, claims, comments, registrations) per person: a bucket of Burst refilled at PerMinute.</summary>
    public int Burst { get; set; } = 20;
    public int PerMinute { get; set; } = 20;
}

/// <summary>
/// Per-person limits on writes, in memory on each node: behind a load balancer without sticky sessions the
/// effective limit is up to the number of nodes times this, which still stops a runaway client or script.
/// </summary>
public static class RateLimits
{
    public const string Writes = "writes";

    public static IServiceCollection AddGovernanceRateLimits(this IServiceCollection services)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section);
        services.AddSingleton(sp => sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<RateLimitOptions>>().Value);
        services.AddRateLimiter(o =>
        {
            o.AddPolicy(Writes, http =>
            {
                var options = http.RequestServices.GetRequiredService<RateLimitOptions>();
                var key = http.Items[typeof(Caller)] is Caller c ? $"p:{c.PersonId}" : $"ip:{http.Connection.RemoteIpAddress}";
                return RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = options.Burst, TokensPerPeriod = options.PerMinute, ReplenishmentPeriod = TimeSpan.FromMinutes(1),
                    QueueLimit = 0, AutoReplenishment = true,
                });
            });
            o.OnRejected = async (ctx, ct) =>
            {
                var http = ctx.HttpContext;
                http.Response.StatusCode = 429;
                if (ctx.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry)) http.Response.Headers.RetryAfter = ((int)Math.Ceiling(retry.TotalSeconds)).ToString();
                else http.Response.Headers.RetryAfter = "60";
                var problem = new ProblemDetails { Status = 429, Title = "操作太频繁，请稍后再试" };
                problem.Extensions["code"] = "rate_limited";
                await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem });
            };
        });
        return services;
    }
}
