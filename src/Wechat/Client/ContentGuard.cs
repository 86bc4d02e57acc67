using Microsoft.Extensions.Logging;

namespace Governance.Wechat.Client;

public enum ContentVerdict { Pass, Review, Reject }

/// <summary>
/// User text that others will see goes through WeChat's msg_sec_check (PROTOCOL.md §7.5): "risky" is
/// refused, "review" is accepted and flagged for staff, and a check that cannot run (no mini-program openid,
/// 61010 inactive user, WeChat down) is accepted as "unchecked" rather than losing the resident's report.
/// </summary>
public sealed class ContentGuard(WechatApiClient wechat, ILogger<ContentGuard> log)
{
    public const int Scene = 2; // comment

    public async Task<(ContentVerdict Verdict, string? Flag)> CheckAsync(string? mpOpenid, string text, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(text)) return (ContentVerdict.Pass, null);
        if (mpOpenid is null) return (ContentVerdict.Pass, "unchecked");
        var verdict = await wechat.CheckTextAsync(mpOpenid, text.Length > 2500 ? text[..2500] : text, Scene, ct);
        if (!verdict.Result.Ok)
        {
            log.LogWarning("Text check could not run: {ErrCode}", verdict.Result.ErrCode);
            return (ContentVerdict.Pass, "unchecked");
        }
        return verdict.Suggest switch
        {
            "risky" => (ContentVerdict.Reject, null),
            "review" => (ContentVerdict.Review, "review"),
            _ => (ContentVerdict.Pass, null),
        };
    }
}
