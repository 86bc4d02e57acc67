using Governance.Api.Auth;
using Governance.Api.Infrastructure;
using Governance.Core.StaffConsole;

namespace Governance.Api.StaffConsole;

/// <summary>常用语, saved filters and the shortlist: what the console keeps at hand for a person at a desk.</summary>
public static class DeskEndpoints
{
    public sealed record TemplateRequest(long? AreaId, string? Purpose, long? CategoryId, string? Status, string? Text);

    public sealed record FilterRequest(string? Name, string? Query);

    public static void MapDesk(this IEndpointRouteBuilder app)
    {
        var t = app.MapGroup("/api/reply-templates").WithTags("Staff console").RequireAuthorization();
        t.MapGet(
                "/",
                async (Me me, string? purpose, long? categoryId, string? status, DeskTools d, CancellationToken ct) =>
                    (await d.TemplatesAsync(me.Caller, purpose, categoryId, status, ct)).ToOk()
            )
            .WithName("ReplyTemplates")
            .WithSummary(
                "Staff: 常用语 for a purpose (reject, progress, close, extend), category and state — the most specific "
                    + "first; everyone's and those of the areas above the caller"
            )
            .ProducesErrors(DeskErrors.Templates);
        t.MapPost("/", async (Me me, TemplateRequest b, DeskTools d, CancellationToken ct) =>
                (await d.AddTemplateAsync(me.Caller, b.AreaId, b.Purpose, b.CategoryId, b.Status, b.Text, ct)).ToOk()
            )
            .RequireRateLimiting(RateLimits.Writes)
            .WithName("AddReplyTemplate")
            .WithSummary("Staff: add a 常用语 for an area they are responsible for (and everything below it)")
            .ProducesErrors(DeskErrors.AddTemplate);
        t.MapDelete("/{id:long}", async (Me me, long id, DeskTools d, CancellationToken ct) =>
                (await d.RemoveTemplateAsync(me.Caller, id, ct)).ToOk()
            )
            .WithName("RemoveReplyTemplate")
            .WithSummary("Staff: remove a 常用语 of an area they are responsible for")
            .ProducesErrors(DeskErrors.RemoveTemplate);

        var f = app.MapGroup("/api/me").WithTags("Staff console").RequireAuthorization();
        f.MapGet("/filters", async (Me me, DeskTools d, CancellationToken ct) =>
                TypedResults.Ok(await d.FiltersAsync(me.Caller, ct))
            )
            .WithName("SavedFilters")
            .WithSummary("My saved filters of the order board");
        f.MapPost("/filters", async (Me me, FilterRequest b, DeskTools d, CancellationToken ct) =>
                (await d.SaveFilterAsync(me.Caller, b.Name, b.Query, ct)).ToOk()
            )
            .RequireRateLimiting(RateLimits.Writes)
            .WithName("SaveFilter")
            .WithSummary("Save the order board's query under a name (20 at most)")
            .ProducesErrors(DeskErrors.SaveFilter);
        f.MapDelete("/filters/{id:long}", async (Me me, long id, DeskTools d, CancellationToken ct) =>
                (await d.RemoveFilterAsync(me.Caller, id, ct)).ToOk()
            )
            .WithName("RemoveFilter")
            .WithSummary("Remove one of my saved filters")
            .ProducesErrors(DeskErrors.RemoveFilter);
        f.MapGet("/shortlist", async (Me me, DeskTools d, CancellationToken ct) =>
                TypedResults.Ok(await d.ShortlistAsync(me.Caller, ct))
            )
            .WithName("Shortlist")
            .WithSummary("The codes of the orders on my shortlist (the order list takes shortlist=true)");
        f.MapPut("/shortlist/{code}", async (Me me, string code, DeskTools d, CancellationToken ct) =>
                (await d.MarkAsync(me.Caller, code, true, ct)).ToOk()
            )
            .WithName("AddToShortlist")
            .WithSummary("Put an order I can see on my shortlist")
            .ProducesErrors(DeskErrors.Shortlist);
        f.MapDelete("/shortlist/{code}", async (Me me, string code, DeskTools d, CancellationToken ct) =>
                (await d.MarkAsync(me.Caller, code, false, ct)).ToOk()
            )
            .WithName("RemoveFromShortlist")
            .WithSummary("Take an order off my shortlist")
            .ProducesErrors(DeskErrors.Shortlist);
    }
}
