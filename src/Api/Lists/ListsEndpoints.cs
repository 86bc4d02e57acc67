using Governance.Api.Auth;
using Governance.Api.Infrastructure;
using Governance.Core.Lists;

namespace Governance.Api.Lists;

public sealed record NewListItemRequest(
    string? Kind,
    string? Title,
    string? Description,
    long? CategoryId,
    string? Source,
    long? UnitId,
    int? Capacity,
    DateOnly? Deadline
);

public sealed record ClaimItemRequest(long? UnitId);

public sealed record ClaimNoteRequest(string? Note);

public sealed record ClaimDecisionRequest(bool Accept, string? Reason);

public sealed record BookingRequest(DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, string? Purpose);

public sealed record BookingDecisionRequest(bool Confirm);

/// <summary>双向认领: a community's need, resource and project lists, claims, and resource bookings.</summary>
public static class ListsEndpoints
{
    public static void MapLists(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api").WithTags("Lists").RequireAuthorization();
        g.MapGet(
                "/communities/{id:long}/lists",
                async (Me me, long id, string? kind, CommunityLists lists, CancellationToken ct) =>
                    (await lists.BrowseAsync(me.Caller, id, kind, ct)).ToOk()
            )
            .WithName("BrowseCommunityLists")
            .WithSummary(
                "The community's needs, resources and projects (kind=need|resource|project), for its staff, "
                    + "registered members and serving units"
            )
            .ProducesErrors(ListErrors.Browse);
        g.MapPost(
                "/communities/{id:long}/lists",
                async (Me me, long id, NewListItemRequest b, CommunityLists lists, CancellationToken ct) =>
                    (
                        await lists.AddAsync(
                            me.Caller,
                            id,
                            new NewListItem(
                                b.Kind,
                                b.Title,
                                b.Description,
                                b.CategoryId,
                                b.Source,
                                b.UnitId,
                                b.Capacity,
                                b.Deadline
                            ),
                            ct
                        )
                    ).ToOk()
            )
            .WithName("AddListItem")
            .WithSummary("Staff list a need or a project; a unit admin lists a resource the unit opens (unitId)")
            .ProducesErrors(ListErrors.Create);
        g.MapPost(
                "/lists/{id:long}/claim",
                async (Me me, long id, ClaimItemRequest b, CommunityLists lists, CancellationToken ct) =>
                    (await lists.ClaimAsync(me.Caller, id, b.UnitId, ct)).ToOk()
            )
            .WithName("ClaimListItem")
            .WithSummary("A unit (unitId, by its admin) or a registered member claims a need or a project — 认领")
            .ProducesErrors(ListErrors.Claim);
        g.MapPost(
                "/claims/{id:long}/progress",
                async (Me me, long id, ClaimNoteRequest b, CommunityLists lists, CancellationToken ct) =>
                    (await lists.ProgressAsync(me.Caller, id, b.Note, ct)).ToOk()
            )
            .WithName("ReportClaimProgress")
            .WithSummary("The claim's owner reports progress")
            .ProducesErrors(ListErrors.Progress);
        g.MapPost(
                "/claims/{id:long}/submit",
                async (Me me, long id, ClaimNoteRequest b, CommunityLists lists, CancellationToken ct) =>
                    (await lists.SubmitAsync(me.Caller, id, b.Note, ct)).ToOk()
            )
            .WithName("SubmitClaim")
            .WithSummary("The claim's owner hands in the result with its evidence, for the community to confirm")
            .ProducesErrors(ListErrors.Progress);
        g.MapPost(
                "/claims/{id:long}/decision",
                async (Me me, long id, ClaimDecisionRequest b, CommunityLists lists, CancellationToken ct) =>
                    (await lists.DecideAsync(me.Caller, id, b.Accept, b.Reason, ct)).ToOk()
            )
            .WithName("DecideClaim")
            .WithSummary("Community staff confirm a submitted claim (销号) or send it back with a reason")
            .ProducesErrors(ListErrors.Decide);
        g.MapPost(
                "/lists/{id:long}/bookings",
                async (Me me, long id, BookingRequest b, CommunityLists lists, CancellationToken ct) =>
                    (await lists.BookAsync(me.Caller, id, b.StartsAt, b.EndsAt, b.Purpose, ct)).ToOk()
            )
            .WithName("BookResource")
            .WithSummary(
                "Community staff book a unit's resource for whole hours; one booking per hour, enforced by the database"
            )
            .ProducesErrors(ListErrors.Book);
        g.MapPost(
                "/bookings/{id:long}/decision",
                async (Me me, long id, BookingDecisionRequest b, CommunityLists lists, CancellationToken ct) =>
                    (await lists.DecideBookingAsync(me.Caller, id, b.Confirm, ct)).ToOk()
            )
            .WithName("DecideBooking")
            .WithSummary("The resource's unit admin confirms or declines a booking (declining frees the hours)")
            .ProducesErrors(ListErrors.DecideBooking);
    }
}
