using Governance.Core.Data;
using Governance.Core.Notifications;
using Governance.Core.Orders;
using Governance.Core.People;
using Governance.Core.Registrations;
using Governance.Core.Time;
using Microsoft.Extensions.Logging;

namespace Governance.Jobs.Reminders;

/// <summary>
/// Reminders before deadlines: at half the window and a day before (both configurable), to the claimer (or
/// the claiming unit's admins); for orders nobody holds yet, to the grid workers. Each order carries the time
/// of its next reminder, so a pass reads only what is due; moving that time on and queueing the notice are one
/// commit, conditional on the value read, and the notice is keyed by order, stage and deadline, so a re-run
/// or a second node sends nothing twice and an extended deadline earns fresh reminders.
/// </summary>
public sealed class ReminderRunner(OrderScans scans, PersonStore people, RegistrationStore units, Db db,
    JobsOptions options, TimeProvider clock, ILogger<ReminderRunner> log)
{
    public async Task<int> RunOnceAsync(CancellationToken ct = default)
    {
        await using var scope = db.Scope(); // the pass's queries share one connection
        var now = clock.GetUtcNow().UtcDateTime;
        var before = TimeSpan.FromHours(options.ReminderHoursBefore);
        var queued = 0;
        foreach (var o in await scans.RemindersDueAsync(now, options.ScanBatch, ct))
        {
            var seen = o.NextRemindAt!.Value;
            if (!OrderStatus.Open.Contains(o.Status) || o.ResolveDueAt <= now)
            {
                // Finished, or already overdue (escalation takes over from here).
                await scans.AdvanceReminderAsync(o.Id, seen, null, null, ct);
                continue;
            }
            var final = o.ResolveDueAt - now <= before;
            DateTime? next = final ? null : o.ResolveDueAt - before;
            if (!final && !options.ReminderAtHalfway)
            {
                await scans.AdvanceReminderAsync(o.Id, seen, next, null, ct);
                continue;
            }
            var recipients = o.ClaimerPersonId is { } p ? [p]
                : o.ClaimerUnitId is { } u ? await units.UnitAdminsAsync(u, ct)
                : await people.StaffOverAsync(o.AreaPath, [StaffRole.GridWorker], ct);
            var notice = Reminder(o, final);
            var key = $"reminder:{o.Code}:{(final ? "final" : "half")}:{ChinaTime.ToChina(o.ResolveDueAt):yyyyMMddHHmm}";
            await scans.AdvanceReminderAsync(o.Id, seen, next, async (c, tx) => queued += await Outbox.EnqueueAsync(c, tx, recipients, notice, key, now, ct), ct);
        }
        if (queued > 0) log.LogInformation("Queued {Count} deadline reminders", queued);
        return queued;
    }

    public static Notice Reminder(ScanRow o, bool final)
    {
        var due = ChinaTime.ToChina(o.ResolveDueAt);
        var waiting = o.ClaimerPersonId is null && o.ClaimerUnitId is null;
        var what = $"{o.CategoryName}：{Short(o.Description)}";
        return final
            ? new Notice("reminder", waiting ? "工单快到期了，还没人办理" : "工单快到期了", $"{what}，请在{due:M月d日 HH:mm}前办结", o.Code)
            : new Notice("reminder", waiting ? "工单过半程，还没人办理" : "工单已过半程", $"{what}，办结期限{due:M月d日 HH:mm}", o.Code);
    }

    private static string Short(string s) => s.Length <= 30 ? s : s[..30] + "…";
}
