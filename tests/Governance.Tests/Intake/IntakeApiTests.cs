using System.Net.Http.Json;
using Governance.Core.Intake;

namespace Governance.Tests.Intake;

[Collection(DbCollection.Name)]
public sealed class IntakeApiTests(TestApp app) : DbTest(app)
{
    [Fact]
    public async Task TheFormGetsACategorySuggestionUrgencyAndPlace()
    {
        var client = App.ClientFor(1001);
        var a = await client
            .PostAsJsonAsync("/api/intake/analyze", new { text = "金龙小区3号楼2单元楼道灯坏了" })
            .OkAsync();
        Assert.Equal("设施维修", a.GetProperty("category").GetProperty("name").GetString());
        Assert.True(a.GetProperty("confident").GetBoolean());
        Assert.False(a.GetProperty("urgent").GetBoolean());
        Assert.Equal(111103, a.GetProperty("place").GetProperty("buildingId").GetInt64());
        Assert.Equal(2, a.GetProperty("place").GetProperty("unit").GetInt32());

        var gas = await client.PostAsJsonAsync("/api/intake/analyze", new { text = "楼道里有煤气味" }).OkAsync();
        Assert.True(gas.GetProperty("urgent").GetBoolean());
        Assert.Contains("119", gas.GetProperty("emergencyNumbers").EnumerateArray().Select(e => e.GetString()));

        await (await client.PostAsJsonAsync("/api/intake/analyze", new { text = " " })).ProblemAsync(
            400,
            "intake.text_required"
        );
        await (await App.CreateClient().PostAsJsonAsync("/api/intake/analyze", new { text = "x" })).ProblemAsync(
            401,
            "auth.required"
        );
    }

    [Fact]
    public async Task AStaffCorrectionOfTheCategoryBecomesTrainingData()
    {
        const string text = "小区里那几棵大树的树枝快压到电线了";
        var code = await App.ClientFor(1001).ReportCodeAsync(categoryId: 14, description: text);
        await (
            await App.ClientFor(1001).PostAsJsonAsync($"/api/orders/{code}/category", new { categoryId = 1 })
        ).ProblemAsync(403, "order.staff_only");

        var corrected = await App.ClientFor(9101)
            .PostAsJsonAsync($"/api/orders/{code}/category", new { categoryId = 2 })
            .OkAsync();
        Assert.Equal("设施维修", corrected.GetProperty("category").GetProperty("name").GetString());
        Assert.Equal(
            "recategorized",
            corrected.GetProperty("timeline").EnumerateArray().Last().GetProperty("kind").GetString()
        );
        Assert.Equal(
            "其他 → 设施维修",
            corrected.GetProperty("timeline").EnumerateArray().Last().GetProperty("note").GetString()
        );

        var example = (
            await TestDatabase.QueryAsync<(string Text, long CategoryId, string Source)>(
                "SELECT text, category_id, source FROM intake_example WHERE source = 'correction'"
            )
        ).Single();
        Assert.Equal((text, 2L, "correction"), example);
        // The next analysis retrains with the correction included.
        var examples = await new IntakeExampleStore(TestDatabase.Db).ListAsync();
        Assert.Equal(371, examples.Count);
        Assert.Contains((text, "facility"), examples);
        await App.ClientFor(9101).PostAsJsonAsync("/api/intake/analyze", new { text }).OkAsync();
        var model = await App.Service<IntakeService>().ModelAsync();
        Assert.Equal("facility", model!.Predict(text).Label);
    }

    [Fact]
    public async Task TheSandboxPageChatsThroughTheRealCallbackPath()
    {
        var client = App.CreateClient();
        var page = await client.GetStringAsync("/sandbox");
        Assert.Contains("社区服务号", page);
        var residents = (await client.GetAsync("/sandbox/api/residents").OkAsync()).EnumerateArray().ToList();
        Assert.Contains(residents, r =>
            r.GetProperty("oaOpenid").GetString() == "o_demo_resident_1001"
            && r.GetProperty("home").GetString() == "金龙小区 3栋"
        );

        var created = await client.PostAsJsonAsync("/sandbox/api/residents", new { }).OkAsync();
        var openid = created.GetProperty("openid").GetString()!;
        Assert.Contains("欢迎关注", created.GetProperty("reply").GetString());
        var reply = await client
            .PostAsJsonAsync(
                "/sandbox/api/send",
                new
                {
                    openid,
                    type = "text",
                    text = "文化路小区1栋垃圾没人收",
                }
            )
            .OkAsync();
        Assert.Contains("请确认", reply.GetProperty("reply").GetString());
        Assert.Equal(
            1,
            await TestDatabase.ScalarAsync<int>(
                "SELECT COUNT(*) FROM wechat_inbound WHERE openid = @openid AND msg_type = 'text'",
                new { openid }
            )
        );
        var places = (await client.GetAsync("/sandbox/api/places").OkAsync())
            .EnumerateArray()
            .Select(p => p.GetProperty("name").GetString())
            .ToList();
        Assert.Contains("世纪山水小区", places);
        await (
            await client.PostAsJsonAsync(
                "/sandbox/api/send",
                new
                {
                    openid,
                    type = "text",
                    text = "",
                }
            )
        ).ProblemAsync(400, "sandbox.invalid_message");

        App.Service<Governance.Wechat.WechatOptions>().TurnBudgetMilliseconds = 0;
        await client
            .PostAsJsonAsync(
                "/sandbox/api/send",
                new
                {
                    openid,
                    type = "text",
                    text = "帮助",
                }
            )
            .OkAsync();
        var messages = await Wechat.Gateway.GatewayTests.WaitForAsync(async () =>
            (await client.GetAsync($"/sandbox/api/messages?openid={openid}").OkAsync()).EnumerateArray().ToList()
        );
        Assert.Contains("查询", messages[0].GetProperty("text").GetString());
    }
}
