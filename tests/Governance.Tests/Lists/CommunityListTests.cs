using System.Net.Http.Json;
using System.Text.Json;

namespace Governance.Tests.Lists;

/// <summary>
/// 双向认领 end to end: a need listed by the secretary, claimed by a unit, worked, handed in, sent back, handed in again
/// and closed out; one claim per item under concurrency; a unit's resource booked by the hour with no double booking;
/// who may see and do what. (Seed: 城东社区 is area 11, secretary 9011; 县医院 is unit 1, admin 3001, serving 11;
/// 市应急局 is unit 5, admin 3005, serving 11; 润东九年制学校 is unit 2, admin 3002, serving only 12; member 2001 is
/// registered in 11; resident 1001 lives there.)
/// </summary>
[Collection(DbCollection.Name)]
public sealed class CommunityListTests(TestApp app) : DbTest(app)
{
    private async Task<long> AddAsync(long personId, object body)
    {
        var item = await App.ClientFor(personId).PostAsJsonAsync("/api/communities/11/lists", body).OkAsync();
        return item.GetProperty("id").GetInt64();
    }

    private Task<long> NeedAsync() =>
        AddAsync(
            9011,
            new
            {
                kind = "need",
                title = "金龙小区老年活动室缺少桌椅",
                description = "居民会上提出，约需20套桌椅",
                source = "meeting",
            }
        );

    private Task<List<string>> NoticesAsync(long personId, string kind) =>
        TestDatabase.QueryAsync<string>(
            "SELECT kind FROM delivery WHERE person_id = @personId AND kind = @kind",
            new { personId, kind }
        );

