using Governance.Api.Auth;
using Governance.Api.Infrastructure;
using Governance.Core.Calendar;

namespace Governance.Api.Calendar;

public static class CalendarEndpoints
{
    public sealed record ImportRequest(string? Csv);

    public static void MapCalendar(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/calendar").WithTags("Working-day calendar").RequireAuthorization();
        g.MapGet("/{year:int}", async (int year, CalendarAdmin calendar, CancellationToken ct) =>
                (await calendar.YearAsync(year, ct)).ToOk()
            )
            .ProducesErrors(CalendarErrors.Read)
            .WithName("CalendarYear")
            .WithSummary("A year's exceptions to Monday–Friday: holidays (holiday) and make-up working days (workday)");
        g.MapPut(
                "/{year:int}",
                async (Me me, int year, ImportRequest body, CalendarAdmin calendar, CancellationToken ct) =>
                    (await calendar.ImportAsync(me.Caller, year, body.Csv, ct)).ToOk()
            )
            .RequireRateLimiting(RateLimits.Writes)
            .WithName("ImportCalendarYear")
            .WithSummary(
                "Street or county admin: replace a year's exceptions with the State Council's notice as CSV lines "
                    + "\"yyyy-MM-dd,holiday|workday,name\"; open orders' deadlines are counted again and say so on "
                    + "their timeline"
            )
            .ProducesErrors(CalendarErrors.Import);
    }
}
