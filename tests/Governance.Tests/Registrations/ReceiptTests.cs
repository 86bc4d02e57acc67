namespace Governance.Tests.Registrations;

/// <summary>
/// 报到回执: member 2001's approved registration in 城东社区 (registration 1) is seen by the member, the community's
/// secretary and the admin of the member's unit (县医院, 3001), and by nobody else; a pending one has no receipt.
/// </summary>
[Collection(DbCollection.Name)]
public sealed class ReceiptTests(TestApp app) : DbTest(app)
{
    [Fact]
    public async Task TheReceiptIsForTheMemberTheCommunityAndTheMembersUnit()
    {
        var name = await TestDatabase.ScalarAsync<string>("SELECT name FROM person WHERE id = 2001");
        foreach (var viewer in new long[] { 2001, 9011, 3001 })
        {
            var receipt = await App.ClientFor(viewer).GetAsync("/api/registrations/1/receipt").OkAsync();
            Assert.StartsWith("BD", receipt.GetProperty("number").GetString());
            Assert.Equal("县医院", receipt.GetProperty("unitName").GetString());
            Assert.Contains($"兹证明{name}同志（县医院）", receipt.GetProperty("text").GetString());
        }
        await (await App.ClientFor(3005).GetAsync("/api/registrations/1/receipt")).ProblemAsync(
            404,
            "registration.not_found"
        );
        await (await App.ClientFor(1001).GetAsync("/api/registrations/1/receipt")).ProblemAsync(
            404,
            "registration.not_found"
        );
        await (await App.ClientFor(2009).GetAsync("/api/registrations/12/receipt")).ProblemAsync(
            409,
            "registration.not_approved"
        );
    }
}
