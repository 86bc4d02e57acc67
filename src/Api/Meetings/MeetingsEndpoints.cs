using Governance.Api.Auth;
using Governance.Api.Infrastructure;
using Governance.Core.Errors;
using Governance.Core.Meetings;

namespace Governance.Api.Meetings;

public sealed record ScheduleMeetingRequest(string? Title, DateTimeOffset? ScheduledAt, string? Place);

public sealed record AgendaItemRequest(string? Title, string? OrderCode, long? ListItemId);

public sealed record CheckInRequest(string? Code);

public sealed record MeetingClaimRequest(long? UnitId);

public sealed record CloseMeetingRequest(string? Minutes);

public sealed record CheckinCodeView(string Code, int ValidSeconds);

/// <summary>Joint meetings (联席会议): schedule, agenda, check-in, on-the-spot claims, minutes and the ledger.</summary>
public static class MeetingsEndpoints
{
    public static void MapMeetings(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api").WithTags("Meetings").RequireAuthorization();
        g.MapPost(
                "/communities/{id:long}/meetings",
                async (Me me, long id, ScheduleMeetingRequest b, JointMeetings m, CancellationToken ct) =>
                    (await m.ScheduleAsync(me.Caller, id, b.Title, b.ScheduledAt, b.Place, ct)).ToOk()
            )
            .WithName("ScheduleMeeting")
            .WithSummary(
                "Staff schedule a joint meeting; the serving units' admins and the community's staff are invited and "
                    + "told; the last meeting's unfinished items are carried onto its agenda"
            )
            .ProducesErrors(MeetingErrors.Schedule);
        g.MapGet(
                "/communities/{id:long}/meetings",
                async (Me me, long id, JointMeetings m, CancellationToken ct) =>
                    (await m.ListAsync(me.Caller, id, ct)).ToOk()
            )
            .WithName("ListMeetings")
            .WithSummary("Staff: the community's meetings, newest first")
            .ProducesErrors(MeetingErrors.Ledger);
        g.MapGet(
                "/meetings/{id:long}",
                async (Me me, long id, JointMeetings m, CancellationToken ct) =>
                    (await m.GetAsync(me.Caller, id, ct)).ToOk()
            )
            .WithName("GetMeeting")
            .WithSummary("A meeting with its agenda (each item open, claimed or done) and attendance")
            .ProducesErrors(MeetingErrors.Read);
        g.MapGet(
                "/meetings/{id:long}/proposal",
                async (Me me, long id, JointMeetings m, CancellationToken ct) =>
                    (await m.ProposeAsync(me.Caller, id, ct)).ToOk()
            )
            .WithName("ProposeAgenda")
            .WithSummary("Staff: agenda candidates — overdue or escalated orders and unclaimed needs and projects")
            .ProducesErrors(MeetingErrors.Agenda);
        g.MapPost(
                "/meetings/{id:long}/items",
                async (Me me, long id, AgendaItemRequest b, JointMeetings m, CancellationToken ct) =>
                    (await m.AddItemAsync(me.Caller, id, b.Title, b.OrderCode, b.ListItemId, ct)).ToOk()
            )
            .WithName("AddAgendaItem")
            .WithSummary("Staff put an order, an unclaimed list item or a point raised on the agenda")
            .ProducesErrors(MeetingErrors.Agenda);
        g.MapGet(
                "/meetings/{id:long}/checkin-code",
                async (Me me, long id, JointMeetings m, CancellationToken ct) =>
                {
                    var code = await m.CodeAsync(me.Caller, id, ct);
                    Result<CheckinCodeView> view = code.IsOk ? new CheckinCodeView(code.Value!, 60) : code.Error!;
                    return view.ToOk();
                }
            )
            .WithName("MeetingCheckinCode")
            .WithSummary("Staff: this minute's check-in code, to show on the screen as a QR code")
            .ProducesErrors(MeetingErrors.Agenda);
        g.MapPost(
                "/meetings/{id:long}/checkin",
                async (Me me, long id, CheckInRequest b, JointMeetings m, CancellationToken ct) =>
                    (await m.CheckInAsync(me.Caller, id, b.Code, ct)).ToOk()
            )
            .WithName("CheckInToMeeting")
            .WithSummary("An invitee checks in with the code the mini-program scanned")
            .ProducesErrors(MeetingErrors.CheckIn);
        g.MapPost(
                "/meetings/{id:long}/items/{itemId:long}/claim",
                async (Me me, long id, long itemId, MeetingClaimRequest b, JointMeetings m, CancellationToken ct) =>
                    (await m.ClaimAsync(me.Caller, id, itemId, b.UnitId, ct)).ToOk()
            )
            .WithName("ClaimAgendaItem")
            .WithSummary("Claimed on the spot by someone checked in: it becomes a tracked list claim — 现场认领")
            .ProducesErrors(MeetingErrors.ClaimOnTheSpot);
        g.MapPost(
                "/meetings/{id:long}/close",
                async (Me me, long id, CloseMeetingRequest b, JointMeetings m, CancellationToken ct) =>
                    (await m.CloseAsync(me.Caller, id, b.Minutes, ct)).ToOk()
            )
            .WithName("CloseMeeting")
            .WithSummary("Staff close the meeting with its minutes")
            .ProducesErrors(MeetingErrors.Close);
        g.MapGet(
                "/communities/{id:long}/ledger",
                async (Me me, long id, JointMeetings m, CancellationToken ct) =>
                    (await m.LedgerAsync(me.Caller, id, ct)).ToOk()
            )
            .WithName("MeetingLedger")
            .WithSummary("Staff: the community's ledger — per unit, the meeting items it took and finished (台账)")
            .ProducesErrors(MeetingErrors.Ledger);
    }
}
