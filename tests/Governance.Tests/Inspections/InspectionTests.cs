using System.Net.Http.Json;
using Governance.Core.Lists;
using MiniExcelLibs;

namespace Governance.Tests.Inspections;

/// <summary>
/// 督查 end to end: the street opens a quarterly round, records a finding a unit must rectify and one the community
/// must; the unit reports progress, hands in evidence, is sent back, hands in again and the finding is closed out
/// (销号); the community's finding falls due and overdue and is reminded once each; the street's inspections ledger opens
/// with both. (Seed: street 1, its admin 9001; 城东社区 11, secretary 9011; 县医院 unit 1, admin 3001, serves 11;
/// 润东九年制学校 unit 2 serves only 12.)
/// </summary>
[Collection(DbCollection.Name)]
public sealed class InspectionTests(TestApp app) : DbTest(app)
{
    private Task<long> DeliveriesAsync(long personId, string kind) =>
        TestDatabase.ScalarAsync<long>(
            "SELECT COUNT(*) FROM delivery WHERE person_id = @personId AND kind = @kind",
            new { personId, kind }
        );

    [Fact]
    public async Task AFindingIsRectifiedSentBackAndClosedOutAndALateOneIsEscalated()
    {
        var street = App.ClientFor(9001);
        await (
            await App.ClientFor(9011).PostAsJsonAsync("/api/areas/1/inspections", new { title = "四季度督查" })
        ).ProblemAsync(403, "inspections.inspector_only");
        await (
            await street.PostAsJsonAsync("/api/areas/1/inspections", new { title = "四季度督查", quarter = "2026Q5" })
        ).ProblemAsync(400, "inspections.invalid_round");
        var round = await street.PostAsJsonAsync("/api/areas/1/inspections", new { title = "四季度督查" }).OkAsync();
        Assert.Equal("2026Q4", round.GetProperty("quarter").GetString());
        var roundId = round.GetProperty("id").GetInt64();

        // A unit that does not serve the community cannot be made to rectify there.
        await (
            await street.PostAsJsonAsync(
                $"/api/inspections/{roundId}/findings",
                new { communityId = 11, unitId = 2, problem = "x", requirement = "y", deadline = "2026-11-30" }
            )
        ).ProblemAsync(400, "inspections.outside_round");
        await (
            await street.PostAsJsonAsync(
                $"/api/inspections/{roundId}/findings",
                new { communityId = 11, unitId = 1, problem = "台账不全", requirement = "补齐", deadline = "2026-11-01" }
            )
        ).ProblemAsync(400, "inspections.invalid_finding");
        var unitFinding = (
            await street
                .PostAsJsonAsync(
                    $"/api/inspections/{roundId}/findings",
                    new
                    {
                        communityId = 11,
                        unitId = 1,
                        problem = "共建活动台账缺少10月记录",
                        requirement = "补齐10月活动记录和照片",
                        deadline = "2026-11-30",
                    }
                )
                .OkAsync()
        )
            .GetProperty("id")
            .GetInt64();
        var communityFinding = (
            await street
                .PostAsJsonAsync(
                    $"/api/inspections/{roundId}/findings",
                    new
                    {
                        communityId = 11,
                        problem = "党群服务中心公示栏信息过期",
                        requirement = "更新公示内容",
                        deadline = "2026-11-20",
                    }
                )
                .OkAsync()
        )
            .GetProperty("id")
            .GetInt64();
        Assert.Equal(1, await DeliveriesAsync(3001, "inspection_finding"));
        Assert.Equal(1, await DeliveriesAsync(9011, "inspection_finding"));

        // The unit's admin sees only its own finding as work to do.
        var mine = await App.ClientFor(3001).GetAsync("/api/findings/mine").OkAsync();
        Assert.Equal([unitFinding], mine.EnumerateArray().Select(f => f.GetProperty("id").GetInt64()).ToArray());

        var unit = App.ClientFor(3001);
        await (
            await App.ClientFor(9011).PostAsJsonAsync($"/api/findings/{unitFinding}/submit", new { evidence = "x" })
        ).ProblemAsync(403, "inspections.responsible_only");
        await (await unit.PostAsJsonAsync($"/api/findings/{unitFinding}/close", new { accept = true })).ProblemAsync(
            403,
            "inspections.inspector_only"
        );
        await (await street.PostAsJsonAsync($"/api/findings/{unitFinding}/close", new { accept = true })).ProblemAsync(
            409,
            "inspections.wrong_state"
        );
        await unit.PostAsJsonAsync($"/api/findings/{unitFinding}/progress", new { evidence = "已找到8次活动记录" }).OkAsync();
        await unit.PostAsJsonAsync($"/api/findings/{unitFinding}/submit", new { evidence = "补齐8次记录" }).OkAsync();
        Assert.Equal(1, await DeliveriesAsync(9001, "inspection_submitted"));
        await (await street.PostAsJsonAsync($"/api/findings/{unitFinding}/close", new { accept = false })).ProblemAsync(
            400,
            "inspections.reason_required"
        );
        var returned = await street
            .PostAsJsonAsync($"/api/findings/{unitFinding}/close", new { accept = false, reason = "缺照片" })
            .OkAsync();
        Assert.Equal("returned", returned.GetProperty("status").GetString());
        await unit.PostAsJsonAsync($"/api/findings/{unitFinding}/submit", new { evidence = "补齐记录和照片" }).OkAsync();
        var closed = await street
            .PostAsJsonAsync($"/api/findings/{unitFinding}/close", new { accept = true })
            .OkAsync();
        Assert.Equal("closed", closed.GetProperty("status").GetString());
        Assert.Equal(1, await DeliveriesAsync(3001, "inspection_closed"));
        var detail = await unit.GetAsync($"/api/findings/{unitFinding}").OkAsync();
        Assert.Equal(
            ["found", "progress", "submitted", "returned", "submitted", "closed"],
            detail.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("kind").GetString()!).ToArray()
        );

