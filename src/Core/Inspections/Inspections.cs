using System.Data.Common;
using System.Text.RegularExpressions;
using Dapper;
using Governance.Core.Areas;
using Governance.Core.Data;
using Governance.Core.Errors;
using Governance.Core.Evidence;
using Governance.Core.Notifications;
using Governance.Core.Orders;
using Governance.Core.People;
using Governance.Core.Text;
using Governance.Core.Time;

namespace Governance.Core.Inspections;

public static class FindingStatus
{
    public const string Open = "open",
        Submitted = "submitted",
        Returned = "returned",
        Closed = "closed";

    public static string Chinese(string status) =>
        status switch
        {
            Open => "整改中",
            Submitted => "待销号",
            Returned => "已退回",
            Closed => "已销号",
            _ => status,
        };
}

public sealed record InspectionRound
{
    public long Id { get; init; }
    public long AreaId { get; init; }
    public string AreaName { get; init; } = "";
    public string AreaPath { get; init; } = "";
    public string Title { get; init; } = "";
    public string Quarter { get; init; } = "";
    public DateTime CreatedAt { get; init; }
    public long Findings { get; init; }
    public long Closed { get; init; }
    public long Overdue { get; init; }
}

public sealed record Finding
{
    public long Id { get; init; }
    public long RoundId { get; init; }
    public string RoundTitle { get; init; } = "";
    public string RoundPath { get; init; } = "";
    public long CommunityId { get; init; }
    public string CommunityName { get; init; } = "";
    public string CommunityPath { get; init; } = "";
    public long? UnitId { get; init; }
    public string? UnitName { get; init; }
    public string Problem { get; init; } = "";
    public string Requirement { get; init; } = "";
    public DateOnly Deadline { get; init; }
    public string Status { get; init; } = "";
    public string? Evidence { get; init; }
    public DateTime FoundAt { get; init; }
    public DateTime? ClosedAt { get; init; }
    public bool Overdue { get; init; }

    /// <summary>Who must rectify: the unit when one is named, else the community.</summary>
    public string Responsible => UnitName ?? CommunityName;

    public string StatusName => FindingStatus.Chinese(Status);
}

public sealed record FindingEvent(string Kind, long PersonId, string PersonName, string? Note, DateTime CreatedAt);

public sealed record FindingDetail(
    Finding Finding,
    IReadOnlyList<FindingEvent> Events,
    IReadOnlyList<PhotoRef> Photos
);

public sealed record RoundDetail(InspectionRound Round, IReadOnlyList<Finding> Findings);

public sealed record NewFinding(
    long? CommunityId,
    long? UnitId,
    string? Problem,
    string? Requirement,
    DateOnly? Deadline
);

public static class InspectionErrors
{
    public static readonly ErrorCode AreaNotFound = new("inspections.area_not_found", ErrorKind.NotFound, "地区不存在");
    public static readonly ErrorCode InspectorOnly = new(
        "inspections.inspector_only",
        ErrorKind.Forbidden,
        "督查由街道（或上级）管理员组织和销号"
    );
    public static readonly ErrorCode InvalidRound = new(
        "inspections.invalid_round",
        ErrorKind.Validation,
        "请填写督查名称（不超过100字）和季度（如 2026Q4）",
        "title"
    );
    public static readonly ErrorCode RoundNotFound = new(
        "inspections.round_not_found",
        ErrorKind.NotFound,
        "督查轮次不存在"
    );
    public static readonly ErrorCode OutsideRound = new(
        "inspections.outside_round",
        ErrorKind.Validation,
        "问题所在社区须在本轮督查范围内，整改单位须服务该社区",
        "communityId"
    );
    public static readonly ErrorCode InvalidFinding = new(
        "inspections.invalid_finding",
        ErrorKind.Validation,
        "请填写发现的问题（不超过1000字）、整改要求（不超过500字）和不早于今天的整改期限",
        "problem"
    );
    public static readonly ErrorCode FindingNotFound = new(
        "inspections.finding_not_found",
        ErrorKind.NotFound,
        "督查问题不存在"
    );
    public static readonly ErrorCode ResponsibleOnly = new(
        "inspections.responsible_only",
        ErrorKind.Forbidden,
        "只有负责整改的单位管理员或社区工作人员可以报送整改情况"
    );
    public static readonly ErrorCode EvidenceRequired = new(
        "inspections.evidence_required",
        ErrorKind.Validation,
        "请写明整改情况和佐证（不超过1000字）",
        "evidence"
    );
    public static readonly ErrorCode WrongState = new(
        "inspections.wrong_state",
        ErrorKind.Conflict,
        "这个问题当前的状态不能进行这个操作"
    );
    public static readonly ErrorCode ReasonRequired = new(
        "inspections.reason_required",
        ErrorKind.Validation,
        "退回时请说明原因（不超过200字）",
        "reason"
    );

