using System.Net.Http.Json;
using System.Text.Json;
using Governance.Core.Lists;

namespace Governance.Tests.Households;

/// <summary>
/// Households and grid visits against the real database and the test clock: the register's privacy for every role; a
/// grid worker's daily plan (must-visits first, seven a day); a two-month cycle walked to full coverage, the next cycle
/// starting from nothing; a must-visit household falling due and then overdue, reminded to the grid worker and the
/// secretary once; needs found on visits reaching the community's need list. (Seed: grid worker 9101 of 金龙小区第一网格
/// 1111, buildings 111101–111106; 9102 of the second grid; secretary 9011; street 9001.)
/// </summary>
[Collection(DbCollection.Name)]
public sealed class VisitTests(TestApp app) : DbTest(app)
{
    private readonly HttpClient _worker = app.ClientFor(9101);

    private async Task<List<long>> RegisterAsync()
    {
        var ids = new List<long>();
        foreach (var building in new[] { 111101, 111102, 111103 })
            for (var room = 1; room <= 4; room++)
            {
                string[] categories = (building, room) switch
                {
                    (111103, 1) => ["elderly_alone"],
                    (111102, 2) => ["illness", "difficulty"],
                    _ => [],
                };
                var h = await _worker
                    .PostAsJsonAsync(
                        $"/api/buildings/{building}/households",
                        new
                        {
                            room = $"{room}01",
                            headName = $"住户{building % 10}{room}",
                            phone = $"1380000{building % 10}{room:000}",
                            people = 3,
                            categories,
                        }
                    )
                    .OkAsync();
                ids.Add(h.GetProperty("id").GetInt64());
            }
        return ids;
    }

    private async Task<List<JsonElement>> PlanAsync() =>
        (await _worker.GetAsync("/api/visits/plan").OkAsync()).GetProperty("households").EnumerateArray().ToList();

    private Task VisitAsync(long household, string found = "家中一切正常", object? extra = null) =>
        _worker.PostAsJsonAsync($"/api/households/{household}/visits", extra ?? new { found }).OkAsync();

    private Task<long> DeliveriesAsync(long personId, string kind) =>
        TestDatabase.ScalarAsync<long>(
            "SELECT COUNT(*) FROM delivery WHERE person_id = @personId AND kind = @kind",
            new { personId, kind }
        );

