using System.Net.Http.Json;
using System.Text;
using Governance.Api.Infrastructure;
using Governance.Core.People;

namespace Governance.Tests.Orders;

[Collection(DbCollection.Name)]
public sealed class ResidentActionTests(TestApp app) : DbTest(app)
{
    [Fact]
    public async Task UrgingIsThrottledAndOnlyForOpenOrders()
    {
        var code = await App.ClientFor(1001).ReportCodeAsync();
        var urged = await App.ClientFor(1001).PostAsync($"/api/orders/{code}/urge", null).OkAsync();
        Assert.Equal("urged", urged.GetProperty("timeline").EnumerateArray().Last().GetProperty("kind").GetString());
        await (await App.ClientFor(1001).PostAsync($"/api/orders/{code}/urge", null)).ProblemAsync(
            429,
            "order.urge_throttled"
        );
        await (await App.ClientFor(1002).PostAsync($"/api/orders/{code}/urge", null)).ProblemAsync(
            404,
            "order.not_found"
        );
        await App.ClientFor(1001)
            .PostAsJsonAsync($"/api/orders/{code}/cancel", new { reason = "已自行解决" })
            .OkAsync();
        App.Clock.Advance(TimeSpan.FromHours(13));
        await (await App.ClientFor(1001).PostAsync($"/api/orders/{code}/urge", null)).ProblemAsync(
            409,
            "order.not_open"
        );
    }

    [Fact]
    public async Task CancellingWorksOnlyBeforeAClaimAndOnlyForTheReporter()
    {
        var code = await App.PublishedOrderAsync();
        await (await App.ClientFor(2001).PostAsJsonAsync($"/api/orders/{code}/cancel", new { })).ProblemAsync(
            403,
            "order.reporter_only"
        );
        await App.ClientFor(2001).PostAsync($"/api/orders/{code}/claim", null).OkAsync();
        var refused = await (
            await App.ClientFor(1001).PostAsJsonAsync($"/api/orders/{code}/cancel", new { })
        ).ProblemAsync(409, "order.illegal_transition");
        Assert.Contains("已有人认领", refused.GetProperty("title").GetString());
        var other = await App.ClientFor(1001).ReportCodeAsync();
        var cancelled = await App.ClientFor(1001)
            .PostAsJsonAsync($"/api/orders/{other}/cancel", new { reason = "报错了" })
            .OkAsync();
        Assert.Equal("cancelled", cancelled.GetProperty("status").GetString());
    }

    [Fact]
    public async Task RatingNeedsAResolvedOrderAndAValidRating()
    {
        var code = await App.ClientFor(1001).ReportCodeAsync();
        await (
            await App.ClientFor(1001).PostAsJsonAsync($"/api/orders/{code}/rate", new { rating = "satisfied" })
        ).ProblemAsync(409, "order.not_resolved");
        await (
            await App.ClientFor(1001).PostAsJsonAsync($"/api/orders/{code}/rate", new { rating = "great" })
        ).ProblemAsync(400, "order.invalid_rating");
        await TestDatabase.ExecuteAsync(
            "UPDATE service_order SET status = 'resolved' WHERE code = @code",
            new { code }
        );
        await (
            await App.ClientFor(9101).PostAsJsonAsync($"/api/orders/{code}/rate", new { rating = "satisfied" })
        ).ProblemAsync(403, "order.reporter_only");
        var rated = await App.ClientFor(1001)
            .PostAsJsonAsync($"/api/orders/{code}/rate", new { rating = "basically_satisfied" })
            .OkAsync();
        Assert.Equal(
            ("closed", "basically_satisfied"),
            (rated.GetProperty("status").GetString(), rated.GetProperty("satisfaction").GetString())
        );
    }

    [Fact]
    public async Task AResidentAddsAFollowUpWithAPhotoButNotAForgedOne()
    {
        var code = await App.PublishedOrderAsync();
        await App.ClientFor(2001).PostAsync($"/api/orders/{code}/claim", null).OkAsync();
        var form = new MultipartFormDataContent { { new StringContent("晚上十点以后最暗", Encoding.UTF8), "note" } };
        var photo = new ByteArrayContent(Governance.Wechat.Simulator.WechatSimulator.TinyJpeg);
        photo.Headers.ContentType = new("image/jpeg");
        form.Add(photo, "photos", "night.jpg");
        var updated = await (await App.ClientFor(1001).PostAsync($"/api/orders/{code}/comments", form)).BodyAsync();
        var last = updated.GetProperty("timeline").EnumerateArray().Last();
        Assert.Equal(
            ("comment", "晚上十点以后最暗", 1),
            (
                last.GetProperty("kind").GetString(),
                last.GetProperty("note").GetString(),
                last.GetProperty("photos").GetArrayLength()
            )
        );
        Assert.Contains("order_comment", await MiniProgramHelpers.NoticesAsync(2001, code));

        var forged = new MultipartFormDataContent();
        var fake = new ByteArrayContent("<?php echo 'not a photo'; ?>"u8.ToArray());
        fake.Headers.ContentType = new("image/png");
        forged.Add(fake, "photos", "x.png");
        await (await App.ClientFor(1001).PostAsync($"/api/orders/{code}/comments", forged)).ProblemAsync(
            400,
            "photo.invalid_content"
        );
        await (
            await App.ClientFor(2005).PostAsJsonAsync($"/api/orders/{code}/comments", new { note = "x" })
        ).ProblemAsync(404, "order.not_found");
        await (
            await App.ClientFor(1001).PostAsJsonAsync($"/api/orders/{code}/comments", new { note = " " })
        ).ProblemAsync(400, "order.note_required");
    }

