using System.Net.Http.Json;
using Governance.Core.Reports;

namespace Governance.Tests.Reports;

/// <summary>
/// A monthly report reminded, filed late, escalated and reviewed. Now is 2026-11-18: October's reports were due on
/// November 5th. 县医院 (unit 1, admin 3001) serves 城东社区 (11, secretary 9011) and 解放街社区 (12).
/// </summary>
[Collection(DbCollection.Name)]
public sealed class UnitReportTests(TestApp app) : DbTest(app)
{
    private Task<int> NoticesAsync(long personId, string kind) =>
        TestDatabase.ScalarAsync<int>(
            "SELECT COUNT(*) FROM delivery WHERE person_id = @personId AND kind = @kind",
            new { personId, kind }
        );

    [Fact]
    public async Task AMonthlyReportIsRemindedFiledLateEscalatedAndReviewed()
    {
        // Before the due day the unit is reminded; after it, the secretary hears it is late too.
        App.Time.Reset(ClockExtensions.China(2026, 11, 3, 10));
        var reports = App.Service<UnitReports>();
        await reports.RemindAsync(default);
        Assert.Equal(2, await NoticesAsync(3001, "unit_report_due")); // for 11 and for 12
        Assert.Equal(0, await NoticesAsync(9011, "unit_report_overdue"));
        App.Clock.Advance(TimeSpan.FromDays(5)); // 2026-11-08
        await reports.RemindAsync(default);
        await reports.RemindAsync(default); // once
        Assert.Equal(2, await NoticesAsync(3001, "unit_report_overdue"));
        Assert.Equal(2, await NoticesAsync(9011, "unit_report_overdue")); // 县医院 and 市应急局, both missing

        var admin = App.ClientFor(3001);
        object Report(string content) =>
            new
            {
                communityId = 11,
                month = "2026-10",
                content,
                people = 12,
                hours = 36.5,
                resources = "会议室两次",
            };
        await (await App.ClientFor(3002).PostAsJsonAsync("/api/units/1/reports", Report("x"))).ProblemAsync(
            403,
            "reports.not_serving"
        );
        var filed = await admin.PostAsJsonAsync("/api/units/1/reports", Report("义诊两次，服务老人80人次")).OkAsync();
        Assert.Equal(
            ("submitted", true),
            (filed.GetProperty("status").GetString(), filed.GetProperty("late").GetBoolean())
        );
        await (await admin.PostAsJsonAsync("/api/units/1/reports", Report("again"))).ProblemAsync(
            409,
            "reports.already_filed"
        );

        var secretary = App.ClientFor(9011);
        var month = await secretary.GetAsync("/api/communities/11/unit-reports?month=2026-10").OkAsync();
        Assert.Equal(
            [(1L, "submitted"), (5L, "missing")],
            month
                .EnumerateArray()
                .Select(l => (l.GetProperty("unitId").GetInt64(), l.GetProperty("status").GetString()))
        );
        var reportId = filed.GetProperty("reportId").GetInt64();
        var bare = await secretary.PostAsJsonAsync($"/api/unit-reports/{reportId}/review", new { accept = false });
        await bare.ProblemAsync(400, "reports.note_required");
        var returned = await secretary
            .PostAsJsonAsync($"/api/unit-reports/{reportId}/review", new { accept = false, note = "请补充参与人员名单" })
            .OkAsync();
        Assert.Equal("returned", returned.GetProperty("status").GetString());
        var again = await admin.PostAsJsonAsync("/api/units/1/reports", Report("义诊两次，附人员名单")).OkAsync();
        Assert.Equal("submitted", again.GetProperty("status").GetString());
        var accepted = await secretary
            .PostAsJsonAsync($"/api/unit-reports/{reportId}/review", new { accept = true })
            .OkAsync();
        Assert.Equal("accepted", accepted.GetProperty("status").GetString());
    }
}
