using Governance.Core.Data;
using Governance.Core.Notifications;
using Governance.Core.Orders;
using Governance.Core.Registrations;
using Governance.Core.Time;
using Microsoft.Extensions.Logging;

namespace Governance.Jobs.Participation;

/// <summary>
/// Members with no service for six months are told, kindly, and their unit admin gets the list (also at
/// GET /api/units/{id}/inactive-members). Once a month at most per person and unit.
/// </summary>
public sealed class ParticipationRunner(OrderScans scans, RegistrationStore units, NotificationStore notifications, Db db, JobsOptions options, TimeProvider clock,
    ILogger<ParticipationRunner> log)
{
    public async Task<int> RunOnceAsync(CancellationToken ct = default)
    {
        await using var scope = db.Scope(); // the pass's queries share one connection
        var now = clock.GetUtcNow().UtcDateTime;
        var month = ChinaTime.ToChina(now).ToString("yyyyMM");
        var inactive = await scans.InactiveMembersAsync(now.AddDays(-options.InactiveAfterDays), null, ct);
        var queued = 0;
        foreach (var m in inactive)
            queued += await notifications.EnqueueAsync([m.PersonId], new Notice("participation", "好久没参加社区服务了",
                $"{m.Name}同志，您已有半年没有认领社区工单了。社区里还有需要帮忙的事，欢迎在认领池看看。", null, "pages/pool/index"),
                $"participation:{m.PersonId}:{month}", now, ct);
        foreach (var group in inactive.Where(m => m.UnitId is not null).GroupBy(m => m.UnitId!.Value))
        {
            var admins = await units.UnitAdminsAsync(group.Key, ct);
            var names = string.Join("、", group.Take(20).Select(m => m.Name)) + (group.Count() > 20 ? $"等{group.Count()}人" : "");
            queued += await notifications.EnqueueAsync(admins, new Notice("participation_unit", "半年未参加服务的党员",
                $"本单位有{group.Count()}名报到党员半年未参加社区服务：{names}。", null, $"pages/unit/inactive?id={group.Key}"),
                $"participation-unit:{group.Key}:{month}", now, ct);
        }
        if (queued > 0) log.LogInformation("Participation check: {Members} inactive members, {Queued} notices", inactive.Count, queued);
        return queued;
    }
}
