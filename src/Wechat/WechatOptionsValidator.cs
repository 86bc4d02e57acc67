using System.Text.RegularExpressions;
using Governance.Wechat.Simulator;
using Microsoft.Extensions.Options;

namespace Governance.Wechat;

/// <summary>
/// Checked when the node starts, so that a deployment missing a setting stops with the setting's name instead of
/// running open: the mode must be said; live mode needs every credential of the official account and the
/// mini-program, in WeChat's own formats, none of them the sandbox's, and talks to WeChat over https.
/// </summary>
public sealed partial class WechatOptionsValidator : IValidateOptions<WechatOptions>
{
    public ValidateOptionsResult Validate(string? name, WechatOptions o)
    {
        var problems = new List<string>();
        if (o.Mode is not (WechatOptions.Sandbox or WechatOptions.Live))
            problems.Add(
                "Wechat:Mode must be \"sandbox\" (./run.sh sets it) or \"live\" (a real account); it was "
                    + (o.Mode.Length == 0 ? "not set" : $"\"{o.Mode}\"")
            );
        if (
            o.MessageMode
            is not (WechatOptions.SafeMode or WechatOptions.CompatibleMode or WechatOptions.PlaintextMode)
        )
            problems.Add("Wechat:MessageMode must be \"safe\", \"compatible\" or \"plaintext\"");
        if (o.TurnBudgetMilliseconds is < 0 or > 4500)
            problems.Add("Wechat:TurnBudgetMilliseconds must be 0 to 4500 (WeChat waits 5 seconds)");
        if (o.Mode == WechatOptions.Live)
        {
            Check(problems, "AppId", o.AppId, AppIdFormat(), SandboxAccount.AppId, "wx and 16 letters or digits");
            Check(problems, "AppSecret", o.AppSecret, SecretFormat(), null, "32 letters or digits");
            Check(problems, "AccountId", o.AccountId, AccountIdFormat(), SandboxAccount.AccountId, "gh_ and the rest");
            Check(problems, "Token", o.Token, TokenFormat(), SandboxAccount.Token, "3 to 32 letters or digits");
            Check(
                problems,
                "EncodingAesKey",
                o.EncodingAesKey,
                AesKeyFormat(),
                SandboxAccount.EncodingAesKey,
                "43 letters or digits"
            );
            Check(
                problems,
                "MiniProgramAppId",
                o.MiniProgramAppId,
                AppIdFormat(),
                SandboxAccount.MiniProgramAppId,
                "wx followed by 16 letters or digits"
            );
            Check(
                problems,
                "MiniProgramAppSecret",
                o.MiniProgramAppSecret,
                SecretFormat(),
                SandboxAccount.MiniProgramAppSecret,
                "32 letters or digits"
            );
            Check(
                problems,
                "MiniProgramToken",
                o.MiniProgramToken,
                TokenFormat(),
                SandboxAccount.MiniProgramToken,
                "3 to 32 letters or digits"
            );
            Check(
                problems,
                "MiniProgramEncodingAesKey",
                o.MiniProgramEncodingAesKey,
                AesKeyFormat(),
                SandboxAccount.MiniProgramEncodingAesKey,
                "43 letters or digits"
            );
            if (!o.ApiBaseAddress.StartsWith("https://", StringComparison.Ordinal))
                problems.Add("Wechat:ApiBaseAddress must be an https address in live mode");
            // The website app is optional; when it is set, both halves must be the account's own.
            if (o.HasWebsiteLogin || o.WebsiteAppSecret.Length > 0)
            {
                Check(
                    problems,
                    "WebsiteAppId",
                    o.WebsiteAppId,
                    AppIdFormat(),
                    SandboxAccount.WebsiteAppId,
                    "wx followed by 16 letters or digits"
                );
                Check(
                    problems,
                    "WebsiteAppSecret",
                    o.WebsiteAppSecret,
                    SecretFormat(),
                    SandboxAccount.WebsiteAppSecret,
                    "32 letters or digits"
                );
                if (!o.OpenBaseAddress.StartsWith("https://", StringComparison.Ordinal))
                    problems.Add("Wechat:OpenBaseAddress must be an https address in live mode");
            }
        }
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static void Check(
        List<string> problems,
        string setting,
        string value,
        Regex format,
        string? sandboxValue,
        string expected
    )
    {
        if (string.IsNullOrEmpty(value))
            problems.Add($"Wechat:{setting} is required in live mode (Wechat__{setting})");
        else if (value == sandboxValue)
            problems.Add($"Wechat:{setting} is the sandbox's value; set the account's own");
        else if (!format.IsMatch(value))
            problems.Add($"Wechat:{setting} does not look like one ({expected})");
    }

    [GeneratedRegex("^wx[0-9a-zA-Z]{16}$")]
    private static partial Regex AppIdFormat();

    [GeneratedRegex("^[0-9a-zA-Z]{32}$")]
    private static partial Regex SecretFormat();

    [GeneratedRegex("^gh_[0-9a-zA-Z]{6,}$")]
    private static partial Regex AccountIdFormat();

    [GeneratedRegex("^[0-9a-zA-Z]{3,32}$")]
    private static partial Regex TokenFormat();

    [GeneratedRegex("^[0-9a-zA-Z]{43}$")]
    private static partial Regex AesKeyFormat();
}
