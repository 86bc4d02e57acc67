using System.Data.Common;
using Governance.Core.Areas;
using Governance.Core.Notifications;
using Governance.Core.People;
using Governance.Core.Registrations;

namespace Governance.Core.Orders;

/// <summary>
/// Who hears about an order, written once: the handler ladder (claimer → the claiming unit's admins → the grid workers
/// of the place), the place's grid workers, secretaries and street, and the reporter with everyone linked to the
/// order. Reminders, escalation, urging, releases, expiry, handovers and every state change ask here.
/// </summary>
public sealed class OrderRecipients(PersonStore people, RegistrationStore units)
{
    /// <summary>
    /// Whoever holds the order now: the member, else the claiming unit's admins, else the place's grid workers.
    /// </summary>
    public async Task<IReadOnlyList<long>> HandlersAsync(
        string areaPath,
        long? claimerPersonId,
        long? claimerUnitId,
        CancellationToken ct
    )
    {
        if (claimerPersonId is { } p)
            return [p];
        if (claimerUnitId is { } u && await units.UnitAdminsAsync(u, ct) is { Count: > 0 } admins)
            return admins;
        return await GridWorkersAsync(areaPath, ct);
    }

    /// <summary>
    /// The previous holder of a claim (member, or the unit's admins), for "your claim ran out" notices.
    /// </summary>
    public async Task<IReadOnlyList<long>> ClaimersAsync(
        long? claimerPersonId,
        long? claimerUnitId,
        CancellationToken ct
    ) =>
        claimerPersonId is { } p ? [p]
        : claimerUnitId is { } u ? await units.UnitAdminsAsync(u, ct)
        : [];

    /// <summary>
    /// The grid workers responsible for a place: those whose grid contains it; for a place above the grids (a compound,
    /// reported without a building), the grid workers of its grids; and when the place has none at all, its community's
    /// secretary, so that nothing addressed to "the grid worker" is ever addressed to nobody.
    /// </summary>
    public async Task<IReadOnlyList<long>> GridWorkersAsync(string areaPath, CancellationToken ct)
    {
        var over = await people.StaffOverAsync(areaPath, [StaffRole.GridWorker], ct);
        if (over.Count > 0)
            return over;
        var under = await people.StaffUnderAsync(areaPath, AreaKind.Grid, [StaffRole.GridWorker], ct);
        if (under.Count is > 0 and <= MaxGridWorkersBelow)
            return under;
        return await SecretariesAsync(areaPath, ct);
    }

    /// <summary>
    /// A community has a few dozen grid workers; past this many, "all of them" is the secretary's job.
    /// </summary>
    private const int MaxGridWorkersBelow = 10;

    public async Task<IReadOnlyList<long>> SecretariesAsync(string areaPath, CancellationToken ct)
    {
        var secretaries = await people.StaffOverAsync(areaPath, [StaffRole.Secretary], ct);
        return secretaries.Count > 0 ? secretaries : await StreetAsync(areaPath, ct);
    }

    public Task<IReadOnlyList<long>> StreetAsync(string areaPath, CancellationToken ct) =>
        people.StaffOverAsync(areaPath, [StaffRole.StreetAdmin], ct);

    /// <summary>
    /// The county staff over a place; where the tree has no county above it (or nobody there), the street.
    /// </summary>
    public async Task<IReadOnlyList<long>> CountyAsync(string areaPath, CancellationToken ct)
    {
        var county = await people.StaffOverAsync(areaPath, [StaffRole.CountyAdmin], ct);
        return county.Count > 0 ? county : await StreetAsync(areaPath, ct);
    }

    /// <summary>
    /// The escalation ladder: 1 the holder, 2 the grid workers, 3 the secretary, 4 the street, 5 the county (the
    /// departments on duty are added by <see cref="Escalation"/>).
    /// </summary>
    public async Task<IReadOnlyList<long>> ForEscalationLevelAsync(
        int level,
        string areaPath,
        long? claimerPersonId,
        long? claimerUnitId,
        CancellationToken ct
    ) =>
        level switch
        {
            1 => await HandlersAsync(areaPath, claimerPersonId, claimerUnitId, ct),
            2 => await GridWorkersAsync(areaPath, ct),
            3 => await SecretariesAsync(areaPath, ct),
            4 => await StreetAsync(areaPath, ct),
            _ => await CountyAsync(areaPath, ct),
        };

    /// <summary>
    /// Tells the reporter and every resident linked to the order, in the transaction of the change it announces. The
    /// key carries the order's version, so the same change is announced once and a later change of the same kind again.
    /// </summary>
    public static async Task NotifyReporterAsync(
        DbConnection c,
        DbTransaction tx,
        OrderRow row,
        string eventKind,
        string body,
        DateTime now,
        CancellationToken ct
    )
    {
        var recipients = await OrderStore.FollowersAsync(c, tx, row.Id, ct);
        if (row.ResidentId is { } resident)
            recipients.Add(resident);
        var title = $"工单{OrderEventKind.ChineseName(eventKind)}";
        await Outbox.EnqueueAsync(
            c,
            tx,
            recipients,
            new Notice($"order_{eventKind}", title, body, row.Code),
            $"order:{row.Code}:{eventKind}:{row.Version}",
            now,
            ct
        );
    }
}
