using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;

namespace Governance.Tests.Orders;

[Collection(DbCollection.Name)]
public sealed class CreateOrderTests(TestApp app) : DbTest(app)
{
    private static readonly byte[] Jpeg =
    [
        0xFF,
        0xD8,
        0xFF,
        0xE0,
        0x00,
        0x10,
        (byte)'J',
        (byte)'F',
        (byte)'I',
        (byte)'F',
        0x00,
        0x01,
        0x02,
        0x03,
        0xFF,
        0xD9,
    ];
    private static readonly byte[] Png =
    [
        0x89,
        0x50,
        0x4E,
        0x47,
        0x0D,
        0x0A,
        0x1A,
        0x0A,
        0x00,
        0x00,
        0x00,
        0x0D,
        (byte)'I',
        (byte)'H',
        (byte)'D',
        (byte)'R',
    ];

    private static MultipartFormDataContent Form(
        string description,
        long? buildingId = 111103,
        long? categoryId = 2,
        params (string Name, byte[] Bytes, string Type)[] photos
    )
    {
        var form = new MultipartFormDataContent();
        if (categoryId is not null)
            form.Add(new StringContent(categoryId.ToString()!), "categoryId");
        form.Add(new StringContent(description, Encoding.UTF8), "description");
        form.Add(new StringContent("3号楼2单元门口", Encoding.UTF8), "locationText");
        if (buildingId is not null)
            form.Add(new StringContent(buildingId.ToString()!), "buildingId");
        foreach (var (name, bytes, type) in photos)
        {
            var file = new ByteArrayContent(bytes);
            file.Headers.ContentType = new MediaTypeHeaderValue(type);
            form.Add(file, "photos", name);
        }
        return form;
    }

    [Fact]
    public async Task AnOrderWithChineseTextAndEmojiRoundTripsExactly()
    {
        const string text = "楼道灯坏了💡，老人晚上摔了一跤👵🏻——请尽快修！👨‍👩‍👧 «测试» \"引号\" 'single' \\ 反斜杠";
        var response = await App.ClientFor(1001).PostAsync("/api/orders", Form(text));
        var created = await response.BodyAsync();
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var code = created.GetProperty("code").GetString()!;
        Assert.Equal($"/api/orders/{code}", response.Headers.Location!.OriginalString);

        var fetched = await App.ClientFor(1001).GetAsync($"/api/orders/{code}").OkAsync();
        Assert.Equal(text, fetched.GetProperty("description").GetString());
        Assert.Equal("3号楼2单元门口", fetched.GetProperty("locationText").GetString());
        Assert.Equal(
            text,
            await TestDatabase.ScalarAsync<string>(
                "SELECT description FROM service_order WHERE code = @code",
                new { code }
            )
        );
    }

    [Fact]
    public async Task ANewOrderIsSubmittedWithDeadlinesAreaAndACreatedEvent()
    {
        App.Clock.SetChina(2026, 11, 20, 10); // Friday
        var order = await App.ClientFor(1001).ReportAsync(categoryId: 2, buildingId: 111103);

        Assert.Equal("submitted", order.GetProperty("status").GetString());
        Assert.Equal("待受理", order.GetProperty("statusName").GetString());
        Assert.Equal("mini_program", order.GetProperty("source").GetString());
        Assert.Equal("莲花街道 城东社区 金龙小区 3栋", order.GetProperty("area").GetProperty("fullName").GetString());
        // 设施维修: acknowledge within 24 working hours, resolve within 5 working days.
        Assert.Equal(
            new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.FromHours(8)),
            order.GetProperty("acknowledgeBy").GetDateTimeOffset()
        );
        Assert.Equal(
            new DateTimeOffset(2026, 11, 27, 23, 59, 59, TimeSpan.FromHours(8)),
            order.GetProperty("resolveBy").GetDateTimeOffset()
        );
        var timeline = order.GetProperty("timeline").EnumerateArray().ToList();
        Assert.Single(timeline);
        Assert.Equal("created", timeline[0].GetProperty("kind").GetString());

