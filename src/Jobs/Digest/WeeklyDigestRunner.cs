using System.Text;
using Governance.Core.Members;
using Governance.Core.Notifications;
using Governance.Core.Orders;
using Governance.Core.Time;
using Microsoft.Extensions.Logging;

namespace Governance.Jobs.Digest;

/// <summary>
/// The weekly "what did you do this week" notice (Friday 18:00 China time by default): to every member with an
/// approved registration, their week, hours, star level and orders they could take nearby — a member who did
/// nothing gets a friendly one with orders to take; to each unit admin, their members' week; to each secretary,
/// the community's week. Keyed by week and person, so re-running the job sends nothing twice.
/// </summary>
public sealed class WeeklyDigestRunner(OrderScans scans, MemberStatsStore stats, NotificationStore notifications, TimeProvider clock, ILogger<WeeklyDigestRunner> log)
{
    public const string Kind = "weekly_digest";

    public async Task<int> RunOnceAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var (weekStart, _) = StarLevel.Periods(now);
        var week = ChinaTime.ToChina(weekStart).ToString("yyyyMMdd");
        var recipients = await scans.DigestRecipientsAsync(ct);
        var picks = await scans.PoolPicksAsync(3, ct);
        var queued = 0;

        var memberPaths = recipients.Members.GroupBy(m => m.PersonId).ToDictionary(g => g.Key, g => g.Select(m => m.CommunityPath).ToList());
        foreach (var chunk in memberPaths.Keys.Chunk(500))
        {
            foreach (var s in await stats.MembersAsync(chunk, now, ct))
            {
                var nearby = memberPaths[s.PersonId].SelectMany(p => picks[p]).DistinctBy(p => p.Code).OrderBy(p => p.ResolveDueAt).Take(3).ToList();
                queued += await notifications.EnqueueAsync([s.PersonId], MemberDigest(s, nearby), $"digest:{week}:member:{s.PersonId}", now, ct);
            }
        }
        foreach (var (personId, unitId, unitName) in recipients.UnitAdmins)
        {
            var u = await stats.UnitAsync(unitId, unitName, now, ct);
            queued += await notifications.EnqueueAsync([personId], UnitDigest(u), $"digest:{week}:unit:{unitId}:{personId}", now, ct);
        }
        var weeks = (await scans.CommunityWeeksAsync(recipients.Secretaries.Select(s => s.CommunityId).Distinct().ToList(), weekStart, now, ct)).ToDictionary(w => w.CommunityId);
        foreach (var (personId, communityId) in recipients.Secretaries)
            if (weeks.TryGetValue(communityId, out var w))
                queued += await notifications.EnqueueAsync([personId], CommunityDigest(w), $"digest:{week}:community:{communityId}:{personId}", now, ct);
        log.LogInformation("Queued {Count} weekly digests for the week of {Week}", queued, week);
        return queued;
    }

    public static Notice MemberDigest(MemberSummary s, IReadOnlyList<OrderScans.PoolPick> nearby)
    {
        var sb = new StringBuilder();
        var stars = s.Stars > 0 ? $"{new string('★', s.Stars)}（{s.Stars}星）" : "暂未评星";
        var next = s.NextStarHours > 0 ? $"，再服务{Math.Round(s.NextStarHours - s.ServiceHours, 1)}小时可升{s.Stars + 1}星" : "";
        if (s.Week.Claimed == 0 && s.Week.Resolved == 0)
            sb.Append($"{s.Name}同志，本周您还没有认领工单。累计服务{s.ServiceHours}小时，{stars}{next}。");
        else
        {
            sb.Append($"{s.Name}同志，本周您认领{s.Week.Claimed}单、办结{s.Week.Resolved}单");
            var rated = s.Ratings.Satisfied + s.Ratings.BasicallySatisfied + s.Ratings.Unsatisfied;
            sb.Append(rated > 0 ? $"，居民评价满意{s.Ratings.Satisfied}、基本满意{s.Ratings.BasicallySatisfied}、不满意{s.Ratings.Unsatisfied}。" : "。");
            sb.Append($"累计服务{s.ServiceHours}小时，{stars}{next}。");
        }
        if (nearby.Count > 0)
            sb.Append(" 身边待认领：" + string.Join("；", nearby.Select(p => $"{p.Code} {p.CategoryName}（{ChinaTime.ToChina(p.ResolveDueAt):M月d日}前）")) + "。");
        else if (s.Week.Claimed == 0) sb.Append(" 目前身边没有待认领的工单，有新工单会及时告诉您。");
        sb.Append(s.Week.Claimed == 0 ? "感谢您对社区的支持！" : "感谢您的付出！");
        return new Notice(Kind, s.Week.Claimed == 0 && s.Week.Resolved == 0 ? "本周服务提醒" : "本周服务小结", sb.ToString(), null, "pages/me/summary");
    }

    public static Notice UnitDigest(UnitSummary u)
    {
        var top = u.Top.FirstOrDefault(m => m.Week.Resolved > 0);
        var body = $"{u.Name}本周：{u.Members}名报到党员认领{u.Week.Claimed}单、办结{u.Week.Resolved}单，累计服务{u.ServiceHours}小时，" +
                   $"居民满意{u.Ratings.Satisfied}单。" + (top is null ? "本周暂无办结，请提醒党员关注身边待认领的工单。" : $"本周办结最多：{top.Name}（{top.Week.Resolved}单）。");
        return new Notice(Kind, $"{u.Name}本周服务情况", body, null, "pages/unit/summary");
    }

    public static Notice CommunityDigest(OrderScans.CommunityWeek w)
    {
        var rate = w.Rated == 0 ? "本周暂无评价" : $"满意率{Math.Round(100.0 * w.Satisfied / w.Rated)}%（{w.Satisfied}/{w.Rated}）";
        return new Notice(Kind, $"{w.Name}本周工单情况", $"{w.Name}本周：新增{w.New}单，办结{w.Resolved}单，逾期未办结{w.Overdue}单，{rate}。", null, "pages/community/stats");
    }
}
