using System.Text.Json;
using Governance.Api.Auth;
using Governance.Api.Infrastructure;
using Governance.Core.Categories;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Governance.Api.Categories;

public static class CategoriesEndpoints
{
    public sealed record CategoryView(
        long Id,
        string Code,
        string Name,
        long? ParentId,
        string DefaultUrgency,
        int AcknowledgeWithinHours,
        int ResolveWithin,
        string ResolveUnit,
        int UrgentResolveWithinHours,
        bool MemberClaimable,
        IReadOnlyList<string> Skills,
        JsonElement? Questions,
        IReadOnlyList<string> Hazards
    );

    public static void MapCategories(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/categories", ListAsync)
            .WithName("ListCategories")
            .WithTags("Categories")
            .AllowAnonymous()
            .WithSummary(
                "Active categories with their SLAs and questions, for the report form (public, shown before sign-in)"
            );
        app.MapPatch(
                "/api/categories/{id:long}",
                async (Me me, long id, CategoryChange body, CategoryAdmin admin, CancellationToken ct) =>
                    (await admin.ChangeAsync(me.Caller, id, body, ct)).ToOk()
            )
            .RequireAuthorization()
            .RequireRateLimiting(RateLimits.Writes)
            .WithName("ChangeCategory")
            .WithTags("Categories")
            .WithSummary(
                "County admin: a category's time limits, default urgency, claim window, whether members may claim it "
                    + "(units only when false), skills, extra questions ({key, text}), the hazards whose emergencies "
                    + "are filed under it (taken from any other category), active; orders reported from then on "
                    + "follow the new limits"
            )
            .ProducesErrors(CategoryAdminErrors.Change);
    }

    private static async Task<Ok<List<CategoryView>>> ListAsync(CategoryStore store, CancellationToken ct)
    {
        var list = await store.ListActiveAsync(ct);
        return TypedResults.Ok(
            list.Select(c => new CategoryView(
                    c.Id,
                    c.Code,
                    c.Name,
                    c.ParentId,
                    c.DefaultUrgency,
                    c.AckHours,
                    c.ResolveValue,
                    c.ResolveUnit,
                    c.UrgentResolveHours,
                    c.MemberClaimable,
                    c.SkillList,
                    c.Questions is null ? null : JsonDocument.Parse(c.Questions).RootElement.Clone(),
                    c.HazardList
                ))
                .ToList()
        );
    }
}
