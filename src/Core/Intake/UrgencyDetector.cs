using System.Text;
using System.Text.RegularExpressions;

namespace Governance.Core.Intake;

/// <summary>
/// What the detector found: the hazards that make the report urgent, the numbers to call and what to do now, and the
/// hazards mentioned only to say they are gone ("没有煤气味了"), which the dialog uses to offer cancelling an urgent
/// report.
/// </summary>
public sealed record UrgencyResult(
    bool IsUrgent,
    IReadOnlyList<string> Hazards,
    IReadOnlyList<string> EmergencyNumbers,
    string? SafetyAdvice
)
{
    public IReadOnlyList<string> Cleared { get; init; } = [];
}

/// <summary>
/// Danger to life or property, recall first: a missed emergency costs far more than a false alarm. Each hazard family
/// is a set of patterns in the words residents use — typos, words apart in one clause ("电梯里困了两个人"), English and
/// emoji — matched clause by clause. A mention is cleared only by a plain negation before it ("没有煤气味") or after it
/// ("煤气味已经没有了"); a question or a doubt ("是不是漏气", "好像有煤气味", "有没有着火") stays urgent, because a
/// suspected leak is one. A clause about what might happen ("万一着火怎么办", "容易起火", "消防隐患") is a report, not an
/// emergency. The rules are plain data so that anyone can audit them; `intake evaluate` measures recall and false
/// positives per hazard on a labelled file.
/// </summary>
public static partial class UrgencyDetector
{
    /// <summary>
    /// A family of hazards; a match is ignored when its clause or the one before it matches <c>Unless</c> (tyres,
    /// cigarettes).
    /// </summary>
    private sealed record Hazard(
        string Name,
        Regex Pattern,
        string[] Numbers,
        string Advice,
        Regex? Unless = null,
        bool WholeText = false
    );

    private static Regex R(string pattern) =>
        new(pattern, RegexOptions.CultureInvariant | RegexOptions.IgnoreCase | RegexOptions.Compiled);

    private const string Gas = "(煤气|燃气|天然气|天燃气|然气|液化气|煤汽|燃汽|天然汽|瓦斯)";

