using System.Globalization;
using Dapper;
using Governance.Core.Areas;
using Governance.Core.Data;
using Governance.Core.Errors;
using Governance.Core.Notifications;
using Governance.Core.Orders;
using Governance.Core.People;
using Governance.Core.Text;
using Governance.Core.Time;

namespace Governance.Core.Reports;

/// <summary>A serving unit's report for a month, or its absence (Status "missing").</summary>
public sealed record UnitReportLine
{
    public long UnitId { get; init; }
    public string UnitName { get; init; } = "";
    public long? ReportId { get; init; }
    public string Status { get; init; } = "";
    public bool Late { get; init; }
    public string? Content { get; init; }
    public int? People { get; init; }
    public decimal? Hours { get; init; }
    public string? Resources { get; init; }
    public string? ReviewNote { get; init; }
}

public static class UnitReportErrors
{
    public static readonly ErrorCode NotServing = new(
        "reports.not_serving",
        ErrorKind.Forbidden,
        "只有服务该社区的单位管理员可以报送"
    );
    public static readonly ErrorCode InvalidMonth = new(
        "reports.invalid_month",
        ErrorKind.Validation,
        "月份格式为 YYYY-MM，且只能报送已经开始的月份",
        "month"
    );
    public static readonly ErrorCode ContentRequired = new(
        "reports.content_required",
        ErrorKind.Validation,
        "请填写工作内容（不超过2000字）、参与人数和时长（不为负数）",
        "content"
    );
    public static readonly ErrorCode AlreadyFiled = new(
        "reports.already_filed",
        ErrorKind.Conflict,
        "这个月的报告已经报送，被退回后才能重新报送"
    );
    public static readonly ErrorCode CommunityNotFound = new(
        "reports.community_not_found",
        ErrorKind.NotFound,
        "社区不存在"
    );
    public static readonly ErrorCode StaffOnly = new(
        "reports.staff_only",
        ErrorKind.Forbidden,
        "只有本社区（或上级）工作人员可以查看和审阅"
    );
    public static readonly ErrorCode ReportNotFound = new("reports.not_found", ErrorKind.NotFound, "报告不存在");
    public static readonly ErrorCode NoteRequired = new(
        "reports.note_required",
        ErrorKind.Validation,
        "退回时请说明原因（不超过200字）",
        "note"
    );

    public static readonly ErrorCode[] File =
    [
        CommunityNotFound,
        NotServing,
        InvalidMonth,
        ContentRequired,
        AlreadyFiled,
    ];
    public static readonly ErrorCode[] List = [CommunityNotFound, StaffOnly, InvalidMonth];
    public static readonly ErrorCode[] Review = [ReportNotFound, StaffOnly, NoteRequired];
}

