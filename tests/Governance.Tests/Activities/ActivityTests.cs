using System.Net.Http.Json;
using System.Text.Json;
using Governance.Core.Activities;

namespace Governance.Tests.Activities;

/// <summary>
/// An activity from creation to approved hours: posts filled (a full post stays full), a non-member volunteer, check-in
/// on site by the rotating code and location, check-out proposing hours, the organiser's approval crediting the service
/// record, a changed star level on the member's public card, a no-show, and the community's service statistics.
/// (Seed: secretary 9011 of 城东社区 11; members 2005, 2010 and 2011 are registered there; 1001 is a resident.)
/// </summary>
[Collection(DbCollection.Name)]
public sealed class ActivityTests(TestApp app) : DbTest(app)
{
    private const double Lat = 33.1512,
        Lng = 107.3321; // 金龙小区

    private async Task<JsonElement> CreateAsync() =>
        await App.ClientFor(9011)
            .PostAsJsonAsync(
                "/api/communities/11/activities",
                new
                {
                    title = "金龙小区环境整治",
                    place = "金龙小区中心广场",
                    latitude = Lat,
                    longitude = Lng,
                    startsAt = "2026-11-19T09:00:00+08:00",
                    endsAt = "2026-11-19T12:00:00+08:00",
                    posts = new object[]
                    {
                        new { name = "清扫", slots = 2 },
                        new { name = "医疗保障", skills = "医疗护理", slots = 1 },
                    },
                }
            )
            .OkAsync();

    [Fact]
    public async Task AnActivityGoesFromSignUpToApprovedHoursAndAStar()
    {
        var before = await TestDatabase.ScalarAsync<int>("SELECT service_minutes FROM member WHERE person_id = 2005");
        await TestDatabase.ExecuteAsync("UPDATE member SET service_minutes = 5900 WHERE person_id = 2005"); // 98.3 h
        try
        {
            await WalkAsync();
        }
        finally
        {
            await TestDatabase.ExecuteAsync(
                "UPDATE member SET service_minutes = @before WHERE person_id = 2005",
                new { before }
            );
        }
    }

