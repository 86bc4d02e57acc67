using System.Net;
using System.Net.Http.Json;
using Governance.Core.Categories;

namespace Governance.Tests.Console;

/// <summary>
/// What county admins set on the console beyond time limits: a category's extra questions and the hazards whose
/// emergencies it receives, and the account's message templates, each taking effect on what residents see and get.
/// </summary>
[Collection(DbCollection.Name)]
public sealed class ReferenceDataAdminTests(TestApp app) : DbTest(app)
{
    private async Task<long?> EmergencyCategoryAsync(string text) =>
        (await App.ClientFor(1001).PostAsJsonAsync("/api/intake/analyze", new { text }).OkAsync())
            .GetProperty("category")
            .GetProperty("id")
            .GetInt64();

    [Fact]
    public async Task ACategoryGetsItsQuestionsAndTakesAHazardFromAnother()
    {
        var county = App.ClientFor(9000);
        try
        {
            // By default a gas leak is filed under 治安安全 (6).
            Assert.Equal(6, await EmergencyCategoryAsync("厨房里有很重的煤气味，好像燃气泄漏了"));
            await county
                .PatchAsJsonAsync(
                    "/api/categories/13",
                    new
                    {
                        questions = new[]
                        {
                            new { key = "age", text = "病人年龄？" },
                            new { key = "conscious", text = "是否清醒？" },
                        },
                        hazards = new[] { "gas", "fall" },
                    }
                )
                .OkAsync();
            Assert.Equal(13, await EmergencyCategoryAsync("厨房里有很重的煤气味，好像燃气泄漏了"));
            var medical = (await App.ClientFor(1001).GetAsync("/api/categories").OkAsync())
                .EnumerateArray()
                .Single(c => c.GetProperty("id").GetInt64() == 13);
            Assert.Equal(
                ["病人年龄？", "是否清醒？"],
                medical.GetProperty("questions").EnumerateArray().Select(q => q.GetProperty("text").GetString())
            );
            Assert.Equal(["gas", "fall"], medical.GetProperty("hazards").EnumerateArray().Select(h => h.GetString()));

            // Another category taking gas takes it from 医疗卫生, which keeps fall.
            await county.PatchAsJsonAsync("/api/categories/2", new { hazards = new[] { "gas" } }).OkAsync();
            Assert.Equal(
                ("gas", "fall"),
                (
                    await TestDatabase.ScalarAsync<string>("SELECT hazards FROM category WHERE id = 2"),
                    await TestDatabase.ScalarAsync<string>("SELECT hazards FROM category WHERE id = 13")
                )
            );
            Assert.Equal(2, await EmergencyCategoryAsync("厨房里有很重的煤气味，好像燃气泄漏了"));

            // Unknown hazards, bad keys and repeated keys are refused; a street admin may not change any of it.
            await (
                await county.PatchAsJsonAsync("/api/categories/2", new { hazards = new[] { "earthquake" } })
            ).ProblemAsync(400, "categories.hazards_invalid");
            await (
                await county.PatchAsJsonAsync(
                    "/api/categories/2",
                    new { questions = new[] { new { key = "Since When", text = "多久了？" } } }
                )
            ).ProblemAsync(400, "categories.questions_invalid");
            await (
                await county.PatchAsJsonAsync(
                    "/api/categories/2",
                    new { questions = new[] { new { key = "a", text = "一" }, new { key = "a", text = "二" } } }
                )
            ).ProblemAsync(400, "categories.questions_invalid");
            await (
                await App.ClientFor(9001).PatchAsJsonAsync("/api/categories/2", new { hazards = new[] { "fire" } })
            ).ProblemAsync(403, "categories.not_allowed");
        }
        finally
        {
            await TestDatabase.ExecuteAsync(
                """
                UPDATE category SET hazards = '', questions = NULL WHERE id = 13;
                UPDATE category SET hazards = '',
                  questions = '[{"key":"since","text":"问题出现多久了？"},{"key":"scope","text":"影响几户？"}]'
                 WHERE id = 2;
                """
            );
            App.Service<CategoryStore>().Forget();
        }
    }

