namespace Governance.Wechat.Client;

public enum WechatOutcome
{
    Ok,

    /// <summary>Busy, rate-limited or a network failure: try again later (-1, 45011, 43117, HTTP errors).</summary>
    RetryLater,

    /// <summary>
    /// The recipient cannot or will not receive this (43101 refused/no grant, 43004 not following, 45015/45047 window,
    /// 40003 openid).
    /// </summary>
    RecipientRefused,

    /// <summary>
    /// The account's daily quota for this API is used up (45009): nothing sent on it succeeds before the quota
    /// resets at midnight, so a notice goes down the channel ladder (to the in-app inbox at the end) rather than
    /// waiting or dying.
    /// </summary>
    QuotaReached,

    /// <summary>
    /// Retrying will not help: bad template, data, page or configuration (47003, 40037, 41030, 48001, 40013, 40125,
    /// 40164).
    /// </summary>
    GiveUp,
}

public sealed record WechatResult(WechatOutcome Outcome, int ErrCode, string ErrMsg, long? MsgId = null)
{
    public bool Ok => Outcome == WechatOutcome.Ok;

    public static WechatResult Classify(int errcode, string errmsg, long? msgid = null) =>
        new(
            errcode switch
            {
                0 => WechatOutcome.Ok,
                -1 or 45011 or 43117 or 45033 => WechatOutcome.RetryLater,
                43101 or 43004 or 45015 or 45047 or 40003 or 43019 => WechatOutcome.RecipientRefused,
                45009 => WechatOutcome.QuotaReached,
                40001 or 40014 or 42001 => WechatOutcome.RetryLater, // only after the one refresh-and-retry failed too
                _ => WechatOutcome.GiveUp,
            },
            errcode,
            errmsg,
            msgid
        );

    public static bool IsTokenError(int errcode) => errcode is 40001 or 40014 or 42001;
}

public sealed record SessionResult(WechatResult Result, string? OpenId, string? UnionId, string? SessionKey);

public sealed record SecurityVerdict(WechatResult Result, string Suggest, int Label);
