namespace Governance.Core.Statistics;

/// <summary>One figure: its key (as in <see cref="Figures"/>), Chinese name, unit and how it is computed.</summary>
public sealed record StatDefinition(string Key, string Name, string Unit, string Definition);

/// <summary>
/// The definitions of every figure, written once: the API returns them beside the figures, the exports carry them on a
/// sheet of their own and docs/statistics.md repeats them. Days are China days; each event counts on the day it
/// happened, so a day, once over, stays as computed (the nightly run recomputes the last seven days for late changes
/// such as an extended deadline).
/// </summary>
public static class StatDefinitions
{
    public static readonly StatDefinition[] All =
    [
        new(
            "received",
            "收到诉求",
            "件",
            "当期提交的工单数（含后来不予受理、合并、撤销的）；单位和党员口径为当期认领的工单数。"
        ),
        new(
            "responseRate",
            "响应率",
            "%",
            "当期到达响应时限的工单中，在时限内受理或被认领的比例。不予受理、合并、撤销的工单不计入。"
        ),
        new(
            "resolutionRate",
            "解决率",
            "%",
            "当期到达办结时限的工单中，在时限内办结的比例（延期后按新时限）。不予受理、合并、撤销的工单不计入。"
        ),
        new(
            "satisfactionRate",
            "满意率",
            "%",
            "当期居民评价中“满意”和“基本满意”占全部评价的比例；逾期未评价自动关闭的不计入。"
        ),
        new("ackDue", "应响应", "件", "当期到达响应时限的工单数（响应率的分母）。"),
        new("resolveDue", "应办结", "件", "当期到达办结时限的工单数（解决率的分母）。"),
        new("rated", "评价数", "件", "当期居民评价的次数（满意率的分母，也是排名的样本量）。"),
        new("resolved", "办结数", "件", "当期办结的工单数。"),
        new("avgResponseHours", "平均响应时长", "小时", "当期办结的工单从提交到首次受理或认领的平均时长。"),
        new("avgResolveHours", "平均办结时长", "小时", "当期办结的工单从提交到办结的平均时长。"),
        new(
            "p90Resolve",
            "办结时长P90",
            "",
            "当期办结的工单中90%在此时长内办结，按分档（4小时、8小时、1、2、3、5、7、10、15、30天）取所在档的上限。"
        ),
        new("reopened", "重新办理", "次", "当期因居民不满意等原因重新办理的次数。"),
        new("escalated", "升级督办", "次", "当期逾期升级的次数（每升一级计一次）。"),
        new("summoned", "吹哨部门", "次", "当期召集职能部门报到的次数；部门口径为被召集次数。"),
        new("listItems", "清单新增", "项", "当期社区需求、资源、项目清单新增项数。"),
        new("claimsDone", "认领销号", "项", "当期经社区确认销号的认领项数；单位口径为本单位认领的。"),
        new("meetings", "联席会议", "次", "当期召开的联席会议次数。"),
        new("activities", "活动", "次", "当期举办（未取消）的志愿服务活动场次；单位口径为本单位组织的。"),
        new("serviceHours", "服务时长", "小时", "当期记入服务记录的时长（工单、活动、岗位），按服务日期计。"),
        new("visits", "走访", "户次", "当期网格员和包联干部走访的户次。"),
    ];
}