    [Fact]
    public async Task ReportsGoThroughTheContentCheck()
    {
        var (client, _) = await App.SignInAsync();
        await (
            await client.PostAsJsonAsync(
                "/api/orders",
                new
                {
                    categoryId = 14,
                    description = "小区门口有人办证刻章",
                    areaId = 111,
                }
            )
        ).ProblemAsync(400, "content.rejected");
        Assert.Equal(0, await TestDatabase.ScalarAsync<int>("SELECT COUNT(*) FROM service_order"));
        var ok = await client.PostAsJsonAsync(
            "/api/orders",
            new
            {
                categoryId = 1,
                description = "小区门口垃圾没人收",
                areaId = 111,
            }
        );
        Assert.Equal(System.Net.HttpStatusCode.Created, ok.StatusCode);

        // When the check cannot run (no mini-program identity; WeChat unavailable) the report is kept and flagged for
        // staff.
        App.Wechat.Fail("/wxa/msg_sec_check", -1, "system busy");
        var flagged = await (
            await client.PostAsJsonAsync(
                "/api/orders",
                new
                {
                    categoryId = 1,
                    description = "楼下绿化带堆满建筑垃圾",
                    areaId = 111,
                }
            )
        ).BodyAsync();
        var code = flagged.GetProperty("code").GetString();
        Assert.Equal(
            "unchecked",
            await TestDatabase.ScalarAsync<string>(
                "SELECT content_flag FROM service_order WHERE code = @code",
                new { code }
            )
        );
        Assert.Equal(
            "unchecked",
            (await App.ClientFor(9011).GetAsync($"/api/orders/{code}").OkAsync()).GetProperty("contentFlag").GetString()
        );
        Assert.Equal(
            System.Text.Json.JsonValueKind.Null,
            (await client.GetAsync($"/api/orders/{code}").OkAsync()).GetProperty("contentFlag").ValueKind
        );
    }

    [Fact]
    public async Task UnknownAnswersToTheCategorysQuestionsAreRefused()
    {
        await (
            await App.ClientFor(1001)
                .PostAsJsonAsync(
                    "/api/orders",
                    new
                    {
                        categoryId = 2,
                        description = "灯坏了",
                        buildingId = 111103,
                        answers = new { colour = "red" },
                    }
                )
        ).ProblemAsync(400, "order.unknown_answer");
        await (
            await App.ClientFor(1001)
                .PostAsJsonAsync(
                    "/api/orders",
                    new
                    {
                        categoryId = 2,
                        description = "灯坏了",
                        buildingId = 111103,
                        answers = "not an object",
                    }
                )
        ).ProblemAsync(400, "request.invalid_field");
    }

    [Fact]
    public async Task WritesAreRateLimitedPerPerson()
    {
        var limits = App.Service<RateLimitOptions>();
        var (burst, perMinute) = (limits.Burst, limits.PerMinute);
        try
        {
            // The limiter takes a person's limits when it first sees them: a fresh person gets the low ones.
            limits.Burst = 2;
            limits.PerMinute = 2;
            var (client, _) = await App.SignInAsync();
            for (var i = 0; i < 2; i++)
                Assert.Equal(
                    System.Net.HttpStatusCode.Created,
                    (
                        await client.PostAsJsonAsync(
                            "/api/orders",
                            new
                            {
                                categoryId = 1,
                                description = OrderHelpers.NextProblem(),
                                areaId = 111,
                            }
                        )
                    ).StatusCode
                );
            var limited = await client.PostAsJsonAsync(
                "/api/orders",
                new
                {
                    categoryId = 1,
                    description = OrderHelpers.NextProblem(),
                    areaId = 111,
                }
            );
            await limited.ProblemAsync(429, "rate_limited");
            Assert.True(limited.Headers.RetryAfter is not null);
            // Reading is not limited; other people are not affected.
            await client.GetAsync("/api/orders").OkAsync();
            Assert.Equal(
                System.Net.HttpStatusCode.Created,
                (
                    await App.ClientFor(1002)
                        .PostAsJsonAsync(
                            "/api/orders",
                            new
                            {
                                categoryId = 1,
                                description = "别人",
                                buildingId = 111208,
                            }
                        )
                ).StatusCode
            );
        }
        finally
        {
            (limits.Burst, limits.PerMinute) = (burst, perMinute);
        }
    }
}
