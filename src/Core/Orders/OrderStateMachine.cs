namespace Governance.Core.Orders;

public static class OrderStatus
{
    public const string Submitted = "submitted",
        Accepted = "accepted",
        Published = "published",
        Claimed = "claimed",
        InProgress = "in_progress",
        Resolved = "resolved",
        Closed = "closed",
        Rejected = "rejected",
        Merged = "merged",
        Cancelled = "cancelled";

    public static readonly string[] All =
    [
        Submitted,
        Accepted,
        Published,
        Claimed,
        InProgress,
        Resolved,
        Closed,
        Rejected,
        Merged,
        Cancelled,
    ];

    /// <summary>Statuses in which the order still needs work (deadline and escalation apply).</summary>
    public static readonly string[] Open = [Submitted, Accepted, Published, Claimed, InProgress];

    public static bool IsTerminal(string s) => s is Closed or Rejected or Merged or Cancelled;

    public static string ChineseName(string s) =>
        s switch
        {
            Submitted => "待受理",
            Accepted => "已受理",
            Published => "待认领",
            Claimed => "已认领",
            InProgress => "办理中",
            Resolved => "已办结",
            Closed => "已关闭",
            Rejected => "不予受理",
            Merged => "已合并",
            Cancelled => "已撤销",
            _ => s,
        };
}

public enum OrderAction
{
    Accept,
    Reject,
    Publish,
    Merge,
    Cancel,
    Claim,
    Assign,
    Reassign,
    AssignMember,
    Start,
    Release,
    ExpireClaim,
    Resolve,
    Rate,
    ReopenToClaimer,
    ReopenToPool,
    AutoClose,
}

/// <summary>
/// The one table of allowed moves. Every path that changes an order's status asks it first, and the
/// store's UPDATE re-checks the expected status so two concurrent moves cannot both win.
/// </summary>
public static class OrderStateMachine
{
    private static readonly (OrderAction Action, string[] From, string To)[] Moves =
    [
        (OrderAction.Accept, [OrderStatus.Submitted], OrderStatus.Accepted),
        (OrderAction.Reject, [OrderStatus.Submitted, OrderStatus.Accepted], OrderStatus.Rejected),
        (OrderAction.Publish, [OrderStatus.Accepted], OrderStatus.Published),
        (OrderAction.Merge, [OrderStatus.Submitted, OrderStatus.Accepted, OrderStatus.Published], OrderStatus.Merged),
        (
            OrderAction.Cancel,
            [OrderStatus.Submitted, OrderStatus.Accepted, OrderStatus.Published],
            OrderStatus.Cancelled
        ),
        (OrderAction.Claim, [OrderStatus.Published], OrderStatus.Claimed),
        (OrderAction.Assign, [OrderStatus.Accepted, OrderStatus.Published], OrderStatus.Claimed),
        (OrderAction.Reassign, [OrderStatus.Claimed, OrderStatus.InProgress], OrderStatus.Claimed),
        (OrderAction.AssignMember, [OrderStatus.Claimed], OrderStatus.Claimed),
        (OrderAction.Start, [OrderStatus.Claimed], OrderStatus.InProgress),
        (OrderAction.Release, [OrderStatus.Claimed, OrderStatus.InProgress], OrderStatus.Published),
        (OrderAction.ExpireClaim, [OrderStatus.Claimed], OrderStatus.Published),
        (OrderAction.Resolve, [OrderStatus.InProgress], OrderStatus.Resolved),
        (OrderAction.Rate, [OrderStatus.Resolved], OrderStatus.Closed),
        (OrderAction.ReopenToClaimer, [OrderStatus.Resolved], OrderStatus.Claimed),
        (OrderAction.ReopenToPool, [OrderStatus.Resolved], OrderStatus.Published),
        (OrderAction.AutoClose, [OrderStatus.Resolved], OrderStatus.Closed),
    ];

    public static IEnumerable<(OrderAction Action, string From, string To)> AllowedMoves() =>
        Moves.SelectMany(m => m.From.Select(f => (m.Action, f, m.To)));

    public static bool TryMove(string from, OrderAction action, out string to, out string reason)
    {
        foreach (var m in Moves)
        {
            if (m.Action == action && m.From.Contains(from))
            {
                to = m.To;
                reason = "";
                return true;
            }
        }
        to = from;
        var allowedFrom = Moves.Where(m => m.Action == action).SelectMany(m => m.From).Select(OrderStatus.ChineseName);
        reason =
            $"工单当前状态为「{OrderStatus.ChineseName(from)}」，不能{ActionName(action)}（仅「{string.Join("」「", allowedFrom)}」状态可以）";
        return false;
    }

    public static string ActionName(OrderAction a) =>
        a switch
        {
            OrderAction.Accept => "受理",
            OrderAction.Reject => "退回",
            OrderAction.Publish => "发布到认领池",
            OrderAction.Merge => "合并",
            OrderAction.Cancel => "撤销",
            OrderAction.Claim => "认领",
            OrderAction.Assign => "派单",
            OrderAction.Reassign => "改派",
            OrderAction.AssignMember => "指派单位党员",
            OrderAction.Start => "开始办理",
            OrderAction.Release => "退回认领池",
            OrderAction.ExpireClaim => "超时退回认领池",
            OrderAction.Resolve => "办结",
            OrderAction.Rate => "评价",
            OrderAction.ReopenToClaimer => "重办",
            OrderAction.ReopenToPool => "重新发布",
            OrderAction.AutoClose => "自动关闭",
            _ => a.ToString(),
        };
}
