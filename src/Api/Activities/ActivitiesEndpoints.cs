using Governance.Api.Auth;
using Governance.Api.Infrastructure;
using Governance.Core.Activities;
using Governance.Core.Errors;
using Governance.Core.Posts;
using Governance.Core.Service;

namespace Governance.Api.Activities;

public sealed record NewActivityRequest(
    string? Title,
    string? Description,
    string? Place,
    decimal? Latitude,
    decimal? Longitude,
    DateTimeOffset? StartsAt,
    DateTimeOffset? EndsAt,
    long? UnitId,
    IReadOnlyList<NewPost>? Posts
);

public sealed record SignUpRequest(long? PostId);

public sealed record CheckRequest(string? Code, double? Latitude, double? Longitude);

public sealed record CloseActivityRequest(IReadOnlyList<HoursApproval>? Approvals);

public sealed record TeamRequest(string? Name);

public sealed record VolunteerRequest(long? CommunityId, long? TeamId, string? Skills);

public sealed record EnrolRequest(string? Participant, int? Age);

public sealed record AttendanceRequest(IReadOnlyList<long>? Present);

public sealed record NewPostRequest(long? AreaId, string? Title, string? Duties, int? TermMonths);

public sealed record DutyRequest(string? Note, int? Minutes, DateOnly? DoneOn);

public sealed record CodeView(string Code);