    private async Task WalkAsync()
    {
        await (
            await App.ClientFor(1001)
                .PostAsJsonAsync(
                    "/api/communities/11/activities",
                    new { title = "x", place = "y", startsAt = "2026-11-19T09:00:00+08:00" }
                )
        ).ProblemAsync(403, "activities.organiser_only");
        var activity = await CreateAsync();
        var id = activity.GetProperty("activity").GetProperty("id").GetInt64();
        var posts = activity.GetProperty("posts").EnumerateArray().Select(p => p.GetProperty("id").GetInt64()).ToList();

        // A resident must register as a volunteer first (with the community's team).
        var resident = App.ClientFor(1001);
        await (await resident.PostAsJsonAsync($"/api/activities/{id}/signup", new { postId = posts[0] })).ProblemAsync(
            403,
            "activities.not_volunteer"
        );
        var team = await App.ClientFor(9011)
            .PostAsJsonAsync("/api/communities/11/volunteer-teams", new { name = "金龙志愿服务队" })
            .OkAsync();
        var card = await resident
            .PostAsJsonAsync(
                "/api/volunteers",
                new
                {
                    communityId = 11,
                    teamId = team.GetProperty("id").GetInt64(),
                    skills = "清洁",
                }
            )
            .OkAsync();
        Assert.False(card.GetProperty("partyMember").GetBoolean());
        Assert.Equal("金龙志愿服务队", card.GetProperty("team").GetString());
        await resident.PostAsJsonAsync($"/api/activities/{id}/signup", new { postId = posts[0] }).OkAsync();

        // The one medical place goes to one of three asking at once.
        var race = await Task.WhenAll(
            new long[] { 2005, 2010, 2011 }.Select(p =>
                App.ClientFor(p).PostAsJsonAsync($"/api/activities/{id}/signup", new { postId = posts[1] })
            )
        );
        Assert.Equal(1, race.Count(r => (int)r.StatusCode == 200));
        var winner = new long[] { 2005, 2010, 2011 }[Array.FindIndex(race, r => (int)r.StatusCode == 200)];
        foreach (var lost in race.Where(r => (int)r.StatusCode != 200))
            await lost.ProblemAsync(409, "activities.post_full");
        if (winner != 2005)
        {
            // Make 2005 the medic for the rest of the walk: the winner gives the place back.
            await App.ClientFor(winner).PostAsync($"/api/activities/{id}/cancel", null).OkAsync();
            await App.ClientFor(2005)
                .PostAsJsonAsync($"/api/activities/{id}/signup", new { postId = posts[1] })
                .OkAsync();
        }
        Assert.Equal(
            [1, 1],
            await TestDatabase.QueryAsync<int>(
                "SELECT taken FROM activity_post WHERE activity_id = @id ORDER BY id",
                new { id }
            )
        );
        await (await App.ClientFor(2005).PostAsJsonAsync($"/api/activities/{id}/signup", new { postId = posts[0] }))
            .ProblemAsync(409, "activities.already_signed");

        // The day before, everyone signed up is reminded, once.
        var reminders = App.Service<Governance.Core.Lists.PracticeReminders>();
        await reminders.RunAsync(default);
        await reminders.RunAsync(default);
        Assert.Equal(
            [1001L, 2005L],
            await TestDatabase.QueryAsync<long>(
                "SELECT person_id FROM delivery WHERE kind = 'activity_reminder' ORDER BY person_id"
            )
        );

        // On the day: the code on the screen, scanned on site.
        App.Clock.Advance(TimeSpan.FromHours(22.75)); // 2026-11-19 08:45
        await (await App.ClientFor(2005).GetAsync($"/api/activities/{id}/checkin-code")).ProblemAsync(
            403,
            "activities.organiser_only"
        );
        var code = (await App.ClientFor(9011).GetAsync($"/api/activities/{id}/checkin-code").OkAsync())
            .GetProperty("code")
            .GetString();
        var member = App.ClientFor(2005);
        await (await member.PostAsJsonAsync($"/api/activities/{id}/checkin", new { code = "000000x" })).ProblemAsync(
            400,
            "activities.wrong_code"
        );
        await (await member.PostAsJsonAsync($"/api/activities/{id}/checkin", new { code })).ProblemAsync(
            400,
            "activities.too_far"
        );
        await (
            await member.PostAsJsonAsync(
                $"/api/activities/{id}/checkin",
                new
                {
                    code,
                    latitude = Lat + 0.01,
                    longitude = Lng,
                }
            )
        ).ProblemAsync(400, "activities.too_far"); // 1.1 km away
        var first = await member
            .PostAsJsonAsync(
                $"/api/activities/{id}/checkin",
                new
                {
                    code,
                    latitude = Lat + 0.001,
                    longitude = Lng,
                }
            )
            .OkAsync();
        App.Clock.Advance(TimeSpan.FromMinutes(5));
        var code2 = (await App.ClientFor(9011).GetAsync($"/api/activities/{id}/checkin-code").OkAsync())
            .GetProperty("code")
            .GetString();
        var again = await member
            .PostAsJsonAsync(
                $"/api/activities/{id}/checkin",
                new
                {
                    code = code2,
                    latitude = Lat,
                    longitude = Lng,
                }
            )
            .OkAsync();
        Assert.Equal(first.GetProperty("checkedInAt").GetString(), again.GetProperty("checkedInAt").GetString());

        App.Clock.Advance(TimeSpan.FromMinutes(200)); // 12:10
        var code3 = (await App.ClientFor(9011).GetAsync($"/api/activities/{id}/checkin-code").OkAsync())
            .GetProperty("code")
            .GetString();
        var outed = await member
            .PostAsJsonAsync(
                $"/api/activities/{id}/checkout",
                new
                {
                    code = code3,
                    latitude = Lat,
                    longitude = Lng,
                }
            )
            .OkAsync();
        Assert.Equal(205, outed.GetProperty("proposedMinutes").GetInt32()); // 08:45 → 12:10

        await (await member.PostAsJsonAsync($"/api/activities/{id}/close", new { })).ProblemAsync(
            403,
            "activities.organiser_only"
        );
        await (
            await App.ClientFor(9011)
                .PostAsJsonAsync(
                    $"/api/activities/{id}/close",
                    new { approvals = new[] { new { personId = 2005, minutes = 300 } } }
                )
        ).ProblemAsync(400, "activities.invalid_hours"); // more than 3 h + 1 h
        await (
            await App.ClientFor(9011)
                .PostAsJsonAsync(
                    $"/api/activities/{id}/close",
                    new
                    {
                        approvals = new[]
                        {
                            new { personId = 2005, minutes = 60 },
                            new { personId = 2005, minutes = 90 },
                        },
                    }
                )
        ).ProblemAsync(400, "activities.invalid_hours"); // the same person twice
        var closed = await App.ClientFor(9011)
            .PostAsJsonAsync(
                $"/api/activities/{id}/close",
                new { approvals = new[] { new { personId = 2005, minutes = 180 } } }
            )
            .OkAsync();
        var people = closed.GetProperty("participants").EnumerateArray().ToList();
        var medic = people.Single(p => p.GetProperty("personId").GetInt64() == 2005);
        Assert.Equal("approved", medic.GetProperty("status").GetString());
        Assert.Equal(180, medic.GetProperty("approvedMinutes").GetInt32());
        Assert.Equal(
            "no_show",
            people.Single(p => p.GetProperty("personId").GetInt64() == 1001).GetProperty("status").GetString()
        );
        // 98.3 h + 3 h: the first star, on the member's public card.
        var after = await App.ClientFor(1001).GetAsync("/api/people/2005/card").OkAsync();
        Assert.Equal((true, 101.3, 1), (
            after.GetProperty("partyMember").GetBoolean(),
            after.GetProperty("hours").GetDouble(),
            after.GetProperty("stars").GetInt32()
        ));
        Assert.Equal(
            1,
            await TestDatabase.ScalarAsync<long>(
                "SELECT COUNT(*) FROM service_record WHERE person_id = 2005 AND source = 'activity' AND ref_id = @id "
                    + "AND minutes = 180",
                new { id }
            )
        );
        await (await App.ClientFor(9011).PostAsJsonAsync($"/api/activities/{id}/close", new { })).ProblemAsync(
            409,
            "activities.not_ended"
        );

        var stats = await App.ClientFor(9011)
            .GetAsync("/api/communities/11/service-stats?from=2026-11-19&to=2026-11-19")
            .OkAsync();
        Assert.Equal((1, 3.0), (stats.GetProperty("personTimes").GetInt64(), stats.GetProperty("hours").GetDouble()));
        var byActivity = Assert.Single(stats.GetProperty("byActivity").EnumerateArray());
        Assert.Equal("金龙小区环境整治", byActivity.GetProperty("name").GetString());
        var byUnit = Assert.Single(stats.GetProperty("byUnit").EnumerateArray());
        Assert.Equal("市应急局", byUnit.GetProperty("name").GetString()); // 2005 works at unit 5
    }
}
