namespace Governance.Core.Intake;

public sealed record UrgencyResult(
    bool IsUrgent,
    IReadOnlyList<string> Hazards,
    IReadOnlyList<string> EmergencyNumbers,
    string? SafetyAdvice
);

/// <summary>
/// Danger to life or property: gas, fire, smoke, flooding, sparks or exposed live wires, people trapped
/// or hurt, violence. Keyword rules, deliberately simple and auditable: a missed emergency costs far more
/// than a false alarm, so a hit is enough, unless it is plainly negated ("没有煤气味").
/// </summary>
public static class UrgencyDetector
{
    private sealed record Hazard(string Name, string[] Words, string[] Numbers, string Advice);

    private static readonly Hazard[] Hazards =
    [
        new(
            "gas",
            [
                "煤气味",
                "燃气味",
                "天然气味",
                "液化气味",
                "煤气泄漏",
                "燃气泄漏",
                "天然气泄漏",
                "漏气",
                "煤气泄露",
                "燃气泄露",
                "闻到煤气",
                "闻到燃气",
                "闻到天然气",
            ],
            ["119"],
            "请立即关闭燃气阀门，打开门窗通风，不要开关电器、不要用明火或打电话，马上离开到室外后拨打119。"
        ),
        new(
            "fire",
            ["着火", "起火", "失火", "火灾", "烧起来", "火苗", "火势", "冒烟", "浓烟", "烟很大", "有烟味", "焦糊味"],
            ["119"],
            "请立即撤离到安全地带，用湿毛巾捂住口鼻、低姿前进，不要乘电梯，马上拨打119。"
        ),
        new(
            "flood",
            ["水漫", "被淹", "淹了", "内涝", "爆管", "水管爆裂", "大水", "水淹", "积水很深", "倒灌"],
            ["119"],
            "请先关闭总水阀和电闸，把老人孩子和贵重物品转移到高处，远离积水中的电线；有人被困请拨打119。"
        ),
        new(
            "electric",
            ["冒火花", "火花", "漏电", "触电", "电线短路", "电线烧", "电线着火", "电线掉下来", "高压线断"],
            ["119", "120"],
            "请远离电线和积水，不要用手触碰，能安全断电就先拉闸；有人触电请用干燥木棍挑开电线并拨打120。"
        ),
        new(
            "trapped",
            ["被困", "困在", "困住", "电梯困人", "关在电梯", "出不来", "卡在电梯"],
            ["119"],
            "请被困人员保持冷静，不要扒门或强行离开电梯，按警铃等待救援；我们已通知网格员，紧急情况请拨打119。"
        ),
        new(
            "injury",
            [
                "受伤",
                "流血",
                "出血",
                "晕倒",
                "昏倒",
                "昏迷",
                "摔倒起不来",
                "不省人事",
                "没有呼吸",
                "没呼吸",
                "心脏骤停",
                "骨折",
                "抽搐",
                "中毒",
            ],
            ["120"],
            "请立即拨打120，不要随意搬动伤者，保持呼吸道通畅，有人在旁守护等待救护车。"
        ),
        new(
            "violence",
            ["打架", "斗殴", "持刀", "拿刀", "砍人", "抢劫", "打人", "家暴", "绑架", "有人闹事砸"],
            ["110"],
            "请先确保自身安全，远离冲突现场，立即拨打110报警。"
        ),
    ];

    private static readonly string[] Negations = ["没有", "没", "不是", "无", "未", "不"];

    public static UrgencyResult Detect(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return new UrgencyResult(false, [], [], null);
        var hits = Hazards.Where(h => h.Words.Any(w => Mentions(text, w))).ToList();
        if (hits.Count == 0)
            return new UrgencyResult(false, [], [], null);
        return new UrgencyResult(
            true,
            hits.Select(h => h.Name).ToList(),
            hits.SelectMany(h => h.Numbers).Distinct().ToList(),
            string.Join("", hits.Select(h => h.Advice).Distinct())
        );
    }

    private static bool Mentions(string text, string word)
    {
        for (
            var i = text.IndexOf(word, StringComparison.Ordinal);
            i >= 0;
            i = text.IndexOf(word, i + 1, StringComparison.Ordinal)
        )
        {
            var before = text[Math.Max(0, i - 3)..i];
            if (
                !Negations.Any(n =>
                    before.EndsWith(n, StringComparison.Ordinal) || before.Contains(n + "有", StringComparison.Ordinal)
                )
            )
                return true;
        }
        return false;
    }
}