/// <summary>
/// Activities, volunteers, recurring services, long-term posts and the service record (hours, stars, 亮身份).
/// </summary>
public static class ActivitiesEndpoints
{
    public static void MapActivities(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api").WithTags("Activities").RequireAuthorization();
        g.MapPost(
                "/communities/{id:long}/activities",
                async (Me me, long id, NewActivityRequest b, Core.Activities.Activities a, CancellationToken ct) =>
                    (
                        await a.CreateAsync(
                            me.Caller,
                            id,
                            new NewActivity(
                                b.Title,
                                b.Description,
                                b.Place,
                                b.Latitude,
                                b.Longitude,
                                b.StartsAt,
                                b.EndsAt,
                                b.UnitId,
                                b.Posts
                            ),
                            ct
                        )
                    ).ToOk()
            )
            .WithName("CreateActivity")
            .WithSummary(
                "Staff (or a serving unit's admin, unitId) organise an activity with posts (岗位: name, skills, slots); "
                    + "latitude/longitude make check-in require being within 500 m"
            )
            .ProducesErrors(ActivityErrors.Create);
        g.MapGet(
                "/communities/{id:long}/activities",
                async (long id, Core.Activities.Activities a, CancellationToken ct) =>
                    (await a.BrowseAsync(id, ct)).ToOk()
            )
            .WithName("CommunityActivities")
            .WithSummary("A community's activities from 30 days ago on")
            .ProducesErrors([ActivityErrors.CommunityNotFound]);
        g.MapGet(
                "/activities/{id:long}",
                async (Me me, long id, Core.Activities.Activities a, CancellationToken ct) =>
                    (await a.DetailAsync(me.Caller, id, ct)).ToOk()
            )
            .WithName("Activity")
            .WithSummary("An activity, its posts and who serves (public cards; check-ins and hours for the organiser)")
            .ProducesErrors([ActivityErrors.NotFound]);
        g.MapPost(
                "/activities/{id:long}/signup",
                async (Me me, long id, SignUpRequest b, Core.Activities.Activities a, CancellationToken ct) =>
                    (await a.SignUpAsync(me.Caller, id, b.PostId, ct)).ToOk()
            )
            .WithName("SignUpForActivity")
            .WithSummary("A member or registered volunteer takes a place on a post (报名)")
            .ProducesErrors(ActivityErrors.SignUp);
        g.MapPost(
                "/activities/{id:long}/cancel",
                async (Me me, long id, Core.Activities.Activities a, CancellationToken ct) =>
                    (await a.CancelAsync(me.Caller, id, ct)).ToOk()
            )
            .WithName("CancelActivitySignUp")
            .WithSummary("Gives one's place back before the start")
            .ProducesErrors([ActivityErrors.NotFound, ActivityErrors.NotOpen, ActivityErrors.NotSigned]);
        g.MapGet(
                "/activities/{id:long}/checkin-code",
                async (Me me, long id, Core.Activities.Activities a, CancellationToken ct) =>
                {
                    var r = await a.CodeAsync(me.Caller, id, ct);
                    Result<CodeView> view = r.IsOk ? new CodeView(r.Value!) : r.Error!;
                    return view.ToOk();
                }
            )
            .WithName("ActivityCheckinCode")
            .WithSummary("Organiser: the six-digit code for the screen's QR code, changing every minute")
            .ProducesErrors([ActivityErrors.NotFound, ActivityErrors.OrganiserOnly]);
        g.MapPost(
                "/activities/{id:long}/checkin",
                async (Me me, long id, CheckRequest b, Core.Activities.Activities a, CancellationToken ct) =>
                    (await a.CheckAsync(me.Caller, id, b.Code, b.Latitude, b.Longitude, false, ct)).ToOk()
            )
            .WithName("CheckInToActivity")
            .WithSummary(
                "Check in on site with the code (and location when the venue has one); a second scan is a no-op"
            )
            .ProducesErrors(ActivityErrors.Check);
        g.MapPost(
                "/activities/{id:long}/checkout",
                async (Me me, long id, CheckRequest b, Core.Activities.Activities a, CancellationToken ct) =>
                    (await a.CheckAsync(me.Caller, id, b.Code, b.Latitude, b.Longitude, true, ct)).ToOk()
            )
            .WithName("CheckOutOfActivity")
            .WithSummary("Check out with the code: the hours between check-in and check-out are proposed")
            .ProducesErrors(ActivityErrors.Check);
        g.MapPost(
                "/activities/{id:long}/close",
                async (Me me, long id, CloseActivityRequest b, Core.Activities.Activities a, CancellationToken ct) =>
                    (await a.CloseAsync(me.Caller, id, b.Approvals, ct)).ToOk()
            )
            .WithName("CloseActivity")
            .WithSummary(
                "Organiser, after the end: approve hours (minutes per person, or the proposal) — each a line of the "
                    + "person's service record; those never checked in are no-shows"
            )
            .ProducesErrors(ActivityErrors.Close);
        g.MapGet(
                "/communities/{id:long}/service-stats",
                async (
                    Me me,
                    long id,
                    DateOnly from,
                    DateOnly to,
                    Core.Activities.Activities a,
                    CancellationToken ct
                ) => (await a.StatsAsync(me.Caller, id, from, to, ct)).ToOk()
            )
            .WithName("ServiceStats")
            .WithSummary("Staff: person-times and hours by activity, volunteer team, unit and source between two days")
            .ProducesErrors([ActivityErrors.CommunityNotFound, ActivityErrors.OrganiserOnly]);
        g.MapGet(
                "/people/{id:long}/card",
                async (long id, ServiceRecords records, CancellationToken ct) =>
                {
                    Result<PublicCard> card = (await records.CardsAsync([id], ct)).TryGetValue(id, out var found)
                        ? found
                        : ServiceErrors.PersonNotFound;
                    return card.ToOk();
                }
            )
            .WithName("PublicCard")
            .WithSummary("亮身份: a person's public card — name, Party-member badge, team, hours and stars")
            .ProducesErrors([ServiceErrors.PersonNotFound]);

        g.MapPost(
                "/communities/{id:long}/volunteer-teams",
                async (Me me, long id, TeamRequest b, Volunteers v, CancellationToken ct) =>
                    (await v.CreateTeamAsync(me.Caller, id, b.Name, ct)).ToOk()
            )
            .WithName("CreateVolunteerTeam")
            .WithSummary("Staff set up a volunteer team (志愿服务队)")
            .ProducesErrors(VolunteerErrors.Team);
        g.MapGet(
                "/communities/{id:long}/volunteer-teams",
                async (long id, Volunteers v, CancellationToken ct) => (await v.TeamsAsync(id, ct)).ToOk()
            )
            .WithName("VolunteerTeams")
            .WithSummary("A community's volunteer teams with their sizes")
            .ProducesErrors([VolunteerErrors.CommunityNotFound]);
        g.MapPost(
                "/volunteers",
                async (Me me, VolunteerRequest b, Volunteers v, CancellationToken ct) =>
                    (await v.RegisterAsync(me.Caller, b.CommunityId, b.TeamId, b.Skills, ct)).ToOk()
            )
            .WithName("RegisterVolunteer")
            .WithSummary(
                "Anyone registers as a volunteer of a community (and a team): they can then sign up and claim "
                    + "posts"
            )
            .ProducesErrors(VolunteerErrors.Register);

        g.MapPost(
                "/communities/{id:long}/series",
                async (Me me, long id, NewSeries b, Series s, CancellationToken ct) =>
                    (await s.CreateAsync(me.Caller, id, b, ct)).ToOk()
            )
            .WithName("CreateSeries")
            .WithSummary(
                "Staff set up a recurring service (四点半课堂: weekdays 1,2,3,4,5, 16:30–18:00) with a capacity; its "
                    + "sessions "
                    + "are activities with a volunteer post (the rota)"
            )
            .ProducesErrors(SeriesErrors.Create);
        g.MapGet(
                "/series/{id:long}",
                async (Me me, long id, Series s, CancellationToken ct) =>
                    (await s.DetailAsync(me.Caller, id, ct)).ToOk()
            )
            .WithName("Series")
            .WithSummary(
                "A series, its sessions with their rota and attendance, and enrolments (a guardian sees their "
                    + "own)"
            )
            .ProducesErrors([SeriesErrors.NotFound]);
        g.MapPost(
                "/series/{id:long}/enrol",
                async (Me me, long id, EnrolRequest b, Series s, CancellationToken ct) =>
                    (await s.EnrolAsync(me.Caller, id, b.Participant, b.Age, ct)).ToOk()
            )
            .WithName("EnrolInSeries")
            .WithSummary("A resident enrols a child (as guardian): enrolled while there is room, waitlisted after")
            .ProducesErrors(SeriesErrors.Enrol);
        g.MapPost(
                "/enrolments/{id:long}/withdraw",
                async (Me me, long id, Series s, CancellationToken ct) =>
                    (await s.WithdrawAsync(me.Caller, id, ct)).ToOk()
            )
            .WithName("WithdrawEnrolment")
            .WithSummary("The guardian or staff withdraw; the first on the waiting list moves up and is told")
            .ProducesErrors(SeriesErrors.Withdraw);
        g.MapPost(
                "/activities/{id:long}/attendance",
                async (Me me, long id, AttendanceRequest b, Series s, CancellationToken ct) =>
                    (await s.AttendanceAsync(me.Caller, id, b.Present, ct)).ToOk()
            )
            .WithName("SessionAttendance")
            .WithSummary("Staff record which enrolled came to a session of a series (present: enrolment ids)")
            .ProducesErrors(SeriesErrors.Attendance);

        g.MapPost(
                "/communities/{id:long}/posts",
                async (Me me, long id, NewPostRequest b, ServicePosts p, CancellationToken ct) =>
                    (await p.CreateAsync(me.Caller, id, b.AreaId, b.Title, b.Duties, b.TermMonths, ct)).ToOk()
            )
            .WithName("CreateServicePost")
            .WithSummary("Staff set up a long-term post (楼栋长, 文明劝导员 …) over a building, compound or the community")
            .ProducesErrors(PostErrors.Create);
        g.MapGet(
                "/communities/{id:long}/posts",
                async (long id, bool? vacant, ServicePosts p, CancellationToken ct) =>
                    (await p.BrowseAsync(id, vacant ?? false, ct)).ToOk()
            )
            .WithName("ServicePosts")
            .WithSummary("A community's posts (vacant=true for those free), with holders' public cards")
            .ProducesErrors([PostErrors.CommunityNotFound]);
        g.MapPost(
                "/posts/{id:long}/claim",
                async (Me me, long id, ServicePosts p, CancellationToken ct) =>
                    (await p.ClaimAsync(me.Caller, id, ct)).ToOk()
            )
            .WithName("ClaimServicePost")
            .WithSummary("A member or volunteer claims a post for its term; one holder at a time")
            .ProducesErrors(PostErrors.Claim);
        g.MapGet(
                "/posts/mine",
                async (Me me, ServicePosts p, CancellationToken ct) => Results.Ok(await p.MineAsync(me.Caller, ct))
            )
            .WithName("MyServicePosts")
            .WithSummary("The caller's posts, with duties logged and their time");
        g.MapPost(
                "/holdings/{id:long}/renew",
                async (Me me, long id, ServicePosts p, CancellationToken ct) =>
                    (await p.RenewAsync(me.Caller, id, ct)).ToOk()
            )
            .WithName("RenewServicePost")
            .WithSummary("The holder renews for another term, in the term's last 30 days")
            .ProducesErrors(PostErrors.Holding);
        g.MapPost(
                "/holdings/{id:long}/release",
                async (Me me, long id, ServicePosts p, CancellationToken ct) =>
                    (await p.ReleaseAsync(me.Caller, id, ct)).ToOk()
            )
            .WithName("ReleaseServicePost")
            .WithSummary("The holder (or staff) releases the post")
            .ProducesErrors([PostErrors.HoldingNotFound]);
        g.MapPost(
                "/holdings/{id:long}/duties",
                async (Me me, long id, DutyRequest b, ServicePosts p, CancellationToken ct) =>
                    (await p.LogDutyAsync(me.Caller, id, b.Note, b.Minutes, b.DoneOn, ct)).ToOk()
            )
            .WithName("LogPostDuty")
            .WithSummary("The holder logs a duty done and its time: a line of their service record")
            .ProducesErrors(PostErrors.Duty);
    }
}
