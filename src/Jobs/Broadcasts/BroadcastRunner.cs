using Governance.Core.Broadcasts;

namespace Governance.Jobs.Broadcasts;

/// <summary>Sends scheduled broadcasts whose time has come, and marks finished ones sent.</summary>
public sealed class BroadcastRunner(BroadcastService broadcasts)
{
    public Task<(int Expanded, int Finished)> RunOnceAsync(CancellationToken ct = default) => broadcasts.RunDueAsync(ct);
}