        // The community's finding: due soon, then overdue (the street told too); once each however often run.
        var reminders = App.Service<PracticeReminders>();
        await reminders.RunAsync(default);
        Assert.Equal(1, await DeliveriesAsync(9011, "inspection_due"));
        App.Clock.Advance(TimeSpan.FromDays(3)); // 2026-11-21
        await reminders.RunAsync(default);
        await reminders.RunAsync(default);
        Assert.Equal(1, await DeliveriesAsync(9011, "inspection_overdue"));
        Assert.Equal(1, await DeliveriesAsync(9001, "inspection_overdue"));
        Assert.Equal(0, await DeliveriesAsync(3001, "inspection_overdue"));

        var summary = await street.GetAsync($"/api/inspections/{roundId}").OkAsync();
        Assert.Equal(
            (2, 1, 1),
            (
                summary.GetProperty("round").GetProperty("findings").GetInt32(),
                summary.GetProperty("round").GetProperty("closed").GetInt32(),
                summary.GetProperty("round").GetProperty("overdue").GetInt32()
            )
        );
        await (await App.ClientFor(3001).GetAsync($"/api/inspections/{roundId}")).ProblemAsync(
            403,
            "inspections.inspector_only"
        );

        // The street's ledger: every finding under it, a 社区 column first; community staff may not export the street.
        var xlsx = await street.GetAsync("/api/areas/1/exports/inspections");
        Assert.Equal(200, (int)xlsx.StatusCode);
        using var sheet = new MemoryStream(await xlsx.Content.ReadAsByteArrayAsync());
        var rows = sheet.Query(useHeaderRow: true).Cast<IDictionary<string, object>>().ToList();
        Assert.Equal(
            ["社区", "督查", "季度", "整改责任方", "发现问题", "整改要求", "整改期限", "状态", "整改情况", "销号时间"],
            rows[0].Keys.ToArray()
        );
        Assert.Equal(
            [("县医院", "已销号", "补齐记录和照片"), ("城东社区", "整改中", "")],
            rows.Select(r => (r["整改责任方"]?.ToString(), r["状态"]?.ToString(), r["整改情况"]?.ToString() ?? ""))
        );
        await (await App.ClientFor(9011).GetAsync("/api/areas/1/exports/inspections")).ProblemAsync(
            403,
            "ledgers.staff_only"
        );
    }

    [Fact]
    public async Task TheStreetsClaimsLedgerCarriesEveryCommunity()
    {
        foreach (var (community, secretary, admin, unit) in new[] { (11L, 9011L, 3001L, 1L), (12L, 9012L, 3002L, 2L) })
        {
            var item = await App.ClientFor(secretary)
                .PostAsJsonAsync($"/api/communities/{community}/lists", new { kind = "need", title = $"需求{community}" })
                .OkAsync();
            await App.ClientFor(admin)
                .PostAsJsonAsync($"/api/lists/{item.GetProperty("id").GetInt64()}/claim", new { unitId = unit })
                .OkAsync();
        }
        var csv = await App.ClientFor(9001).GetAsync("/api/areas/1/exports/claims?format=csv");
        var text = System.Text.Encoding.UTF8.GetString((await csv.Content.ReadAsByteArrayAsync())[3..]);
        var lines = text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("社区,事项,清单,认领方", lines[0]);
        Assert.Equal(["城东社区,需求11", "解放街社区,需求12"], lines[1..].Select(l => string.Join(',', l.Split(',')[..2])));
    }
}
