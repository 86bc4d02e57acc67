using System.Net.Http.Json;

namespace Governance.Tests.Lists;

/// <summary>
/// "1+3" opening rules on the working-day calendar: a unit opens its activity centre to its own staff on working days,
/// to other units after hours, to residents on rest days and to the community on working-day afternoons; each booking
/// is checked against the rules for whom it is made. (2026-11-20 is a Friday, 2026-11-21 a Saturday.)
/// </summary>
[Collection(DbCollection.Name)]
public sealed class ResourceRuleTests(TestApp app) : DbTest(app)
{
    private static readonly object[] OneAndThree =
    [
        new { audience = "own_staff", days = "workday", opens = "08:00", closes = "17:30" },
        new { audience = "other_unit", days = "workday", opens = "18:00", closes = "21:00" },
        new { audience = "resident", days = "rest_day", opens = "09:00", closes = "17:00" },
        new { audience = "community", days = "workday", opens = "14:00", closes = "17:00" },
    ];

    private static object Slot(string day, int from, int to, string? audience = null) =>
        new
        {
            startsAt = $"2026-11-{day}T{from:00}:00:00+08:00",
            endsAt = $"2026-11-{day}T{to:00}:00:00+08:00",
            purpose = "活动",
            audience,
        };

    private Task<long> DeliveriesAsync(long personId, string kind) =>
        TestDatabase.ScalarAsync<long>(
            "SELECT COUNT(*) FROM delivery WHERE person_id = @personId AND kind = @kind",
            new { personId, kind }
        );

    [Fact]
    public async Task EachBookingIsCheckedAgainstTheRulesForWhomItIsMade()
    {
        var unitAdmin = App.ClientFor(3001);
        await (
            await unitAdmin.PostAsJsonAsync(
                "/api/communities/11/lists",
                new
                {
                    kind = "resource",
                    title = "职工活动中心",
                    unitId = 1,
                    rules = new[]
                    {
                        new { audience = "resident", days = "rest_day", opens = "25:00", closes = "26:00" },
                    },
                }
            )
        ).ProblemAsync(400, "lists.invalid_rules");
        await (
            await unitAdmin.PostAsJsonAsync(
                "/api/communities/11/lists",
                new
                {
                    kind = "resource",
                    title = "职工活动中心",
                    unitId = 1,
                    rules = new[] { new { audience = "tourist", days = "any", opens = "09:00", closes = "10:00" } },
                }
            )
        ).ProblemAsync(400, "lists.invalid_rules");
        var item = (
            await unitAdmin
                .PostAsJsonAsync(
                    "/api/communities/11/lists",
                    new
                    {
                        kind = "resource",
                        title = "职工活动中心",
                        unitId = 1,
                        capacity = 80,
                        rules = OneAndThree,
                    }
                )
                .OkAsync()
        )
            .GetProperty("id")
            .GetInt64();
        Assert.Equal(
            4,
            await TestDatabase.ScalarAsync<long>(
                "SELECT COUNT(*) FROM resource_rule WHERE item_id = @item",
                new { item }
            )
        );

        var secretary = App.ClientFor(9011);
        // Residents on a working day: closed, and the answer says when it is open to them.
        var bookings = $"/api/lists/{item}/bookings";
        var closed = await (await secretary.PostAsJsonAsync(bookings, Slot("20", 10, 12, "resident")))
            .ProblemAsync(409, "lists.resource_closed");
        Assert.Contains("休息日 09:00–17:00", closed.GetProperty("title").GetString());
        var weekend = await secretary
            .PostAsJsonAsync($"/api/lists/{item}/bookings", Slot("21", 10, 12, "resident"))
            .OkAsync();
        Assert.Equal("resident", weekend.GetProperty("audience").GetString());
        Assert.Equal("requested", weekend.GetProperty("status").GetString());
        // The community itself on Friday afternoon only; staff may not book as if they were a unit.
        await (await secretary.PostAsJsonAsync($"/api/lists/{item}/bookings", Slot("20", 11, 12))).ProblemAsync(
            409,
            "lists.resource_closed"
        );
        await secretary.PostAsJsonAsync($"/api/lists/{item}/bookings", Slot("20", 14, 16)).OkAsync();
        await (
            await secretary.PostAsJsonAsync($"/api/lists/{item}/bookings", Slot("20", 18, 19, "own_staff"))
        ).ProblemAsync(400, "lists.invalid_audience");

        // Another unit serving the community (市应急局) after hours on a working day.
        var otherUnit = App.ClientFor(3005);
        await (await otherUnit.PostAsJsonAsync($"/api/lists/{item}/bookings", Slot("20", 9, 10))).ProblemAsync(
            409,
            "lists.resource_closed"
        );
        var evening = await otherUnit.PostAsJsonAsync($"/api/lists/{item}/bookings", Slot("20", 18, 20)).OkAsync();
        Assert.Equal("other_unit", evening.GetProperty("audience").GetString());

        // The unit's own staff: confirmed at once, nobody to ask.
        var before = await DeliveriesAsync(3001, "booking_requested");
        var own = await unitAdmin.PostAsJsonAsync($"/api/lists/{item}/bookings", Slot("20", 8, 10)).OkAsync();
        Assert.Equal("own_staff", own.GetProperty("audience").GetString());
        Assert.Equal("confirmed", own.GetProperty("status").GetString());
        Assert.Equal(before, await DeliveriesAsync(3001, "booking_requested"));
        Assert.Equal(3, before); // resident, community and other-unit requests each asked the unit

        // A resident cannot book at all.
        await (await App.ClientFor(1001).PostAsJsonAsync($"/api/lists/{item}/bookings", Slot("21", 14, 15, "resident")))
            .ProblemAsync(404, "lists.item_not_found");

        // Saturday for residents: open 09–17, 10 and 11 taken.
        var day = await secretary
            .GetAsync($"/api/lists/{item}/availability?date=2026-11-21&audience=resident")
            .OkAsync();
        Assert.False(day.GetProperty("workingDay").GetBoolean());
        var hours = day.GetProperty("hours").EnumerateArray().ToList();
        Assert.Equal(24, hours.Count);
        Assert.Equal(
            Enumerable.Range(9, 8).ToList(),
            hours.Select((h, i) => (h, i)).Where(x => x.h.GetProperty("open").GetBoolean()).Select(x => x.i).ToList()
        );
        Assert.Equal(
            [10, 11],
            hours.Select((h, i) => (h, i)).Where(x => x.h.GetProperty("taken").GetBoolean()).Select(x => x.i).ToList()
        );
        var described = day.GetProperty("resource").GetProperty("described").EnumerateArray();
        Assert.Contains("居民：休息日 09:00–17:00", described.Select(d => d.GetString()));

        // Only the owning unit changes the rules; none at all opens every hour to everyone again.
        var none = new { rules = Array.Empty<object>() };
        await (await otherUnit.PutAsJsonAsync($"/api/lists/{item}/rules", none)).ProblemAsync(
            403,
            "lists.unit_admin_only"
        );
        await unitAdmin.PutAsJsonAsync($"/api/lists/{item}/rules", new { rules = Array.Empty<object>() }).OkAsync();
        await secretary.PostAsJsonAsync($"/api/lists/{item}/bookings", Slot("20", 10, 12, "resident")).OkAsync();
    }
}