    private static readonly Hazard[] Hazards =
    [
        new(
            "gas",
            R(
                $"{Gas}.{{0,6}}(味|泄漏|泄露|漏了|在漏|漏气|嘶|呲|滋滋|冒出)|闻到.{{0,6}}{Gas}|漏气|跑气|"
                    + "(气表|燃气表|煤气表|燃气管|煤气管|气管子?).{0,6}(嘶|呲|滋|漏|响)|"
                    + @"\bgas\s*(leak|smell)|smell(s|ed|ing)?\s+(of\s+)?gas"
            ),
            ["119"],
            "请立即关闭燃气阀门，打开门窗通风，不要开关电器、不要用明火或打电话，马上离开到室外后拨打119。",
            R("轮胎|车胎|胎漏|气球|充气|气垫|篮球|足球")
        ),
        new(
            "fire",
            R(
                "着火|着了火|起火|失火|火灾|烧起来|烧着了|火苗|火势|明火|冒烟|浓烟|黑烟|烟很大|烟味|烧焦|焦味|糊味|"
                    + "纵火|放火|点火烧|🔥|🚒|"
                    + @"\bfire\b|\bsmoke\b|\bburning\b"
            ),
            ["119"],
            "请立即撤离到安全地带，用湿毛巾捂住口鼻、低姿前进，不要乘电梯，马上拨打119。",
            R("抽烟|吸烟|油烟|烟头|香烟|烟民|烧烤|烟花爆竹|烟囱|打不着|点不着")
        ),
        new(
            "electric",
            R(
                "火花|漏电|触电|电到人|被电|短路|电线.{0,6}(烧|着火|冒烟|裸露|露出|掉|断|破皮|打火|垂)|"
                    + "(裸露|露着|掉落|断了?)的?电线|私拉.{0,4}电线|飞线充电|乱拉电线|高压线.{0,4}(断|掉)|"
                    + @"\bsparks?\b|exposed\s+wires?|electric(al)?\s+shock|live\s+wire"
            ),
            ["119", "120"],
            "请远离电线和积水，不要用手触碰，能安全断电就先拉闸；有人触电请用干燥木棍挑开电线并拨打120。"
        ),
        new(
            "flood",
            R(
                "爆管|水管.{0,4}(爆|裂|崩)|管道.{0,4}(爆|裂)|水漫|漫进|漫到|被淹|淹了|淹到|水淹|内涝|倒灌|"
                    + "(家里|屋里|室内|房间|楼道|地下室|车库)(进水|进了水|全是水|都是水)|"
                    + "(污水|粪水|下水道?|马桶|地漏).{0,6}(倒灌|返水|返上来|冒|涌出|漫出|溢出)|积水很深|"
                    + @"\bflood(ing|ed)?\b|burst\s+pipe"
            ),
            ["119"],
            "请先关闭总水阀和电闸，把老人孩子和贵重物品转移到高处，远离积水中的电线；有人被困请拨打119。"
        ),
        new(
            "trapped",
            R(
                "被困|困在|困住|困了|关在电梯|卡在电梯|电梯.{0,8}(困|关住|出不来|卡住人)|出不来了|"
                    + "电梯.{0,8}(卡|停|坏|故障).{0,8}(里面有人|有人在里面|人在里面|里面还有)|"
                    + @"\btrapped\b|stuck\s+in\s+(the\s+)?(lift|elevator)"
            ),
            ["119"],
            "请被困人员保持冷静，不要扒门或强行离开电梯，按警铃等待救援；我们已通知网格员，紧急情况请拨打119。"
        ),
        new(
            "fall",
            R(
                "坠楼|跳楼|高空坠落|(从|在).{0,8}(楼|阳台|窗|楼顶|屋顶|高处|脚手架).{0,6}(掉下|摔下|坠下|跌下|掉了下)|"
                    + "(人|孩子|小孩|老人).{0,4}(掉下来|摔下来|坠下来)|"
                    + @"fell\s+from"
            ),
            ["120", "110"],
            "请立即拨打120，不要随意搬动伤者，保持呼吸道通畅，有人在旁守护等待救护车。"
        ),
        new(
            "injury",
            R(
                "受伤|流血|出血|血流|满地血|头破|晕倒|昏倒|晕过去|昏迷|不省人事|叫不醒|没反应了|没有?呼吸|"
                    + "心脏骤停|抽搐|中毒|骨折|摔.{0,6}起不来|倒在地上|吐血|🚑|"
                    + @"\bbleeding\b|\bunconscious\b|\binjured\b|not\s+breathing"
            ),
            ["120"],
            "请立即拨打120，不要随意搬动伤者，保持呼吸道通畅，有人在旁守护等待救护车。"
        ),
        new(
            "missing",
            R(
                "(老人|老爷子|老太太|爷爷|奶奶|外公|外婆|孩子|小孩|儿子|女儿|孙子|孙女)(又)?(丢了|走丢了)|"
                    + "(老人|老爷子|老太太|爷爷|奶奶|外公|外婆|孩子|小孩|儿子|女儿|孙子|孙女|我爸|我妈|父亲|母亲|爸爸|"
                    + "妈妈|家人|老伴).{0,20}(走失|走丢|不见了|找不到了?|失踪|联系不上|没回家|没有回家)|走失|"
                    + @"\bmissing\s+(child|kid|person|elderly)"
            ),
            ["110"],
            "请立即拨打110报警，说明走失人员的衣着、体貌和最后出现的地点；我们已通知网格员协助寻找。",
            R("的(自行车|电动车|车|钥匙|手机|快递|包裹|东西|书包|玩具|猫|狗)"),
            WholeText: true
        ),
        new(
            "violence",
            R(
                "打架|斗殴|持刀|拿刀|砍人|对砍|捅人|抢劫|打人|家暴|绑架|殴打|行凶|入室|撬门|撬锁|"
                    + @"\bfight(ing)?\b|\bknife\b|\bbroke\s+in\b|break-?in|burglar"
            ),
            ["110"],
            "请先确保自身安全，远离冲突现场，立即拨打110报警。"
        ),
        new(
            "distress",
            R("救命|快来人|🆘|" + @"\bhelp\s*(me|us)?\s*!|\bhelp\s+(me|us)\b|\bsos\b"),
            ["110", "120"],
            "请先到安全的地方，立即拨打110或120说明情况和位置；我们已通知网格员。",
            WholeText: true
        ),
        new(
            "structure",
            R(
                "(招牌|广告牌|牌子|阳台|外墙|墙皮|瓷砖|空调外机|外机|玻璃|窗户|窗框|大树|树枝|脚手架|雨棚|围墙|电线杆)"
                    + ".{0,8}(要掉|快掉|掉下来|摇摇欲坠|晃|松动|坠落|要塌|塌了|倒了|倒下|吹倒|刮倒|快倒|要倒|砸)|"
                    + "井盖.{0,6}(没了|丢了|不见|缺失|被偷|没有|掀|移位|破了|碎了|塌)|没有?井盖|"
                    + "坍塌|倒塌|塌陷|塌方|"
                    + @"\bcollaps(e|ed|ing)\b"
            ),
            ["119"],
            "请远离危险区域并提醒过往行人绕行，能安全的话设置警示；有人受伤请拨打120，紧急情况拨打119。"
        ),
    ];

