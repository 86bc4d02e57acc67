using System.Net.Http.Json;
using Governance.Core.Lists;

namespace Governance.Tests.Activities;

/// <summary>
/// A recurring class filling up (enrolled, then waitlisted, and the first waiting moved up when someone withdraws), its
/// volunteer rota and attendance; a long-term post claimed, held by one person at a time, its duties credited, released
/// and claimed again, renewed and finally released at the end of its term.
/// </summary>
[Collection(DbCollection.Name)]
public sealed class SeriesAndPostTests(TestApp app) : DbTest(app)
{
    private Task<long> DeliveriesAsync(long personId, string kind) =>
        TestDatabase.ScalarAsync<long>(
            "SELECT COUNT(*) FROM delivery WHERE person_id = @personId AND kind = @kind",
            new { personId, kind }
        );

    [Fact]
    public async Task AnAfterSchoolClassFillsUpAndItsWaitingListMovesUp()
    {
        var staff = App.ClientFor(9011);
        await (
            await staff.PostAsJsonAsync(
                "/api/communities/11/series",
                new { title = "四点半课堂", kind = "class", weekdays = "1,2,8", starts = "16:30", ends = "18:00" }
            )
        ).ProblemAsync(400, "series.invalid");
        var series = await staff
            .PostAsJsonAsync(
                "/api/communities/11/series",
                new
                {
                    title = "四点半课堂",
                    kind = "class",
                    weekdays = "1,2,3,4,5",
                    starts = "16:30",
                    ends = "18:00",
                    firstDay = "2026-11-21",
                    lastDay = "2026-11-29",
                    capacity = 2,
                    volunteers = 2,
                    place = "城东社区党群服务中心",
                }
            )
            .OkAsync();
        var id = series.GetProperty("series").GetProperty("id").GetInt64();
        var sessions = series.GetProperty("sessions").EnumerateArray().ToList();
        Assert.Equal(5, sessions.Count); // Monday 23rd to Friday 27th; the weekends skipped
        Assert.Equal("2026-11-23T16:30:00+08:00", sessions[0].GetProperty("startsAt").GetString());

        async Task<(long Id, string Status)> Enrol(long guardian, string child)
        {
            var e = await App.ClientFor(guardian)
                .PostAsJsonAsync($"/api/series/{id}/enrol", new { participant = child, age = 9 })
                .OkAsync();
            return (e.GetProperty("id").GetInt64(), e.GetProperty("status").GetString()!);
        }
        var ming = await Enrol(1001, "小明");
        var hong = await Enrol(1002, "小红");
        Assert.Equal(("enrolled", "enrolled"), (ming.Status, hong.Status));
        await (
            await App.ClientFor(1001).PostAsJsonAsync($"/api/series/{id}/enrol", new { participant = "小明", age = 9 })
        ).ProblemAsync(409, "series.already_enrolled");
        // Four more at once: none of them gets past the capacity.
        var rush = await Task.WhenAll(
            new long[] { 1003, 1004, 1005, 1006 }.Select(g =>
                App.ClientFor(g).PostAsJsonAsync($"/api/series/{id}/enrol", new { participant = $"孩子{g}", age = 8 })
            )
        );
        Assert.All(rush, r => Assert.Equal(200, (int)r.StatusCode));
        Assert.Equal(
            2,
            await TestDatabase.ScalarAsync<long>(
                "SELECT COUNT(*) FROM series_enrolment WHERE series_id = @id AND status = 'enrolled'",
                new { id }
            )
        );
        var firstWaiting = await TestDatabase.ScalarAsync<long>(
            "SELECT guardian_id FROM series_enrolment WHERE series_id = @id AND status = 'waitlisted' ORDER BY id "
                + "LIMIT 1",
            new { id }
        );

        // A guardian sees only their own child; staff see everyone.
        var mine = await App.ClientFor(1002).GetAsync($"/api/series/{id}").OkAsync();
        var theirs = mine.GetProperty("enrolments")
            .EnumerateArray()
            .Select(e => e.GetProperty("participant").GetString());
        Assert.Equal(["小红"], theirs);
        await (await App.ClientFor(1002).PostAsync($"/api/enrolments/{ming.Id}/withdraw", null)).ProblemAsync(
            404,
            "series.enrolment_not_found"
        );
        var after = await App.ClientFor(1001).PostAsync($"/api/enrolments/{ming.Id}/withdraw", null).OkAsync();
        Assert.Equal(2, after.GetProperty("series").GetProperty("enrolled").GetInt64());
        Assert.Equal(3, after.GetProperty("series").GetProperty("waitlisted").GetInt64());
        Assert.Equal(1, await DeliveriesAsync(firstWaiting, "series_enrolled"));

        // The rota: two volunteers for the first session, a third is turned away; then the attendance.
        var session = sessions[0].GetProperty("activityId").GetInt64();
        var post = await TestDatabase.ScalarAsync<long>(
            "SELECT id FROM activity_post WHERE activity_id = @session",
            new { session }
        );
        await App.ClientFor(2005).PostAsJsonAsync($"/api/activities/{session}/signup", new { postId = post }).OkAsync();
        await App.ClientFor(2010).PostAsJsonAsync($"/api/activities/{session}/signup", new { postId = post }).OkAsync();
        await (
            await App.ClientFor(2011).PostAsJsonAsync($"/api/activities/{session}/signup", new { postId = post })
        ).ProblemAsync(409, "activities.post_full");
        await (
            await staff.PostAsJsonAsync($"/api/activities/{session}/attendance", new { present = new[] { ming.Id } })
        ).ProblemAsync(400, "series.not_a_session"); // withdrawn
        var recorded = await staff
            .PostAsJsonAsync($"/api/activities/{session}/attendance", new { present = new[] { hong.Id } })
            .OkAsync();
        var first = recorded.GetProperty("sessions").EnumerateArray().First();
        Assert.Equal(2, first.GetProperty("volunteersSigned").GetInt32());
        Assert.Equal(1L, first.GetProperty("present").GetInt64());
    }

