using Governance.Core.Orders;
using Governance.Core.People;

namespace Governance.Tests.Orders;

public sealed class OrderStateMachineTableTests
{
    public static TheoryData<OrderAction, string> EveryActionFromEveryStatus()
    {
        var data = new TheoryData<OrderAction, string>();
        foreach (var action in Enum.GetValues<OrderAction>())
            foreach (var status in OrderStatus.All)
                data.Add(action, status);
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryActionFromEveryStatus))]
    public void AMoveIsAllowedExactlyWhenTheTableListsIt(OrderAction action, string from)
    {
        var listed = OrderStateMachine.AllowedMoves().Where(m => m.Action == action && m.From == from).ToList();
        var allowed = OrderStateMachine.TryMove(from, action, out var to, out var reason);
        Assert.Equal(listed.Count == 1, allowed);
        if (allowed)
        {
            Assert.Equal(listed[0].To, to);
            Assert.Equal("", reason);
        }
        else
        {
            Assert.Equal(from, to);
            Assert.Contains(OrderStatus.ChineseName(from), reason);
        }
    }

    [Fact]
    public void TerminalStatusesHaveNoWayOut()
    {
        foreach (
            var terminal in new[]
            {
                OrderStatus.Closed,
                OrderStatus.Rejected,
                OrderStatus.Merged,
                OrderStatus.Cancelled,
            }
        )
            Assert.DoesNotContain(OrderStateMachine.AllowedMoves(), m => m.From == terminal);
    }

    [Fact]
    public void EveryStatusButSubmittedCanBeReachedAndEveryOpenStatusCanBeLeft()
    {
        var moves = OrderStateMachine.AllowedMoves().ToList();
        foreach (var s in OrderStatus.All.Where(s => s != OrderStatus.Submitted))
            Assert.Contains(moves, m => m.To == s);
        foreach (var s in OrderStatus.Open.Append(OrderStatus.Resolved))
            Assert.Contains(moves, m => m.From == s);
    }
}

[Collection(DbCollection.Name)]
public sealed class OrderMoveStoreTests(TestApp app) : DbTest(app)
{
    public static TheoryData<OrderAction, string, string> AllowedMoves()
    {
        var data = new TheoryData<OrderAction, string, string>();
        foreach (var (action, from, to) in OrderStateMachine.AllowedMoves())
            data.Add(action, from, to);
        return data;
    }

    [Theory]
    [MemberData(nameof(AllowedMoves))]
    public async Task EveryAllowedMoveChangesTheRowAndAppendsOneEvent(OrderAction action, string from, string to)
    {
        var code = await App.ClientFor(1001).ReportCodeAsync();
        await TestDatabase.ExecuteAsync(
            "UPDATE service_order SET status = @from WHERE code = @code",
            new { from, code }
        );
        var id = await TestDatabase.ScalarAsync<long>("SELECT id FROM service_order WHERE code = @code", new { code });
        var store = new OrderStore(TestDatabase.Db);

        Assert.True(OrderStateMachine.TryMove(from, action, out var target, out _));
        Assert.Equal(to, target);
        var moved = await store.MoveAsync(
            new OrderMove(
                id,
                from,
                to,
                new NewOrderEvent(action.ToString().ToLowerInvariant(), from, to, 9101, StaffRole.GridWorker, "test")
            ),
            App.Clock.GetUtcNow().UtcDateTime
        );

        Assert.True(moved);
        Assert.Equal(
            to,
            await TestDatabase.ScalarAsync<string>("SELECT status FROM service_order WHERE id = @id", new { id })
        );
        var events = await TestDatabase.QueryAsync<(string From, string To)>(
            "SELECT from_status, to_status FROM order_event WHERE order_id = @id ORDER BY id",
            new { id }
        );
        Assert.Equal(2, events.Count);
        Assert.Equal((from, to), events[1]);
    }

    [Fact]
    public async Task AMoveFromAStaleStatusWritesNothing()
    {
        var code = await App.ClientFor(1001).ReportCodeAsync();
        var id = await TestDatabase.ScalarAsync<long>("SELECT id FROM service_order WHERE code = @code", new { code });
        var store = new OrderStore(TestDatabase.Db);

        var moved = await store.MoveAsync(
            new OrderMove(
                id,
                OrderStatus.Accepted,
                OrderStatus.Published,
                new NewOrderEvent(
                    "published",
                    OrderStatus.Accepted,
                    OrderStatus.Published,
                    9101,
                    StaffRole.GridWorker,
                    null
                )
            ),
            App.Clock.GetUtcNow().UtcDateTime
        );

        Assert.False(moved);
        Assert.Equal(
            OrderStatus.Submitted,
            await TestDatabase.ScalarAsync<string>("SELECT status FROM service_order WHERE id = @id", new { id })
        );
        Assert.Equal(
            1,
            await TestDatabase.ScalarAsync<int>("SELECT COUNT(*) FROM order_event WHERE order_id = @id", new { id })
        );
    }
}
