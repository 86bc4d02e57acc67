using System.Net.Http.Json;

namespace Governance.Tests.Orders;

/// <summary>
/// A resident the desk recorded by name and phone (代录) who later opens the mini-program and verifies the same phone
/// finds there what they reported by phone: the desk's record is the same person.
/// </summary>
[Collection(DbCollection.Name)]
public sealed class DeskResidentLinkTests(TestApp app) : DbTest(app)
{
    [Fact]
    public async Task OrdersEnteredAtTheDeskComeOverWhenTheResidentVerifiesThatPhoneInTheMiniProgram()
    {
        const string phone = "13755550101";
        var entered = await App.ClientFor(9011)
            .PostAsJsonAsync(
                "/api/orders/entry",
                new
                {
                    phone,
                    name = "李大爷",
                    channel = "phone",
                    categoryId = 2,
                    description = "金龙小区3栋楼道灯坏了一个星期",
                    buildingId = 111103,
                }
            )
            .BodyOkAsync(201);
        var code = entered.GetProperty("code").GetString()!;
        var record = await TestDatabase.ScalarAsync<long>(
            "SELECT resident_id FROM service_order WHERE code = @code",
            new { code }
        );

        // He opens the mini-program: a new WeChat user, who sees nothing yet, then verifies his phone.
        var (client, login) = await App.SignInAsync();
        var me = login.GetProperty("me").GetProperty("id").GetInt64();
        Assert.Equal(0, (await client.GetAsync("/api/orders").OkAsync()).GetProperty("items").GetArrayLength());
        await client.PostAsJsonAsync("/api/auth/phone", new { code = App.Wechat.IssuePhoneCode(phone) }).OkAsync();

        var mine = await client.GetAsync("/api/orders").OkAsync();
        Assert.Equal(code, Assert.Single(mine.GetProperty("items").EnumerateArray()).GetProperty("code").GetString());
        await client.GetAsync($"/api/orders/{code}").OkAsync();
        Assert.Equal(
            (me, (long?)111103),
            (
                await TestDatabase.ScalarAsync<long>(
                    "SELECT resident_id FROM service_order WHERE code = @code",
                    new { code }
                ),
                await TestDatabase.ScalarAsync<long?>(
                    "SELECT home_building_id FROM resident WHERE person_id = @me",
                    new { me }
                )
            )
        );
        // The desk's record keeps its name but not the phone: the desk finds him by it next time.
        Assert.Null(
            await TestDatabase.ScalarAsync<string?>("SELECT phone FROM person WHERE id = @record", new { record })
        );
        var found = await App.ClientFor(9011).GetAsync($"/api/residents?phone={phone}").OkAsync();
        Assert.Equal(me, Assert.Single(found.EnumerateArray()).GetProperty("personId").GetInt64());

        // A member's record is never taken over this way (a role is more than a desk's note): 2001 keeps the phone.
        var (other, _) = await App.SignInAsync();
        await other
            .PostAsJsonAsync("/api/auth/phone", new { code = App.Wechat.IssuePhoneCode("13600002001") })
            .OkAsync();
        Assert.Equal("13600002001", await TestDatabase.ScalarAsync<string>("SELECT phone FROM person WHERE id = 2001"));
    }
}
