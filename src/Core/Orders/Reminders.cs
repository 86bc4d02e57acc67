using Governance.Core.Notifications;
using Governance.Core.Text;
using Governance.Core.Time;
using Microsoft.Extensions.Logging;

namespace Governance.Core.Orders;

/// <summary>
/// Reminders before deadlines: at half the window and a day before (both configurable), to whoever holds the order (see
/// <see cref="OrderRecipients.HandlersAsync"/>). Each order carries the time of its next reminder, so a pass reads only
/// what is due; moving that time on and queueing the notice are one commit, conditional on the value read, and the
/// notice is keyed by order, stage and deadline, so a re-run or a second node sends nothing twice and an extended
/// deadline earns fresh reminders.
/// </summary>
public sealed class Reminders(
    OrderScans scans,
    OrderRecipients recipients,
    OrderPolicyOptions options,
    TimeProvider clock,
    ILogger<Reminders> log
)
{
    public async Task<int> RunAsync(CancellationToken ct)
    {
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
            var to = await recipients.HandlersAsync(o.AreaPath, o.ClaimerPersonId, o.ClaimerUnitId, ct);
            var notice = Reminder(o, final);
            var key =
                $"reminder:{o.Code}:{(final ? "final" : "half")}:{ChinaTime.ToChina(o.ResolveDueAt):yyyyMMddHHmm}";
            await scans.AdvanceReminderAsync(
                o.Id,
                seen,
                next,
                async (c, tx) => queued += await Outbox.EnqueueAsync(c, tx, to, notice, key, now, ct),
                ct
            );
        }
        if (queued > 0)
            log.LogInformation("Queued {Count} deadline reminders", queued);
        return queued;
    }

    public static Notice Reminder(ScanRow o, bool final)
    {
        var due = ChinaTime.ToChina(o.ResolveDueAt);
        var waiting = o.ClaimerPersonId is null && o.ClaimerUnitId is null;
        var what = $"{o.CategoryName}：{Chars.Shorten(o.Description, 30)}";
        return final
            ? new Notice(
                "reminder",
                waiting ? "工单快到期了，还没人办理" : "工单快到期了",
                $"{what}，请在{due:M月d日 HH:mm}前办结",
                o.Code
            )
            : new Notice(
                "reminder",
                waiting ? "工单过半程，还没人办理" : "工单已过半程",
                $"{what}，办结期限{due:M月d日 HH:mm}",
                o.Code
            );
    }
}
