namespace Governance.Tests.Wechat.Chat;

/// <summary>The dialog asks rather than guesses: for the problem itself, for the category's questions, and it
/// re-reads the report as details arrive.</summary>
[Collection(DbCollection.Name)]
public sealed class DialogAskTests(TestApp app) : DbTest(app)
{
    [Fact]
    public async Task AWishToReportWithNoProblemInItIsAskedForTheProblem()
    {
        var openid = ChatHelpers.NewOpenid();
        var ask = await App.SayAsync(openid, "有个问题想反映一下");
        Assert.Contains("请说说遇到了什么问题", ask);
        Assert.DoesNotContain("类别", ask);
        var summary = await App.SayAsync(openid, "金龙小区3栋门口的垃圾桶满了好几天没人清运");
        Assert.Contains("请确认", summary);
        Assert.Contains("类别：环境卫生", summary);
    }

    [Fact]
    public async Task AnAddedDetailReclassifiesTheDraftUnlessTheResidentChoseTheCategory()
    {
        var openid = ChatHelpers.NewOpenid();
        await App.SayAsync(openid, "金龙小区3栋有个情况");
        var reread = await App.SayAsync(openid, "门口的垃圾桶满了好几天没人清运，臭气熏天");
        Assert.Contains("类别：环境卫生", reread);
        // A detail that reveals danger files it at once as urgent.
        var urgent = await App.SayAsync(openid, "垃圾桶旁边还在冒烟");
        Assert.Contains("119", urgent);
        Assert.Contains("紧急工单", urgent);
    }

    [Fact]
    public async Task TheCategorysQuestionsAreAskedWithTheSummaryAndTheAnswersKeptOnTheOrder()
    {
        var openid = ChatHelpers.NewOpenid();
        var summary = await App.SayAsync(openid, "金龙小区3栋楼道的灯坏了");
        Assert.Contains("类别：设施维修", summary);
        Assert.Contains("问题出现多久了", summary);
        var next = await App.SayAsync(openid, "三天了");
        Assert.Contains("影响几户", next);
        var skipped = await App.SayAsync(openid, "跳过");
        Assert.DoesNotContain("顺便问一下", skipped);
        var code = ChatHelpers.CodeIn(await App.SayAsync(openid, "确认"));
        var extra = await TestDatabase.ScalarAsync<string>(
            "SELECT extra FROM service_order WHERE code = @code",
            new { code }
        );
        Assert.Contains("三天了", extra);
        Assert.Contains("since", extra);
        Assert.DoesNotContain("scope", extra);
    }

    [Fact]
    public async Task ABuildingIsCheckedAgainstTheGridAlreadyNamed()
    {
        var openid = ChatHelpers.NewOpenid();
        Assert.Contains("请问问题在哪里", await App.SayAsync(openid, "楼道灯坏了"));
        Assert.Contains("位置：世纪山水二期", await App.SayAsync(openid, "世纪山水二期"));
        // Building 5 is in 一期: said so, and the draft keeps its place.
        var wrong = await App.SayAsync(openid, "5号楼");
        Assert.Contains("世纪山水二期没有5栋，5栋在世纪山水一期", wrong);
        Assert.Contains("位置：世纪山水二期\n", await App.SayAsync(openid, "嗯我再看看"));
        // Building 8 is in 二期: it becomes the place.
        Assert.Contains("位置：世纪山水二期 8栋", await App.SayAsync(openid, "8号楼"));
        var code = ChatHelpers.CodeIn(await App.SayAsync(openid, "确认"));
        Assert.Equal(
            121208L,
            await TestDatabase.ScalarAsync<long>("SELECT area_id FROM service_order WHERE code = @code", new { code })
        );
    }
}
