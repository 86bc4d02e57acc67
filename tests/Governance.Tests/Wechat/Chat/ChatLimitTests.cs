using System.Text;
using Governance.Wechat.Simulator;
using Microsoft.AspNetCore.Hosting;

namespace Governance.Tests.Wechat.Chat;

/// <summary>The chat has the mini-program's per-person write limit, and says so politely.</summary>
[Collection(DbCollection.Name)]
public sealed class ChatLimitTests(TestApp app) : DbTest(app)
{
    [Fact]
    public async Task AResidentFilingReportAfterReportIsAskedToWaitButAnUrgentReportAlwaysGoesThrough()
    {
        using var node = App.WithWebHostBuilder(b =>
        {
            b.UseSetting("RateLimits:Burst", "2");
            b.UseSetting("RateLimits:PerMinute", "1");
        });
        var http = node.CreateClient();
        async Task<string> Say(string openid, string text)
        {
            var (url, body) = App.Wechat.Envelope(App.Wechat.TextXml(openid, text));
            var response = await http.PostAsync(url, new StringContent(body, Encoding.UTF8, "text/xml"));
            var reply = App.Wechat.ReplyXml(await response.Content.ReadAsStringAsync());
            return reply is null ? "" : Governance.Wechat.Protocol.WechatXml.ParseSafe(reply).Element("Content")!.Value;
        }

        var openid = ChatHelpers.NewOpenid();
        string[] problems = ["金龙小区3栋楼道灯坏了", "金龙小区8栋门口垃圾没人清", "文化路小区2栋水管漏水"];
        var replies = new List<string>();
        foreach (var problem in problems)
        {
            Assert.Contains("请确认", await Say(openid, problem));
            replies.Add(await Say(openid, "确认"));
        }
        Assert.Contains("工单号", replies[0]);
        Assert.Contains("工单号", replies[1]);
        Assert.Contains("太频繁", replies[2]);
        Assert.Contains("稍后回复「确认」", replies[2]);
        Assert.Equal(2, await TestDatabase.ScalarAsync<int>("SELECT COUNT(*) FROM service_order"));
        // The held report is kept for later.
        Assert.Contains(
            "文化路小区2栋",
            await TestDatabase.ScalarAsync<string>(
                "SELECT state FROM conversation WHERE openid = @openid",
                new { openid }
            )
        );

        // A gas leak is filed whatever the limit says.
        Assert.Contains("已取消", await Say(openid, "取消"));
        var gas = await Say(openid, "金龙小区3栋厨房闻到很浓的煤气味");
        Assert.Contains("119", gas);
        Assert.Equal(
            1,
            await TestDatabase.ScalarAsync<int>("SELECT COUNT(*) FROM service_order WHERE urgency = 'urgent'")
        );
    }
}
