namespace Governance.Wechat;

/// <summary>
/// Settings of the "Wechat" section. <see cref="Mode"/> must be said: "sandbox" (the API client talks to the built-in
/// simulator, a chat page lets a person play a resident, the development sign-in works) or "live" (a real account,
/// every credential required and checked when the node starts). No credential has a default here: the sandbox's
/// come from <see cref="Simulator.SandboxAccount"/> and only in sandbox mode.
/// </summary>
public sealed class WechatOptions
{
    public const string Section = "Wechat";

    public const string Sandbox = "sandbox",
        Live = "live";

    /// <summary>"sandbox" or "live", always set explicitly (./run.sh and ./test.sh say sandbox).</summary>
    public string Mode { get; set; } = "";
    public bool IsSandbox => Mode == Sandbox;

    /// <summary>Official account (公众号).</summary>
    public string AppId { get; set; } = "";
    public string AppSecret { get; set; } = "";

    /// <summary>The account's original id (gh_…), written as FromUserName in replies.</summary>
    public string AccountId { get; set; } = "";
    public string Token { get; set; } = "";
    public string EncodingAesKey { get; set; } = "";

    /// <summary>Kept after a key change so messages encrypted with the old key still decrypt (official FAQ).</summary>
    public string PreviousEncodingAesKey { get; set; } = "";

    /// <summary>Mini-program (小程序) credentials, for sign-in and subscribe messages.</summary>
    public string MiniProgramAppId { get; set; } = "";
    public string MiniProgramAppSecret { get; set; } = "";

    /// <summary>
    /// The mini-program's own message push (消息推送): WeChat sends subscribe-message events (accepted, switched off,
    /// delivered) to /wechat/miniprogram/callback signed with this Token and encrypted with this key, not the official
    /// account's.
    /// </summary>
    public string MiniProgramToken { get; set; } = "";
    public string MiniProgramEncodingAesKey { get; set; } = "";

    /// <summary>
    /// The Open Platform website app (网站应用) whose 微信登录 lets staff sign in to the console by scanning a QR code.
    /// Optional: with no app id, the console offers username and password only. A website app is an Open Platform
    /// app, so WeChat answers its sign-ins with the person's unionid, which is what a console account is bound to.
    /// </summary>
    public string WebsiteAppId { get; set; } = "";
    public string WebsiteAppSecret { get; set; } = "";
    public bool HasWebsiteLogin => WebsiteAppId.Length > 0;

    /// <summary>
    /// Where the browser goes for the QR code (open.weixin.qq.com); the sandbox points it at the simulator.
    /// </summary>
    public string OpenBaseAddress { get; set; } = "https://open.weixin.qq.com";

    /// <summary>Base of every API path; the sandbox points it at the simulator.</summary>
    public string ApiBaseAddress { get; set; } = "https://api.weixin.qq.com";

    /// <summary>
    /// Callbacks whose timestamp is further than this from our clock are refused (replay protection).
    /// </summary>
    public int TimestampWindowSeconds { get; set; } = 300;

    /// <summary>
    /// A callback request's budget, from its arrival to its answer (dedup record, dialog, reply record); past it WeChat
    /// gets "success" and the reply goes by customer-service message. WeChat itself waits 5 seconds.
    /// </summary>
    public int TurnBudgetMilliseconds { get; set; } = 3000;
    public int MaxBodyBytes { get; set; } = 64 * 1024;

    public const string SafeMode = "safe",
        CompatibleMode = "compatible",
        PlaintextMode = "plaintext";

    /// <summary>
    /// The message mode set in the account's server configuration (消息加解密方式), which the gateway enforces: "safe"
    /// (安全模式, the default) and "compatible" (兼容模式) accept only encrypted bodies, authenticated by msg_signature;
    /// "plaintext" (明文模式) accepts bodies whose signature covers only token, timestamp and nonce.
    /// </summary>
    public string MessageMode { get; set; } = SafeMode;

    /// <summary>How long a chat conversation (a draft report) is kept between messages.</summary>
    public int ConversationMinutes { get; set; } = 30;

    /// <summary>Sandbox: the simulator's port on 127.0.0.1, and the callback URL it pushes to.</summary>
    public int SandboxPort { get; set; } = 5081;
    public string SandboxCallbackUrl { get; set; } = "http://127.0.0.1:5080/wechat/callback";
}
