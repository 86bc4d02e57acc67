namespace Governance.Wechat.Simulator;

/// <summary>
/// The sandbox's made-up account, filled in for settings left empty in sandbox mode only: the built-in simulator
/// accepts it, nothing else does. The ids are fixed (they are not secrets); the token, keys and secrets are drawn at
/// random when the process starts, so no credential is written in the source and none outlives a sandbox run. Live mode
/// never reads these.
/// </summary>
public static class SandboxAccount
{
    public const string AppId = "wxsandbox0000oa01",
        AccountId = "gh_sandbox000001",
        MiniProgramAppId = "wxsandbox0000mp01",
        WebsiteAppId = "wxsandbox000web01";

    private const string Alphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private static string Draw(int length) =>
        System.Security.Cryptography.RandomNumberGenerator.GetString(Alphanumeric, length);

    public static readonly string Token = Draw(24),
        EncodingAesKey = Draw(43),
        MiniProgramAppSecret = Draw(32),
        MiniProgramToken = Draw(24),
        MiniProgramEncodingAesKey = Draw(43),
        WebsiteAppSecret = Draw(32);

    public static void FillIn(WechatOptions o)
    {
        if (!o.IsSandbox)
            return;
        if (o.AppId.Length == 0)
            o.AppId = AppId;
        if (o.AccountId.Length == 0)
            o.AccountId = AccountId;
        if (o.Token.Length == 0)
            o.Token = Token;
        if (o.EncodingAesKey.Length == 0)
            o.EncodingAesKey = EncodingAesKey;
        if (o.MiniProgramAppId.Length == 0)
            o.MiniProgramAppId = MiniProgramAppId;
        if (o.MiniProgramAppSecret.Length == 0)
            o.MiniProgramAppSecret = MiniProgramAppSecret;
        if (o.MiniProgramToken.Length == 0)
            o.MiniProgramToken = MiniProgramToken;
        if (o.MiniProgramEncodingAesKey.Length == 0)
            o.MiniProgramEncodingAesKey = MiniProgramEncodingAesKey;
        if (o.WebsiteAppId.Length == 0)
            o.WebsiteAppId = WebsiteAppId;
        if (o.WebsiteAppSecret.Length == 0)
            o.WebsiteAppSecret = WebsiteAppSecret;
        // The client talks to the built-in simulator instead of api.weixin.qq.com, and the browser goes there for the
        // QR code instead of open.weixin.qq.com.
        if (o.SandboxPort > 0)
        {
            o.ApiBaseAddress = $"http://127.0.0.1:{o.SandboxPort}";
            o.OpenBaseAddress = o.ApiBaseAddress;
        }
    }
}