    public static readonly ErrorCode PhotoNotFound = new(
        "inspections.photo_not_found",
        ErrorKind.NotFound,
        "照片不存在"
    );

    public static readonly ErrorCode[] Create = [AreaNotFound, InspectorOnly, InvalidRound];
    public static readonly ErrorCode[] Read = [RoundNotFound, InspectorOnly];
    public static readonly ErrorCode[] Find = [RoundNotFound, InspectorOnly, OutsideRound, InvalidFinding];
    public static readonly ErrorCode[] Rectify =
    [
        FindingNotFound,
        ResponsibleOnly,
        EvidenceRequired,
        WrongState,
        OrderErrors.PhotoTooMany,
        OrderErrors.PhotoEmpty,
        OrderErrors.PhotoTooLarge,
        OrderErrors.PhotoInvalid,
    ];
    public static readonly ErrorCode[] Close = [FindingNotFound, InspectorOnly, ReasonRequired, WrongState];
}

/// <summary>
/// 督查: a street (or a level above) inspects the communities under it and the units serving them each quarter. A
/// finding names the problem, what rectification is asked, who must do it (a unit or the community) and by when; the
/// responsible side reports progress and hands in the rectification with evidence; the inspectors close it out (销号)
/// or send it back. Notices go through the outbox; deadline reminders and the overdue escalation run with the other
/// practice reminders (<see cref="RemindAsync"/>).
/// </summary>
public sealed partial class Inspections(
    Db db,
    AreaStore areas,
    OrderRecipients recipients,
    Registrations.RegistrationStore units,
    EvidencePhotos evidencePhotos,
    TimeProvider clock
)
{
    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    [GeneratedRegex(@"^20\d\dQ[1-4]$")]
    private static partial Regex QuarterPattern();

    public static string QuarterOf(DateOnly day) => $"{day.Year}Q{(day.Month - 1) / 3 + 1}";

    private static bool IsInspector(Caller caller, string areaPath) =>
        caller.Staff.Any(s =>
            StaffRole.IsAboveCommunity(s.Role) && areaPath.StartsWith(s.AreaPath, StringComparison.Ordinal)
        );

    private const string RoundColumns = """
        r.id, r.area_id AS AreaId, a.name AS AreaName, a.path AS AreaPath, r.title, r.quarter,
        r.created_at AS CreatedAt,
        (SELECT COUNT(*) FROM inspection_finding f WHERE f.round_id = r.id) AS Findings,
        (SELECT COUNT(*) FROM inspection_finding f WHERE f.round_id = r.id AND f.status = 'closed') AS Closed,
        (SELECT COUNT(*) FROM inspection_finding f WHERE f.round_id = r.id AND f.status <> 'closed'
           AND f.deadline < @today) AS Overdue
        FROM inspection_round r JOIN area a ON a.id = r.area_id
        """;

    private const string FindingColumns = """
        f.id, f.round_id AS RoundId, r.title AS RoundTitle, ra.path AS RoundPath, f.community_id AS CommunityId,
        c.name AS CommunityName, c.path AS CommunityPath, f.unit_id AS UnitId, u.name AS UnitName, f.problem,
        f.requirement, f.deadline, f.status, f.evidence, f.found_at AS FoundAt, f.closed_at AS ClosedAt,
        (f.status <> 'closed' AND f.deadline < @today) AS Overdue
        FROM inspection_finding f JOIN inspection_round r ON r.id = f.round_id JOIN area ra ON ra.id = r.area_id
        JOIN area c ON c.id = f.community_id LEFT JOIN unit u ON u.id = f.unit_id
        """;

    private DateTime Today => ChinaTime.Today(Now).ToDateTime(TimeOnly.MinValue);

    public async Task<Result<InspectionRound>> CreateRoundAsync(
        Caller caller,
        long areaId,
        string? title,
        string? quarter,
        CancellationToken ct
    )
    {
        if (await areas.GetAsync(areaId, ct) is not { } area)
            return InspectionErrors.AreaNotFound;
        if (!IsInspector(caller, area.Path) || area.Kind != AreaKind.Street)
            return InspectionErrors.InspectorOnly;
        quarter ??= QuarterOf(ChinaTime.Today(Now));
        if (
            title?.Trim() is not { Length: > 0 } name
            || Chars.Count(name) > 100
            || Chars.HasControl(name)
            || !QuarterPattern().IsMatch(quarter)
        )
            return InspectionErrors.InvalidRound;
        await using var c = await db.OpenAsync(ct);
        var id = await c.ExecuteScalarAsync<long>(
            new CommandDefinition(
                """
                INSERT INTO inspection_round (area_id, title, quarter, status, created_by, created_at)
                VALUES (@areaId, @name, @quarter, 'open', @by, @now);
                SELECT LAST_INSERT_ID();
                """,
                new
                {
                    areaId,
                    name,
                    quarter,
                    by = caller.PersonId,
                    now = Now,
                },
                cancellationToken: ct
            )
        );
        return (await RoundRowAsync(c, id, ct))!;
    }

    private Task<InspectionRound?> RoundRowAsync(DbConnection c, long id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<InspectionRound>(
            new CommandDefinition(
                $"SELECT {RoundColumns} WHERE r.id = @id",
                new { id, today = Today },
                cancellationToken: ct
            )
        );

    /// <summary>The rounds held in an area and below it, newest first (the staff console's list).</summary>
    public async Task<Result<IReadOnlyList<InspectionRound>>> RoundsAsync(
        Caller caller,
        long areaId,
        CancellationToken ct
    )
    {
        if (await areas.GetAsync(areaId, ct) is not { } area)
            return InspectionErrors.AreaNotFound;
        if (!caller.IsStaffOver(area.Path))
            return InspectionErrors.InspectorOnly;
        await using var c = await db.OpenAsync(ct);
        return Result<IReadOnlyList<InspectionRound>>.From(
            (
                await c.QueryAsync<InspectionRound>(
                    new CommandDefinition(
                        $"SELECT {RoundColumns} WHERE a.path LIKE CONCAT(@path, '%') ORDER BY r.id DESC LIMIT 100",
                        new { path = area.Path, today = Today },
                        cancellationToken: ct
                    )
                )
            ).AsList()
        );
    }

    /// <summary>A round with every finding, for the inspectors and the staff of the inspected area.</summary>
    public async Task<Result<RoundDetail>> RoundAsync(Caller caller, long roundId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        if (await RoundRowAsync(c, roundId, ct) is not { } round)
            return InspectionErrors.RoundNotFound;
        if (!caller.IsStaffOver(round.AreaPath))
            return InspectionErrors.InspectorOnly;
        var findings = await c.QueryAsync<Finding>(
            new CommandDefinition(
                $"SELECT {FindingColumns} WHERE f.round_id = @roundId ORDER BY f.id",
                new { roundId, today = Today },
                cancellationToken: ct
            )
        );
        return new RoundDetail(round, findings.AsList());
    }

    public async Task<Result<Finding>> AddFindingAsync(
        Caller caller,
        long roundId,
        NewFinding input,
        CancellationToken ct
    )
    {
        await using var c = await db.OpenAsync(ct);
        if (await RoundRowAsync(c, roundId, ct) is not { } round)
            return InspectionErrors.RoundNotFound;
        if (!IsInspector(caller, round.AreaPath))
            return InspectionErrors.InspectorOnly;
        if (
            input.CommunityId is not { } communityId
            || await areas.GetAsync(communityId, ct) is not { Kind: AreaKind.Community } community
            || !community.Path.StartsWith(round.AreaPath, StringComparison.Ordinal)
        )
            return InspectionErrors.OutsideRound;
        if (input.UnitId is { } unitId && !await ServesAsync(c, unitId, communityId, ct))
            return InspectionErrors.OutsideRound;
        var problem = input.Problem?.Trim();
        var requirement = input.Requirement?.Trim();
        if (
            string.IsNullOrEmpty(problem)
            || Chars.Count(problem) > 1000
            || string.IsNullOrEmpty(requirement)
            || Chars.Count(requirement) > 500
            || input.Deadline is not { } deadline
            || deadline < ChinaTime.Today(Now)
        )
            return InspectionErrors.InvalidFinding;
        var now = Now;
        var responsible = await ResponsibleAsync(input.UnitId, community.Path, ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var id = await c.ExecuteScalarAsync<long>(
            new CommandDefinition(
                """
                INSERT INTO inspection_finding (round_id, community_id, unit_id, problem, requirement, deadline, status,
                  found_by, found_at)
                VALUES (@roundId, @communityId, @unitId, @problem, @requirement, @deadline, 'open', @by, @now);
                SELECT LAST_INSERT_ID();
                """,
                new
                {
                    roundId,
                    communityId,
                    unitId = input.UnitId,
                    problem,
                    requirement,
                    deadline = deadline.ToDateTime(TimeOnly.MinValue),
                    by = caller.PersonId,
                    now,
                },
                tx,
                cancellationToken: ct
            )
        );
        await EventAsync(c, tx, id, caller.PersonId, "found", problem, now, ct);
        await Outbox.EnqueueAsync(
            c,
            tx,
            responsible,
            new Notice(
                "inspection_finding",
                "督查发现问题，请整改",
                $"{round.Title}：{Chars.Shorten(problem, 40)}。整改要求：{Chars.Shorten(requirement, 40)}，"
                    + $"请于{deadline:M月d日}前完成并报送佐证",
                Ref: $"finding:{id}"
            ),
            $"inspection-finding:{id}",
            now,
            ct
        );
        await tx.CommitAsync(ct);
        return (await FindingRowAsync(c, id, ct))!;
    }

    private static Task<bool> ServesAsync(DbConnection c, long unitId, long communityId, CancellationToken ct) =>
        c.ExecuteScalarAsync<bool>(
            new CommandDefinition(
                """
                SELECT EXISTS (SELECT 1 FROM unit u WHERE u.id = @unitId AND u.status = 'approved'
                  AND (u.area_id = @communityId OR EXISTS (SELECT 1 FROM unit_pairing p WHERE p.unit_id = u.id
                         AND p.community_id = @communityId AND p.status = 'approved')))
                """,
                new { unitId, communityId },
                cancellationToken: ct
            )
        );

    /// <summary>The unit's admins when a unit must rectify, else the community's secretaries.</summary>
    private async Task<IReadOnlyList<long>> ResponsibleAsync(
        long? unitId,
        string communityPath,
        CancellationToken ct
    ) =>
        unitId is { } u
            ? await units.UnitAdminsAsync(u, ct)
            : await recipients.SecretariesAsync(communityPath, ct);

    private Task<Finding?> FindingRowAsync(DbConnection c, long id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<Finding>(
            new CommandDefinition(
                $"SELECT {FindingColumns} WHERE f.id = @id",
                new { id, today = Today },
                cancellationToken: ct
            )
        );

    private static Task EventAsync(
        DbConnection c,
        DbTransaction tx,
        long findingId,
        long personId,
        string kind,
        string? note,
        DateTime now,
        CancellationToken ct
    ) =>
        c.ExecuteAsync(
            new CommandDefinition(
                "INSERT INTO inspection_event (finding_id, person_id, kind, note, created_at) "
                    + "VALUES (@findingId, @personId, @kind, @note, @now)",
                new
                {
                    findingId,
                    personId,
                    kind,
                    note,
                    now,
                },
                tx,
                cancellationToken: ct
            )
        );

    private static bool IsResponsible(Caller caller, Finding f) =>
        f.UnitId is { } u ? caller.UnitAdminOf.Contains(u) : caller.IsStaffOver(f.CommunityPath);

    private static bool CanSee(Caller caller, Finding f) =>
        IsResponsible(caller, f) || caller.IsStaffOver(f.CommunityPath) || IsInspector(caller, f.RoundPath);

    public async Task<Result<FindingDetail>> FindingAsync(Caller caller, long findingId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        if (await FindingRowAsync(c, findingId, ct) is not { } f || !CanSee(caller, f))
            return InspectionErrors.FindingNotFound;
        var events = await c.QueryAsync<FindingEvent>(
            new CommandDefinition(
                "SELECT e.kind, e.person_id AS PersonId, p.name AS PersonName, e.note, e.created_at AS CreatedAt "
                    + "FROM inspection_event e JOIN person p ON p.id = e.person_id WHERE e.finding_id = @findingId "
                    + "ORDER BY e.id",
                new { findingId },
                cancellationToken: ct
            )
        );
        var photos = await evidencePhotos.ListAsync(EvidencePhotos.Finding, findingId, ct);
        return new FindingDetail(f, events.AsList(), photos);
    }

    /// <summary>A photo of a finding's rectification, for whoever may see the finding.</summary>
    public async Task<Result<EvidencePhotoFile>> PhotoAsync(
        Caller caller,
        long findingId,
        long photoId,
        CancellationToken ct
    )
    {
        await using var c = await db.OpenAsync(ct);
        if (await FindingRowAsync(c, findingId, ct) is not { } f || !CanSee(caller, f))
            return InspectionErrors.FindingNotFound;
        return await evidencePhotos.FileAsync(EvidencePhotos.Finding, findingId, photoId, ct) is { } file
            ? file
            : InspectionErrors.PhotoNotFound;
    }

    /// <summary>The findings the caller must rectify (unit admin or community staff), by deadline.</summary>
    public async Task<IReadOnlyList<Finding>> MineAsync(Caller caller, CancellationToken ct)
    {
        var paths = caller.Staff.Select(s => s.AreaPath).ToArray();
        if (paths.Length == 0 && caller.UnitAdminOf.Count == 0)
            return [];
        await using var c = await db.OpenAsync(ct);
        var byPath = string.Join(" OR ", paths.Select((_, i) => $"c.path LIKE CONCAT(@p{i}, '%')"));
        var args = new DynamicParameters(new { today = Today, units = caller.UnitAdminOf.DefaultIfEmpty(0) });
        for (var i = 0; i < paths.Length; i++)
            args.Add($"p{i}", paths[i]);
        var where =
            "(f.unit_id IN @units"
            + (paths.Length > 0 ? $" OR (f.unit_id IS NULL AND ({byPath}))" : "")
            + ") AND f.status <> 'closed'";
        return (
            await c.QueryAsync<Finding>(
                new CommandDefinition(
                    $"SELECT {FindingColumns} WHERE {where} ORDER BY f.deadline, f.id LIMIT 500",
                    args,
                    cancellationToken: ct
                )
            )
        ).AsList();
    }

    /// <summary>
    /// The responsible side reports progress (a note) or hands in the rectification (submit) with evidence.
    /// </summary>
    public async Task<Result<Finding>> RectifyAsync(
        Caller caller,
        long findingId,
        string? evidence,
        IReadOnlyList<PhotoUpload> photos,
        bool submit,
        CancellationToken ct
    )
    {
        await using var c = await db.OpenAsync(ct);
        if (await FindingRowAsync(c, findingId, ct) is not { } f || !CanSee(caller, f))
            return InspectionErrors.FindingNotFound;
        if (!IsResponsible(caller, f))
            return InspectionErrors.ResponsibleOnly;
        if (evidence?.Trim() is not { Length: > 0 } text || Chars.Count(text) > 1000)
            return InspectionErrors.EvidenceRequired;
        var now = Now;
        var saved = await evidencePhotos.SaveFilesAsync(photos, now, ct);
        if (!saved.IsOk)
            return saved.Error!;
        await using var tx = await c.BeginTransactionAsync(ct);
        var moved = await c.ExecuteAsync(
            new CommandDefinition(
                submit
                    ? "UPDATE inspection_finding SET status = 'submitted', evidence = @text, submitted_at = @now "
                        + "WHERE id = @findingId AND status IN ('open', 'returned')"
                    : "UPDATE inspection_finding SET status = status WHERE id = @findingId "
                        + "AND status IN ('open', 'returned')",
                new
                {
                    findingId,
                    text,
                    now,
                },
                tx,
                cancellationToken: ct
            )
        );
        if (moved != 1)
        {
            await tx.RollbackAsync(ct);
            evidencePhotos.Discard(saved.Value!);
            return InspectionErrors.WrongState;
        }
        await EventAsync(c, tx, findingId, caller.PersonId, submit ? "submitted" : "progress", text, now, ct);
        await EvidencePhotos.AttachAsync(
            c,
            tx,
            EvidencePhotos.Finding,
            findingId,
            submit ? "submitted" : "progress",
            saved.Value!,
            caller.PersonId,
            now,
            ct
        );
        if (submit)
        {
            var inspectors = await recipients.StreetAsync(f.RoundPath, ct);
            await Outbox.EnqueueAsync(
                c,
                tx,
                inspectors,
                new Notice(
                    "inspection_submitted",
                    "督查整改待销号",
                    $"{f.Responsible}已报送「{Chars.Shorten(f.Problem, 30)}」的整改情况，请核实销号",
                    Ref: $"finding:{findingId}"
                ),
                $"inspection-submitted:{findingId}:{now.Ticks}",
                now,
                ct
            );
        }
        await tx.CommitAsync(ct);
        return (await FindingRowAsync(c, findingId, ct))!;
    }

    /// <summary>An inspector closes a submitted finding out (销号) or sends it back with a reason.</summary>
    public async Task<Result<Finding>> CloseAsync(
        Caller caller,
        long findingId,
        bool accept,
        string? reason,
        CancellationToken ct
    )
    {
        await using var c = await db.OpenAsync(ct);
        if (await FindingRowAsync(c, findingId, ct) is not { } f || !CanSee(caller, f))
            return InspectionErrors.FindingNotFound;
        if (!IsInspector(caller, f.RoundPath))
            return InspectionErrors.InspectorOnly;
        var why = reason?.Trim();
        if (!accept && (string.IsNullOrEmpty(why) || Chars.Count(why) > 200))
            return InspectionErrors.ReasonRequired;
        var now = Now;
        var responsible = await ResponsibleAsync(f.UnitId, f.CommunityPath, ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var moved = await c.ExecuteAsync(
            new CommandDefinition(
                accept
                    ? "UPDATE inspection_finding SET status = 'closed', closed_by = @by, closed_at = @now "
                        + "WHERE id = @findingId AND status = 'submitted'"
                    : "UPDATE inspection_finding SET status = 'returned' "
                        + "WHERE id = @findingId AND status = 'submitted'",
                new
                {
                    findingId,
                    by = caller.PersonId,
                    now,
                },
                tx,
                cancellationToken: ct
            )
        );
        if (moved != 1)
        {
            await tx.RollbackAsync(ct);
            return InspectionErrors.WrongState;
        }
        await EventAsync(c, tx, findingId, caller.PersonId, accept ? "closed" : "returned", why, now, ct);
        await Outbox.EnqueueAsync(
            c,
            tx,
            responsible,
            new Notice(
                accept ? "inspection_closed" : "inspection_returned",
                accept ? "督查问题已销号" : "督查整改被退回",
                $"「{Chars.Shorten(f.Problem, 30)}」" + (accept ? "整改已核实，予以销号" : $"整改未通过：{why}"),
                Ref: $"finding:{findingId}"
            ),
            $"inspection-{(accept ? "closed" : "returned")}:{findingId}:{now.Ticks}",
            now,
            ct
        );
        await tx.CommitAsync(ct);
        return (await FindingRowAsync(c, findingId, ct))!;
    }

    /// <summary>
    /// Findings not yet handed in: due within three days → the responsible side; past the deadline → the responsible
    /// side and the inspectors (the street). Keyed per finding and deadline, so a re-run sends nothing twice.
    /// </summary>
    public async Task<int> RemindAsync(CancellationToken ct)
    {
        var now = Now;
        var today = Today;
        await using var c = await db.OpenAsync(ct);
        var due = await c.QueryAsync<Finding>(
            new CommandDefinition(
                $"SELECT {FindingColumns} WHERE f.status IN ('open', 'returned') AND f.deadline <= @soon "
                    + "ORDER BY f.deadline, f.id LIMIT 1000",
                new { today, soon = today.AddDays(3) },
                cancellationToken: ct
            )
        );
        var sent = 0;
        foreach (var f in due)
        {
            var responsible = await ResponsibleAsync(f.UnitId, f.CommunityPath, ct);
            var to = f.Overdue
                ? responsible.Concat(await recipients.StreetAsync(f.RoundPath, ct)).Distinct().ToList()
                : responsible;
            sent += await Outbox.EnqueueAsync(
                c,
                null,
                to,
                new Notice(
                    f.Overdue ? "inspection_overdue" : "inspection_due",
                    f.Overdue ? "督查整改已逾期" : "督查整改即将到期",
                    $"{f.Responsible}「{Chars.Shorten(f.Problem, 30)}」的整改"
                        + (f.Overdue ? $"已超过{f.Deadline:M月d日}的期限，请尽快完成" : $"将于{f.Deadline:M月d日}到期"),
                    Ref: $"finding:{f.Id}"
                ),
                $"{(f.Overdue ? "inspection-overdue" : "inspection-due")}:{f.Id}:{f.Deadline:yyyyMMdd}",
                now,
                ct
            );
        }
        return sent;
    }
}