    [Fact]
    public async Task HouseholdDataIsPrivateToGridStaffMaskedForCadresAndRefusedToEveryoneElse()
    {
        await RegisterAsync();
        var url = "/api/buildings/111103/households";
        foreach (var staff in new long[] { 9101, 9011, 9001 })
        {
            var full = await App.ClientFor(staff).GetAsync(url).OkAsync();
            var lone = full.EnumerateArray().Single(h => h.GetProperty("room").GetString() == "101");
            Assert.Equal("住户31", lone.GetProperty("headName").GetString());
            Assert.Equal("13800003001", lone.GetProperty("phone").GetString());
            Assert.Equal(["elderly_alone"], lone.GetProperty("categories").EnumerateArray().Select(c => c.GetString()));
        }
        // The other grid's worker, a resident of the building, a member, a unit admin, the other street's admin.
        foreach (var outsider in new long[] { 9102, 1001, 2001, 3001, 9002 })
            await (await App.ClientFor(outsider).GetAsync(url)).ProblemAsync(403, "households.not_allowed");
        await (
            await App.ClientFor(9102).PostAsJsonAsync(url, new { room = "901", headName = "x", people = 1 })
        ).ProblemAsync(403, "households.not_allowed");

        // 包联: a cadre assigned to 金龙小区 sees the building masked, and can log visits.
        await (
            await App.ClientFor(9101)
                .PostAsJsonAsync(
                    "/api/areas/111/assignments",
                    new
                    {
                        personId = 2005,
                        role = "cadre",
                        monthlyQuota = 10,
                        startsOn = "2026-11-01",
                        endsOn = "2027-10-31",
                    }
                )
        ).ProblemAsync(403, "households.not_allowed"); // a grid worker does not assign cadres
        await App.ClientFor(9011)
            .PostAsJsonAsync(
                "/api/areas/111/assignments",
                new
                {
                    personId = 2005,
                    role = "cadre",
                    monthlyQuota = 10,
                    startsOn = "2026-11-01",
                    endsOn = "2027-10-31",
                }
            )
            .OkAsync();
        var masked = await App.ClientFor(2005).GetAsync(url).OkAsync();
        var seen = masked.EnumerateArray().Single(h => h.GetProperty("room").GetString() == "101");
        Assert.Equal(
            ("住***", "138****3001", 0, true, true),
            (
                seen.GetProperty("headName").GetString(),
                seen.GetProperty("phone").GetString(),
                seen.GetProperty("categories").GetArrayLength(),
                seen.GetProperty("mustVisit").GetBoolean(),
                seen.GetProperty("masked").GetBoolean()
            )
        );
        var household = seen.GetProperty("id").GetInt64();
        var form = new MultipartFormDataContent
        {
            { new StringContent("老人身体尚可", System.Text.Encoding.UTF8), "found" },
        };
        var jpeg = new ByteArrayContent(Governance.Wechat.Simulator.WechatSimulator.TinyJpeg);
        jpeg.Headers.ContentType = new("image/jpeg");
        form.Add(jpeg, "photos", "door.jpg");
        var logged = await App.ClientFor(2005).PostAsync($"/api/households/{household}/visits", form).OkAsync();
        var photo = Assert.Single(logged.GetProperty("photos").EnumerateArray()).GetProperty("url").GetString()!;
        // The cadre sees their own visits; the grid worker sees all of them.
        await VisitAsync(household, "网格员复访");
        var own = await App.ClientFor(2005).GetAsync($"/api/households/{household}/visits").OkAsync();
        Assert.Equal(["老人身体尚可"], own.EnumerateArray().Select(v => v.GetProperty("found").GetString()));
        var all = await _worker.GetAsync($"/api/households/{household}/visits").OkAsync();
        Assert.Equal(2, all.GetArrayLength());
        Assert.Contains(
            all.EnumerateArray().SelectMany(v => v.GetProperty("photos").EnumerateArray()),
            p => p.GetProperty("url").GetString() == photo
        );
        // The visit's photo: the grid worker and the cadre who took it open it; anyone else does not.
        foreach (var viewer in new long[] { 9101, 2005 })
            Assert.Equal(
                Governance.Wechat.Simulator.WechatSimulator.TinyJpeg,
                await (await App.ClientFor(viewer).GetAsync(photo)).Content.ReadAsByteArrayAsync()
            );
        await (await App.ClientFor(2001).GetAsync(photo)).ProblemAsync(404, "households.not_found");
        // The cadre's month against the quota, in the community's coverage.
        var coverage = await App.ClientFor(9011).GetAsync("/api/areas/11/visit-coverage").OkAsync();
        var cadre = Assert.Single(coverage.GetProperty("assignees").EnumerateArray());
        Assert.Equal((2005L, 10, 1L), (
            cadre.GetProperty("personId").GetInt64(),
            cadre.GetProperty("monthlyQuota").GetInt32(),
            cadre.GetProperty("visitsThisMonth").GetInt64()
        ));
    }

