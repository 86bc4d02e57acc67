using System.Net.Http.Json;

namespace Governance.Tests.Auth;

/// <summary>What a person keeps about themselves (PATCH /api/me), and what a careless client is told.</summary>
[Collection(DbCollection.Name)]
public sealed class ProfileTests(TestApp app) : DbTest(app)
{
    [Fact]
    public async Task APersonSetsTheirNameHomeSkillsAndUnitAndSeesThemBack()
    {
        var (client, _) = await App.SignInAsync();
        var id = (await client.GetAsync("/api/me").OkAsync()).GetProperty("id").GetInt64();
        var me = await client
            .PatchAsJsonAsync(
                "/api/me",
                new
                {
                    name = "赵红梅",
                    homeBuildingId = 111208,
                    skills = new[] { "水电维修", " 心理疏导 ", "水电维修" },
                    unitId = 2,
                }
            )
            .OkAsync();
        Assert.Equal("赵红梅", me.GetProperty("name").GetString());
        Assert.Equal(111208, me.GetProperty("homeBuildingId").GetInt64());
        Assert.Equal(["水电维修", "心理疏导"], me.GetProperty("skills").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(2, me.GetProperty("unitId").GetInt64());

        var row = Assert.Single(
            await TestDatabase.QueryAsync<(string Name, long Home, string Skills, long Unit)>(
                "SELECT p.name, r.home_building_id, m.skills, m.unit_id FROM person p JOIN resident r ON "
                    + "r.person_id = p.id JOIN member m ON m.person_id = p.id WHERE p.id = @id",
                new { id }
            )
        );
        Assert.Equal(("赵红梅", 111208L, "水电维修,心理疏导", 2L), row);

        // Fields not given stay as they are.
        var moved = await client.PatchAsJsonAsync("/api/me", new { homeBuildingId = 111103 }).OkAsync();
        Assert.Equal("赵红梅", moved.GetProperty("name").GetString());
        Assert.Equal(111103, moved.GetProperty("homeBuildingId").GetInt64());
        Assert.Equal(2, (await client.GetAsync("/api/me").OkAsync()).GetProperty("skills").GetArrayLength());
    }

    [Fact]
    public async Task BadProfilesAreRefusedFieldByField()
    {
        var (client, _) = await App.SignInAsync();
        (object Body, string Code)[] cases =
        [
            (new { name = "微信用户" }, "me.placeholder_name"),
            (new { name = "" }, "me.invalid_name"),
            (new { name = new string('张', 21) }, "me.invalid_name"),
            (new { homeBuildingId = 111 }, "me.building_not_found"), // a compound, not a building
            (new { skills = Enumerable.Range(1, 11).Select(i => $"特长{i}").ToArray() }, "me.invalid_skills"),
            (new { skills = new[] { "水电,维修" } }, "me.invalid_skills"),
            (new { unitId = 999 }, "me.unit_not_found"),
            (new { }, "me.nothing_to_change"),
            (new { name = "李明", nickname = "小李" }, "request.unknown_field"),
        ];
        foreach (var (body, code) in cases)
            await (await client.PatchAsJsonAsync("/api/me", body)).ProblemAsync(400, code);
        Assert.NotEqual("李明", (await client.GetAsync("/api/me").OkAsync()).GetProperty("name").GetString());
    }
}
