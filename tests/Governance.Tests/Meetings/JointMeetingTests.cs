using System.Net.Http.Json;
using System.Text.Json;

namespace Governance.Tests.Meetings;

/// <summary>
/// A joint meeting of 城东社区 (area 11, secretary 9011) with its units (县医院 unit 1, admin 3001; 市应急局 unit 5,
/// admin 3005): scheduled and announced, an agenda from an unclaimed need and a point raised, attendance checked in by
/// the minute's code, two items claimed on the spot, one finished, minutes, and the unfinished one carried to the next
/// meeting; the ledger counts what each unit took and finished.
/// </summary>
[Collection(DbCollection.Name)]
public sealed class JointMeetingTests(TestApp app) : DbTest(app)
{
    private static object Meeting(string title) =>
        new
        {
            title,
            scheduledAt = "2026-11-20T14:00:00+08:00",
            place = "城东社区党群服务中心",
        };

    private static string[] States(JsonElement meeting) =>
        meeting.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("state").GetString()!).ToArray();

    [Fact]
    public async Task AMeetingIsHeldItemsAreClaimedOnTheSpotAndTheUnfinishedOneCarriesOver()
    {
        var secretary = App.ClientFor(9011);
        var need = (
            await secretary
                .PostAsJsonAsync(
                    "/api/communities/11/lists",
                    new
                    {
                        kind = "need",
                        title = "老年活动室缺桌椅",
                        source = "visit",
                    }
                )
                .OkAsync()
        )
            .GetProperty("id")
            .GetInt64();

        var meeting = await secretary.PostAsJsonAsync("/api/communities/11/meetings", Meeting("11月多网合一会")).OkAsync();
        var id = meeting.GetProperty("id").GetInt64();
        var invited = meeting
            .GetProperty("invitees")
            .EnumerateArray()
            .Select(i => i.GetProperty("personId").GetInt64());
        Assert.Contains(3001L, invited);
        Assert.Contains(3005L, invited);
        Assert.Equal(
            1,
            await TestDatabase.ScalarAsync<int>(
                "SELECT COUNT(*) FROM delivery WHERE person_id = 3001 AND kind = 'meeting_invited'"
            )
        );

        var proposal = await secretary.GetAsync($"/api/meetings/{id}/proposal").OkAsync();
        Assert.Contains(
            proposal.GetProperty("unclaimedItems").EnumerateArray(),
            i => i.GetProperty("id").GetInt64() == need
        );
        await secretary.PostAsJsonAsync($"/api/meetings/{id}/items", new { listItemId = need }).OkAsync();
        var agenda = await secretary.PostAsJsonAsync($"/api/meetings/{id}/items", new { title = "小区东门路灯不亮" }).OkAsync();
        var items = agenda.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt64()).ToArray();
        Assert.Equal(["open", "open"], States(agenda));

        // Check-in with the code on the screen.
        var hospital = App.ClientFor(3001);
        var emergency = App.ClientFor(3005);
        await (await hospital.PostAsJsonAsync($"/api/meetings/{id}/checkin", new { code = "000000x" })).ProblemAsync(
            400,
            "meetings.wrong_code"
        );
        await (await emergency.PostAsJsonAsync($"/api/meetings/{id}/items/{items[1]}/claim", new { })).ProblemAsync(
            403,
            "meetings.not_checked_in"
        );
        var screen = await secretary.GetAsync($"/api/meetings/{id}/checkin-code").OkAsync();
        var code = screen.GetProperty("code").GetString();
        await hospital.PostAsJsonAsync($"/api/meetings/{id}/checkin", new { code }).OkAsync();
        await emergency.PostAsJsonAsync($"/api/meetings/{id}/checkin", new { code }).OkAsync();

        // Two items claimed on the spot: the listed need by 县医院, the point raised by 市应急局 (it becomes a need).
        await hospital.PostAsJsonAsync($"/api/meetings/{id}/items/{items[0]}/claim", new { }).OkAsync();
        var claimed = await emergency.PostAsJsonAsync($"/api/meetings/{id}/items/{items[1]}/claim", new { }).OkAsync();
        Assert.Equal(["claimed", "claimed"], States(claimed));
        Assert.Equal(
            ["县医院", "市应急局"],
            claimed.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("claimedBy").GetString())
        );
        Assert.Equal(
            "meeting",
            await TestDatabase.ScalarAsync<string>(
                "SELECT source FROM list_item WHERE title = '小区东门路灯不亮' AND community_id = 11"
            )
        );

        // 县医院 finishes its item; the community closes it out.
        var claimId = await TestDatabase.ScalarAsync<long>(
            "SELECT id FROM list_claim WHERE item_id = @need",
            new { need }
        );
        await hospital.PostAsJsonAsync($"/api/claims/{claimId}/submit", new { note = "20套桌椅已到位" }).OkAsync();
        await secretary.PostAsJsonAsync($"/api/claims/{claimId}/decision", new { accept = true }).OkAsync();

        await (await secretary.PostAsJsonAsync($"/api/meetings/{id}/close", new { minutes = "" })).ProblemAsync(
            400,
            "meetings.minutes_required"
        );
        var closed = await secretary
            .PostAsJsonAsync($"/api/meetings/{id}/close", new { minutes = "议定：桌椅由县医院解决；路灯由市应急局协调。" })
            .OkAsync();
        Assert.Equal(["done", "claimed"], States(closed));
        await (await hospital.PostAsJsonAsync($"/api/meetings/{id}/checkin", new { code })).ProblemAsync(
            409,
            "meetings.closed"
        );

        // The next meeting starts with the unfinished item.
        var next = await secretary.PostAsJsonAsync("/api/communities/11/meetings", Meeting("12月多网合一会")).OkAsync();
        var carried = next.GetProperty("items").EnumerateArray().Single();
        Assert.Equal("小区东门路灯不亮", carried.GetProperty("title").GetString());
        Assert.Equal(items[1], carried.GetProperty("carriedFrom").GetInt64());
        Assert.Equal("claimed", carried.GetProperty("state").GetString());

        // The meetings ledger as a spreadsheet: every item of both meetings, the carried one marked.
        var file = await secretary.GetAsync("/api/communities/11/exports/meetings");
        using var sheet = new MemoryStream(await file.Content.ReadAsByteArrayAsync());
        var rows = MiniExcelLibs
            .MiniExcel.Query(sheet, useHeaderRow: true)
            .Cast<IDictionary<string, object>>()
            .ToList();
        Assert.Equal(
            [("老年活动室缺桌椅", "已办结", ""), ("小区东门路灯不亮", "办理中", ""), ("小区东门路灯不亮", "办理中", "结转")],
            rows.Select(r => (r["议题"]?.ToString(), r["办理情况"]?.ToString(), r["是否结转"]?.ToString() ?? ""))
        );

        var ledger = await secretary.GetAsync("/api/communities/11/ledger").OkAsync();
        Assert.Equal(
            [(1L, 1L, 1L), (5L, 1L, 0L)],
            ledger
                .EnumerateArray()
                .Select(l =>
                    (
                        l.GetProperty("unitId").GetInt64(),
                        l.GetProperty("taken").GetInt64(),
                        l.GetProperty("finished").GetInt64()
                    )
                )
        );
    }

    [Fact]
    public async Task OnlyStaffAndInviteesSeeAMeeting()
    {
        var meeting = await App.ClientFor(9011).PostAsJsonAsync("/api/communities/11/meetings", Meeting("会")).OkAsync();
        var id = meeting.GetProperty("id").GetInt64();
        await (await App.ClientFor(1001).GetAsync($"/api/meetings/{id}")).ProblemAsync(404, "meetings.not_found");
        await (await App.ClientFor(3001).GetAsync($"/api/meetings/{id}/checkin-code")).ProblemAsync(
            403,
            "meetings.staff_only"
        );
        await (await App.ClientFor(3001).PostAsJsonAsync("/api/communities/11/meetings", Meeting("会"))).ProblemAsync(
            403,
            "meetings.staff_only"
        );
        await (
            await App.ClientFor(9011).PostAsJsonAsync(
                "/api/communities/11/meetings",
                new { title = "会", scheduledAt = "2026-11-01T14:00:00+08:00", place = "x" }
            )
        ).ProblemAsync(400, "meetings.invalid_time");
        await App.ClientFor(3001).GetAsync($"/api/meetings/{id}").OkAsync();
    }
}
