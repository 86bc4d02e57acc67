using System.ComponentModel.DataAnnotations;
using Governance.Core.Errors;
using Governance.Core.Notifications;
using Governance.Core.People;
using Governance.Core.Registrations;
using Governance.Core.Time;
using Microsoft.Extensions.Logging;

namespace Governance.Core.Members;

/// <summary>Settings of the "Participation" section.</summary>
public sealed class ParticipationOptions
{
    public const string Section = "Participation";

    /// <summary>Members with no service for this many days are told (and their unit admins).</summary>
    [Range(7, 3650)]
    public int InactiveAfterDays { get; set; } = 180;
}

/// <summary>
/// Members with no service for six months are told, kindly, and their unit admins get the list (which they can also
/// read at any time). Once a month at most per person and unit.
/// </summary>
public sealed class Participation(
    ParticipationStore store,
    RegistrationStore units,
    NotificationStore notifications,
    ParticipationOptions options,
    TimeProvider clock,
    ILogger<Participation> log
)
{
    public async Task<int> RunAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var month = ChinaTime.ToChina(now).ToString("yyyyMM");
        var inactive = await store.InactiveMembersAsync(now.AddDays(-options.InactiveAfterDays), null, ct);
        var queued = 0;
        foreach (var m in inactive)
            queued += await notifications.EnqueueAsync(
                [m.PersonId],
                new Notice(
                    "participation",
                    "好久没参加社区服务了",
                    $"{m.Name}同志，您已有半年没有参加社区服务了（认领工单、志愿活动、服务岗位、联席会议、走访都算），"
                        + "本年度不再评为五星党员。社区里还有需要帮忙的事，欢迎在认领池和活动里看看。"
                ),
                $"participation:{m.PersonId}:{month}",
                now,
                ct
            );
        // 五星 withdrawn for the year (Tongjiang): recorded once per member and year, seen in the assessment.
        await store.WithdrawFiveStarsAsync(
            inactive.Select(m => m.PersonId).ToList(),
            ChinaTime.ToChina(now).Year,
            now,
            ct
        );
        foreach (var group in inactive.Where(m => m.UnitId is not null).GroupBy(m => m.UnitId!.Value))
        {
            var admins = await units.UnitAdminsAsync(group.Key, ct);
            var names =
                string.Join("、", group.Take(20).Select(m => m.Name))
                + (group.Count() > 20 ? $"等{group.Count()}人" : "");
            queued += await notifications.EnqueueAsync(
                admins,
                new Notice(
                    "participation_unit",
                    "半年未参加服务的党员",
                    $"本单位有{group.Count()}名报到党员半年未参加社区服务：{names}。",
                    null,
                    group.Key.ToString()
                ),
                $"participation-unit:{group.Key}:{month}",
                now,
                ct
            );
        }
        if (queued > 0)
            log.LogInformation(
                "Participation check: {Members} inactive members, {Queued} notices",
                inactive.Count,
                queued
            );
        return queued;
    }

    /// <summary>
    /// A unit's registered members with no service in the window, for its admins and the staff over it.
    /// </summary>
    public async Task<Result<IReadOnlyList<ParticipationStore.InactiveMember>>> InactiveInUnitAsync(
        Caller caller,
        long unitId,
        CancellationToken ct
    )
    {
        var unit = await units.GetUnitAsync(unitId, ct);
        if (unit is null || (!caller.UnitAdminOf.Contains(unitId) && !caller.IsStaffOver(unit.AreaPath)))
            return CommonErrors.UnitNotFound;
        return Result<IReadOnlyList<ParticipationStore.InactiveMember>>.From(
            await store.InactiveMembersAsync(
                clock.GetUtcNow().UtcDateTime.AddDays(-options.InactiveAfterDays),
                unitId,
                ct
            )
        );
    }
}