    [Fact]
    public async Task APostIsClaimedHeldReleasedAndExpires()
    {
        var staff = App.ClientFor(9011);
        var chief = await staff
            .PostAsJsonAsync(
                "/api/communities/11/posts",
                new { areaId = 111103, title = "3栋楼栋长", duties = "每周巡楼一次，收集居民诉求", termMonths = 12 }
            )
            .OkAsync();
        var chiefId = chief.GetProperty("id").GetInt64();
        await (
            await staff.PostAsJsonAsync(
                "/api/communities/11/posts",
                new { areaId = 121208, title = "x", termMonths = 12 }
            )
        ).ProblemAsync(400, "posts.invalid"); // a building of another community

        await (await App.ClientFor(1001).PostAsync($"/api/posts/{chiefId}/claim", null)).ProblemAsync(
            403,
            "posts.not_volunteer"
        );
        var holding = await App.ClientFor(2005).PostAsync($"/api/posts/{chiefId}/claim", null).OkAsync();
        var holdingId = holding.GetProperty("id").GetInt64();
        var second = await App.ClientFor(2010).PostAsync($"/api/posts/{chiefId}/claim", null);
        await second.ProblemAsync(409, "posts.taken");
        var listed = await App.ClientFor(1001).GetAsync("/api/communities/11/posts").OkAsync();
        var shown = listed.EnumerateArray().Single(p => p.GetProperty("id").GetInt64() == chiefId);
        Assert.Equal(2005, shown.GetProperty("holder").GetProperty("personId").GetInt64());
        Assert.True(shown.GetProperty("holder").GetProperty("partyMember").GetBoolean()); // 亮身份

        var before = await TestDatabase.ScalarAsync<int>("SELECT service_minutes FROM member WHERE person_id = 2005");
        var logged = await App.ClientFor(2005)
            .PostAsJsonAsync($"/api/holdings/{holdingId}/duties", new { note = "巡楼，清理楼道堆物", minutes = 90 })
            .OkAsync();
        Assert.Equal(90, logged.GetProperty("dutyMinutes").GetInt64());
        const string minutes = "SELECT service_minutes FROM member WHERE person_id = 2005";
        Assert.Equal(before + 90, await TestDatabase.ScalarAsync<int>(minutes));
        await TestDatabase.ExecuteAsync(
            "UPDATE member SET service_minutes = @before WHERE person_id = 2005",
            new { before }
        );
        await (
            await App.ClientFor(2010)
                .PostAsJsonAsync($"/api/holdings/{holdingId}/duties", new { note = "x", minutes = 10 })
        ).ProblemAsync(404, "posts.holding_not_found");
        await (await App.ClientFor(2005).PostAsync($"/api/holdings/{holdingId}/renew", null)).ProblemAsync(
            409,
            "posts.too_early"
        );
        await App.ClientFor(2005).PostAsync($"/api/holdings/{holdingId}/release", null).OkAsync();
        var vacant = await App.ClientFor(1001).GetAsync("/api/communities/11/posts?vacant=true").OkAsync();
        Assert.Contains(vacant.EnumerateArray(), p => p.GetProperty("id").GetInt64() == chiefId);

        // A one-month post: renewed near its end, then let run out; the reminder pass releases it and tells the holder.
        var guide = await staff
            .PostAsJsonAsync("/api/communities/11/posts", new { areaId = 111, title = "文明劝导员", termMonths = 1 })
            .OkAsync();
        var guideId = guide.GetProperty("id").GetInt64();
        var h2 = (await App.ClientFor(2010).PostAsync($"/api/posts/{guideId}/claim", null).OkAsync())
            .GetProperty("id")
            .GetInt64();
        var renewed = await App.ClientFor(2010).PostAsync($"/api/holdings/{h2}/renew", null).OkAsync();
        Assert.Equal("2027-01-18", renewed.GetProperty("endsOn").GetString());
        var reminders = App.Service<PracticeReminders>();
        App.Clock.Advance(TimeSpan.FromDays(55)); // 2027-01-12: ends within a week
        await reminders.RunAsync(default);
        Assert.Equal(1, await DeliveriesAsync(2010, "post_ending"));
        App.Clock.Advance(TimeSpan.FromDays(10)); // 2027-01-22: over
        await reminders.RunAsync(default);
        await reminders.RunAsync(default);
        Assert.Equal(1, await DeliveriesAsync(2010, "post_released"));
        Assert.Equal(
            "released",
            await TestDatabase.ScalarAsync<string>("SELECT status FROM post_holding WHERE id = @h2", new { h2 })
        );
    }
}
