using Governance.Api.Auth;
using Governance.Api.Infrastructure;
using Governance.Core.People;

namespace Governance.Api.StaffConsole;

/// <summary>Staff and their roles within the caller's area, with their console accounts.</summary>
public static class StaffEndpoints
{
    public sealed record GrantRequest(string? Phone, string? Name, string? Username, string? Password);

    public static void MapStaffAdmin(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api").WithTags("Staff console").RequireAuthorization();
        g.MapGet("/areas/{id:long}/staff", async (Me me, long id, StaffAdmin admin, CancellationToken ct) =>
                (await admin.ListAsync(me.Caller, id, ct)).ToOk()
            )
            .WithName("ListStaff")
            .WithSummary("Staff: who holds which role in this area and below, with their console usernames")
            .ProducesErrors(StaffAdminErrors.List);
        g.MapPost("/areas/{id:long}/staff", GrantAsync)
            .RequireRateLimiting(RateLimits.Writes)
            .WithName("GrantStaffRole")
            .WithSummary(
                "Staff: appoint the person with this phone (created if new) to the role that goes with the area "
                    + "(grid → grid worker, community → secretary, street → street admin), one level below the "
                    + "caller; with username and password, their console account too"
            )
            .ProducesErrors(StaffAdminErrors.Grant, ConsoleErrors.SetPassword);
        g.MapDelete("/staff/{id:long}", async (Me me, long id, StaffAdmin admin, CancellationToken ct) =>
                (await admin.RevokeAsync(me.Caller, id, ct)).ToOk()
            )
            .WithName("RevokeStaffRole")
            .WithSummary("Staff: end a role held one level below the caller; it stops counting at once")
            .ProducesErrors(StaffAdminErrors.Revoke);
    }

    private static async Task<IResult> GrantAsync(
        Me me,
        long id,
        GrantRequest body,
        StaffAdmin admin,
        ConsoleSignIn signIn,
        PersonStore people,
        CancellationToken ct
    )
    {
        var account = !string.IsNullOrWhiteSpace(body.Username) || !string.IsNullOrEmpty(body.Password);
        if (account)
        {
            // The account is checked before the role is granted: a refused account leaves nothing half done.
            var known = body.Phone is null ? null : (await people.ByPhoneAsync(body.Phone.Trim(), ct)).FirstOrDefault();
            if (
                await signIn.CheckAsync(known?.PersonId, body.Username?.Trim() ?? "", body.Password ?? "", ct) is
                { } problem
            )
                return problem.ToProblem();
        }
        var granted = await admin.GrantAsync(me.Caller, id, body.Phone, body.Name, ct);
        if (!granted.IsOk)
            return granted.Error!.ToProblem();
        var member = granted.Value!;
        if (account)
        {
            var set = await signIn.SetPasswordAsync(
                member.PersonId,
                body.Username?.Trim() ?? "",
                body.Password ?? "",
                ct
            );
            if (!set.IsOk)
                return set.Error!.ToProblem();
            member = member with { Username = body.Username!.Trim() };
        }
        return TypedResults.Ok(member);
    }
}