    /// <summary>A plain negation right before the hazard: 没有煤气味, 没闻到煤气味, 不是着火.</summary>
    [GeneratedRegex("(没有|没|无|未|不是|并没有|并没|已经没有|已没有)(人)?(闻到|发现|看到|听到|再|了)?$")]
    private static partial Regex NegatedBefore();

    /// <summary>A plain negation after it: 煤气味已经没有了, 火已经灭了, 烟散了.</summary>
    [GeneratedRegex("^.{0,4}?(已经)?(没有了|没了|消失|散了|散掉|不见了|灭了|扑灭|停了|好了|修好|解决|关掉了|关好了|是误会)")]
    private static partial Regex NegatedAfter();

    /// <summary>A question or doubt keeps the clause urgent: a suspected leak is an emergency.</summary>
    [GeneratedRegex("是不是|有没有|是否|会不会是|好像|似乎|怀疑|疑似|像是|感觉|闻着像")]
    private static partial Regex Doubt();

    /// <summary>What might happen, or fire safety talk: a report, not an emergency.</summary>
    [GeneratedRegex(
        "万一|如果|假如|要是|一旦|容易|可能会|会引发|引发火灾|担心|害怕|怕会|怕着火|隐患|预防|防范|演练|宣传|培训|"
            + "安全检查|消防通道|生命通道|以防|防止"
    )]
    private static partial Regex Hypothetical();

    [GeneratedRegex("[，。！？!?,;；\n\r…]+|\\s{2,}")]
    private static partial Regex ClauseBreak();

    public static IReadOnlyList<string> HazardNames { get; } = Hazards.Select(h => h.Name).ToList();

    public static UrgencyResult Detect(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return new UrgencyResult(false, [], [], null);
        var hits = new List<Hazard>();
        var cleared = new List<string>();
        var previous = "";
        foreach (var clause in ClauseBreak().Split(Normalize(text)))
        {
            if (clause.Length == 0)
                continue;
            var context = previous + "，" + clause;
            previous = clause;
            var doubt = Doubt().IsMatch(clause);
            var hypothetical = !doubt && Hypothetical().IsMatch(clause);
            foreach (var hazard in Hazards)
            {
                if (hazard.Unless?.IsMatch(context) == true)
                    continue;
                foreach (Match m in hazard.Pattern.Matches(clause))
                {
                    var negated =
                        !doubt
                        && (
                            NegatedBefore().IsMatch(clause[..m.Index])
                            || NegatedAfter().IsMatch(clause[(m.Index + m.Length)..])
                        );
                    if (negated)
                    {
                        if (!cleared.Contains(hazard.Name))
                            cleared.Add(hazard.Name);
                        continue;
                    }
                    if (hypothetical)
                        continue;
                    if (!hits.Contains(hazard))
                        hits.Add(hazard);
                    break;
                }
            }
        }
        // Families whose words span clauses ("我爸有老年痴呆，早上出去，找不到了"; "help!" split at its mark).
        var whole = Normalize(text);
        foreach (var hazard in Hazards.Where(h => h.WholeText && !hits.Contains(h)))
            if (
                hazard.Pattern.IsMatch(whole)
                && hazard.Unless?.IsMatch(whole) != true
                && !Hypothetical().IsMatch(whole)
            )
                hits.Add(hazard);
        // A hazard both reported and cleared in one message ("刚才有烟，现在没有了") is still reported: a person decides.
        cleared.RemoveAll(name => hits.Any(h => h.Name == name));
        if (hits.Count == 0)
            return new UrgencyResult(false, [], [], null) { Cleared = cleared };
        return new UrgencyResult(
            true,
            hits.Select(h => h.Name).ToList(),
            hits.SelectMany(h => h.Numbers).Distinct().ToList(),
            string.Join("", hits.Select(h => h.Advice).Distinct())
        )
        {
            Cleared = cleared,
        };
    }

