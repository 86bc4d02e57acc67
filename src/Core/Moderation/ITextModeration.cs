namespace Governance.Core.Moderation;

public enum ModerationVerdict
{
    Pass,
    Review,
    Reject,
}

/// <summary>Where checked text will be shown (WeChat's scenes; the rules are stricter for profiles).</summary>
public enum TextScene
{
    Profile = 1,
    Comment = 2,
    Forum = 3,
    SocialLog = 4,
}

/// <summary>
/// The outcome: refused, or accepted with a flag for staff ("review", or "unchecked" when the check could not run).
/// </summary>
public sealed record ModerationResult(ModerationVerdict Verdict, string? Flag)
{
    public static readonly ModerationResult Passed = new(ModerationVerdict.Pass, null);
}

/// <summary>
/// Checks text that other people will see before it is published (a mini-program with user content must, see
/// docs/wechat/content-check.md). The one seam to WeChat that Core rules call; the Wechat project implements it.
/// </summary>
public interface ITextModeration
{
    Task<ModerationResult> CheckAsync(long personId, string text, TextScene scene, CancellationToken ct);
}
