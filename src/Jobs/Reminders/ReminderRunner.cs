using Governance.Core.Data;
using Governance.Core.Notifications;
using Governance.Core.Orders;
using Governance.Core.People;
using Governance.Core.Registrations;
using Governance.Core.Time;
using Microsoft.Extensions.Logging;

namespace Governance.Jobs.Reminders;

/// <summary>
/// Reminders before deadlines: at half the window and a day before, to the claimer (or the claiming unit's
/// admins); for orders still waiting in the pool, to the grid workers. Keyed by order, reminder and deadline,
/// so a re-run sends nothing twice and an extended deadline earns fresh reminders.
/// </summary>
public sealed class ReminderRunner(OrderScans scans, PersonStore people, RegistrationStore units, NotificationStore notifications,
    JobsOptions options, TimeProvider clock, ILogger<ReminderRunner> log)
{
    public async Task<int> RunOnceAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var before = TimeSpan.FromHours(options.ReminderHoursBefore);
        var queued = 0;
        foreach (var o in await scans.ReminderCandidatesAsync(now, before, options.ReminderAtHalfway, options.ScanBatch, ct))
        {
            var recipients = o.ClaimerPersonId is { } p ? [p]
                : o.ClaimerUnitId is { } u ? await units.UnitAdminsAsync(u, ct)
                : await people.StaffOverAsync(o.AreaPath, [StaffRole.GridWorker], ct);
            var due = ChinaTime.ToChina(o.ResolveDueAt);
            var waiting = o.Status == OrderStatus.Published;
            if (o.ResolveDueAt - now <= before)
                queued += await notifications.EnqueueAsync(recipients, new Notice("reminder", waiting ? "工单还没人认领" : "工单快到期了",
                    $"{o.CategoryName}：{Short(o.Description)}，请在{due:M月d日 HH:mm}前办结", o.Code), $"reminder:{o.Code}:final:{due:yyyyMMddHHmm}", now, ct);
            else
                queued += await notifications.EnqueueAsync(recipients, new Notice("reminder", waiting ? "工单还没人认领" : "工单已过半程",
                    $"{o.CategoryName}：{Short(o.Description)}，办结期限{due:M月d日 HH:mm}", o.Code), $"reminder:{o.Code}:half:{due:yyyyMMddHHmm}", now, ct);
        }
        if (queued > 0) log.LogInformation("Queued {Count} deadline reminders", queued);
        return queued;
    }

    private static string Short(string s) => s.Length <= 30 ? s : s[..30] + "…";
}
