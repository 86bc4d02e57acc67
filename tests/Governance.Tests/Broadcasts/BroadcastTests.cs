using System.Net.Http.Json;
using System.Text.Json;
using Governance.Bench.Generator;
using Governance.Core.Broadcasts;
using Governance.Wechat.Sending;

namespace Governance.Tests.Broadcasts;

/// <summary>
/// Secretaries' notices end to end: compose, preview, send now or later, follow every recipient's delivery.
/// 城东社区 (11) has residents 1001–1004 (following the account) and, approved there, members 2001, 2005, 2006 ….
/// </summary>
[Collection(DbCollection.Name)]
public sealed class BroadcastTests(TestApp app) : DbTest(app)
{
    private static async Task<long> CreateAsync(HttpClient secretary, object body) =>
        (await secretary.PostAsJsonAsync("/api/broadcasts", body).BodyOkAsync(201)).GetProperty("id").GetInt64();

    private async Task DrainAsync(int rounds = 30)
    {
        for (var i = 0; i < rounds; i++)
        {
            await App.Service<OutboxSender>().DrainAsync(default);
            var open = await TestDatabase.ScalarAsync<int>(
                "SELECT COUNT(*) FROM delivery WHERE status IN ('pending','sending','failed')"
            );
            if (open == 0)
                return;
            App.Clock.Advance(TimeSpan.FromMinutes(10)); // past every backoff
        }
        Assert.Fail("the outbox did not drain");
    }

    [Fact]
    public async Task ASecretaryComposesPreviewsSendsAndFollowsEachRecipient()
    {
        var secretary = App.ClientFor(9011);
        var id = await CreateAsync(
            secretary,
            new
            {
                title = "停水通知",
                body = "明天上午9点到12点金龙小区停水检修，请提前储水。",
                areaId = 11,
                audience = "both",
            }
        );
        var residents = await TestDatabase.ScalarAsync<int>(
            "SELECT COUNT(*) FROM resident r JOIN area b ON b.id = r.home_building_id WHERE b.path LIKE '/100/1/11/%'"
        );
        var members = await TestDatabase.ScalarAsync<int>(
            "SELECT COUNT(DISTINCT person_id) FROM registration WHERE status = 'approved' AND community_id = 11"
        );

        var preview = await secretary.GetAsync($"/api/broadcasts/{id}/preview").OkAsync();
        Assert.Equal(residents + members, preview.GetProperty("recipients").GetInt32());
        // residents follow the account
        Assert.Equal(residents, preview.GetProperty("byChannel").GetProperty("template").GetInt32());
        // demo members have no openid
        Assert.Equal(members, preview.GetProperty("byChannel").GetProperty("inbox").GetInt32());

        var sent = await secretary.PostAsJsonAsync($"/api/broadcasts/{id}/send", new { }).OkAsync();
        Assert.Equal(
            ("sending", residents + members),
            (sent.GetProperty("status").GetString(), sent.GetProperty("recipients").GetInt32())
        );
        await (await secretary.PostAsJsonAsync($"/api/broadcasts/{id}/send", new { })).ProblemAsync(
            409,
            "broadcast.already_sent"
        );
        await DrainAsync();
        Assert.Equal((0, 1), await App.Service<BroadcastService>().RunDueAsync(default));

        var view = await secretary.GetAsync($"/api/broadcasts/{id}").OkAsync();
        Assert.Equal("sent", view.GetProperty("status").GetString());
        Assert.Equal(
            (residents + members, residents + members, 0),
            (
                view.GetProperty("totals").GetProperty("total").GetInt32(),
                view.GetProperty("totals").GetProperty("sent").GetInt32(),
                view.GetProperty("totals").GetProperty("dead").GetInt32()
            )
        );
        var page = await secretary.GetAsync($"/api/broadcasts/{id}/recipients?pageSize=2").OkAsync();
        Assert.Equal(
            (residents + members, 2),
            (page.GetProperty("total").GetInt32(), page.GetProperty("items").GetArrayLength())
        );
        Assert.Equal("sent", page.GetProperty("items")[0].GetProperty("status").GetString());
        Assert.Equal(
            "停水通知",
            App.Wechat.Sent("o_demo_resident_1001", "template").Single().Body["data"]!["thing1"]![
                "value"
            ]!.GetValue<string>()
        );
        Assert.Contains(
            "请提前储水",
            (await App.ClientFor(2001).GetAsync("/api/me/inbox").OkAsync())[0].GetProperty("body").GetString()
        );
        Assert.Contains(
            id,
            (await secretary.GetAsync("/api/broadcasts").OkAsync())
                .GetProperty("items")
                .EnumerateArray()
                .Select(b => b.GetProperty("id").GetInt64())
        );

        // Scope: another community's secretary does not see it; a grid worker may not broadcast; a resident learns
        // nothing.
        await (await App.ClientFor(9012).GetAsync($"/api/broadcasts/{id}")).ProblemAsync(404, "broadcast.not_found");
        Assert.Empty(
            (await App.ClientFor(9012).GetAsync("/api/broadcasts").OkAsync()).GetProperty("items").EnumerateArray()
        );
        await (
            await App.ClientFor(9101)
                .PostAsJsonAsync(
                    "/api/broadcasts",
                    new
                    {
                        title = "通知",
                        body = "内容",
                        areaId = 1111,
                        audience = "residents",
                    }
                )
        ).ProblemAsync(403, "broadcast.secretary_only");
        await (
            await App.ClientFor(1001)
                .PostAsJsonAsync(
                    "/api/broadcasts",
                    new
                    {
                        title = "通知",
                        body = "内容",
                        areaId = 11,
                        audience = "residents",
                    }
                )
        ).ProblemAsync(404, "area.not_found");
        // The street admin above it sees it.
        await App.ClientFor(9001).GetAsync($"/api/broadcasts/{id}").OkAsync();
    }

