using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace Governance.Tests.Orders;

/// <summary>
/// Demo members used here: 2001 and 2005, 2013, 2017, 2021 are approved in 城东社区 (11); 2001's skills are
/// 水电维修 and 法律咨询; 2001 and 2006 belong to unit 1 (县医院, admin 3001) which serves 城东 and 解放街.
/// 2002 is approved only in 解放街社区 (12).
/// </summary>
[Collection(DbCollection.Name)]
public sealed class ClaimTests(TestApp app) : DbTest(app)
{
    [Fact]
    public async Task ThePoolShowsPublishedOrdersInMyCommunitiesWithSkillsAndDistance()
    {
        var repair = await App.PublishedOrderAsync(2, "3栋楼道灯坏了");
        var noise = await App.PublishedOrderAsync(4, "3栋楼上半夜跳绳");
        var unpublished = await App.ClientFor(1001).ReportCodeAsync(2, "3栋门禁坏了");
        var elsewhere = await App.ClientFor(1005).ReportCodeAsync(2, "世纪山水5栋水管漏", 121105);
        await App.ClientFor(9105).PostAsync($"/api/orders/{elsewhere}/accept", null).OkAsync();
        await App.ClientFor(9105).PostAsync($"/api/orders/{elsewhere}/publish", null).OkAsync();

        var pool = await App.ClientFor(2001).GetAsync("/api/pool").OkAsync();
        Assert.Equal(
            new[] { noise, repair }.Order(),
            pool.GetProperty("items")
                .EnumerateArray()
                .Select(i => i.GetProperty("order").GetProperty("code").GetString())
                .Order()
        );
        Assert.DoesNotContain(unpublished, pool.GetRawText());
        var skilled = await App.ClientFor(2001).GetAsync("/api/pool?skills=true").OkAsync();
        Assert.Equal(
            [repair],
            skilled
                .GetProperty("items")
                .EnumerateArray()
                .Select(i => i.GetProperty("order").GetProperty("code").GetString())
        );
        Assert.Equal(
            [noise],
            (await App.ClientFor(2001).GetAsync("/api/pool?categoryId=4").OkAsync())
                .GetProperty("items")
                .EnumerateArray()
                .Select(i => i.GetProperty("order").GetProperty("code").GetString())
        );
        Assert.Equal(
            [elsewhere],
            (await App.ClientFor(2002).GetAsync("/api/pool").OkAsync())
                .GetProperty("items")
                .EnumerateArray()
                .Select(i => i.GetProperty("order").GetProperty("code").GetString())
        );

        var near = await App.ClientFor(2001)
            .GetAsync("/api/pool?latitude=33.1520&longitude=107.3313&radiusKm=0.5")
            .OkAsync();
        var first = near.GetProperty("items")[0];
        Assert.True(first.GetProperty("distanceMeters").GetDouble() < 100);
        Assert.Equal(
            0,
            (await App.ClientFor(2001).GetAsync("/api/pool?latitude=39.9&longitude=116.4&radiusKm=5").OkAsync())
                .GetProperty("total")
                .GetInt32()
        );

        // A member may open a pool order in their community; someone else's resident may not.
        await App.ClientFor(2001).GetAsync($"/api/orders/{repair}").OkAsync();
        await (await App.ClientFor(1002).GetAsync($"/api/orders/{repair}")).ProblemAsync(404, "order.not_found");
        await (await App.ClientFor(1001).GetAsync("/api/pool")).ProblemAsync(403, "pool.not_registered");
        await (await App.ClientFor(2001).GetAsync("/api/pool?radiusKm=3")).ProblemAsync(400, "pool.point_required");
    }

