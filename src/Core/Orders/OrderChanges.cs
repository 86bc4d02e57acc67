using System.Data.Common;
using Governance.Core.Errors;
using Governance.Core.People;

namespace Governance.Core.Orders;

/// <summary>
/// Applies one change to an order (a status move with its timeline events, and whatever must be written in the same
/// commit) and answers with the order as the caller now sees it, or with "someone changed it first".
/// </summary>
public sealed class OrderChanges(OrderStore orders, OrderReader reader, TimeProvider clock)
{
    public DateTime Now => clock.GetUtcNow().UtcDateTime;

    public async Task<Result<OrderDetail>> MoveAsync(
        Caller caller,
        OrderRow row,
        OrderMove move,
        DateTime now,
        Func<DbConnection, DbTransaction, Task>? alsoInTransaction,
        CancellationToken ct,
        params (long OrderId, NewOrderEvent Event)[] alsoRecord
    )
    {
        if (!await orders.MoveAsync(move, now, alsoInTransaction, ct, alsoRecord))
            return await StateChangedAsync(row, ct);
        return await reader.DetailAsync(row.Id, caller, ct);
    }

    /// <summary>The status check failed: tell the caller what the order is now.</summary>
    public async Task<Error> StateChangedAsync(OrderRow row, CancellationToken ct)
    {
        var current = await orders.GetAsync(row.Id, ct);
        return OrderErrors.StateChanged.With(
            $"工单刚刚被其他人处理，当前状态为「{OrderStatus.ChineseName(current?.Status ?? row.Status)}」，请刷新后重试"
        );
    }

    /// <summary>
    /// The move the state machine allows for an action, or the illegal-transition error that explains why not.
    /// </summary>
    public static Result<string> Target(string from, OrderAction action)
    {
        if (OrderStateMachine.TryMove(from, action, out var to, out var why))
            return to;
        return OrderErrors.IllegalTransition.With(why);
    }
}