    [Fact]
    public async Task BadBroadcastsAreProblems()
    {
        var secretary = App.ClientFor(9011);
        await (
            await secretary.PostAsJsonAsync(
                "/api/broadcasts",
                new
                {
                    title = "",
                    body = "内容",
                    areaId = 11,
                    audience = "both",
                }
            )
        ).ProblemAsync(400, "broadcast.invalid_title");
        await (
            await secretary.PostAsJsonAsync(
                "/api/broadcasts",
                new
                {
                    title = new string('通', 21),
                    body = "内容",
                    areaId = 11,
                    audience = "both",
                }
            )
        ).ProblemAsync(400, "broadcast.invalid_title");
        await (
            await secretary.PostAsJsonAsync(
                "/api/broadcasts",
                new
                {
                    title = "通知",
                    body = "内容",
                    areaId = 11,
                    audience = "everyone",
                }
            )
        ).ProblemAsync(400, "broadcast.invalid_audience");
        await (
            await secretary.PostAsJsonAsync(
                "/api/broadcasts",
                new
                {
                    title = "通知",
                    body = "内容",
                    audience = "both",
                }
            )
        ).ProblemAsync(400, "broadcast.area_required");
        await (
            await secretary.PostAsJsonAsync(
                "/api/broadcasts",
                new
                {
                    title = "通知",
                    body = "内容",
                    areaId = 11,
                    audience = "list",
                    personIds = new[] { 1001, 1005 },
                }
            )
        ).ProblemAsync(400, "broadcast.person_out_of_scope"); // 1005 lives in 解放街社区
        var listed = await CreateAsync(
            secretary,
            new
            {
                title = "请来开会",
                body = "周五下午三点议事会",
                areaId = 11,
                audience = "list",
                personIds = new[] { 1001, 2001 },
            }
        );
        Assert.Equal(
            2,
            (await secretary.GetAsync($"/api/broadcasts/{listed}/preview").OkAsync())
                .GetProperty("recipients")
                .GetInt32()
        );
        await (
            await secretary.PostAsJsonAsync(
                $"/api/broadcasts/{listed}/send",
                new { sendAt = App.Clock.GetUtcNow().AddDays(91) }
            )
        ).ProblemAsync(400, "broadcast.invalid_time");
        var past = await (
            await secretary.PostAsJsonAsync(
                $"/api/broadcasts/{listed}/send",
                new { sendAt = App.Clock.GetUtcNow().AddHours(-1) }
            )
        ).ProblemAsync(400, "broadcast.invalid_time");
        Assert.Contains("已经过去", past.GetProperty("title").GetString());
        Assert.Equal(0, await TestDatabase.ScalarAsync<int>("SELECT COUNT(*) FROM delivery WHERE kind = 'broadcast'"));
        await (await secretary.GetAsync($"/api/broadcasts/{listed}/recipients?status=nope")).ProblemAsync(
            400,
            "broadcast.invalid_status"
        );
    }

