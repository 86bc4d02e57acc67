using Governance.Core.Broadcasts;
using Governance.Core.Orders;
using Governance.Jobs;
using Governance.Jobs.Dispatch;

namespace Governance.Api.Infrastructure;

public static class JobServices
{
    /// <summary>The node's roles ("Roles": "api,jobs" by default): API-only and jobs-only nodes are both possible.</summary>
    public static IReadOnlySet<string> Roles(IConfiguration config) =>
        (config["Roles"] ?? "api,jobs").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.OrdinalIgnoreCase);

    public static WebApplicationBuilder AddGovernanceJobs(this WebApplicationBuilder builder)
    {
        var jobs = builder.Configuration.GetSection(JobsOptions.Section).Get<JobsOptions>() ?? new JobsOptions();
        var dispatcher = builder.Configuration.GetSection(JobsOptions.Section + ":Dispatcher").Get<DispatcherOptions>() ?? new DispatcherOptions();
        builder.Services.AddSingleton<OrderScans>();
        builder.Services.AddSingleton<Governance.Core.Digest.DigestStore>();
        builder.Services.AddSingleton<Governance.Core.Jobs.JobRunStore>();
        builder.Services.AddSingleton<BroadcastService>();
        builder.Services.AddGovernanceRunners(jobs, dispatcher);
        if (Roles(builder.Configuration).Contains("jobs"))
        {
            var cs = builder.Configuration["Database:ConnectionString"];
            if (!string.IsNullOrWhiteSpace(cs)) builder.Services.AddGovernanceScheduler(cs, jobs);
        }
        return builder;
    }
}
