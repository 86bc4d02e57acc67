using Governance.Api.Auth;
using Governance.Api.Infrastructure;
using Governance.Core.Errors;
using Governance.Core.People;
using Governance.Jobs;
using static Governance.Core.Errors.ErrorKind;

namespace Governance.Api.Jobs;

public static class JobsErrors
{
    public static readonly ErrorCode NotAllowed = new(
        "jobs.not_allowed",
        Forbidden,
        "只有街道或县级管理员可以查看和操作定时任务"
    );
    public static readonly ErrorCode Unknown = new("jobs.unknown", NotFound, "没有这个定时任务");

    public static readonly ErrorCode[] Read = [NotAllowed];
    public static readonly ErrorCode[] Act = [NotAllowed, Unknown];
}

/// <summary>The jobs page's API: street and county admins only.</summary>
public static class JobsEndpoints
{
    private static bool Allowed(Caller caller) =>
        caller.Staff.Any(s => s.Role is StaffRole.StreetAdmin or StaffRole.CountyAdmin);

    public static void MapJobs(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/jobs").WithTags("Scheduled jobs").RequireAuthorization();
        g.MapGet("/", async Task<IResult> (Me me, JobsDashboard jobs, CancellationToken ct) =>
                Allowed(me.Caller) ? TypedResults.Ok(await jobs.ListAsync(10, ct)) : JobsErrors.NotAllowed.ToProblem()
            )
            .WithName("ListJobs")
            .WithSummary("Every scheduled job: schedule, state, next and previous fire, its last ten runs")
            .ProducesErrors(JobsErrors.Read);
        Act(g, "pause", "PauseJob", "Pause a job's trigger (kept paused across restarts)", (j, n, ct) =>
            j.PauseAsync(n, ct)
        );
        Act(g, "resume", "ResumeJob", "Resume a paused job", (j, n, ct) => j.ResumeAsync(n, ct));
        Act(g, "trigger", "TriggerJob", "Run a job now, once, on whichever node takes it", (j, n, ct) =>
            j.TriggerAsync(n, ct)
        );
    }

    private static void Act(
        RouteGroupBuilder g,
        string verb,
        string name,
        string summary,
        Func<JobsDashboard, string, CancellationToken, Task> act
    ) =>
        g.MapPost(
                $"/{{job}}/{verb}",
                async Task<IResult> (Me me, string job, JobsDashboard jobs, CancellationToken ct) =>
                {
                    if (!Allowed(me.Caller))
                        return JobsErrors.NotAllowed.ToProblem();
                    if (!jobs.Knows(job))
                        return JobsErrors.Unknown.ToProblem();
                    await act(jobs, job, ct);
                    return TypedResults.NoContent();
                }
            )
            .RequireRateLimiting(RateLimits.Writes)
            .WithName(name)
            .WithSummary(summary)
            .ProducesErrors(JobsErrors.Act);
}
