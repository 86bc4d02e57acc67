using Governance.Core.Moderation;
using Governance.Core.People;
using Microsoft.Extensions.Logging;

namespace Governance.Wechat.Client;

/// <summary>
/// Text that others will see goes through WeChat's msg_sec_check (docs/wechat/content-check.md): "risky" is refused,
/// "review" is accepted and flagged for staff, and a check that cannot run (no mini-program openid, 61010 inactive
/// user, WeChat down) is accepted as "unchecked" rather than losing the resident's report.
/// </summary>
public sealed class ContentGuard(WechatApiClient wechat, PersonStore people, ILogger<ContentGuard> log)
    : ITextModeration
{
    /// <summary>msg_sec_check takes at most 2,500 characters (counted as UTF-16 units: an emoji is two).</summary>
    public const int MaxChars = 2500;

    public async Task<ModerationResult> CheckAsync(long personId, string text, TextScene scene, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(text))
            return ModerationResult.Passed;
        var openid = (await people.ProfileAsync(personId, ct))?.MpOpenid;
        if (openid is null)
            return new ModerationResult(ModerationVerdict.Pass, "unchecked");
        var verdict = await wechat.CheckTextAsync(
            openid,
            Core.Text.Chars.Prefix(text, MaxChars),
            (int)scene,
            ct
        );
        if (!verdict.Result.Ok)
        {
            log.LogWarning("Text check could not run: {ErrCode}", verdict.Result.ErrCode);
            return new ModerationResult(ModerationVerdict.Pass, "unchecked");
        }
        return verdict.Suggest switch
        {
            "risky" => new ModerationResult(ModerationVerdict.Reject, null),
            "review" => new ModerationResult(ModerationVerdict.Review, "review"),
            _ => ModerationResult.Passed,
        };
    }
}