/// <summary>
/// Unit monthly reports (同江): each unit serving a community reports its joint work there for a month, due on the 5th
/// of the next month (China time); a report filed after that is marked late. The secretary sees every serving unit's
/// report or its absence, and accepts or returns each (a returned one can be filed again). Reminders before the due
/// day and the escalation after it are part of <see cref="RemindAsync"/>.
/// </summary>
public sealed class UnitReports(
    Db db,
    AreaStore areas,
    Registrations.RegistrationStore units,
    OrderRecipients recipients,
    NotificationStore notices,
    TimeProvider clock
)
{
    public const int DueDay = 5;

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>The day a month's report is due: the 5th of the next month.</summary>
    public static DateOnly DueDate(string month) =>
        DateOnly.ParseExact(month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture).AddMonths(1).AddDays(DueDay - 1);

    private static bool ValidMonth(string? month, DateOnly today) =>
        month is { Length: 7 }
        && DateOnly.TryParseExact(
            month + "-01",
            "yyyy-MM-dd",
            CultureInfo.InvariantCulture,
            DateTimeStyles.None,
            out var first
        )
        && first <= today;

    public async Task<Result<UnitReportLine>> FileAsync(
        Caller caller,
        long unitId,
        long communityId,
        string? month,
        string? content,
        int? people,
        decimal? hours,
        string? resources,
        CancellationToken ct
    )
    {
        if (await areas.GetAsync(communityId, ct) is not { Kind: AreaKind.Community } community)
            return UnitReportErrors.CommunityNotFound;
        if (caller.UnitServing(unitId, community.Path) is null || !caller.UnitAdminOf.Contains(unitId))
            return UnitReportErrors.NotServing;
        var today = ChinaTime.Today(Now);
        if (!ValidMonth(month, today))
            return UnitReportErrors.InvalidMonth;
        if (
            content?.Trim() is not { Length: > 0 } text
            || Chars.Count(text) > 2000
            || people is not >= 0
            || hours is not >= 0
            || (resources is { } r && Chars.Count(r) > 500)
        )
            return UnitReportErrors.ContentRequired;
        var late = today > DueDate(month!);
        await using var c = await db.OpenAsync(ct);
        var args = new
        {
            unitId,
            communityId,
            month,
            text,
            people,
            hours,
            resources = resources?.Trim() ?? "",
            late,
            by = caller.PersonId,
            now = Now,
        };
        try
        {
            await c.ExecuteAsync(
                new CommandDefinition(
                    """
                    INSERT INTO unit_report (unit_id, community_id, month, content, people, hours, resources, status,
                      late, submitted_by, submitted_at)
                    VALUES (@unitId, @communityId, @month, @text, @people, @hours, @resources, 'submitted', @late, @by,
                      @now)
                    """,
                    args,
                    cancellationToken: ct
                )
            );
        }
        catch (Exception ex) when (MySqlDriver.IsDuplicateKey(ex))
        {
            // Filed already: only a returned report may be filed again.
            var refiled = await c.ExecuteAsync(
                new CommandDefinition(
                    """
                    UPDATE unit_report SET content = @text, people = @people, hours = @hours, resources = @resources,
                      late = @late, submitted_by = @by, submitted_at = @now, status = 'submitted'
                    WHERE unit_id = @unitId AND community_id = @communityId AND month = @month AND status = 'returned'
                    """,
                    args,
                    cancellationToken: ct
                )
            );
            if (refiled == 0)
                return UnitReportErrors.AlreadyFiled;
        }
        return (await LinesAsync(c, communityId, month!, ct)).Single(l => l.UnitId == unitId);
    }

    private static async Task<IReadOnlyList<UnitReportLine>> LinesAsync(
        System.Data.Common.DbConnection c,
        long communityId,
        string month,
        CancellationToken ct
    ) =>
        (
            await c.QueryAsync<UnitReportLine>(
                new CommandDefinition(
                    """
                    SELECT u.id AS UnitId, u.name AS UnitName, r.id AS ReportId,
                      COALESCE(r.status, 'missing') AS Status, COALESCE(r.late, 0) AS Late, r.content, r.people,
                      r.hours, r.resources, r.review_note AS ReviewNote
                      FROM unit u LEFT JOIN unit_report r ON r.unit_id = u.id AND r.community_id = @communityId
                                                           AND r.month = @month
                     WHERE u.status = 'approved'
                       AND (u.area_id = @communityId OR EXISTS (SELECT 1 FROM unit_pairing p WHERE p.unit_id = u.id
                              AND p.community_id = @communityId AND p.status = 'approved'))
                     ORDER BY u.id
                    """,
                    new { communityId, month },
                    cancellationToken: ct
                )
            )
        ).AsList();

    public async Task<Result<IReadOnlyList<UnitReportLine>>> ListAsync(
        Caller caller,
        long communityId,
        string? month,
        CancellationToken ct
    )
    {
        if (await areas.GetAsync(communityId, ct) is not { Kind: AreaKind.Community } community)
            return UnitReportErrors.CommunityNotFound;
        if (!caller.IsStaffOver(community.Path))
            return UnitReportErrors.StaffOnly;
        if (!ValidMonth(month, ChinaTime.Today(Now)))
            return UnitReportErrors.InvalidMonth;
        await using var c = await db.OpenAsync(ct);
        return Result<IReadOnlyList<UnitReportLine>>.From(await LinesAsync(c, communityId, month!, ct));
    }

    public async Task<Result<UnitReportLine>> ReviewAsync(
        Caller caller,
        long reportId,
        bool accept,
        string? note,
        CancellationToken ct
    )
    {
        await using var c = await db.OpenAsync(ct);
        var report = await c.QuerySingleOrDefaultAsync<(long CommunityId, string Month, string Path)?>(
            new CommandDefinition(
                "SELECT r.community_id, r.month, a.path FROM unit_report r JOIN area a ON a.id = r.community_id "
                    + "WHERE r.id = @reportId",
                new { reportId },
                cancellationToken: ct
            )
        );
        if (report is null)
            return UnitReportErrors.ReportNotFound;
        if (!caller.IsStaffOver(report.Value.Path))
            return UnitReportErrors.StaffOnly;
        if (!accept && (note?.Trim() is not { Length: > 0 } n || Chars.Count(n) > 200))
            return UnitReportErrors.NoteRequired;
        await c.ExecuteAsync(
            new CommandDefinition(
                "UPDATE unit_report SET status = @status, reviewed_by = @by, reviewed_at = @now, review_note = @note "
                    + "WHERE id = @reportId",
                new
                {
                    reportId,
                    status = accept ? "accepted" : "returned",
                    by = caller.PersonId,
                    now = Now,
                    note = note?.Trim(),
                },
                cancellationToken: ct
            )
        );
        var lines = await LinesAsync(c, report.Value.CommunityId, report.Value.Month, ct);
        return lines.Single(l => l.ReportId == reportId);
    }

    /// <summary>
    /// Last month's reports: from the 1st to the due day, each serving unit that has not filed is reminded (its
    /// admins); after the due day, the unit's admins and the community's secretaries are told it is late. Once per
    /// unit, community and month each.
    /// </summary>
    public async Task<int> RemindAsync(CancellationToken ct)
    {
        var now = Now;
        var today = ChinaTime.Today(now);
        var month = today.AddMonths(-1).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        var overdue = today > DueDate(month);
        await using var c = await db.OpenAsync(ct);
        var missing = await c.QueryAsync<(long UnitId, string UnitName, long CommunityId, string Path)>(
            new CommandDefinition(
                """
                SELECT u.id, u.name, a.id, a.path FROM unit u
                  JOIN area a ON a.kind = 'community' AND (a.id = u.area_id OR EXISTS (SELECT 1 FROM unit_pairing p
                         WHERE p.unit_id = u.id AND p.community_id = a.id AND p.status = 'approved'))
                 WHERE u.status = 'approved'
                   AND NOT EXISTS (SELECT 1 FROM unit_report r WHERE r.unit_id = u.id AND r.community_id = a.id
                                     AND r.month = @month AND r.status <> 'returned')
                 ORDER BY u.id, a.id LIMIT 5000
                """,
                new { month },
                cancellationToken: ct
            )
        );
        var sent = 0;
        foreach (var m in missing)
        {
            var admins = await units.UnitAdminsAsync(m.UnitId, ct);
            var to = overdue
                ? admins.Concat(await recipients.SecretariesAsync(m.Path, ct)).Distinct().ToList()
                : admins.ToList();
            sent += await notices.EnqueueAsync(
                to,
                new Notice(
                    overdue ? "unit_report_overdue" : "unit_report_due",
                    overdue ? "单位月报已逾期" : "请报送单位月报",
                    $"{m.UnitName}{month}的共建工作月报"
                        + (overdue ? $"应于{DueDate(month):M月d日}前报送，尚未收到" : $"请于{DueDate(month):M月d日}前报送"),
                    Ref: $"unit-report:{m.UnitId}:{m.CommunityId}:{month}"
                ),
                $"{(overdue ? "unit-report-overdue" : "unit-report-due")}:{m.UnitId}:{m.CommunityId}:{month}",
                now,
                ct
            );
        }
        return sent;
    }
}
