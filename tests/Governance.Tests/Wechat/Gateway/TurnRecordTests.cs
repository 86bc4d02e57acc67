using Governance.Core.Data;
using Governance.Core.Messaging;

namespace Governance.Tests.Wechat.Gateway;

/// <summary>A turn's reply record and its conversation state are written together, or neither is.</summary>
[Collection(DbCollection.Name)]
public sealed class TurnRecordTests(TestApp app) : DbTest(app)
{
    private static Task<string> StatusAsync(string key) =>
        TestDatabase.ScalarAsync<string>("SELECT status FROM wechat_inbound WHERE dedup_key = @key", new { key });

    [Fact]
    public async Task TheReplyAndTheConversationAreRecordedInOneCommit()
    {
        var inbound = App.Service<InboundMessageStore>();
        var now = App.Clock.GetUtcNow().UtcDateTime;
        const string resident = "o_demo_resident_1001";
        Assert.Equal(ClaimOutcome.Claimed, await inbound.TryClaimAsync("m-1", resident, "text", null, now));
        const string state = """{"awaiting":"confirm"}""";
        var write = new ConversationWrite(resident, 1001, state, now.AddHours(1), now);
        Assert.True(await inbound.CompleteAsync("m-1", InboundStatus.Replied, "<xml/>", now, default, write));
        Assert.Equal("replied", await StatusAsync("m-1"));
        Assert.Equal(state, await TestDatabase.ScalarAsync<string>("SELECT state FROM conversation"));

        // Ending the conversation rides on the next reply the same way.
        Assert.Equal(ClaimOutcome.Claimed, await inbound.TryClaimAsync("m-2", resident, "text", null, now));
        await inbound.CompleteAsync("m-2", InboundStatus.Replied, "<xml/>", now, default, write with { State = null });
        Assert.Equal(0, await TestDatabase.ScalarAsync<int>("SELECT COUNT(*) FROM conversation"));
    }

    [Fact]
    public async Task WhenTheConversationCannotBeWrittenTheReplyIsNotRecordedAndTheConnectionIsClean()
    {
        var inbound = App.Service<InboundMessageStore>();
        var db = App.Service<Db>();
        var now = App.Clock.GetUtcNow().UtcDateTime;
        Assert.Equal(ClaimOutcome.Claimed, await inbound.TryClaimAsync("m-3", "o_nobody", "text", null, now));
        using (db.Scope())
        {
            // No person 99999999: the conversation's foreign key refuses it after the reply was recorded.
            var write = new ConversationWrite("o_nobody", 99_999_999, "{}", now.AddHours(1), now);
            await Assert.ThrowsAnyAsync<Exception>(() =>
                inbound.CompleteAsync("m-3", InboundStatus.Replied, "<xml/>", now, default, write)
            );
            // The scope's connection goes on in autocommit: this claim is visible to others at once.
            Assert.Equal(ClaimOutcome.Claimed, await inbound.TryClaimAsync("m-4", "o_nobody", "text", null, now));
            Assert.Equal("processing", await StatusAsync("m-4"));
        }
        Assert.Equal("processing", await StatusAsync("m-3"));
    }
}
