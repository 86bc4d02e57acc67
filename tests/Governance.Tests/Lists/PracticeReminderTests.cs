using System.Net.Http.Json;
using Governance.Core.Lists;

namespace Governance.Tests.Lists;

/// <summary>
/// The practices' reminders: a meeting tomorrow, a claim due and then overdue, a commitment due, a booking.
/// </summary>
[Collection(DbCollection.Name)]
public sealed class PracticeReminderTests(TestApp app) : DbTest(app)
{
    private Task<List<string>> KindsAsync(long personId) =>
        TestDatabase.QueryAsync<string>(
            "SELECT kind FROM delivery WHERE person_id = @personId AND kind NOT IN ('meeting_invited', 'list_claimed', "
                + "'booking_requested', 'booking_decided') AND kind NOT LIKE 'unit_report%' ORDER BY id",
            new { personId }
        );

    [Fact]
    public async Task EachPracticeIsRemindedOnceAndAnOverdueClaimReachesTheSecretary()
    {
        var secretary = App.ClientFor(9011);
        var hospital = App.ClientFor(3001);
        // Now is 2026-11-18 10:00 in China.
        await secretary
            .PostAsJsonAsync(
                "/api/communities/11/meetings",
                new
                {
                    title = "临时联席会",
                    scheduledAt = "2026-11-19T09:00:00+08:00",
                    place = "党群服务中心",
                }
            )
            .OkAsync();
        var need = await secretary
            .PostAsJsonAsync(
                "/api/communities/11/lists",
                new
                {
                    kind = "need",
                    title = "修补路面",
                    deadline = "2026-11-20",
                }
            )
            .OkAsync();
        var needId = need.GetProperty("id").GetInt64();
        await hospital.PostAsJsonAsync($"/api/lists/{needId}/claim", new { unitId = 1 }).OkAsync();
        await secretary
            .PostAsJsonAsync(
                "/api/communities/11/committee",
                new
                {
                    personId = 3001,
                    unitId = 1,
                    termStart = "2026-01-01",
                    termEnd = "2027-12-31",
                }
            )
            .OkAsync();
        await hospital
            .PostAsJsonAsync("/api/communities/11/commitments", new { content = "为老人义诊", dueDate = "2026-11-22" })
            .OkAsync();
        var room = await hospital
            .PostAsJsonAsync("/api/communities/11/lists", new { kind = "resource", title = "会议室", unitId = 1 })
            .OkAsync();
        var booking = await secretary
            .PostAsJsonAsync(
                $"/api/lists/{room.GetProperty("id").GetInt64()}/bookings",
                new
                {
                    startsAt = "2026-11-19T08:00:00+08:00",
                    endsAt = "2026-11-19T10:00:00+08:00",
                    purpose = "议事会",
                }
            )
            .OkAsync();
        await hospital
            .PostAsJsonAsync($"/api/bookings/{booking.GetProperty("id").GetInt64()}/decision", new { confirm = true })
            .OkAsync();

        var reminders = App.Service<PracticeReminders>();
        Assert.True(await reminders.RunAsync(default) > 0);
        Assert.Equal(["meeting_reminder", "claim_due", "commitment_due"], await KindsAsync(3001));
        Assert.Equal(["meeting_reminder", "booking_reminder"], await KindsAsync(9011));
        Assert.Equal(0, await reminders.RunAsync(default)); // a re-run sends nothing twice

        App.Clock.Advance(TimeSpan.FromDays(3)); // 2026-11-21: the claim is overdue
        await reminders.RunAsync(default);
        Assert.Contains("claim_overdue", await KindsAsync(3001));
        Assert.Contains("claim_overdue", await KindsAsync(9011));
    }
}
