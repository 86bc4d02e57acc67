using Governance.Wechat.Simulator;

namespace Governance.Tests.Infrastructure;

public static class ChatHelpers
{
    public static string NewOpenid() => "o_test_" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>
    /// Sends a text as the resident through the simulator (signed, safe mode) and returns the bot's reply.
    /// </summary>
    public static async Task<string?> SayAsync(this TestApp app, string openid, string text) =>
        (await app.Wechat.PushAsync(app.Wechat.TextXml(openid, text)))[^1].ReplyText;

    public static async Task<string?> PushAsync(this TestApp app, string xml, PushMode mode = PushMode.Safe) =>
        (await app.Wechat.PushAsync(xml, mode))[^1].ReplyText;

    public static string CodeIn(string? reply)
    {
        var m = System.Text.RegularExpressions.Regex.Match(reply ?? "", @"GD\d{8}-\d{4}");
        Assert.True(m.Success, $"no order code in reply: {reply}");
        return m.Value;
    }
}
