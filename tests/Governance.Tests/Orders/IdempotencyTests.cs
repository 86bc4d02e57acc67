using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;

namespace Governance.Tests.Orders;

/// <summary>
/// A client retrying a write with the same Idempotency-Key gets the first answer, not a second order.
/// </summary>
[Collection(DbCollection.Name)]
public sealed class IdempotencyTests(TestApp app) : DbTest(app)
{
    private HttpClient Resident(string? key)
    {
        var client = App.ClientFor(1001);
        if (key is not null)
            client.DefaultRequestHeaders.Add("Idempotency-Key", key);
        return client;
    }

    private static Task<int> OrdersAsync() => TestDatabase.ScalarAsync<int>("SELECT COUNT(*) FROM service_order");

    [Fact]
    public async Task ARetriedReportGetsTheFirstAnswerAndMakesNoSecondOrder()
    {
        var report = new
        {
            categoryId = 2,
            description = "3栋楼道灯坏了",
            buildingId = 111103,
        };
        var first = await Resident("r-1").PostAsJsonAsync("/api/orders", report);
        var firstBody = await first.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var retry = await Resident("r-1").PostAsJsonAsync("/api/orders", report);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal(firstBody, await retry.Content.ReadAsStringAsync());
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(1, await OrdersAsync());

        // The same key for something else is refused; another key is another request.
        await (
            await Resident("r-1").PostAsJsonAsync("/api/orders", report with { description = "8栋门口垃圾没人清" })
        ).ProblemAsync(409, "request.idempotency_key_reused");
        await (await Resident("bad key!").PostAsJsonAsync("/api/orders", report)).ProblemAsync(
            400,
            "request.bad_idempotency_key"
        );
        // Keys are each person's own: someone else's "r-1" is theirs.
        var neighbour = App.ClientFor(1002);
        neighbour.DefaultRequestHeaders.Add("Idempotency-Key", "r-1");
        var theirs = await neighbour.PostAsJsonAsync(
            "/api/orders",
            new
            {
                categoryId = 4,
                description = "8栋晚上广场舞太吵",
                buildingId = 111208,
            }
        );
        Assert.Equal(HttpStatusCode.Created, theirs.StatusCode);
        Assert.Equal(2, await OrdersAsync());
    }

    [Fact]
    public async Task ARetriedUploadWithANewBoundaryIsStillTheSameRequest()
    {
        MultipartFormDataContent Form()
        {
            var form = new MultipartFormDataContent(); // a new boundary each time, as a retrying client makes
            form.Add(new StringContent("2"), "categoryId");
            form.Add(new StringContent("3栋楼道灯坏了"), "description");
            form.Add(new StringContent("111103"), "buildingId");
            var photo = new ByteArrayContent(Convert.FromBase64String(TinyPng));
            photo.Headers.ContentType = new("image/png");
            form.Add(photo, "photos", "a.png");
            return form;
        }
        var first = await Resident("upload-1").PostAsync("/api/orders", Form());
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var retry = await Resident("upload-1").PostAsync("/api/orders", Form());
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await retry.Content.ReadAsStringAsync());
        Assert.Equal(1, await OrdersAsync());
        Assert.Equal(1, await TestDatabase.ScalarAsync<int>("SELECT COUNT(*) FROM order_photo"));
    }

    [Fact]
    public async Task ARetryWhileTheFirstIsStillRunningWaitsAndOneWhoseFirstDiedTakesOver()
    {
        const string body = """{"categoryId":2,"description":"3栋楼道灯坏了","buildingId":111103}""";
        var hash = Convert.ToHexStringLower(
            SHA256.HashData(Encoding.UTF8.GetBytes("POST /api/orders\n").Concat(Encoding.UTF8.GetBytes(body)).ToArray())
        );
        var now = App.Clock.GetUtcNow().UtcDateTime;
        await TestDatabase.ExecuteAsync(
            """
            INSERT INTO idempotency_key (person_id, idem_key, request_hash, status, created_at) VALUES
              (1001, 'running', @hash, 'processing', @now), (1001, 'died', @hash, 'processing', @long_ago)
            """,
            new
            {
                hash,
                now,
                long_ago = now.AddMinutes(-5),
            }
        );
        StringContent Json() => new(body, Encoding.UTF8, "application/json");
        var waiting = await Resident("running").PostAsync("/api/orders", Json());
        await waiting.ProblemAsync(409, "request.in_progress");
        Assert.Equal("1", waiting.Headers.GetValues("Retry-After").Single());
        Assert.Equal(0, await OrdersAsync());
        Assert.Equal(HttpStatusCode.Created, (await Resident("died").PostAsync("/api/orders", Json())).StatusCode);
        Assert.Equal(1, await OrdersAsync());
    }

    [Fact]
    public async Task TheOpenApiDocumentOffersTheKeyOnEverySignedInWrite()
    {
        var doc = await App.CreateClient().GetAsync("/openapi/v1.json").OkAsync();
        var post = doc.GetProperty("paths").GetProperty("/api/orders").GetProperty("post");
        Assert.Contains(
            post.GetProperty("parameters").EnumerateArray(),
            p => p.GetProperty("name").GetString() == "Idempotency-Key" && p.GetProperty("in").GetString() == "header"
        );
        Assert.Contains("request.idempotency_key_reused", post.GetProperty("x-error-codes").GetRawText());
        var get = doc.GetProperty("paths").GetProperty("/api/orders").GetProperty("get");
        Assert.DoesNotContain("Idempotency-Key", get.GetRawText());
    }

    private const string TinyPng =
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg==";
}