    [Fact]
    public async Task OfFiveConcurrentClaimsExactlyOneWins()
    {
        var code = await App.PublishedOrderAsync();
        long[] members = [2001, 2005, 2013, 2017, 2021];
        var responses = await Task.WhenAll(
            members.Select(m => Task.Run(() => App.ClientFor(m).PostAsync($"/api/orders/{code}/claim", null)))
        );

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        foreach (var loser in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
            await loser.ProblemAsync(409, "order.already_claimed");
        var winner = members[Array.FindIndex(responses, r => r.StatusCode == HttpStatusCode.OK)];
        Assert.Equal(
            ("claimed", winner),
            (
                await TestDatabase.QueryAsync<(string, long)>(
                    "SELECT status, claimer_person_id FROM service_order WHERE code = @code",
                    new { code }
                )
            ).Single()
        );
        Assert.Equal(1, (await MiniProgramHelpers.KindsAsync(code)).Count(k => k == "claimed"));
    }

    [Fact]
    public async Task OnlyRegisteredMembersClaimAndUnitsOnlyCategoriesNeedAUnit()
    {
        var code = await App.PublishedOrderAsync();
        await (await App.ClientFor(2002).PostAsync($"/api/orders/{code}/claim", null)).ProblemAsync(
            404,
            "order.not_found"
        ); // not registered in 城东
        await (await App.ClientFor(2009).PostAsync($"/api/orders/{code}/claim", null)).ProblemAsync(
            404,
            "order.not_found"
        ); // registration still pending
        await (await App.ClientFor(1001).PostAsync($"/api/orders/{code}/claim", null)).ProblemAsync(
            403,
            "order.not_registered"
        ); // the reporter sees it but may not claim

        var property = await App.PublishedOrderAsync(10, "3栋物业不处理漏水");
        await (await App.ClientFor(2001).PostAsync($"/api/orders/{property}/claim", null)).ProblemAsync(
            403,
            "order.units_only"
        );
        Assert.DoesNotContain(property, (await App.ClientFor(2001).GetAsync("/api/pool").OkAsync()).GetRawText());
        Assert.Contains(property, (await App.ClientFor(3001).GetAsync("/api/pool?unitId=1").OkAsync()).GetRawText());
        await (
            await App.ClientFor(3002).PostAsJsonAsync($"/api/orders/{property}/claim", new { unitId = 2 })
        ).ProblemAsync(404, "order.not_found");

        var claimed = await App.ClientFor(3001)
            .PostAsJsonAsync($"/api/orders/{property}/claim", new { unitId = 1 })
            .OkAsync();
        Assert.Equal("县医院", claimed.GetProperty("claimer").GetProperty("unitName").GetString());
        await (
            await App.ClientFor(3001).PostAsJsonAsync($"/api/orders/{property}/assign-member", new { personId = 2002 })
        ).ProblemAsync(400, "order.not_unit_member");
        var assigned = await App.ClientFor(3001)
            .PostAsJsonAsync($"/api/orders/{property}/assign-member", new { personId = 2006 })
            .OkAsync();
        Assert.Equal(
            (2006L, "县医院"),
            (
                assigned.GetProperty("claimer").GetProperty("personId").GetInt64(),
                assigned.GetProperty("claimer").GetProperty("unitName").GetString()
            )
        );
        Assert.Contains("order_assigned", await MiniProgramHelpers.NoticesAsync(2006, property));
        await App.ClientFor(2006).PostAsync($"/api/orders/{property}/start", null).OkAsync();
        // Out of the pool and not theirs: other members are told nothing about it.
        await (await App.ClientFor(2001).PostAsync($"/api/orders/{property}/start", null)).ProblemAsync(
            404,
            "order.not_found"
        );
        // The reporter sees it, but only the claimer works on it.
        await (await App.ClientFor(1001).PostAsync($"/api/orders/{property}/start", null)).ProblemAsync(
            403,
            "order.claimer_only"
        );
    }

    [Fact]
    public async Task AClaimNotStartedInTheWindowReturnsToThePool()
    {
        var code = await App.PublishedOrderAsync();
        await App.ClientFor(2001).PostAsync($"/api/orders/{code}/claim", null).OkAsync();
        App.Clock.Advance(TimeSpan.FromHours(25)); // 设施维修: 24-hour claim window
        var order = await App.ClientFor(9101).GetAsync($"/api/orders/{code}").OkAsync();
        Assert.Equal("published", order.GetProperty("status").GetString());
        Assert.Equal(JsonValueKindNull, order.GetProperty("claimer").ValueKind);
        Assert.Equal(
            "claim_expired",
            order.GetProperty("timeline").EnumerateArray().Last().GetProperty("kind").GetString()
        );
        Assert.Contains("claim_expired", await MiniProgramHelpers.NoticesAsync(2001, code));
        await App.ClientFor(2005).PostAsync($"/api/orders/{code}/claim", null).OkAsync();
    }

    private const System.Text.Json.JsonValueKind JsonValueKindNull = System.Text.Json.JsonValueKind.Null;

    [Fact]
    public async Task ThePoolScanReturnsStaleClaimsToo()
    {
        var code = await App.PublishedOrderAsync();
        await App.ClientFor(2001).PostAsync($"/api/orders/{code}/claim", null).OkAsync();
        App.Clock.Advance(TimeSpan.FromHours(25));
        Assert.Contains(code, (await App.ClientFor(2005).GetAsync("/api/pool").OkAsync()).GetRawText());
        Assert.Equal(
            "published",
            await TestDatabase.ScalarAsync<string>("SELECT status FROM service_order WHERE code = @code", new { code })
        );
    }

    [Fact]
    public async Task AMemberHoldsAtMostFiveUnfinishedClaims()
    {
        for (var i = 0; i < 5; i++)
            await App.ClientFor(2001).PostAsync($"/api/orders/{await App.PublishedOrderAsync()}/claim", null).OkAsync();
        var sixth = await App.PublishedOrderAsync();
        await (await App.ClientFor(2001).PostAsync($"/api/orders/{sixth}/claim", null)).ProblemAsync(
            409,
            "order.too_many_claims"
        );
    }

    [Fact]
    public async Task ReleasingGivesTheOrderBackAndTellsTheGridWorker()
    {
        var code = await App.PublishedOrderAsync();
        await App.ClientFor(2001).PostAsync($"/api/orders/{code}/claim", null).OkAsync();
        await (
            await App.ClientFor(2001).PostAsJsonAsync($"/api/orders/{code}/release", new { reason = "" })
        ).ProblemAsync(400, "order.reason_required");
        await (
            await App.ClientFor(2005).PostAsJsonAsync($"/api/orders/{code}/release", new { reason = "x" })
        ).ProblemAsync(404, "order.not_found");
        var released = await App.ClientFor(2001)
            .PostAsJsonAsync($"/api/orders/{code}/release", new { reason = "需要专业电工，我处理不了" })
            .OkAsync();
        Assert.Equal("published", released.GetProperty("status").GetString());
        Assert.Contains("order_released", await MiniProgramHelpers.NoticesAsync(9101, code));
    }

    [Fact]
    public async Task StaffAssignReassignAndExtendAndSeeWhoClaimed()
    {
        var code = await App.ClientFor(1001).ReportCodeAsync();
        await App.ClientFor(9101).PostAsync($"/api/orders/{code}/accept", null).OkAsync();
        await (
            await App.ClientFor(9101).PostAsJsonAsync($"/api/orders/{code}/assign", new { personId = 2002 })
        ).ProblemAsync(400, "order.assignee_not_registered");
        await (
            await App.ClientFor(9101).PostAsJsonAsync($"/api/orders/{code}/assign", new { personId = 2001, unitId = 1 })
        ).ProblemAsync(400, "order.assignee_required");
        await (
            await App.ClientFor(1001).PostAsJsonAsync($"/api/orders/{code}/assign", new { personId = 2001 })
        ).ProblemAsync(403, "order.staff_only");
        await (
            await App.ClientFor(9102).PostAsJsonAsync($"/api/orders/{code}/assign", new { personId = 2001 })
        ).ProblemAsync(404, "order.not_found");

        var assigned = await App.ClientFor(9101)
            .PostAsJsonAsync($"/api/orders/{code}/assign", new { personId = 2001 })
            .OkAsync();
        Assert.Equal("claimed", assigned.GetProperty("status").GetString());
        var claimer = assigned.GetProperty("claimer");
        Assert.Equal(2001, claimer.GetProperty("personId").GetInt64());
        Assert.DoesNotContain("****", claimer.GetProperty("phone").GetString()); // staff see the full number
        Assert.Contains("order_assigned", await MiniProgramHelpers.NoticesAsync(2001, code));
        Assert.Contains("order_claimed", await MiniProgramHelpers.NoticesAsync(1001, code));
        // The resident sees who is handling it, with the phone masked.
        Assert.Contains(
            "****",
            (await App.ClientFor(1001).GetAsync($"/api/orders/{code}").OkAsync())
                .GetProperty("claimer")
                .GetProperty("phone")
                .GetString()
        );

        var reassigned = await App.ClientFor(9011)
            .PostAsJsonAsync($"/api/orders/{code}/reassign", new { unitId = 1 })
            .OkAsync();
        Assert.Equal(
            (JsonValueKindNull, 1L),
            (
                reassigned.GetProperty("claimer").GetProperty("personId").ValueKind,
                reassigned.GetProperty("claimer").GetProperty("unitId").GetInt64()
            )
        );
        Assert.Contains("order_assigned", await MiniProgramHelpers.NoticesAsync(3001, code));

        var due = assigned.GetProperty("resolveBy").GetDateTimeOffset();
        await (
            await App.ClientFor(9101)
                .PostAsJsonAsync($"/api/orders/{code}/extend", new { resolveBy = due.AddDays(-1), reason = "x" })
        ).ProblemAsync(400, "order.invalid_deadline");
        await (
            await App.ClientFor(9101).PostAsJsonAsync($"/api/orders/{code}/extend", new { resolveBy = due.AddDays(3) })
        ).ProblemAsync(400, "order.reason_required");
        var extended = await App.ClientFor(9101)
            .PostAsJsonAsync(
                $"/api/orders/{code}/extend",
                new { resolveBy = due.AddDays(3), reason = "需要等配件到货" }
            )
            .OkAsync();
        Assert.Equal(due.AddDays(3), extended.GetProperty("resolveBy").GetDateTimeOffset());
        Assert.Equal(
            "deadline_extended",
            extended.GetProperty("timeline").EnumerateArray().Last().GetProperty("kind").GetString()
        );
        Assert.Contains("order_extended", await MiniProgramHelpers.NoticesAsync(1001, code));
    }

    [Fact]
    public async Task TheFullLoopFromReportToClosureRecordsAndNotifiesEveryStep()
    {
        var resident = App.ClientFor(1001);
        var jpeg = Governance.Wechat.Simulator.WechatSimulator.TinyJpeg;
        var form = new MultipartFormDataContent
        {
            { new StringContent("2"), "categoryId" },
            { new StringContent("3栋2单元楼道灯坏了，晚上看不见", Encoding.UTF8), "description" },
            { new StringContent("111103"), "buildingId" },
            { new StringContent("{\"since\":\"三天\",\"scope\":\"整个单元\"}", Encoding.UTF8), "answers" },
        };
        var photo = new ByteArrayContent(jpeg);
        photo.Headers.ContentType = new("image/jpeg");
        form.Add(photo, "photos", "light.jpg");
        var created = await (await resident.PostAsync("/api/orders", form)).BodyAsync();
        var code = created.GetProperty("code").GetString()!;
        Assert.Equal("三天", created.GetProperty("answers").GetProperty("since").GetString());
        Assert.Equal(["created"], await MiniProgramHelpers.KindsAsync(code));

        await App.ClientFor(9101).PostAsync($"/api/orders/{code}/accept", null).OkAsync();
        Assert.Equal(["order_accepted"], await MiniProgramHelpers.NoticesAsync(1001, code));
        await App.ClientFor(9101).PostAsync($"/api/orders/{code}/publish", null).OkAsync();

        var member = App.ClientFor(2001);
        await member.PostAsync($"/api/orders/{code}/claim", null).OkAsync();
        Assert.Equal(["order_accepted", "order_claimed"], await MiniProgramHelpers.NoticesAsync(1001, code));
        var seen = await member.GetAsync($"/api/orders/{code}").OkAsync();
        // the claimer sees who to contact...
        Assert.Equal("张桂兰", seen.GetProperty("reporter").GetProperty("name").GetString());
        // ...with the number masked
        Assert.Contains("****", seen.GetProperty("reporter").GetProperty("phone").GetString());

        await member.PostAsync($"/api/orders/{code}/start", null).OkAsync();
        var progressForm = new MultipartFormDataContent
        {
            { new StringContent("已买好灯管，明早更换", Encoding.UTF8), "note" },
        };
        var progressPhoto = new ByteArrayContent(jpeg);
        progressPhoto.Headers.ContentType = new("image/jpeg");
        progressForm.Add(progressPhoto, "photos", "tube.jpg");
        var progressed = await (await member.PostAsync($"/api/orders/{code}/progress", progressForm)).BodyAsync();
        Assert.Single(
            progressed.GetProperty("timeline").EnumerateArray().Last().GetProperty("photos").EnumerateArray()
        );
        await (await member.PostAsJsonAsync($"/api/orders/{code}/resolve", new { note = "" })).ProblemAsync(
            400,
            "order.result_required"
        );
        var resolved = await member
            .PostAsJsonAsync($"/api/orders/{code}/resolve", new { note = "已更换灯管，恢复照明", hours = 1.5 })
            .OkAsync();
        Assert.Equal(
            ("resolved", 1.5),
            (resolved.GetProperty("status").GetString(), resolved.GetProperty("serviceHours").GetDouble())
        );
        Assert.Equal(
            ["order_accepted", "order_claimed", "order_progress", "order_resolved"],
            await MiniProgramHelpers.NoticesAsync(1001, code)
        );

        await (await resident.PostAsJsonAsync($"/api/orders/{code}/rate", new { rating = "unsatisfied" })).ProblemAsync(
            400,
            "order.reason_required"
        );
        var reopened = await resident
            .PostAsJsonAsync($"/api/orders/{code}/rate", new { rating = "unsatisfied", comment = "二楼的灯还是不亮" })
            .OkAsync();
        Assert.Equal(
            ("claimed", "unsatisfied"),
            (reopened.GetProperty("status").GetString(), reopened.GetProperty("satisfaction").GetString())
        );
        Assert.Contains("order_reopened", await MiniProgramHelpers.NoticesAsync(2001, code));

        await member.PostAsync($"/api/orders/{code}/start", null).OkAsync();
        await member.PostAsJsonAsync($"/api/orders/{code}/resolve", new { note = "二楼灯也换好了" }).OkAsync();
        await (
            await App.ClientFor(1002).PostAsJsonAsync($"/api/orders/{code}/rate", new { rating = "satisfied" })
        ).ProblemAsync(404, "order.not_found");
        var closed = await resident
            .PostAsJsonAsync($"/api/orders/{code}/rate", new { rating = "satisfied", comment = "谢谢党员同志" })
            .OkAsync();
        Assert.Equal(
            ("closed", "satisfied"),
            (closed.GetProperty("status").GetString(), closed.GetProperty("satisfaction").GetString())
        );
        await (await resident.PostAsJsonAsync($"/api/orders/{code}/rate", new { rating = "satisfied" })).ProblemAsync(
            409,
            "order.not_resolved"
        );

        Assert.Equal(
            [
                "created",
                "accepted",
                "published",
                "claimed",
                "started",
                "progress",
                "resolved",
                "rated",
                "reopened",
                "started",
                "resolved",
                "rated",
                "closed",
            ],
            await MiniProgramHelpers.KindsAsync(code)
        );
        Assert.Equal(
            2,
            await TestDatabase.ScalarAsync<int>(
                "SELECT COUNT(*) FROM order_photo p JOIN service_order o ON o.id = p.order_id WHERE o.code = @code",
                new { code }
            )
        );

        // One order, resolved twice (重办): one order resolved this week, not two.
        var summary = await member.GetAsync("/api/members/me/summary").OkAsync();
        Assert.Equal(1, summary.GetProperty("week").GetProperty("resolved").GetInt32());
        Assert.Equal(1, summary.GetProperty("allTime").GetProperty("resolved").GetInt32());
        Assert.Equal(1, summary.GetProperty("ratings").GetProperty("satisfied").GetInt32());
        var hours = summary.GetProperty("serviceHours").GetDouble();
        Assert.Equal(
            await TestDatabase.ScalarAsync<int>("SELECT service_minutes FROM member WHERE person_id = 2001") / 60.0,
            hours,
            1
        );
        var unit = await App.ClientFor(3001).GetAsync("/api/units/1/summary").OkAsync();
        Assert.Equal(1, unit.GetProperty("week").GetProperty("resolved").GetInt32());
        await (await App.ClientFor(3002).GetAsync("/api/units/1/summary")).ProblemAsync(404, "unit.not_found");
        await (await resident.GetAsync("/api/members/me/summary")).ProblemAsync(403, "member.not_registered");
    }
}