    [Fact]
    public async Task ATwoMonthCycleIsWalkedAndAMissedMustVisitIsRemindedOnce()
    {
        var ids = await RegisterAsync();
        var mustVisits = new[] { ids[5], ids[8] }; // 111102-201 (illness, difficulty), 111103-101 (elderly alone)

        // The plan: seven a day, the must-visits first.
        var plan = await PlanAsync();
        Assert.Equal(7, plan.Count);
        Assert.Equal(mustVisits.Order(), plan.Take(2).Select(h => h.GetProperty("id").GetInt64()).Order());

        // Day one: the plan walked, a need found at one door and a door-to-door survey answer at another.
        await VisitAsync(plan[0].GetProperty("id").GetInt64(), extra: new { found = "老人独居，吃饭不便", need = "独居老人助餐" });
        await VisitAsync(
            plan[1].GetProperty("id").GetInt64(),
            extra: new
            {
                found = "问卷：希望增设儿童托管",
                need = "双职工家庭儿童托管",
                survey = true,
            }
        );
        foreach (var h in plan.Skip(2))
            await VisitAsync(h.GetProperty("id").GetInt64());
        var needs = await App.ClientFor(9011).GetAsync("/api/communities/11/lists?kind=need").OkAsync();
        Assert.Equal(
            [("双职工家庭儿童托管", "survey"), ("独居老人助餐", "visit")],
            needs.EnumerateArray()
                .Select(n => (n.GetProperty("title").GetString(), n.GetProperty("source").GetString()))
                .OrderBy(n => n.Item1)
        );
        Assert.Empty(await PlanAsync()); // seven a day, and today's seven are done

        // Day two: the five left; the cycle (November–December) is covered.
        App.Clock.Advance(TimeSpan.FromDays(1));
        var rest = await PlanAsync();
        Assert.Equal(5, rest.Count);
        foreach (var h in rest)
            await VisitAsync(h.GetProperty("id").GetInt64());
        var coverage = await App.ClientFor(9011).GetAsync("/api/areas/11/visit-coverage").OkAsync();
        Assert.Equal(("2026-11-01", "2026-12-31"), (
            coverage.GetProperty("cycleStart").GetString(),
            coverage.GetProperty("cycleEnd").GetString()
        ));
        var grid = Assert.Single(coverage.GetProperty("grids").EnumerateArray());
        Assert.Equal((1111L, 12L, 12L, 2L, 2L, 1.0), (
            grid.GetProperty("gridId").GetInt64(),
            grid.GetProperty("households").GetInt64(),
            grid.GetProperty("visited").GetInt64(),
            grid.GetProperty("mustVisit").GetInt64(),
            grid.GetProperty("mustVisitedThisMonth").GetInt64(),
            grid.GetProperty("rate").GetDouble()
        ));
        var visitor = Assert.Single(coverage.GetProperty("visitors").EnumerateArray());
        Assert.Equal(9101L, visitor.GetProperty("personId").GetInt64());
        Assert.Equal(12L, visitor.GetProperty("visits").GetInt64());
        await (await App.ClientFor(9102).GetAsync("/api/areas/11/visit-coverage")).ProblemAsync(
            403,
            "households.not_allowed"
        );

        // December: from the 20th the grid worker hears of both must-visits; only one is visited.
        var reminders = App.Service<PracticeReminders>();
        App.Clock.Advance(TimeSpan.FromDays(32)); // 2026-12-21
        await reminders.RunAsync(default);
        Assert.Equal(1, await DeliveriesAsync(9101, "visit_due"));
        Assert.Contains(
            "2户",
            Assert.Single(await JobHelpers.NoticesAsync("visit_due", 9101)).Body
        );
        await VisitAsync(mustVisits[1], "老人感冒，已联系家属");

        // January: the one missed in December is overdue — the grid worker and the secretary are told, once.
        App.Clock.Advance(TimeSpan.FromDays(15)); // 2027-01-05
        await reminders.RunAsync(default);
        await reminders.RunAsync(default);
        Assert.Equal(1, await DeliveriesAsync(9101, "visit_overdue"));
        Assert.Equal(1, await DeliveriesAsync(9011, "visit_overdue"));
        Assert.Contains(
            "1户",
            Assert.Single(await JobHelpers.NoticesAsync("visit_overdue", 9011)).Body
        );

        // The cycle gone by, read from the visits themselves: all twelve, one must-visit in December.
        var past = await App.ClientFor(9011).GetAsync("/api/areas/11/visit-coverage?date=2026-12-15").OkAsync();
        var december = Assert.Single(past.GetProperty("grids").EnumerateArray());
        Assert.Equal((12L, 1L), (
            december.GetProperty("visited").GetInt64(),
            december.GetProperty("mustVisitedThisMonth").GetInt64()
        ));

        // A new cycle: nothing covered yet, and the must-visits lead the plan again.
        var january = await App.ClientFor(9011).GetAsync("/api/areas/11/visit-coverage").OkAsync();
        Assert.Equal((0L, 0.0), (january.GetProperty("visited").GetInt64(), january.GetProperty("rate").GetDouble()));
        var next = await PlanAsync();
        Assert.Equal(7, next.Count);
        Assert.Equal(mustVisits.Order(), next.Take(2).Select(h => h.GetProperty("id").GetInt64()).Order());
    }
}