        var row = (
            await TestDatabase.QueryAsync<(long ResidentId, long AreaId, string AreaPath, string Status)>(
                "SELECT resident_id, area_id, area_path, status FROM service_order WHERE code = @code",
                new { code = order.GetProperty("code").GetString() }
            )
        ).Single();
        Assert.Equal((1001L, 111103L, "/100/1/11/111/1111/111103/", "submitted"), row);
    }

    [Fact]
    public async Task AnUrgentReportGetsClockHourDeadlines()
    {
        App.Clock.SetChina(2026, 11, 21, 22); // Saturday night
        var order = await App.ClientFor(1001).ReportAsync(urgency: "urgent");
        Assert.Equal("urgent", order.GetProperty("urgency").GetString());
        Assert.Equal(
            new DateTimeOffset(2026, 11, 21, 23, 0, 0, TimeSpan.FromHours(8)),
            order.GetProperty("acknowledgeBy").GetDateTimeOffset()
        );
        Assert.Equal(
            new DateTimeOffset(2026, 11, 22, 22, 0, 0, TimeSpan.FromHours(8)),
            order.GetProperty("resolveBy").GetDateTimeOffset()
        );
    }

    [Fact]
    public async Task WithoutAPlaceTheResidentsHomeBuildingIsUsed()
    {
        var order = await App.ClientFor(1002).ReportAsync(buildingId: null);
        Assert.Equal(111208, order.GetProperty("area").GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task OrderCodesAreUniqueAndSortByDay()
    {
        App.Clock.SetChina(2026, 11, 20, 23, 50);
        var a = await App.ClientFor(1001).ReportCodeAsync();
        var b = await App.ClientFor(1002).ReportCodeAsync();
        App.Clock.SetChina(2026, 11, 21, 0, 5);
        var c = await App.ClientFor(1001).ReportCodeAsync();

        Assert.Equal("GD20261120-0001", a);
        Assert.Equal("GD20261120-0002", b);
        Assert.Equal("GD20261121-0001", c);
        Assert.Equal(new[] { a, b, c }, new[] { c, a, b }.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task PhotosAreStoredOnDiskAndServedOnlyToPeopleWhoMaySeeTheOrder()
    {
        var response = await App.ClientFor(1001)
            .PostAsync(
                "/api/orders",
                Form("垃圾堆在楼下", photos: [("a.jpg", Jpeg, "image/jpeg"), ("b.png", Png, "image/png")])
            );
        var order = await response.BodyAsync();
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var code = order.GetProperty("code").GetString()!;
        var photos = order.GetProperty("photos").EnumerateArray().ToList();
        Assert.Equal(2, photos.Count);
        Assert.Equal("image/jpeg", photos[0].GetProperty("contentType").GetString());
        Assert.Equal("image/png", photos[1].GetProperty("contentType").GetString());
        Assert.Equal(2, order.GetProperty("timeline")[0].GetProperty("photos").GetArrayLength());

        var keys = await TestDatabase.QueryAsync<string>(
            "SELECT storage_key FROM order_photo p JOIN service_order o ON o.id = p.order_id WHERE o.code = @code "
                + "ORDER BY p.id",
            new { code }
        );
        Assert.Equal(2, keys.Count);
        Assert.Equal(Jpeg, await File.ReadAllBytesAsync(Path.Combine(App.DataRoot, keys[0])));

        var url = photos[0].GetProperty("url").GetString()!;
        var own = await App.ClientFor(1001).GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal("image/jpeg", own.Content.Headers.ContentType!.MediaType);
        Assert.Equal(Jpeg, await own.Content.ReadAsByteArrayAsync());
        // grid worker of that grid
        Assert.Equal(HttpStatusCode.OK, (await App.ClientFor(9101).GetAsync(url)).StatusCode);
        await (await App.ClientFor(1002).GetAsync(url)).ProblemAsync(404, "order.not_found"); // another resident
        // grid worker of another grid
        await (await App.ClientFor(9102).GetAsync(url)).ProblemAsync(404, "order.not_found");
    }

    [Fact]
    public async Task APhotoWithAForgedContentTypeIsRefusedAndNothingIsSaved()
    {
        var filesBefore = PhotoFiles();
        var exe = "MZ\u0090\0fake executable pretending to be a jpeg"u8.ToArray();
        var response = await App.ClientFor(1001)
            .PostAsync("/api/orders", Form("看图", photos: [("photo.jpg", exe, "image/jpeg")]));

        var problem = await response.ProblemAsync(400, "photo.invalid_content");
        Assert.True(problem.GetProperty("errors").TryGetProperty("photos", out _));
        Assert.Equal(0, await TestDatabase.ScalarAsync<int>("SELECT COUNT(*) FROM service_order"));
        Assert.Equal(filesBefore, PhotoFiles());
    }

    private int PhotoFiles()
    {
        var dir = Path.Combine(App.DataRoot, "photos");
        return Directory.Exists(dir) ? Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Count() : 0;
    }

    [Fact]
    public async Task MissingCategoryIsAProblem()
    {
        var response = await App.ClientFor(1001).PostAsync("/api/orders", Form("没有类别", categoryId: null));
        var problem = await response.ProblemAsync(400, "order.category_required");
        Assert.Equal("请选择问题类别", problem.GetProperty("title").GetString());
        await (
            await App.ClientFor(1001)
                .PostAsJsonAsync(
                    "/api/orders",
                    new
                    {
                        categoryId = 999,
                        description = "x",
                        buildingId = 111103,
                    }
                )
        ).ProblemAsync(400, "order.category_not_found");
    }

    [Fact]
    public async Task AnOversizeDescriptionIsAProblemButTheLimitItselfIsAccepted()
    {
        await (await App.ClientFor(1001).PostAsync("/api/orders", Form(new string('长', 1001)))).ProblemAsync(
            400,
            "order.description_too_long"
        );
        var atLimit = string.Concat(Enumerable.Repeat("😀", 1000));
        var order = await App.ClientFor(1001).ReportAsync(description: atLimit);
        Assert.Equal(atLimit, order.GetProperty("description").GetString());
        await (await App.ClientFor(1001).PostAsync("/api/orders", Form("  "))).ProblemAsync(
            400,
            "order.description_required"
        );
    }

    [Fact]
    public async Task AnUnknownBuildingIsAProblem()
    {
        await (await App.ClientFor(1001).PostAsync("/api/orders", Form("楼不存在", buildingId: 999999))).ProblemAsync(
            400,
            "order.building_not_found"
        );
        // A grid is not a building.
        await (await App.ClientFor(1001).PostAsync("/api/orders", Form("网格不是楼", buildingId: 1111))).ProblemAsync(
            400,
            "order.building_not_found"
        );
        Assert.Equal(0, await TestDatabase.ScalarAsync<int>("SELECT COUNT(*) FROM service_order"));
    }

    [Fact]
    public async Task ANonNumericFieldIsAProblem()
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent("二"), "categoryId" },
            { new StringContent("x"), "description" },
        };
        await (await App.ClientFor(1001).PostAsync("/api/orders", form)).ProblemAsync(400, "request.invalid_field");
    }

    [Fact]
    public async Task AWrongContentTypeIsAProblem()
    {
        var response = await App.ClientFor(1001)
            .PostAsync("/api/orders", new StringContent("categoryId=2", Encoding.UTF8, "text/plain"));
        await response.ProblemAsync(415, "request.unsupported_media_type");
    }

    [Fact]
    public async Task MalformedJsonIsAProblem()
    {
        var response = await App.ClientFor(1001)
            .PostAsync(
                "/api/orders",
                new StringContent("{\"categoryId\": 2, \"description\": ", Encoding.UTF8, "application/json")
            );
        await response.ProblemAsync(400, "request.malformed_json");
        var wrongType = await App.ClientFor(1001)
            .PostAsync(
                "/api/orders",
                new StringContent("{\"categoryId\": \"two\"}", Encoding.UTF8, "application/json")
            );
        // Well-formed JSON with a field of the wrong type names the field instead.
        var problem = await wrongType.ProblemAsync(400, "request.invalid_field");
        Assert.True(problem.GetProperty("errors").TryGetProperty("categoryId", out _));
        await (
            await App.ClientFor(1001)
                .PostAsync("/api/orders", new StringContent("[1,2]", Encoding.UTF8, "application/json"))
        ).ProblemAsync(400, "request.malformed_json");
    }

    [Fact]
    public async Task NobodyReportsWithoutSigningIn()
    {
        var anonymous = App.CreateClient();
        await (await anonymous.PostAsJsonAsync("/api/orders", new { categoryId = 2, description = "x" })).ProblemAsync(
            401,
            "auth.required"
        );
        var stranger = App.ClientFor(424242);
        await (await stranger.GetAsync("/api/orders")).ProblemAsync(401, "auth.unknown_person");
    }
}
