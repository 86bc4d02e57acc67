namespace Governance.Tests.Areas;

[Collection(DbCollection.Name)]
public sealed class ReferenceDataTests(TestApp app) : DbTest(app)
{
    [Fact]
    public async Task TheAreaTreeCanBeBrowsedFromTheCountyToBuildings()
    {
        var client = App.ClientFor(1001);
        var county = (await client.GetAsync("/api/areas").OkAsync()).EnumerateArray().Single();
        Assert.Equal(("润东县", "county", 2), (
            county.GetProperty("name").GetString(),
            county.GetProperty("kind").GetString(),
            county.GetProperty("childCount").GetInt32()
        ));
        var streets = (await client.GetAsync("/api/areas?parentId=100").OkAsync()).EnumerateArray().ToList();
        Assert.Equal(new[] { "莲花街道", "迎丰街道" }, streets.Select(s => s.GetProperty("name").GetString()));
        Assert.Equal(2, streets[0].GetProperty("childCount").GetInt32());

        var compounds = (await client.GetAsync("/api/areas?parentId=11").OkAsync()).EnumerateArray().ToList();
        Assert.Equal(new[] { "金龙小区", "文化路小区" }, compounds.Select(s => s.GetProperty("name").GetString()));
        Assert.All(compounds, c => Assert.Equal("compound", c.GetProperty("kind").GetString()));

        var building = await client.GetAsync("/api/areas/111103").OkAsync();
        Assert.Equal("3栋", building.GetProperty("area").GetProperty("name").GetString());
        Assert.Equal(
            new[] { "润东县", "莲花街道", "城东社区", "金龙小区", "金龙小区第一网格", "3栋" },
            building.GetProperty("lineage").EnumerateArray().Select(a => a.GetProperty("name").GetString())
        );
        Assert.Equal(0, building.GetProperty("children").GetArrayLength());

        var grid = await client.GetAsync("/api/areas/1111").OkAsync();
        Assert.Equal(6, grid.GetProperty("children").GetArrayLength());

        await (await client.GetAsync("/api/areas/424242")).ProblemAsync(404, "area.not_found");
        await (await client.GetAsync("/api/areas?parentId=424242")).ProblemAsync(404, "area.not_found");
    }

    [Fact]
    public async Task TheDefaultCategoriesAreListedWithTheirSlas()
    {
        var categories = (await App.ClientFor(1001).GetAsync("/api/categories").OkAsync()).EnumerateArray().ToList();
        Assert.Equal(14, categories.Count);
        Assert.Equal("环境卫生", categories[0].GetProperty("name").GetString());
        Assert.Equal("其他", categories[^1].GetProperty("name").GetString());
        var repair = categories.Single(c => c.GetProperty("code").GetString() == "facility");
        Assert.Equal(5, repair.GetProperty("resolveWithin").GetInt32());
        Assert.Equal("working_days", repair.GetProperty("resolveUnit").GetString());
        Assert.Equal("问题出现多久了？", repair.GetProperty("questions")[0].GetProperty("text").GetString());
        // Reference data the report form shows before sign-in is public; orders are not.
        Assert.Equal(14, (await App.CreateClient().GetAsync("/api/categories").OkAsync()).GetArrayLength());
        Assert.Equal(1, (await App.CreateClient().GetAsync("/api/areas").OkAsync()).GetArrayLength());
        await (await App.CreateClient().GetAsync("/api/orders")).ProblemAsync(401, "auth.required");
    }

    [Fact]
    public async Task HealthChecksTheDatabaseAndTheOpenApiDocumentDescribesTheEndpoints()
    {
        var health = await App.CreateClient().GetAsync("/healthz").OkAsync();
        Assert.Equal("ok", health.GetProperty("status").GetString());

        var doc = await App.CreateClient().GetAsync("/openapi/v1.json").OkAsync();
        var paths = doc.GetProperty("paths");
        foreach (
            var path in new[]
            {
                "/api/orders",
                "/api/orders/{code}",
                "/api/orders/{code}/accept",
                "/api/orders/{code}/reject",
                "/api/orders/{code}/publish",
                "/api/orders/{code}/merge",
                "/api/orders/{code}/category",
                "/api/intake/analyze",
                "/api/categories",
                "/api/areas",
                "/api/areas/{id}",
                "/healthz",
                "/api/auth/login",
                "/api/auth/refresh",
                "/api/auth/logout",
                "/api/auth/phone",
                "/api/me",
                "/api/pool",
                "/api/orders/{code}/claim",
                "/api/orders/{code}/start",
                "/api/orders/{code}/progress",
                "/api/orders/{code}/resolve",
                "/api/orders/{code}/release",
                "/api/orders/{code}/assign",
                "/api/orders/{code}/reassign",
                "/api/orders/{code}/assign-member",
                "/api/orders/{code}/extend",
                "/api/orders/{code}/urge",
                "/api/orders/{code}/cancel",
                "/api/orders/{code}/rate",
                "/api/orders/{code}/comments",
                "/api/registrations",
                "/api/registrations/mine",
                "/api/registrations/{id}/decision",
                "/api/registrations/{id}/withdraw",
                "/api/units",
                "/api/units/mine",
                "/api/units/pending",
                "/api/units/{id}/decision",
                "/api/units/{id}/pairings",
                "/api/units/{id}/pairings/{communityId}/decision",
                "/api/units/{id}/members",
                "/api/units/{id}/summary",
                "/api/members/me/summary",
            }
        )
            Assert.True(paths.TryGetProperty(path, out _), $"OpenAPI document lacks {path}");
        var create = paths.GetProperty("/api/orders").GetProperty("post");
        Assert.True(
            create.GetProperty("requestBody").GetProperty("content").TryGetProperty("multipart/form-data", out _)
        );
        // Every status and error code an operation can answer is in the document, generated from the Core catalogs.
        var responses = create.GetProperty("responses");
        Assert.Contains("order.category_required", responses.GetProperty("400").GetProperty("description").GetString());
        Assert.Contains("auth.required", responses.GetProperty("401").GetProperty("description").GetString());
        Assert.Contains("rate_limited", responses.GetProperty("429").GetProperty("description").GetString());
        Assert.Contains("service.unavailable", responses.GetProperty("503").GetProperty("description").GetString());
        Assert.Equal(
            "application/problem+json",
            responses.GetProperty("400").GetProperty("content").EnumerateObject().Single().Name
        );
        var codes = create
            .GetProperty("x-error-codes")
            .EnumerateArray()
            .Select(c => c.GetProperty("code").GetString())
            .ToList();
        Assert.Contains("photo.too_large", codes);
        Assert.Contains("content.rejected", codes);
        var claim = paths.GetProperty("/api/orders/{code}/claim").GetProperty("post");
        Assert.Contains(
            "order.already_claimed",
            claim.GetProperty("responses").GetProperty("409").GetProperty("description").GetString()
        );
        Assert.True(claim.GetProperty("responses").TryGetProperty("200", out var ok));
        Assert.True(ok.GetProperty("content").GetProperty("application/json").TryGetProperty("schema", out _));
        Assert.True(doc.GetProperty("components").GetProperty("schemas").TryGetProperty("OrderDetail", out _));
    }
}
