using System.Text;
using Governance.Core.Members;
using Governance.Core.Notifications;
using Governance.Core.Time;
using Microsoft.Extensions.Logging;

namespace Governance.Core.Digest;

/// <summary>
/// The weekly "what did you do this week" notice (Friday 18:00 China time by default): to every member with an
/// approved registration, their week, how residents rated it, hours, star level and orders they could take in
/// their communities — a member who did nothing gets a friendly one with orders to take; to each unit admin,
/// their members' week; to each secretary, the community's week. Keyed by week and person, so re-running the job
/// (or a recovery after a crash half-way) sends nothing twice.
/// </summary>
public sealed class WeeklyDigest(
    DigestStore digests,
    NotificationStore notifications,
    TimeProvider clock,
    ILogger<WeeklyDigest> log
)
{
    public const string Kind = "weekly_digest",
        UnitKind = "weekly_digest_unit",
        CommunityKind = "weekly_digest_community";
    private const int PicksPerMember = 3;

    public async Task<int> RunAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var (weekStart, _) = StarLevel.Periods(now);
        var week = ChinaTime.ToChina(weekStart).ToString("yyyyMMdd");
        var audience = await digests.AudienceAsync(ct);
        var notices = new List<Outbox.Personal>();

        var picks = await digests.PoolPicksAsync(
            audience.MemberCommunities.Values.SelectMany(p => p).ToList(),
            PicksPerMember,
            ct
        );
        var thisWeek = await digests.WeekAsync(weekStart, now, ct);
        foreach (var (personId, memberOf) in audience.MemberCommunities)
        {
            if (!thisWeek.Members.TryGetValue(personId, out var m))
                continue;
            var nearby = memberOf
                .SelectMany(p => picks.GetValueOrDefault(p) ?? [])
                .DistinctBy(p => p.Code)
                .OrderBy(p => p.ResolveDueAt)
                .Take(PicksPerMember)
                .ToList();
            notices.Add(new(m.PersonId, MemberDigest(m, nearby), $"digest:{week}:member:{m.PersonId}"));
        }
        var units = DigestStore.UnitWeeks(
            audience.UnitAdmins.Select(a => (a.UnitId, a.UnitName)).Distinct().ToList(),
            thisWeek
        );
        var unitById = units.ToDictionary(u => u.UnitId);
        foreach (var (personId, unitId, _) in audience.UnitAdmins)
            notices.Add(new(personId, UnitDigest(unitById[unitId]), $"digest:{week}:unit:{unitId}:{personId}"));
        var communities = await digests.CommunityWeeksAsync(
            audience.Secretaries.Select(s => (s.CommunityId, s.CommunityPath, s.CommunityName)).Distinct().ToList(),
            weekStart,
            now,
            ct
        );
        var communityById = communities.ToDictionary(w => w.CommunityId);
        foreach (var (personId, communityId, _, _) in audience.Secretaries)
            notices.Add(
                new(
                    personId,
                    CommunityDigest(communityById[communityId]),
                    $"digest:{week}:community:{communityId}:{personId}"
                )
            );

        var queued = await notifications.EnqueueManyAsync(notices, now, ct);
        log.LogInformation(
            "Weekly digest for the week of {Week}: {Queued} queued of {Total}",
            week,
            queued,
            notices.Count
        );
        return queued;
    }

    public static Notice MemberDigest(MemberWeek s, IReadOnlyList<PoolPick> nearby)
    {
        var sb = new StringBuilder();
        var stars = s.Stars > 0 ? $"{new string('★', s.Stars)}（{s.Stars}星）" : "暂未评星";
        var next =
            s.NextStarHours > 0
                ? $"，再服务{Math.Round(s.NextStarHours - s.ServiceHours, 1)}小时可升{s.Stars + 1}星"
                : "";
        var other = string.Join(
            "、",
            new[]
            {
                s.Served > 0 ? $"参加活动或岗位履职{s.Served}次" : null,
                s.Meetings > 0 ? $"参加会议{s.Meetings}次" : null,
                s.Visits > 0 ? $"走访{s.Visits}户" : null,
            }.Where(x => x is not null)
        );
        if (s.Idle)
            sb.Append($"{s.Name}同志，本周您还没有认领工单。累计服务{s.ServiceHours}小时，{stars}{next}。");
        else if (s.Claimed == 0 && s.Resolved == 0)
            sb.Append($"{s.Name}同志，本周您{other}。累计服务{s.ServiceHours}小时，{stars}{next}。");
        else
        {
            sb.Append($"{s.Name}同志，本周您认领{s.Claimed}单、办结{s.Resolved}单");
            if (other.Length > 0)
                sb.Append($"，{other}");
            var rated = s.Ratings.Satisfied + s.Ratings.BasicallySatisfied + s.Ratings.Unsatisfied;
            sb.Append(
                rated > 0
                    ? $"，居民评价满意{s.Ratings.Satisfied}、基本满意{s.Ratings.BasicallySatisfied}、不满意{s.Ratings.Unsatisfied}。"
                    : "，本周还没有居民评价。"
            );
            sb.Append($"累计服务{s.ServiceHours}小时，{stars}{next}。");
        }
        if (nearby.Count > 0)
            sb.Append(
                " 身边待认领："
                    + string.Join(
                        "；",
                        nearby.Select(p => $"{p.Code} {p.CategoryName}（{ChinaTime.ToChina(p.ResolveDueAt):M月d日}前）")
                    )
                    + "。"
            );
        else if (s.Idle)
            sb.Append(" 目前身边没有待认领的工单，有新工单会及时告诉您。");
        sb.Append(s.Idle ? "感谢您对社区的支持！" : "感谢您的付出！");
        return new Notice(Kind, s.Idle ? "本周服务提醒" : "本周服务小结", sb.ToString());
    }

    public static Notice UnitDigest(UnitWeek u)
    {
        var body =
            $"{u.Name}本周：{u.Members}名党员认领{u.Claimed}单、办结{u.Resolved}单，"
            + $"居民评价满意{u.Ratings.Satisfied}、基本满意{u.Ratings.BasicallySatisfied}、"
            + $"不满意{u.Ratings.Unsatisfied}，累计服务{u.ServiceHours}小时。"
            + (
                u.Top is null
                    ? "本周暂无办结，请提醒党员关注身边待认领的工单。"
                    : $"本周办结最多：{u.Top.Name}（{u.Top.Resolved}单）。"
            );
        return new Notice(UnitKind, $"{u.Name}本周服务情况", body, null, u.UnitId.ToString());
    }

    public static Notice CommunityDigest(CommunityWeek w)
    {
        var rate =
            w.Rated == 0
                ? "本周暂无评价"
                : $"满意率{Math.Round(100.0 * w.Satisfied / w.Rated)}%（{w.Satisfied}/{w.Rated}）";
        return new Notice(
            CommunityKind,
            $"{w.Name}本周工单情况",
            $"{w.Name}本周：新增{w.New}单，办结{w.Resolved}单，逾期未办结{w.Overdue}单，{rate}。",
            null,
            w.CommunityId.ToString()
        );
    }
}
