using Governance.Api.Auth;
using Governance.Api.Infrastructure;
using Governance.Core.Notifications;

namespace Governance.Api.Deliveries;

/// <summary>Notices that could not be delivered, for the staff of the place they are about.</summary>
public static class DeliveriesEndpoints
{
    public static void MapDeliveries(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/deliveries").WithTags("Deliveries").RequireAuthorization();
        g.MapGet(
                "/",
                async (Me me, DeliveryProblems d, string? status, int? page, int? pageSize, CancellationToken ct) =>
                    (await d.ListAsync(me.Caller, status, page, pageSize, ct)).ToOk()
            )
            .WithName("ListUndeliveredNotices")
            .WithSummary(
                "Staff: notices about my area that failed (status=failed, still retrying) or gave up (status=dead, "
                    + "the default), newest first"
            )
            .ProducesErrors(NotificationErrors.List);
        g.MapPost("/{id:long}/retry", async (Me me, long id, DeliveryProblems d, CancellationToken ct) =>
                (await d.RetryAsync(me.Caller, id, ct)).ToOk()
            )
            .WithName("RetryDeadNotice")
            .WithSummary("Staff: send a dead notice again with a fresh set of attempts")
            .ProducesErrors(NotificationErrors.Retry);
    }
}
