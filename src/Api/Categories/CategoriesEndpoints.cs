using System.Text.Json;
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
        JsonElement? Questions
    );

    public static void MapCategories(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/categories", ListAsync)
            .WithName("ListCategories")
            .WithTags("Categories")
            .AllowAnonymous()
            .WithSummary(
                "Active categories with their SLAs and questions, for the report form (public, shown before sign-in)"
            );

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
                    c.Questions is null ? null : JsonDocument.Parse(c.Questions).RootElement.Clone()
                ))
                .ToList()
        );
    }
}
