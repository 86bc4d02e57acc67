using System.Net.Http.Json;

namespace Governance.Tests.Console;

/// <summary>
/// The lists the console's pages start from: a street's inspection rounds and what it runs for evaluation and
/// assessment, each for the staff of that street (or above) only.
/// </summary>
[Collection(DbCollection.Name)]
public sealed class ConsoleListTests(TestApp app) : DbTest(app)
{
    [Fact]
    public async Task AStreetListsItsInspectionRoundsAndOthersAreRefused()
    {
        var street = App.ClientFor(9001);
        var created = await street
            .PostAsJsonAsync("/api/areas/1/inspections", new { title = "四季度督查", quarter = "2026Q4" })
            .OkAsync();
        var rounds = await street.GetAsync("/api/areas/1/inspections").OkAsync();
        Assert.Equal(created.GetProperty("id").GetInt64(), rounds[0].GetProperty("id").GetInt64());
        Assert.Equal("四季度督查", rounds[0].GetProperty("title").GetString());
        // The county sees its streets' rounds; another street and a community's secretary see none of them.
        var county = await App.ClientFor(9000).GetAsync("/api/areas/100/inspections").OkAsync();
        Assert.Contains(county.EnumerateArray(), r => r.GetProperty("title").GetString() == "四季度督查");
        await (await App.ClientFor(9002).GetAsync("/api/areas/1/inspections")).ProblemAsync(
            403,
            "inspections.inspector_only"
        );
        await (await App.ClientFor(9011).GetAsync("/api/areas/1/inspections")).ProblemAsync(
            403,
            "inspections.inspector_only"
        );
    }

    [Fact]
    public async Task AStreetListsItsEvaluationsSurveysAndSchemesAndOthersAreRefused()
    {
        var street = App.ClientFor(9001);
        await street
            .PostAsJsonAsync(
                "/api/assessments",
                new
                {
                    areaId = 1,
                    year = 2026,
                    subject = "community",
                    title = "2026年度社区考核",
                    indicators = new[]
                    {
                        new
                        {
                            name = "第三方测评",
                            source = "manual",
                            weight = 1,
                            target = 100,
                        },
                    },
                }
            )
            .OkAsync();
        var overview = await street.GetAsync("/api/areas/1/assessment").OkAsync();
        var scheme = Assert.Single(overview.GetProperty("schemes").EnumerateArray());
        Assert.Equal(
            ("2026年度社区考核", "community"),
            (scheme.GetProperty("title").GetString(), scheme.GetProperty("subject").GetString())
        );
        Assert.Equal(System.Text.Json.JsonValueKind.Array, overview.GetProperty("rounds").ValueKind);
        await (await App.ClientFor(9011).GetAsync("/api/areas/1/assessment")).ProblemAsync(
            403,
            "evaluation.not_allowed"
        );
        await (await App.ClientFor(9002).GetAsync("/api/areas/1/assessment")).ProblemAsync(
            403,
            "evaluation.not_allowed"
        );
        await (await App.ClientFor(9011).GetAsync("/api/areas/11/assessment")).ProblemAsync(
            400,
            "evaluation.area_not_found"
        );
    }

    [Fact]
    public async Task AUnitsBookingsAreForItsAdminsOnly()
    {
        var hospital = App.ClientFor(3001);
        var room = (
            await hospital
                .PostAsJsonAsync("/api/communities/11/lists", new { kind = "resource", title = "会议室", unitId = 1 })
                .OkAsync()
        )
            .GetProperty("id")
            .GetInt64();
        await App.ClientFor(9011)
            .PostAsJsonAsync(
                $"/api/lists/{room}/bookings",
                new
                {
                    startsAt = "2026-11-20T09:00:00+08:00",
                    endsAt = "2026-11-20T11:00:00+08:00",
                    purpose = "居民议事会",
                }
            )
            .OkAsync();
        var bookings = await hospital.GetAsync("/api/units/1/bookings").OkAsync();
        var booking = Assert.Single(bookings.EnumerateArray());
        Assert.Equal(
            ("居民议事会", "requested", "2026-11-20T09:00:00+08:00"),
            (
                booking.GetProperty("purpose").GetString(),
                booking.GetProperty("status").GetString(),
                booking.GetProperty("startsAt").GetString()
            )
        );
        await (await App.ClientFor(9011).GetAsync("/api/units/1/bookings")).ProblemAsync(403, "lists.unit_admin_only");
        await (await App.ClientFor(3002).GetAsync("/api/units/1/bookings")).ProblemAsync(403, "lists.unit_admin_only");
    }
}
