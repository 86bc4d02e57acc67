using System.Net.Http.Json;
using System.Text;
using MiniExcelLibs;

namespace Governance.Tests.Lists;

/// <summary>The claims and meetings ledgers exported as .xlsx and CSV, opened again and their rows checked.</summary>
[Collection(DbCollection.Name)]
public sealed class LedgerExportTests(TestApp app) : DbTest(app)
{
    private async Task ClaimedNeedAsync(string title, long admin, long unit)
    {
        var item = await App.ClientFor(9011)
            .PostAsJsonAsync("/api/communities/11/lists", new { kind = "need", title })
            .OkAsync();
        await App.ClientFor(admin)
            .PostAsJsonAsync($"/api/lists/{item.GetProperty("id").GetInt64()}/claim", new { unitId = unit })
            .OkAsync();
    }

    [Fact]
    public async Task TheClaimsLedgerOpensAsASpreadsheetAndAsCsvWithChineseHeadings()
    {
        await ClaimedNeedAsync("老年活动室缺桌椅", 3001, 1);
        await ClaimedNeedAsync("东门路灯不亮", 3005, 5);
        var secretary = App.ClientFor(9011);

        var xlsx = await secretary.GetAsync("/api/communities/11/exports/claims");
        Assert.Equal(200, (int)xlsx.StatusCode);
        Assert.Equal(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            xlsx.Content.Headers.ContentType?.MediaType
        );
        using var sheet = new MemoryStream(await xlsx.Content.ReadAsByteArrayAsync());
        var rows = sheet.Query(useHeaderRow: true).Cast<IDictionary<string, object>>().ToList();
        Assert.Equal(2, rows.Count);
        Assert.Equal(
            ["事项", "清单", "认领方", "负责人", "认领时间", "截止日期", "状态", "完成情况"],
            rows[0].Keys.ToArray()
        );
        Assert.Equal(("老年活动室缺桌椅", "需求清单", "县医院", "办理中"), (
            rows[0]["事项"]?.ToString(),
            rows[0]["清单"]?.ToString(),
            rows[0]["认领方"]?.ToString(),
            rows[0]["状态"]?.ToString()
        ));
        Assert.Equal("市应急局", rows[1]["认领方"]?.ToString());

        var csv = await secretary.GetAsync("/api/communities/11/exports/claims?format=csv");
        var bytes = await csv.Content.ReadAsByteArrayAsync();
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).ToList();
        if (lines.Count == 1)
            lines = Encoding.UTF8.GetString(bytes[3..]).Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
        Assert.Equal(3, lines.Count);
        Assert.StartsWith("事项,清单,认领方", lines[0]);
        Assert.StartsWith("老年活动室缺桌椅,需求清单,县医院", lines[1]);
    }

    [Fact]
    public async Task ExportsAreForTheCommunitysStaffAndNamedLedgersOnly()
    {
        await (await App.ClientFor(3001).GetAsync("/api/communities/11/exports/claims")).ProblemAsync(
            403,
            "ledgers.staff_only"
        );
        await (await App.ClientFor(9011).GetAsync("/api/communities/11/exports/salaries")).ProblemAsync(
            404,
            "ledgers.unknown"
        );
        await (await App.ClientFor(9011).GetAsync("/api/communities/11/exports/claims?format=pdf")).ProblemAsync(
            400,
            "ledgers.unknown_format"
        );
        var empty = await App.ClientFor(9011).GetAsync("/api/communities/11/exports/meetings?format=csv");
        Assert.Equal(200, (int)empty.StatusCode);
        Assert.StartsWith("会议,时间,议题", Encoding.UTF8.GetString((await empty.Content.ReadAsByteArrayAsync())[3..]));
    }

    /// <summary>两台账: the registered members and the services done in the community, as spreadsheets.</summary>
    [Fact]
    public async Task TheMembersAndServicesLedgersListWhoRegisteredAndWhatWasDone()
    {
        var code = await App.ResolvedOrderAsync(member: 2001, hours: 2.5);
        var secretary = App.ClientFor(9011);

        using var members = new MemoryStream(
            await secretary.GetByteArrayAsync("/api/communities/11/exports/members")
        );
        var memberRows = members.Query(useHeaderRow: true).Cast<IDictionary<string, object>>().ToList();
        Assert.Equal(
            await TestDatabase.ScalarAsync<int>("SELECT COUNT(*) FROM registration WHERE community_id = 11"),
            memberRows.Count
        );
        Assert.Equal(
            ["姓名", "工作单位", "手机", "报到方式", "特长", "报到状态", "报到时间", "服务时长（小时）"],
            memberRows[0].Keys.ToArray()
        );
        var name2001 = await TestDatabase.ScalarAsync<string>("SELECT name FROM person WHERE id = 2001");
        Assert.Contains(memberRows, r => r["姓名"]?.ToString() == name2001 && r["报到状态"]?.ToString() == "已通过");

        using var services = new MemoryStream(
            await secretary.GetByteArrayAsync("/api/communities/11/exports/services")
        );
        var serviceRows = services.Query(useHeaderRow: true).Cast<IDictionary<string, object>>().ToList();
        var row = Assert.Single(serviceRows);
        Assert.Equal(
            (code, name2001, "2.5"),
            (row["工单号"]?.ToString(), row["办理人"]?.ToString(), row["服务时长（小时）"]?.ToString())
        );

        // The street's services ledger names each order's community; the hours are a line of the service record.
        using var street = new MemoryStream(
            await App.ClientFor(9001).GetByteArrayAsync("/api/areas/1/exports/services")
        );
        var streetRow = Assert.Single(street.Query(useHeaderRow: true).Cast<IDictionary<string, object>>());
        Assert.Equal(("城东社区", code), (streetRow["社区"]?.ToString(), streetRow["工单号"]?.ToString()));
        Assert.Equal(
            ["150 11"],
            await TestDatabase.QueryAsync<string>(
                "SELECT CONCAT(minutes, ' ', community_id) FROM service_record "
                    + "WHERE source = 'order' AND person_id = 2001"
            )
        );
    }
}