    [Fact]
    public async Task AScheduledBroadcastGoesOutAtItsTimeAndCanBeCancelledBefore()
    {
        var secretary = App.ClientFor(9011);
        var later = await CreateAsync(
            secretary,
            new
            {
                title = "垃圾分类宣传",
                body = "周六上午在小区广场开展垃圾分类宣传",
                areaId = 111,
                audience = "residents",
            }
        );
        var cancelled = await CreateAsync(
            secretary,
            new
            {
                title = "改期",
                body = "活动改期",
                areaId = 111,
                audience = "residents",
            }
        );
        var at = new DateTimeOffset(2026, 11, 21, 8, 0, 0, TimeSpan.FromHours(8));
        Assert.Equal(
            "scheduled",
            (await secretary.PostAsJsonAsync($"/api/broadcasts/{later}/send", new { sendAt = at }).OkAsync())
                .GetProperty("status")
                .GetString()
        );
        await secretary.PostAsJsonAsync($"/api/broadcasts/{cancelled}/send", new { sendAt = at }).OkAsync();
        Assert.Equal(
            "cancelled",
            (await secretary.PostAsync($"/api/broadcasts/{cancelled}/cancel", null).OkAsync())
                .GetProperty("status")
                .GetString()
        );
        await (await secretary.PostAsync($"/api/broadcasts/{cancelled}/cancel", null)).ProblemAsync(
            409,
            "broadcast.already_sent"
        );

        var runner = App.Service<BroadcastService>();
        Assert.Equal((0, 0), await runner.RunDueAsync(default));
        Assert.Equal(0, await TestDatabase.ScalarAsync<int>("SELECT COUNT(*) FROM delivery"));
        App.Clock.SetChina(2026, 11, 21, 8, 1);
        Assert.Equal(1, (await runner.RunDueAsync(default)).Expanded);
        Assert.Equal(0, (await runner.RunDueAsync(default)).Expanded);
        // 金龙小区 (111): residents 1001 and 1002.
        Assert.Equal(
            [1001L, 1002],
            await TestDatabase.QueryAsync<long>(
                "SELECT person_id FROM delivery WHERE broadcast_id = @later ORDER BY person_id",
                new { later }
            )
        );
        Assert.Equal(
            0,
            await TestDatabase.ScalarAsync<int>(
                "SELECT COUNT(*) FROM delivery WHERE broadcast_id = @cancelled",
                new { cancelled }
            )
        );
        await (await secretary.PostAsync($"/api/broadcasts/{later}/cancel", null)).ProblemAsync(
            409,
            "broadcast.already_sent"
        );
    }

    [Fact]
    public async Task ABroadcastToThousandsReachesEachPersonOnceThroughFailuresAndAnExpiredToken()
    {
        await App.Service<ScaleData>().GenerateAsync(new ScaleOptions { UnderPath = "/100/1/11/", Residents = 3000 });
        // The generated residents follow the official account; WeChat knows it.
        App.Wechat.Follow(
            await TestDatabase.QueryAsync<string>(
                "SELECT oa_openid FROM person WHERE oa_following = 1 AND oa_openid IS NOT NULL"
            )
        );
        var expected = await TestDatabase.ScalarAsync<int>(
            "SELECT COUNT(*) FROM resident r JOIN area b ON b.id = r.home_building_id WHERE b.path LIKE '/100/1/11/%'"
        );
        Assert.True(expected > 3000);
        var secretary = App.ClientFor(9011);
        var id = await CreateAsync(
            secretary,
            new
            {
                title = "燃气安全检查",
                body = "本周六燃气公司入户检查，请家中留人。",
                areaId = 11,
                audience = "residents",
            }
        );
        Assert.Equal(
            expected,
            (await secretary.PostAsJsonAsync($"/api/broadcasts/{id}/send", new { }).OkAsync())
                .GetProperty("recipients")
                .GetInt32()
        );

        // WeChat misbehaves: every fifth send is "system busy" (400 of them), thirty answers are HTTP 502, and half-way
        // through every access token is revoked.
        App.Wechat.FailEvery("/message/template/send", 5, -1, "system error", times: 400);
        App.Wechat.Fail("/message/template/send", 0, times: 30, httpStatus: 502);
        var dispatcher = App.Service<OutboxSender>();
        for (var i = 0; i < 6; i++)
            await dispatcher.RunOnceAsync(default);
        var tokensBefore = App.Wechat.TokenRequests;
        App.Wechat.ExpireTokens();
        await DrainAsync();
        Assert.True(App.Wechat.TokenRequests > tokensBefore);

        var sent = App
            .Wechat.Sent(api: "template")
            .Where(m => m.Body["template_id"]!.GetValue<string>() == "TPL_OA_NOTICE")
            .ToList();
        Assert.Equal(expected, sent.Count);
        Assert.Equal(expected, sent.Select(m => m.ToUser).Distinct().Count());
        Assert.Equal(0, App.Wechat.RepeatedTemplateSends);
        var statuses = await TestDatabase.QueryAsync<(string Status, long Count)>(
            "SELECT status, COUNT(*) FROM delivery WHERE broadcast_id = @id GROUP BY status",
            new { id }
        );
        Assert.Equal([("sent", (long)expected)], statuses);
        Assert.True(
            await TestDatabase.ScalarAsync<int>(
                "SELECT COUNT(*) FROM delivery WHERE broadcast_id = @id AND attempts > 1",
                new { id }
            ) >= 400
        );

        Assert.Equal((0, 1), await App.Service<BroadcastService>().RunDueAsync(default));
        var totals = (await secretary.GetAsync($"/api/broadcasts/{id}").OkAsync()).GetProperty("totals");
        Assert.Equal(
            (expected, expected, 0, 0),
            (
                totals.GetProperty("total").GetInt32(),
                totals.GetProperty("sent").GetInt32(),
                totals.GetProperty("failed").GetInt32(),
                totals.GetProperty("dead").GetInt32()
            )
        );
    }
}