    [Fact]
    public async Task ACountyAdminSetsAMessageTemplateAndTheNextNoticeUsesIt()
    {
        var county = App.ClientFor(9000);
        var original = (await county.GetAsync("/api/notification-templates").OkAsync())
            .EnumerateArray()
            .Single(t =>
                t.GetProperty("kind").GetString() == "broadcast" && t.GetProperty("channel").GetString() == "template"
            );
        try
        {
            var set = await county
                .PutAsJsonAsync(
                    "/api/notification-templates/broadcast/template",
                    new
                    {
                        templateId = "NEW_NOTICE_TPL_2027",
                        fields = new[]
                        {
                            new
                            {
                                key = "thing1",
                                from = "title",
                                type = "thing",
                            },
                            new
                            {
                                key = "time2",
                                from = "time",
                                type = "time",
                            },
                        },
                        page = "pages/notice/detail",
                    }
                )
                .OkAsync();
            Assert.Equal("NEW_NOTICE_TPL_2027", set.GetProperty("templateId").GetString());
            // A broadcast to 王秀兰 (she follows the account) goes out on the new template with its two keywords.
            var secretary = App.ClientFor(9011);
            var id = (
                await secretary
                    .PostAsJsonAsync(
                        "/api/broadcasts",
                        new
                        {
                            title = "模板更换测试",
                            body = "内容不在新模板里",
                            areaId = 11,
                            audience = "list",
                            personIds = new[] { 1001 },
                        }
                    )
                    .BodyOkAsync(201)
            ).GetProperty("id").GetInt64();
            await secretary.PostAsJsonAsync($"/api/broadcasts/{id}/send", new { }).OkAsync();
            App.Wechat.ClearSent();
            await App.Service<Governance.Wechat.Sending.OutboxSender>().DrainAsync(default);
            var message = Assert.Single(App.Wechat.Sent("o_demo_resident_1001", "template"));
            Assert.Equal("NEW_NOTICE_TPL_2027", message.Body["template_id"]!.GetValue<string>());
            Assert.Equal("模板更换测试", message.Body["data"]!["thing1"]!["value"]!.GetValue<string>());
            Assert.Null(message.Body["data"]!["thing2"]);
            // Malformed rows are refused whole: an unknown source, a keyword without its number; and a page the
            // mini-program does not have.
            object Row(string key, string from, string? page = null) =>
                new
                {
                    templateId = "T1",
                    fields = new[]
                    {
                        new
                        {
                            key,
                            from,
                            type = "thing",
                        },
                    },
                    page,
                };
            foreach (var bad in new[] { Row("thing1", "weather"), Row("thing", "title") })
                await (await county.PutAsJsonAsync("/api/notification-templates/broadcast/template", bad)).ProblemAsync(
                    400,
                    "templates.invalid"
                );
            await (
                await county.PutAsJsonAsync(
                    "/api/notification-templates/broadcast/template",
                    Row("thing1", "title", "pages/shop/index")
                )
            ).ProblemAsync(400, "templates.page_unknown");
            await (await App.ClientFor(9001).GetAsync("/api/notification-templates")).ProblemAsync(
                403,
                "templates.not_allowed"
            );

            // Stopped: the kind no longer has the channel; stopping it again says there is nothing to stop.
            Assert.Equal(
                HttpStatusCode.NoContent,
                (await county.DeleteAsync("/api/notification-templates/broadcast/template")).StatusCode
            );
            await (await county.DeleteAsync("/api/notification-templates/broadcast/template")).ProblemAsync(
                404,
                "templates.not_found"
            );
        }
        finally
        {
            (
                await county.PutAsJsonAsync(
                    "/api/notification-templates/broadcast/template",
                    new
                    {
                        templateId = original.GetProperty("templateId").GetString(),
                        fields = original.GetProperty("fields"),
                        page = original.GetProperty("page").GetString(),
                    }
                )
            ).EnsureSuccessStatusCode();
        }
    }
}
