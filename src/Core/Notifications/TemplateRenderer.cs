using System.Globalization;
using Governance.Core.Time;

namespace Governance.Core.Notifications;

/// <summary>
/// Fills a channel template's fields from a notice, cutting each value to what WeChat accepts for the
/// keyword's type (docs/wechat/messages.md): an over-long "thing" is refused with 47003, so we cut it ourselves.
/// </summary>
public static class TemplateRenderer
{
    /// <summary>
    /// The mini-program page a template opens: its page, with the order code or the notice's reference as the query.
    /// </summary>
    public static string? Page(ChannelTemplate template, Notice notice) =>
        template.Page is not { } page ? null
        : notice.OrderCode is { } code ? $"{page}?code={Uri.EscapeDataString(code)}"
        : notice.Ref is { } id ? $"{page}?id={Uri.EscapeDataString(id)}"
        : page;

    public static IReadOnlyDictionary<string, string> Render(
        ChannelTemplate template,
        Notice notice,
        DateTime nowUtc
    ) => template.Fields.ToDictionary(f => f.Key, f => Fit(f.Type, Source(f.From, notice, nowUtc)));

    private static string Source(string from, Notice n, DateTime nowUtc) =>
        from switch
        {
            "title" => n.Title,
            "body" => n.Body,
            "code" => n.OrderCode ?? "-",
            "time" => ChinaTime.ToChina(nowUtc).ToString("yyyy年M月d日 HH:mm", CultureInfo.InvariantCulture),
            "status" => StatusPhrase(n.Kind),
            _ => "",
        };

    /// <summary>A status in at most five Chinese characters, for "phrase" keywords.</summary>
    public static string StatusPhrase(string kind) =>
        kind switch
        {
            "order_accepted" => "已受理",
            "order_claimed" => "已认领",
            "order_progress" => "办理中",
            "order_resolved" => "已办结",
            "order_reopened" => "重新办理",
            "order_rejected" => "不予受理",
            "order_merged" => "已合并",
            "order_started" => "开始办理",
            "order_released" => "待认领",
            "order_assigned" => "已派单",
            "order_extended" => "已延期",
            "order_urged" => "居民催办",
            "order_comment" => "新留言",
            "claim_expired" => "认领超时",
            "urgent_alert" => "紧急诉求",
            "urgent_cancelled" => "已撤销",
            "handover" => "转人工",
            "followup" => "待评价",
            "reminder" => "即将到期",
            "escalation" => "已逾期",
            _ => "有更新",
        };

    /// <summary>
    /// A value WeChat accepts for the keyword's type (docs/wechat/messages.md): within its length counted in UTF-16
    /// units (an emoji counts two: the strictest reading of WeChat's limits), only the characters the type allows, and
    /// never empty (WeChat refuses an empty value with 47003).
    /// </summary>
    public static string Fit(string type, string value)
    {
        var text = value.ReplaceLineEndings(" ").Trim();
        var fitted = type switch
        {
            "thing" => Cut(text, 20),
            "name" => Cut(text, 10),
            "phrase" => Cut(
                new string(text.Where(c => c >= 0x4E00 && c <= 0x9FFF).ToArray()) is { Length: > 0 } cn ? cn : "更新",
                5,
                ellipsis: false
            ),
            "character_string" or "number" or "letter" => Cut(
                new string(text.Where(c => c is > ' ' and <= '~').ToArray()),
                32,
                ellipsis: false
            ),
            "symbol" => Cut(text, 5, ellipsis: false),
            "phone_number" => Cut(text, 17, ellipsis: false),
            "car_number" => Cut(text, 8, ellipsis: false),
            _ => Cut(text, 20),
        };
        return fitted.Length > 0 ? fitted
            : type == "number" ? "0"
            : type is "character_string" or "letter" ? "-"
            : "无";
    }

    private static string Cut(string s, int max, bool ellipsis = true)
    {
        if (s.Length <= max)
            return s;
        return ellipsis ? Text.Chars.Prefix(s, max - 1) + "…" : Text.Chars.Prefix(s, max);
    }
}
