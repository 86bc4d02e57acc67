using Dapper;
using Governance.Core.Data;
using Governance.Core.Notifications;
using Governance.Core.Orders;
using Governance.Core.Text;
using Governance.Core.Time;

namespace Governance.Core.Lists;

/// <summary>
/// The reminders the practices need, in one idempotent pass (every notice has a key, so a re-run or a second node
/// sends nothing twice): a meeting within a day → its invitees; a live claim due within three days → its owner, and
/// once overdue → its owner and the community's secretaries; a commitment due within a week → the member who made
/// it; an activity within a day → everyone signed up; a confirmed booking within a day → whoever booked it; last
/// month's unit reports due and overdue (<see cref="Reports.UnitReports.RemindAsync"/>); inspection findings due and
/// overdue (<see cref="Inspections.Inspections.RemindAsync"/>); service posts ending and ended (<see
/// cref="Posts.ServicePosts.ExpireAsync"/>); grid visits falling behind (<see
/// cref="Households.Households.RemindAsync"/>).
/// </summary>
public sealed class PracticeReminders(
    Db db,
    OrderRecipients recipients,
    NotificationStore notices,
    Reports.UnitReports unitReports,
    Inspections.Inspections inspections,
    Posts.ServicePosts posts,
    Households.Households households,
    TimeProvider clock
)
{
    public async Task<int> RunAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var today = ChinaTime.Today(now).ToDateTime(TimeOnly.MinValue);
        var sent = 0;
        await using var c = await db.OpenAsync(ct);

        var meetings = await c.QueryAsync<(long Id, string Title, DateTime At, string Place)>(
            new CommandDefinition(
                "SELECT id, title, scheduled_at, place FROM meeting WHERE status = 'scheduled' "
                    + "AND scheduled_at > @now AND scheduled_at <= @until ORDER BY id LIMIT 1000",
                new { now, until = now.AddDays(1) },
                cancellationToken: ct
            )
        );
        foreach (var m in meetings)
        {
            var invitees = await c.QueryAsync<long>(
                new CommandDefinition(
                    "SELECT person_id FROM meeting_invitee WHERE meeting_id = @id",
                    new { id = m.Id },
                    cancellationToken: ct
                )
            );
            sent += await notices.EnqueueAsync(
                invitees,
                new Notice(
                    "meeting_reminder",
                    $"会议提醒：{Chars.Shorten(m.Title, 20)}",
                    $"{ChinaTime.ToChina(m.At.Utc()):M月d日 HH:mm}在{m.Place}召开，请准时参加并扫码签到",
                    Ref: $"meeting:{m.Id}"
                ),
                $"meeting-reminder:{m.Id}",
                now,
                ct
            );
        }

        var claims = await c.QueryAsync<(long Id, string Title, DateTime Deadline, long Owner, string Path)>(
            new CommandDefinition(
                """
                SELECT l.id, i.title, l.deadline, l.owner_person_id, a.path
                  FROM list_claim l JOIN list_item i ON i.id = l.item_id JOIN area a ON a.id = i.community_id
                 WHERE l.status IN ('claimed', 'returned') AND l.deadline <= @soon ORDER BY l.deadline LIMIT 1000
                """,
                new { soon = today.AddDays(3) },
                cancellationToken: ct
            )
        );
        foreach (var claim in claims)
        {
            var overdue = claim.Deadline < today;
            var to = overdue
                ? (await recipients.SecretariesAsync(claim.Path, ct)).Append(claim.Owner).Distinct().ToList()
                : [claim.Owner];
            sent += await notices.EnqueueAsync(
                to,
                new Notice(
                    overdue ? "claim_overdue" : "claim_due",
                    overdue ? "认领事项已逾期" : "认领事项即将到期",
                    $"「{Chars.Shorten(claim.Title, 30)}」{(overdue ? "已超过" : "将于")}{claim.Deadline:M月d日}"
                        + (overdue ? "的完成期限，请尽快办理或说明情况" : "到期，请按时完成并提交成果"),
                    Ref: $"claim:{claim.Id}"
                ),
                $"{(overdue ? "claim-overdue" : "claim-due")}:{claim.Id}:{claim.Deadline:yyyyMMdd}",
                now,
                ct
            );
        }

        var commitments = await c.QueryAsync<(long Id, string Content, DateTime Due, long Person)>(
            new CommandDefinition(
                """
                SELECT k.id, k.content, k.due_date, cm.person_id FROM commitment k
                  JOIN committee_member cm ON cm.id = k.member_id
                 WHERE k.status = 'promised' AND k.due_date <= @soon ORDER BY k.due_date LIMIT 1000
                """,
                new { soon = today.AddDays(7) },
                cancellationToken: ct
            )
        );
        foreach (var k in commitments)
            sent += await notices.EnqueueAsync(
                [k.Person],
                new Notice(
                    "commitment_due",
                    "承诺即将到期",
                    $"您承诺的「{Chars.Shorten(k.Content, 30)}」{k.Due:M月d日}到期，完成后请登记践诺情况",
                    Ref: $"commitment:{k.Id}"
                ),
                $"commitment-due:{k.Id}",
                now,
                ct
            );

        // Activities starting within a day → everyone signed up (a session of a series too: its rota).
        var activities = await c.QueryAsync<(long Id, string Title, DateTime Starts, string Place)>(
            new CommandDefinition(
                "SELECT id, title, starts_at, place FROM activity WHERE status = 'open' AND starts_at > @now "
                    + "AND starts_at <= @until ORDER BY starts_at LIMIT 1000",
                new { now, until = now.AddDays(1) },
                cancellationToken: ct
            )
        );
        foreach (var a in activities)
        {
            var signed = await c.QueryAsync<long>(
                new CommandDefinition(
                    "SELECT person_id FROM activity_signup WHERE activity_id = @id AND status = 'signed'",
                    new { id = a.Id },
                    cancellationToken: ct
                )
            );
            sent += await notices.EnqueueAsync(
                signed,
                new Notice(
                    "activity_reminder",
                    $"活动提醒：{Chars.Shorten(a.Title, 20)}",
                    $"{ChinaTime.ToChina(a.Starts.Utc()):M月d日 HH:mm}在{a.Place}开始，到场后请扫码签到",
                    Ref: $"activity:{a.Id}"
                ),
                $"activity-reminder:{a.Id}",
                now,
                ct
            );
        }

        var bookings = await c.QueryAsync<(long Id, string Title, DateTime Starts, long Requester)>(
            new CommandDefinition(
                """
                SELECT b.id, i.title, b.starts_at, b.requested_by FROM resource_booking b
                  JOIN list_item i ON i.id = b.item_id
                 WHERE b.status = 'confirmed' AND b.starts_at > @now AND b.starts_at <= @until ORDER BY b.id LIMIT 1000
                """,
                new { now, until = now.AddDays(1) },
                cancellationToken: ct
            )
        );
        foreach (var b in bookings)
            sent += await notices.EnqueueAsync(
                [b.Requester],
                new Notice(
                    "booking_reminder",
                    "资源使用提醒",
                    $"预约的「{Chars.Shorten(b.Title, 20)}」{ChinaTime.ToChina(b.Starts.Utc()):M月d日 HH:mm}开始",
                    Ref: $"booking:{b.Id}"
                ),
                $"booking-reminder:{b.Id}",
                now,
                ct
            );
        return sent
            + await unitReports.RemindAsync(ct)
            + await inspections.RemindAsync(ct)
            + await posts.ExpireAsync(ct)
            + await households.RemindAsync(ct);
    }
}
