using System.Net.Http.Json;

namespace Governance.Tests.Registrations;

[Collection(DbCollection.Name)]
public sealed class RegistrationTests(TestApp app) : DbTest(app)
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await TestDatabase.ExecuteAsync(
            """
            DELETE FROM registration WHERE person_id NOT BETWEEN 2001 AND 2036;
            DELETE FROM unit_pairing WHERE unit_id > 6;
            DELETE FROM unit_admin WHERE unit_id > 6;
            DELETE FROM member WHERE unit_id > 6;
            DELETE FROM unit WHERE id > 6;
            """
        );
    }

    [Fact]
    public async Task AMemberRegistersWithTheirCommunityAndTheSecretaryApproves()
    {
        var (member, login) = await App.SignInAsync();
        var personId = login.GetProperty("me").GetProperty("id").GetInt64();
        // The secretary must know who is applying: a person still called 「微信用户」 gives their real name first.
        var body = new
        {
            communityId = 11,
            kind = "residence",
            skills = new[] { "水电维修", "陪护" },
            unitId = 1,
        };
        await (await member.PostAsJsonAsync("/api/registrations", body)).ProblemAsync(
            400,
            "registration.name_required"
        );
        await member.PatchAsJsonAsync("/api/me", new { name = "刘建华" }).OkAsync();
        var created = await member.PostAsJsonAsync("/api/registrations", body);
        var reg = await created.BodyAsync();
        Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(
            ("pending", "城东社区", "县医院"),
            (
                reg.GetProperty("status").GetString(),
                reg.GetProperty("communityName").GetString(),
                reg.GetProperty("unitName").GetString()
            )
        );
        var id = reg.GetProperty("id").GetInt64();
        // the secretary of 城东社区 hears of it
        Assert.Contains("registration_pending", await MiniProgramHelpers.NoticesAsync(9011));

        await (
            await member.PostAsJsonAsync("/api/registrations", new { communityId = 11, kind = "residence" })
        ).ProblemAsync(409, "registration.exists");
        await (await member.GetAsync("/api/pool")).ProblemAsync(403, "pool.not_registered");

        // Who may see and decide: the community's secretary; not the other community's, not the grid worker, not a
        // resident.
        Assert.Contains(
            id,
            (await App.ClientFor(9011).GetAsync("/api/registrations").OkAsync())
                .GetProperty("items")
                .EnumerateArray()
                .Select(r => r.GetProperty("id").GetInt64())
        );
        Assert.DoesNotContain(
            id,
            (await App.ClientFor(9012).GetAsync("/api/registrations").OkAsync())
                .GetProperty("items")
                .EnumerateArray()
                .Select(r => r.GetProperty("id").GetInt64())
        );
        // A grid worker's scope is one grid, below the community: the registration is out of sight.
        await (
            await App.ClientFor(9101).PostAsJsonAsync($"/api/registrations/{id}/decision", new { approve = true })
        ).ProblemAsync(404, "registration.not_found");
        Assert.Contains(
            id,
            (await App.ClientFor(9001).GetAsync("/api/registrations").OkAsync())
                .GetProperty("items")
                .EnumerateArray()
                .Select(r => r.GetProperty("id").GetInt64())
        );
        await (
            await App.ClientFor(9012).PostAsJsonAsync($"/api/registrations/{id}/decision", new { approve = true })
        ).ProblemAsync(404, "registration.not_found");
        await (await App.ClientFor(1001).GetAsync("/api/registrations")).ProblemAsync(403, "registration.staff_only");
        await (await member.PostAsJsonAsync($"/api/registrations/{id}/decision", new { approve = true })).ProblemAsync(
            404,
            "registration.not_found"
        );

        var approved = await App.ClientFor(9011)
            .PostAsJsonAsync($"/api/registrations/{id}/decision", new { approve = true })
            .OkAsync();
        Assert.Equal("approved", approved.GetProperty("status").GetString());
        Assert.Contains("registration_approved", await MiniProgramHelpers.NoticesAsync(personId));
        await (
            await App.ClientFor(9011)
                .PostAsJsonAsync($"/api/registrations/{id}/decision", new { approve = false, reason = "x" })
        ).ProblemAsync(409, "registration.already_decided");

        var me = await member.GetAsync("/api/me").OkAsync();
        Assert.Contains("member", me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal([11L], me.GetProperty("memberCommunities").EnumerateArray().Select(c => c.GetInt64()));
        await member.GetAsync("/api/pool").OkAsync();
        var mine = (await member.GetAsync("/api/registrations/mine").OkAsync()).EnumerateArray().Single();
        Assert.Equal(["水电维修", "陪护"], mine.GetProperty("skills").EnumerateArray().Select(s => s.GetString()));
    }

    [Fact]
    public async Task ARejectionNeedsAReasonAndTheMemberCanApplyAgainOrWithdraw()
    {
        var (member, login) = await App.SignInAsync(name: "赵丽");
        var personId = login.GetProperty("me").GetProperty("id").GetInt64();
        var id = (
            await (
                await member.PostAsJsonAsync("/api/registrations", new { communityId = 12, kind = "residence" })
            ).BodyAsync()
        )
            .GetProperty("id")
            .GetInt64();
        await (
            await App.ClientFor(9012).PostAsJsonAsync($"/api/registrations/{id}/decision", new { approve = false })
        ).ProblemAsync(400, "registration.reason_required");
        var rejected = await App.ClientFor(9012)
            .PostAsJsonAsync($"/api/registrations/{id}/decision", new { approve = false, reason = "不在本社区居住" })
            .OkAsync();
        Assert.Equal(
            ("rejected", "不在本社区居住"),
            (rejected.GetProperty("status").GetString(), rejected.GetProperty("rejectReason").GetString())
        );
        Assert.Contains("registration_rejected", await MiniProgramHelpers.NoticesAsync(personId));

        var again = await (
            await member.PostAsJsonAsync("/api/registrations", new { communityId = 12, kind = "residence" })
        ).BodyAsync();
        Assert.Equal((id, "pending"), (again.GetProperty("id").GetInt64(), again.GetProperty("status").GetString()));
        var withdrawn = await member.PostAsync($"/api/registrations/{id}/withdraw", null).OkAsync();
        Assert.Equal("withdrawn", withdrawn.GetProperty("status").GetString());
        await (await App.ClientFor(1001).PostAsync($"/api/registrations/{id}/withdraw", null)).ProblemAsync(
            404,
            "registration.not_found"
        );
    }

    [Fact]
    public async Task AUnitRegistrationMustBeWhereTheUnitStandsOrIsPaired()
    {
        var (member, _) = await App.SignInAsync(name: "孙国强");
        await (
            await member.PostAsJsonAsync(
                "/api/registrations",
                new
                {
                    communityId = 21,
                    kind = "unit",
                    unitId = 2,
                }
            )
        ).ProblemAsync(400, "registration.unit_community_mismatch");
        await (
            await member.PostAsJsonAsync("/api/registrations", new { communityId = 21, kind = "unit" })
        ).ProblemAsync(400, "registration.unit_required");
        await (
            await member.PostAsJsonAsync("/api/registrations", new { communityId = 111, kind = "residence" })
        ).ProblemAsync(400, "registration.community_not_found");
        await (
            await member.PostAsJsonAsync("/api/registrations", new { communityId = 11, kind = "work" })
        ).ProblemAsync(400, "registration.invalid_kind");
        // 县医院 stands in 城东社区 and is paired with 解放街社区.
        await member
            .PostAsJsonAsync(
                "/api/registrations",
                new
                {
                    communityId = 12,
                    kind = "unit",
                    unitId = 1,
                }
            )
            .ContinueWith(t => Assert.Equal(System.Net.HttpStatusCode.Created, t.Result.StatusCode));
    }

    [Fact]
    public async Task AUnitIsRegisteredApprovedPairedAndListsItsMembers()
    {
        var (admin, login) = await App.SignInAsync(name: "周海燕");
        var adminId = login.GetProperty("me").GetProperty("id").GetInt64();
        var unit = await (
            await admin.PostAsJsonAsync(
                "/api/units",
                new
                {
                    name = "县供电公司",
                    partyBranch = "县供电公司党支部",
                    communityId = 21,
                    address = "华峰路8号",
                }
            )
        ).BodyAsync();
        Assert.Equal("pending", unit.GetProperty("status").GetString());
        var unitId = unit.GetProperty("id").GetInt64();
        await (
            await admin.PostAsJsonAsync(
                "/api/units",
                new
                {
                    name = "县供电公司",
                    partyBranch = "x",
                    communityId = 21,
                }
            )
        ).ProblemAsync(409, "unit.exists");
        await (await admin.PostAsJsonAsync($"/api/units/{unitId}/pairings", new { communityId = 22 })).ProblemAsync(
            409,
            "unit.not_approved"
        );

        var pending = await App.ClientFor(9021).GetAsync("/api/units/pending").OkAsync();
        Assert.Contains(
            unitId,
            pending.GetProperty("units").EnumerateArray().Select(u => u.GetProperty("id").GetInt64())
        );
        await (
            await App.ClientFor(9011).PostAsJsonAsync($"/api/units/{unitId}/decision", new { approve = true })
        ).ProblemAsync(404, "unit.not_found");
        await App.ClientFor(9021).PostAsJsonAsync($"/api/units/{unitId}/decision", new { approve = true }).OkAsync();
        Assert.Contains("unit_approved", await MiniProgramHelpers.NoticesAsync(adminId));

        var pairing = await admin.PostAsJsonAsync($"/api/units/{unitId}/pairings", new { communityId = 22 }).OkAsync();
        Assert.Equal("pending", pairing.GetProperty("status").GetString());
        await (
            await App.ClientFor(1001).PostAsJsonAsync($"/api/units/{unitId}/pairings", new { communityId = 12 })
        ).ProblemAsync(404, "unit.not_found");
        await App.ClientFor(9022)
            .PostAsJsonAsync($"/api/units/{unitId}/pairings/22/decision", new { approve = true })
            .OkAsync();
        var mine = (await admin.GetAsync("/api/units/mine").OkAsync()).EnumerateArray().Single();
        Assert.Equal(
            ("approved", "approved"),
            (
                mine.GetProperty("unit").GetProperty("status").GetString(),
                mine.GetProperty("pairings")[0].GetProperty("status").GetString()
            )
        );
        var me = await admin.GetAsync("/api/me").OkAsync();
        Assert.Contains("unit_admin", me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));

        var members = (await App.ClientFor(3001).GetAsync("/api/units/1/members").OkAsync())
            .GetProperty("items")
            .EnumerateArray()
            .ToList();
        Assert.Contains(members, m => m.GetProperty("personId").GetInt64() == 2001);
        Assert.All(members, m => Assert.Contains("****", m.GetProperty("phone").GetString()));
        await (await App.ClientFor(3002).GetAsync("/api/units/1/members")).ProblemAsync(404, "unit.not_found");
    }
}
