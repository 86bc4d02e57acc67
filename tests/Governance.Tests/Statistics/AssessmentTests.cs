using System.Net.Http.Json;
using System.Text.Json;
using Governance.Core.Assessment;
using Governance.Core.Orders;
using MiniExcelLibs;

namespace Governance.Tests.Statistics;

/// <summary>
/// The year's work from the survey and the two-way evaluation to the score, the tier and the consequence; and 吹哨报到,
/// by a street and by escalation to the county.
/// </summary>
[Collection(DbCollection.Name)]
public sealed class AssessmentTests(TestApp app) : DbTest(app)
{
    private static object Scheme(int year, string subject, object[] indicators, long? round = null) =>
        new
        {
            areaId = 1,
            year,
            subject,
            title = $"{year}年度{(subject == "unit" ? "单位" : "社区")}考核",
            communityWeight = subject == "unit" ? 50 : 0,
            evaluationRoundId = round,
            indicators,
        };

    [Fact]
    public async Task AYearGoesFromEvaluationToScoreToTierToConsequence()
    {
        var street = App.ClientFor(9001);
        // 双向评议: one question each way; 县医院 (unit 1) serves 城东 and 解放街.
        var round = await street
            .PostAsJsonAsync(
                "/api/evaluations",
                new
                {
                    areaId = 1,
                    year = 2026,
                    title = "2026年度双向评议",
                    closesOn = "2026-11-20",
                    questions = new object[]
                    {
                        new
                        {
                            direction = "unit_to_community",
                            text = "社区联系单位是否及时",
                            weight = 1,
                        },
                        new
                        {
                            direction = "community_to_unit",
                            text = "单位履行共建承诺情况",
                            weight = 3,
                        },
                        new
                        {
                            direction = "community_to_unit",
                            text = "在职党员报到服务情况",
                            weight = 1,
                        },
                    },
                }
            )
            .OkAsync();
        var roundId = round.GetProperty("id").GetInt64();
        Assert.Equal(4, round.GetProperty("pairs").GetInt32()); // (1,11) (5,11) (1,12) (2,12)
        Assert.Contains(3001L, (await JobHelpers.NoticesAsync("evaluation")).Select(n => n.PersonId));
        var q = round.GetProperty("questions").EnumerateArray().Select(x => x.GetProperty("id").GetInt64()).ToList();

        async Task RateUnitAsync(long secretary, long community, int first, int second) =>
            await App.ClientFor(secretary)
                .PostAsJsonAsync(
                    $"/api/evaluations/{roundId}/responses",
                    new
                    {
                        direction = "community_to_unit",
                        unitId = 1,
                        communityId = community,
                        answers = new[]
                        {
                            new { questionId = q[1], score = first },
                            new { questionId = q[2], score = second },
                        },
                    }
                )
                .OkAsync();
        await RateUnitAsync(9011, 11, 5, 5); // 100
        await RateUnitAsync(9012, 12, 4, 2); // (4×3 + 2×1) / 4 × 20 = 70
        // A secretary cannot answer for another community.
        await (
            await App.ClientFor(9011)
                .PostAsJsonAsync(
                    $"/api/evaluations/{roundId}/responses",
                    new
                    {
                        direction = "community_to_unit",
                        unitId = 1,
                        communityId = 12,
                        answers = new[] { new { questionId = q[1], score = 5 }, new { questionId = q[2], score = 5 } },
                    }
                )
        ).ProblemAsync(403, "evaluation.not_your_pair");
        var results = await street.GetAsync($"/api/evaluations/{roundId}/results").OkAsync();
        var hospital = results.GetProperty("units").EnumerateArray().Single(u => u.GetProperty("id").GetInt64() == 1);
        Assert.Equal(
            (85m, 2),
            (hospital.GetProperty("score").GetDecimal(), hospital.GetProperty("responses").GetInt32())
        );
        // The round closes within three days: whoever still owes a response is reminded, once. Owed: every unit's
        // rating of its communities (3001, 3002, 3005), 城东's of 市应急局 (9011) and 解放街's of the school (9012).
        Assert.Equal(5, await App.Service<Evaluations>().RemindAsync(default));
        Assert.Equal(0, await App.Service<Evaluations>().RemindAsync(default));
        Assert.Equal(
            [3001L, 3002, 3005, 9011, 9012],
            (await JobHelpers.NoticesAsync("evaluation"))
                .Where(n => n.Title.EndsWith("即将截止", StringComparison.Ordinal))
                .Select(n => n.PersonId)
                .Order()
        );

        // The units' scheme: half from the communities, half from a manual indicator entered with evidence.
        var scheme = await street
            .PostAsJsonAsync(
                "/api/assessments",
                Scheme(
                    2026,
                    "unit",
                    [
                        new
                        {
                            name = "党建工作台账",
                            source = "manual",
                            weight = 1,
                            target = 100,
                        },
                    ],
                    roundId
                )
            )
            .OkAsync();
        var schemeId = scheme.GetProperty("id").GetInt64();
        var manual = scheme.GetProperty("indicators")[0].GetProperty("id").GetInt64();
        await street
            .PutAsJsonAsync(
                $"/api/assessments/{schemeId}/entries",
                new
                {
                    indicatorId = manual,
                    subjectId = 1,
                    value = 70,
                    evidence = "第三方评估报告第3页",
                }
            )
            .OkAsync();
        var computed = await street.PostAsync($"/api/assessments/{schemeId}/compute", null).OkAsync();
        var unit1 = computed
            .GetProperty("results")
            .EnumerateArray()
            .Single(r => r.GetProperty("subjectId").GetInt64() == 1);
        // 85 × 50% + 70 × 50% = 77.5: 一般 (below 80).
        Assert.Equal(
            (77.5m, "fair", "一般"),
            (
                unit1.GetProperty("score").GetDecimal(),
                unit1.GetProperty("tier").GetString(),
                unit1.GetProperty("tierName").GetString()
            )
        );
        // Reproducible: the stored inputs give the same score again.
        var inputs = unit1
            .GetProperty("inputs")
            .Deserialize<ScoreInputs>(new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        Assert.Equal(77.5m, Assessments.ScoreOf(inputs));
        Assert.Equal("第三方评估报告第3页", inputs.Indicators[0].Evidence);

        // Communities: 2025 final with 城东 一般, 2026 城东 差 again → 约谈; 解放街 好 both years.
        async Task<long> CommunityYearAsync(int year, decimal east, decimal liberation)
        {
            var s = await street
                .PostAsJsonAsync(
                    "/api/assessments",
                    Scheme(
                        year,
                        "community",
                        [
                            new
                            {
                                name = "第三方测评",
                                source = "manual",
                                weight = 1,
                                target = 100,
                            },
                        ]
                    )
                )
                .OkAsync();
            var id = s.GetProperty("id").GetInt64();
            var indicator = s.GetProperty("indicators")[0].GetProperty("id").GetInt64();
            foreach (var (community, value) in new[] { (11L, east), (12L, liberation) })
                await street
                    .PutAsJsonAsync(
                        $"/api/assessments/{id}/entries",
                        new
                        {
                            indicatorId = indicator,
                            subjectId = community,
                            value,
                            evidence = "测评报告",
                        }
                    )
                    .OkAsync();
            await street.PostAsync($"/api/assessments/{id}/compute?finalise=true", null).OkAsync();
            return id;
        }
        await CommunityYearAsync(2025, 65, 95);
        var y2026 = await CommunityYearAsync(2026, 50, 92);
        Assert.Equal(
            [(11L, "interview")],
            (
                await TestDatabase.QueryAsync<(long, string)>(
                    "SELECT subject_id, kind FROM consequence WHERE subject = 'community'"
                )
            )
        );
        var final = await street.GetAsync($"/api/assessments/{y2026}").OkAsync();
        var east = final
            .GetProperty("results")
            .EnumerateArray()
            .Single(r => r.GetProperty("subjectId").GetInt64() == 11);
        Assert.Equal("差", east.GetProperty("tierName").GetString());
        Assert.Contains("连续为一般或差", east.GetProperty("consequences")[0].GetString());
        await (await street.PostAsync($"/api/assessments/{y2026}/compute", null)).ProblemAsync(409, "assessment.final");

        var xlsx = await App.ClientFor(9000).GetAsync($"/api/assessments/{y2026}/export");
        using var book = new MemoryStream(await xlsx.Content.ReadAsByteArrayAsync());
        var rows = book.Query(useHeaderRow: true, sheetName: "台账").Cast<IDictionary<string, object>>().ToList();
        Assert.Equal(("解放街社区", "好"), ((string)rows[0]["社区"], (string)rows[0]["档次"]));
        Assert.Contains(
            "约谈",
            book.Query(useHeaderRow: true, sheetName: "口径说明")
                .Cast<IDictionary<string, object>>()
                .Select(r => (string)r["指标"])
        );
        await (
            await App.ClientFor(9011).PostAsJsonAsync("/api/assessments", Scheme(2027, "community", []))
        ).ProblemAsync(403, "evaluation.not_allowed");
    }

    [Fact]
    public async Task ASatisfactionSurveySamplesClosedOrdersAndCountsTheAnswers()
    {
        var first = await App.ResolvedOrderAsync(2001);
        var second = await App.ResolvedOrderAsync(2001, 1, "3栋单元门关不上");
        foreach (var code in new[] { first, second })
            await App.ClientFor(1001)
                .PostAsJsonAsync($"/api/orders/{code}/rate", new { rating = "satisfied" })
                .OkAsync();
        var survey = await App.ClientFor(9001)
            .PostAsJsonAsync(
                "/api/surveys",
                new
                {
                    areaId = 1,
                    title = "11月满意度测评",
                    from = "2026-11-18",
                    to = "2026-11-18",
                    sampleSize = 5,
                }
            )
            .OkAsync();
        var id = survey.GetProperty("id").GetInt64();
        Assert.Equal(2, survey.GetProperty("sampled").GetInt32());
        Assert.Equal(2, (await JobHelpers.NoticesAsync("satisfaction_survey")).Count(n => n.PersonId == 1001));

        var mine = await App.ClientFor(1001)
            .PostAsJsonAsync($"/api/surveys/{id}/answers", new { orderCode = first, answer = "unsatisfied" })
            .OkAsync();
        Assert.Equal(1, mine.GetProperty("answered").GetInt32());
        // Three days on, the resident is reminded once about the order they have not answered for.
        App.Clock.SetChina(2026, 11, 22, 10);
        Assert.Equal(1, await App.Service<Evaluations>().RemindAsync(default));
        Assert.Equal(0, await App.Service<Evaluations>().RemindAsync(default));
        var reminder = (await JobHelpers.NoticesAsync("satisfaction_survey")).Single(n => n.Title == "满意度回访提醒");
        Assert.Equal((1001L, second), (reminder.PersonId, reminder.OrderCode));
        await App.ClientFor(9001)
            .PostAsJsonAsync(
                $"/api/surveys/{id}/answers",
                new
                {
                    orderCode = second,
                    answer = "unreachable",
                    note = "电话未接",
                }
            )
            .OkAsync();
        await (
            await App.ClientFor(1002)
                .PostAsJsonAsync($"/api/surveys/{id}/answers", new { orderCode = first, answer = "satisfied" })
        ).ProblemAsync(404, "evaluation.not_sampled");
        var read = await App.ClientFor(9001).GetAsync($"/api/surveys/{id}").OkAsync();
        Assert.Equal(
            (1, 1, 0.0),
            (
                read.GetProperty("answered").GetInt32(),
                read.GetProperty("unreachable").GetInt32(),
                read.GetProperty("satisfactionRate").GetDouble()
            )
        );

        // The survey feeds a community's assessment: 城东's answer was unsatisfied (0%), 解放街 had none sampled.
        var scheme = await App.ClientFor(9001)
            .PostAsJsonAsync(
                "/api/assessments",
                Scheme(
                    2026,
                    "community",
                    [
                        new
                        {
                            name = "满意度测评",
                            source = "survey",
                            metric = id.ToString(),
                            weight = 1,
                            target = 90,
                        },
                    ]
                )
            )
            .OkAsync();
        var results = (
            await App.ClientFor(9001)
                .PostAsync($"/api/assessments/{scheme.GetProperty("id").GetInt64()}/compute", null)
                .OkAsync()
        )
            .GetProperty("results")
            .EnumerateArray()
            .ToDictionary(r => r.GetProperty("subjectId").GetInt64());
        var eastInput = results[11].GetProperty("inputs").GetProperty("indicators")[0];
        Assert.Equal(
            (0m, 0m),
            (eastInput.GetProperty("value").GetDecimal(), eastInput.GetProperty("points").GetDecimal())
        );
        Assert.Equal(
            JsonValueKind.Null,
            results[12].GetProperty("inputs").GetProperty("indicators")[0].GetProperty("value").ValueKind
        );
    }

    [Fact]
    public async Task AStreetSummonsADepartmentAndEscalationReachesTheCountyAndTheDepartmentOnDuty()
    {
        var street = App.ClientFor(9001);
        var order = await App.PublishedOrderAsync(3, "小区门口乱停车堵住消防通道");
        var summons = await street
            .PostAsJsonAsync($"/api/orders/{order}/summons", new { unitId = 3, reason = "占用消防通道，需交通执法" })
            .OkAsync();
        Assert.Equal(
            ("县交通局", "summoned"),
            (summons.GetProperty("unitName").GetString(), summons.GetProperty("status").GetString())
        );
        Assert.Equal([3003L], (await JobHelpers.NoticesAsync("summons")).Select(n => n.PersonId));
        await (
            await street.PostAsJsonAsync($"/api/orders/{order}/summons", new { unitId = 3, reason = "再吹一次" })
        ).ProblemAsync(409, "summons.already");
        await (
            await street.PostAsJsonAsync($"/api/orders/{order}/summons", new { unitId = 1, reason = "医院" })
        ).ProblemAsync(400, "summons.not_department");
        await (
            await App.ClientFor(9011)
                .PostAsJsonAsync($"/api/orders/{order}/summons", new { unitId = 4, reason = "调解" })
        ).ProblemAsync(403, "summons.not_allowed");

        // The department sees the order and reports.
        await App.ClientFor(3003).GetAsync($"/api/orders/{order}").OkAsync();
        var answered = await App.ClientFor(3003)
            .PostAsJsonAsync(
                $"/api/summons/{summons.GetProperty("id").GetInt64()}/answer",
                new { answer = "已派执法中队今天下午到场", done = false }
            )
            .OkAsync();
        Assert.Equal("reported", answered.GetProperty("status").GetString());
        Assert.Equal([9001L], (await JobHelpers.NoticesAsync("summons_answered")).Select(n => n.PersonId));
        var timeline = (await street.GetAsync($"/api/orders/{order}").OkAsync())
            .GetProperty("timeline")
            .EnumerateArray();
        Assert.Contains(timeline, e => e.GetProperty("kind").GetString() == "summons_answered");

        // Sanitation, overdue five steps: the county and 县城管局 (on duty for sanitation) are told and it is summoned.
        var dirty = await App.StartedOrderAsync(2001, 1, "垃圾站满了没人清运");
        App.Clock.SetChina(2026, 12, 20, 10);
        for (var i = 0; i < 5; i++)
            await App.Service<Escalation>().RunAsync(default);
        Assert.Equal(5, await JobHelpers.EscalationLevelAsync(dirty));
        var county = (await JobHelpers.NoticesAsync("escalation"))
            .Where(n => n.OrderCode == dirty)
            .Select(n => n.PersonId);
        Assert.Contains(9000L, county);
        Assert.Contains(3006L, county);
        Assert.Equal(
            ["县城管局"],
            (await App.ClientFor(3006).GetAsync("/api/units/6/summons").OkAsync())
                .EnumerateArray()
                .Where(s => s.GetProperty("orderCode").GetString() == dirty)
                .Select(s => s.GetProperty("unitName").GetString())
        );
    }
}
