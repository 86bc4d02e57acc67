using Governance.Api.Auth;
using Governance.Api.Infrastructure;
using Governance.Core.Reports;

namespace Governance.Api.Reports;

public sealed record FileUnitReportRequest(
    long CommunityId,
    string? Month,
    string? Content,
    int? People,
    decimal? Hours,
    string? Resources
);

public sealed record ReviewUnitReportRequest(bool Accept, string? Note);

/// <summary>Unit monthly reports on joint work (同江).</summary>
public static class UnitReportsEndpoints
{
    public static void MapUnitReports(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api").WithTags("Unit reports").RequireAuthorization();
        g.MapPost(
                "/units/{id:long}/reports",
                async (Me me, long id, FileUnitReportRequest b, UnitReports r, CancellationToken ct) =>
                    (
                        await r.FileAsync(
                            me.Caller,
                            id,
                            b.CommunityId,
                            b.Month,
                            b.Content,
                            b.People,
                            b.Hours,
                            b.Resources,
                            ct
                        )
                    ).ToOk()
            )
            .WithName("FileUnitReport")
            .WithSummary(
                "A unit admin files the unit's monthly report for a community it serves (due the 5th of the next "
                    + "month; later is marked late; a returned report may be filed again)"
            )
            .ProducesErrors(UnitReportErrors.File);
        g.MapGet(
                "/communities/{id:long}/unit-reports",
                async (Me me, long id, string? month, UnitReports r, CancellationToken ct) =>
                    (await r.ListAsync(me.Caller, id, month, ct)).ToOk()
            )
            .WithName("ListUnitReports")
            .WithSummary("Staff: every serving unit's report for a month (month=YYYY-MM), or 'missing'")
            .ProducesErrors(UnitReportErrors.List);
        g.MapPost(
                "/unit-reports/{id:long}/review",
                async (Me me, long id, ReviewUnitReportRequest b, UnitReports r, CancellationToken ct) =>
                    (await r.ReviewAsync(me.Caller, id, b.Accept, b.Note, ct)).ToOk()
            )
            .WithName("ReviewUnitReport")
            .WithSummary("Staff accept a unit report or return it with a reason")
            .ProducesErrors(UnitReportErrors.Review);
    }
}
