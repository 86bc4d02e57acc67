using System.ComponentModel.DataAnnotations;
using System.Threading.RateLimiting;

namespace Governance.Core.People;

/// <summary>Settings of the "RateLimits" section.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>
    /// Writes (reports, urges, claims, comments, registrations) per person, in the API and the chat alike: a bucket of
    /// Burst refilled at PerMinute.
    /// </summary>
    [Range(1, 1_000_000)]
    public int Burst { get; set; } = 20;

    [Range(1, 1_000_000)]
    public int PerMinute { get; set; } = 20;

    /// <summary>Sign-in attempts (each one a call to WeChat) per client address and minute.</summary>
    [Range(1, 1_000_000)]
    public int SignInPerMinute { get; set; } = 30;

    /// <summary>
    /// Calls that cost a WeChat content check or a classification (form suggestions, profile changes) per person and
    /// minute.
    /// </summary>
    [Range(1, 1_000_000)]
    public int ChecksPerMinute { get; set; } = 30;
}

/// <summary>
/// Per-person limits on writes for channels that are not HTTP endpoints (the chat), with the same settings as the
/// API's. In memory on each node: behind several nodes the effective limit is up to the number of nodes times this,
/// which still stops a runaway client or script.
/// </summary>
public sealed class WriteLimiter(RateLimitOptions options) : IDisposable
{
    private readonly PartitionedRateLimiter<long> _limiter = PartitionedRateLimiter.Create<long, long>(id =>
        RateLimitPartition.GetTokenBucketLimiter(id, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = options.Burst,
            TokensPerPeriod = options.PerMinute,
            ReplenishmentPeriod = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        })
    );

    /// <summary>True when the person may write now; otherwise how long until they may.</summary>
    public (bool Allowed, TimeSpan RetryAfter) TryAcquire(long personId)
    {
        using var lease = _limiter.AttemptAcquire(personId);
        if (lease.IsAcquired)
            return (true, TimeSpan.Zero);
        return (false, lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1));
    }

    public void Dispose() => _limiter.Dispose();
}