    /// <summary>Full-width forms folded (ＦＩＲＥ, ？), spaces kept for English words.</summary>
    private static string Normalize(string text)
    {
        var s = text.Normalize(NormalizationForm.FormKC);
        return s.Replace('\u3000', ' ');
    }
}

/// <summary>
/// The detector measured on labelled messages (a CSV with the columns text, urgent — 1/0, true/false, 是/否 — and
/// optionally hazard): recall and false-positive rate overall, recall per labelled hazard, false alarms per detected
/// hazard, and every miss listed so that it can be fixed.
/// </summary>
public sealed record UrgencyEvaluation(
    int Urgent,
    int Caught,
    int Ordinary,
    int FalseAlarms,
    IReadOnlyList<(string Hazard, int Labelled, int Caught)> PerHazard,
    IReadOnlyList<(string Hazard, int FalseAlarms)> FalseAlarmsByHazard,
    IReadOnlyList<string> Missed,
    IReadOnlyList<string> Raised
)
{
    public double Recall => Urgent == 0 ? 1 : (double)Caught / Urgent;
    public double FalsePositiveRate => Ordinary == 0 ? 0 : (double)FalseAlarms / Ordinary;

    public static UrgencyEvaluation Of(IReadOnlyList<(string Text, bool Urgent, string? Hazard)> rows)
    {
        var results = rows.Select(r => (Row: r, Found: UrgencyDetector.Detect(r.Text))).ToList();
        var urgent = results.Where(x => x.Row.Urgent).ToList();
        var ordinary = results.Where(x => !x.Row.Urgent).ToList();
        return new UrgencyEvaluation(
            urgent.Count,
            urgent.Count(x => x.Found.IsUrgent),
            ordinary.Count,
            ordinary.Count(x => x.Found.IsUrgent),
            urgent
                .GroupBy(x => string.IsNullOrWhiteSpace(x.Row.Hazard) ? "(unlabelled)" : x.Row.Hazard!)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => (g.Key, g.Count(), g.Count(x => x.Found.IsUrgent)))
                .ToList(),
            ordinary
                .Where(x => x.Found.IsUrgent)
                .SelectMany(x => x.Found.Hazards)
                .GroupBy(h => h)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => (g.Key, g.Count()))
                .ToList(),
            urgent.Where(x => !x.Found.IsUrgent).Select(x => x.Row.Text).ToList(),
            ordinary
                .Where(x => x.Found.IsUrgent)
                .Select(x => $"{x.Row.Text} ({string.Join(",", x.Found.Hazards)})")
                .ToList()
        );
    }

    public static bool ParseFlag(string value) =>
        value.Trim().ToLowerInvariant() is "1" or "true" or "yes" or "y" or "是" or "urgent" or "紧急";

    public string Report()
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(
            inv,
            $"urgent recall {Recall:0.000} ({Caught} of {Urgent})  false positives {FalsePositiveRate:0.000} "
                + $"({FalseAlarms} of {Ordinary})"
        );
        sb.AppendLine("recall by labelled hazard:");
        foreach (var (hazard, labelled, caught) in PerHazard)
            sb.AppendLine(inv, $"  {hazard,-14} {caught}/{labelled}");
        sb.AppendLine("false alarms by detected hazard:");
        foreach (var (hazard, count) in FalseAlarmsByHazard)
            sb.AppendLine(inv, $"  {hazard,-14} {count}");
        foreach (var m in Missed)
            sb.AppendLine("missed: " + m);
        foreach (var r in Raised)
            sb.AppendLine("false alarm: " + r);
        return sb.ToString();
    }
}