    [Fact]
    public async Task ANeedIsClaimedByAUnitWorkedSentBackAndClosedOut()
    {
        var item = await NeedAsync();
        var unitAdmin = App.ClientFor(3001);
        var claim = await unitAdmin.PostAsJsonAsync($"/api/lists/{item}/claim", new { unitId = 1 }).OkAsync();
        var claimId = claim.GetProperty("claim").GetProperty("id").GetInt64();
        Assert.Equal("县医院", claim.GetProperty("claim").GetProperty("unitName").GetString());
        Assert.Equal(3001, claim.GetProperty("ownerCard").GetProperty("personId").GetInt64()); // 亮身份
        Assert.Single(await NoticesAsync(9011, "list_claimed"));

        await (await App.ClientFor(3005).PostAsJsonAsync($"/api/lists/{item}/claim", new { unitId = 5 })).ProblemAsync(
            409,
            "lists.already_claimed"
        );
        var stranger = App.ClientFor(2001);
        await (await stranger.PostAsJsonAsync($"/api/claims/{claimId}/progress", new { note = "x" })).ProblemAsync(
            403,
            "lists.owner_only"
        );
        await unitAdmin.PostAsJsonAsync($"/api/claims/{claimId}/progress", new { note = "已采购15套" }).OkAsync();
        await unitAdmin.PostAsJsonAsync($"/api/claims/{claimId}/submit", new { note = "20套桌椅已送到，见照片" }).OkAsync();
        Assert.Single(await NoticesAsync(9011, "list_submitted"));

        var secretary = App.ClientFor(9011);
        await (await secretary.PostAsJsonAsync($"/api/claims/{claimId}/decision", new { accept = false })).ProblemAsync(
            400,
            "lists.reason_required"
        );
        await (await unitAdmin.PostAsJsonAsync($"/api/claims/{claimId}/decision", new { accept = true })).ProblemAsync(
            403,
            "lists.staff_only"
        );
        var returned = await secretary
            .PostAsJsonAsync($"/api/claims/{claimId}/decision", new { accept = false, reason = "只到了15套" })
            .OkAsync();
        Assert.Equal("returned", returned.GetProperty("claim").GetProperty("status").GetString());
        await unitAdmin.PostAsJsonAsync($"/api/claims/{claimId}/submit", new { note = "补齐20套" }).OkAsync();
        var done = await secretary.PostAsJsonAsync($"/api/claims/{claimId}/decision", new { accept = true }).OkAsync();
        Assert.Equal("done", done.GetProperty("claim").GetProperty("status").GetString());
        Assert.Equal(
            ["claimed", "progress", "submitted", "returned", "submitted", "done"],
            done.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("kind").GetString()!)
        );
        Assert.Equal(2, (await NoticesAsync(3001, "list_decided")).Count);
        Assert.Equal(
            "done",
            await TestDatabase.ScalarAsync<string>("SELECT status FROM list_item WHERE id = @item", new { item })
        );
        // A done claim is not live: submitting again is refused.
        await (await unitAdmin.PostAsJsonAsync($"/api/claims/{claimId}/submit", new { note = "again" })).ProblemAsync(
            409,
            "lists.wrong_claim_state"
        );
    }

    [Fact]
    public async Task TwoClaimsAtOnceOneWins()
    {
        for (var round = 0; round < 5; round++)
        {
            var item = await NeedAsync();
            var answers = await Task.WhenAll(
                App.ClientFor(3001).PostAsJsonAsync($"/api/lists/{item}/claim", new { unitId = 1 }),
                App.ClientFor(3005).PostAsJsonAsync($"/api/lists/{item}/claim", new { unitId = 5 }),
                App.ClientFor(2001).PostAsJsonAsync($"/api/lists/{item}/claim", new { })
            );
            Assert.Equal(1, answers.Count(a => (int)a.StatusCode == 200));
            Assert.Equal(2, answers.Count(a => (int)a.StatusCode == 409));
            Assert.Equal(
                1,
                await TestDatabase.ScalarAsync<int>(
                    "SELECT COUNT(*) FROM list_claim WHERE item_id = @item AND status = 'claimed'",
                    new { item }
                )
            );
        }
    }

    [Fact]
    public async Task AResourceIsBookedByTheHourWithNoDoubleBooking()
    {
        // Only for a unit of one's own that serves the community.
        await (
            await App.ClientFor(3001)
                .PostAsJsonAsync("/api/communities/11/lists", new { kind = "resource", title = "操场", unitId = 2 })
        ).ProblemAsync(400, "lists.unit_required");
        await (
            await App.ClientFor(3002)
                .PostAsJsonAsync("/api/communities/11/lists", new { kind = "resource", title = "操场", unitId = 2 })
        ).ProblemAsync(403, "lists.not_allowed");
        var room = await AddAsync(3001, new { kind = "resource", title = "县医院三楼会议室", unitId = 1, capacity = 30 });

        var secretary = App.ClientFor(9011);
        object Slot(int from, int to, string purpose = "居民议事会") =>
            new
            {
                startsAt = $"2026-11-20T{from:00}:00:00+08:00",
                endsAt = $"2026-11-20T{to:00}:00:00+08:00",
                purpose,
            };
        var first = await secretary.PostAsJsonAsync($"/api/lists/{room}/bookings", Slot(9, 11)).OkAsync();
        Assert.Equal("requested", first.GetProperty("status").GetString());
        Assert.Single(await NoticesAsync(3001, "booking_requested"));
        await (await secretary.PostAsJsonAsync($"/api/lists/{room}/bookings", Slot(10, 12))).ProblemAsync(
            409,
            "lists.slot_taken"
        );
        await (
            await secretary.PostAsJsonAsync(
                $"/api/lists/{room}/bookings",
                new { startsAt = "2026-11-20T09:30:00+08:00", endsAt = "2026-11-20T10:30:00+08:00", purpose = "x" }
            )
        ).ProblemAsync(400, "lists.invalid_slot");

        // Eight requests for one hour at once: one is stored.
        var race = await Task.WhenAll(
            Enumerable
                .Range(0, 8)
                .Select(_ => App.ClientFor(9011).PostAsJsonAsync($"/api/lists/{room}/bookings", Slot(14, 15)))
        );
        Assert.Equal(1, race.Count(r => (int)r.StatusCode == 200));
        Assert.All(race.Where(r => (int)r.StatusCode != 200), r => Assert.Equal(409, (int)r.StatusCode));
        Assert.Equal(
            1,
            await TestDatabase.ScalarAsync<int>(
                "SELECT COUNT(*) FROM resource_slot WHERE item_id = @room AND slot_start = '2026-11-20 06:00:00'",
                new { room }
            )
        );

        var bookingId = first.GetProperty("id").GetInt64();
        var otherUnit = App.ClientFor(3005);
        await (
            await otherUnit.PostAsJsonAsync($"/api/bookings/{bookingId}/decision", new { confirm = true })
        ).ProblemAsync(403, "lists.unit_admin_only");
        var declined = await App.ClientFor(3001)
            .PostAsJsonAsync($"/api/bookings/{bookingId}/decision", new { confirm = false })
            .OkAsync();
        Assert.Equal("declined", declined.GetProperty("status").GetString());
        Assert.Single(await NoticesAsync(9011, "booking_decided"));
        // The declined hours are free again.
        await secretary.PostAsJsonAsync($"/api/lists/{room}/bookings", Slot(10, 12)).OkAsync();
    }

    [Fact]
    public async Task OnlyTheCommunitysPeopleSeeItsLists()
    {
        var item = await NeedAsync();
        await (await App.ClientFor(1001).GetAsync("/api/communities/11/lists")).ProblemAsync(403, "lists.not_allowed");
        await (await App.ClientFor(9011).GetAsync("/api/communities/99999/lists")).ProblemAsync(
            404,
            "lists.community_not_found"
        );
        await (await App.ClientFor(9011).GetAsync("/api/communities/11/lists?kind=wish")).ProblemAsync(
            400,
            "lists.invalid_kind"
        );
        foreach (var person in new long[] { 9011, 2001, 3001 })
        {
            var items = await App.ClientFor(person).GetAsync("/api/communities/11/lists?kind=need").OkAsync();
            Assert.Contains(items.EnumerateArray(), i => i.GetProperty("id").GetInt64() == item);
        }
        // A unit that does not serve 城东社区 sees nothing of it and claims nothing in it.
        await (await App.ClientFor(3002).GetAsync("/api/communities/11/lists")).ProblemAsync(403, "lists.not_allowed");
        await (await App.ClientFor(3002).PostAsJsonAsync($"/api/lists/{item}/claim", new { unitId = 2 })).ProblemAsync(
            404,
            "lists.item_not_found"
        );
        await (
            await App.ClientFor(2001).PostAsJsonAsync("/api/communities/11/lists", new { kind = "need", title = "x" })
        ).ProblemAsync(403, "lists.not_allowed");
    }
}
