using System.Net.Http.Json;

namespace Governance.Tests.Committee;

/// <summary>
/// 兼职委员 and 承诺践诺: the secretary of 城东社区 (9011) appoints 县医院's leader (3001) for a term; he makes a public
/// commitment, residents of the community see it, it is marked overdue past its date, and he records it fulfilled.
/// </summary>
[Collection(DbCollection.Name)]
public sealed class CommitmentTests(TestApp app) : DbTest(app)
{
    private static object Term(long personId, long? unitId) =>
        new
        {
            personId,
            unitId,
            termStart = "2026-01-01",
            termEnd = "2027-12-31",
        };

    [Fact]
    public async Task ACommitmentIsMadeSeenMarkedOverdueAndFulfilled()
    {
        var secretary = App.ClientFor(9011);
        await (await App.ClientFor(9101).PostAsJsonAsync("/api/communities/11/committee", Term(3001, 1))).ProblemAsync(
            403,
            "committee.approver_only"
        );
        await (await secretary.PostAsJsonAsync("/api/communities/11/committee", Term(3002, 2))).ProblemAsync(
            400,
            "committee.unit_not_serving"
        );
        await (
            await secretary.PostAsJsonAsync(
                "/api/communities/11/committee",
                new
                {
                    personId = 3001,
                    termStart = "2027-01-01",
                    termEnd = "2026-01-01",
                }
            )
        ).ProblemAsync(400, "committee.invalid_term");
        var seat = await secretary.PostAsJsonAsync("/api/communities/11/committee", Term(3001, 1)).OkAsync();
        Assert.Equal(
            ("兼职委员", "县医院"),
            (seat.GetProperty("title").GetString(), seat.GetProperty("unitName").GetString())
        );

        var leader = App.ClientFor(3001);
        await (
            await App.ClientFor(3005)
                .PostAsJsonAsync("/api/communities/11/commitments", new { content = "x", dueDate = "2026-12-31" })
        ).ProblemAsync(403, "committee.not_a_member");
        await (
            await leader.PostAsJsonAsync(
                "/api/communities/11/commitments",
                new { content = "义诊", dueDate = "2026-01-01" }
            )
        ).ProblemAsync(400, "committee.content_required");
        var promise = await leader
            .PostAsJsonAsync(
                "/api/communities/11/commitments",
                new { content = "每季度为社区老人义诊一次", dueDate = "2026-12-31" }
            )
            .OkAsync();
        var id = promise.GetProperty("id").GetInt64();
        Assert.Equal("promised", promise.GetProperty("status").GetString());

        // Residents of the community see it; staff of another community do not.
        var seen = await App.ClientFor(1001).GetAsync("/api/communities/11/committee").OkAsync();
        Assert.Equal("每季度为社区老人义诊一次", seen.GetProperty("commitments")[0].GetProperty("content").GetString());
        Assert.False(seen.GetProperty("commitments")[0].GetProperty("overdue").GetBoolean());
        await (await App.ClientFor(9012).GetAsync("/api/communities/11/committee")).ProblemAsync(
            403,
            "committee.not_allowed"
        );

        App.Clock.Advance(TimeSpan.FromDays(50)); // 2027-01-07
        var late = await App.ClientFor(1001).GetAsync("/api/communities/11/committee").OkAsync();
        Assert.True(late.GetProperty("commitments")[0].GetProperty("overdue").GetBoolean());

        var other = App.ClientFor(3005);
        await (await other.PostAsJsonAsync($"/api/commitments/{id}/fulfil", new { evidence = "x" })).ProblemAsync(
            403,
            "committee.owner_only"
        );
        var kept = await leader
            .PostAsJsonAsync($"/api/commitments/{id}/fulfil", new { evidence = "已开展4次义诊，服务老人160人次" })
            .OkAsync();
        Assert.Equal(
            ("fulfilled", false),
            (kept.GetProperty("status").GetString(), kept.GetProperty("overdue").GetBoolean())
        );
        await (await leader.PostAsJsonAsync($"/api/commitments/{id}/fulfil", new { evidence = "again" })).ProblemAsync(
            409,
            "committee.already_fulfilled"
        );
    }
}
