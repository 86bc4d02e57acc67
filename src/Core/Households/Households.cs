using System.Data.Common;
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

namespace Governance.Core.Households;

/// <summary>
/// The household register and grid visits ("每日走七户、两月一循环"): households per building with categories of
/// attention, private to grid staff and above (a 包联 cadre or volunteer sees them masked; nobody else at all); each
/// grid worker's plan for the day — households that must be visited this month first, then those not yet visited in
/// the two-month cycle, longest unvisited first, seven a day; visit logs with what was found and photos, a need put on
/// the community's list from a visit (source visit, or survey for a door-to-door needs survey) or an order filed from
/// it linked; coverage per grid and visitor for a cycle; and reminders when must-visits or the cycle fall behind.
/// </summary>
public sealed class Households(
    Db db,
    AreaStore areas,
    OrderRecipients recipients,
    EvidencePhotos photos,
    TimeProvider clock
)
{
    public const int PerDay = 7;

    private enum Access
    {
        None,
        Masked,
        Full,
    }

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>The two-month cycle (Jan–Feb, Mar–Apr, …) containing a day.</summary>
    public static (DateOnly Start, DateOnly End) CycleOf(DateOnly day)
    {
        var start = new DateOnly(day.Year, day.Month % 2 == 1 ? day.Month : day.Month - 1, 1);
        return (start, start.AddMonths(2).AddDays(-1));
    }

    private async Task<Access> AccessAsync(DbConnection c, Caller caller, string path, CancellationToken ct)
    {
        if (caller.IsStaffOver(path))
            return Access.Full;
        var assigned = await c.ExecuteScalarAsync<bool>(
            new CommandDefinition(
                """
                SELECT EXISTS (SELECT 1 FROM area_assignment s JOIN area a ON a.id = s.area_id
                  WHERE s.person_id = @person AND @today BETWEEN s.starts_on AND s.ends_on
                    AND @path LIKE CONCAT(a.path, '%'))
                """,
                new
                {
                    person = caller.PersonId,
                    today = ChinaTime.Today(Now).ToDateTime(TimeOnly.MinValue),
                    path,
                },
                cancellationToken: ct
            )
        );
        return assigned ? Access.Masked : Access.None;
    }

    public static string MaskName(string name) =>
        name.Length <= 1 ? name : name[..1] + new string('*', Math.Min(name.Length - 1, 3));

    public static string? MaskPhone(string? phone) =>
        phone is { Length: >= 7 } p ? p[..3] + "****" + p[^4..] : phone is null ? null : "****";

    private sealed class Row
    {
        public long Id { get; init; }
        public long BuildingId { get; init; }
        public string BuildingName { get; init; } = "";
        public string BuildingPath { get; init; } = "";
        public string Room { get; init; } = "";
        public string HeadName { get; init; } = "";
        public string? Phone { get; init; }
        public int People { get; init; }
        public string Categories { get; init; } = "";
        public string Note { get; init; } = "";
        public bool MustVisit { get; init; }
        public DateTime? LastVisitedAt { get; init; }
    }

    private const string SelectList = """
        h.id, h.building_id AS BuildingId, b.name AS BuildingName, b.path AS BuildingPath, h.room,
        h.head_name AS HeadName, h.phone, h.people, h.categories, h.note, h.must_visit AS MustVisit,
        h.last_visited_at AS LastVisitedAt
        """;

    private const string Columns = SelectList + " FROM household h JOIN area b ON b.id = h.building_id";

    private static Household View(Row r, bool masked) =>
        new()
        {
            Id = r.Id,
            BuildingId = r.BuildingId,
            BuildingName = r.BuildingName,
            Room = r.Room,
            HeadName = masked ? MaskName(r.HeadName) : r.HeadName,
            Phone = masked ? MaskPhone(r.Phone) : r.Phone,
            People = r.People,
            Categories = masked ? [] : r.Categories.Split(',', StringSplitOptions.RemoveEmptyEntries),
            Note = masked ? "" : r.Note,
            MustVisit = r.MustVisit,
            LastVisitedAt = r.LastVisitedAt,
            Masked = masked,
        };

    private static string? Validate(NewHousehold input)
    {
        if (
            input.Room?.Trim() is not { Length: > 0 } room
            || room.Length > 20
            || input.HeadName?.Trim() is not { Length: > 0 } head
            || Chars.Count(head) > 30
            || input.People is not (>= 1 and <= 30)
            || (input.Phone is { } phone && phone.Length > 20)
            || (input.Note is { } note && Chars.Count(note) > 200)
            || (input.Categories ?? []).Any(x => !Attention.All.Contains(x))
        )
            return "invalid";
        return null;
    }

    public async Task<Result<Household>> RegisterAsync(
        Caller caller,
        long buildingId,
        NewHousehold input,
        CancellationToken ct
    )
    {
        if (await areas.GetAsync(buildingId, ct) is not { Kind: AreaKind.Building } building)
            return HouseholdErrors.BuildingNotFound;
        if (!caller.IsStaffOver(building.Path))
            return HouseholdErrors.NotAllowed;
        if (Validate(input) is not null)
            return HouseholdErrors.Invalid;
        await using var c = await db.OpenAsync(ct);
        try
        {
            var id = await c.ExecuteScalarAsync<long>(
                new CommandDefinition(
                    """
                    INSERT INTO household (building_id, room, head_name, phone, people, categories, note, created_at,
                      updated_at)
                    VALUES (@buildingId, @room, @head, @phone, @People, @categories, @note, @now, @now);
                    SELECT LAST_INSERT_ID();
                    """,
                    new
                    {
                        buildingId,
                        room = input.Room!.Trim(),
                        head = input.HeadName!.Trim(),
                        phone = input.Phone?.Trim(),
                        input.People,
                        categories = string.Join(',', (input.Categories ?? []).Distinct().Order()),
                        note = input.Note?.Trim() ?? "",
                        now = Now,
                    },
                    cancellationToken: ct
                )
            );
            return View((await RowsAsync(c, "h.id = @id", new { id }, ct)).Single(), false);
        }
        catch (Exception ex) when (MySqlDriver.IsDuplicateKey(ex))
        {
            return HouseholdErrors.RoomTaken;
        }
    }

    /// <summary>Changes a household's people, phone, categories and note (grid staff and above).</summary>
    public async Task<Result<Household>> UpdateAsync(
        Caller caller,
        long id,
        NewHousehold input,
        CancellationToken ct
    )
    {
        await using var c = await db.OpenAsync(ct);
        if ((await RowsAsync(c, "h.id = @id", new { id }, ct)).SingleOrDefault() is not { } row)
            return HouseholdErrors.NotFound;
        if (!caller.IsStaffOver(row.BuildingPath))
            return HouseholdErrors.NotFound;
        if (Validate(input with { Room = row.Room }) is not null)
            return HouseholdErrors.Invalid;
        await c.ExecuteAsync(
            new CommandDefinition(
                "UPDATE household SET head_name = @head, phone = @phone, people = @People, categories = @categories, "
                    + "note = @note, updated_at = @now WHERE id = @id",
                new
                {
                    id,
                    head = input.HeadName!.Trim(),
                    phone = input.Phone?.Trim(),
                    input.People,
                    categories = string.Join(',', (input.Categories ?? []).Distinct().Order()),
                    note = input.Note?.Trim() ?? "",
                    now = Now,
                },
                cancellationToken: ct
            )
        );
        return View((await RowsAsync(c, "h.id = @id", new { id }, ct)).Single(), false);
    }

    private static async Task<List<Row>> RowsAsync(DbConnection c, string where, object args, CancellationToken ct) =>
        (
            await c.QueryAsync<Row>(
                new CommandDefinition(
                    $"SELECT {Columns} WHERE {where} ORDER BY h.id LIMIT 2000",
                    args,
                    cancellationToken: ct
                )
            )
        ).AsList();

    /// <summary>
    /// A building's households: in full for grid staff and above, masked for 包联, refused to anyone else.
    /// </summary>
    public async Task<Result<IReadOnlyList<Household>>> ListAsync(Caller caller, long buildingId, CancellationToken ct)
    {
        if (await areas.GetAsync(buildingId, ct) is not { Kind: AreaKind.Building } building)
            return HouseholdErrors.BuildingNotFound;
        await using var c = await db.OpenAsync(ct);
        var access = await AccessAsync(c, caller, building.Path, ct);
        if (access == Access.None)
            return HouseholdErrors.NotAllowed;
        var rows = await RowsAsync(c, "h.building_id = @buildingId", new { buildingId }, ct);
        return rows.Select(r => View(r, access == Access.Masked)).ToList();
    }

    /// <summary>
    /// Logs a visit (now, or up to seven days back): what was found, photos, and optionally a need for the community's
    /// list (source visit, or survey for a door-to-door needs survey) or the code of an order filed from it. The
    /// household's last visit moves in the same commit.
    /// </summary>
    public async Task<Result<Visit>> LogVisitAsync(
        Caller caller,
        long householdId,
        NewVisit input,
        IReadOnlyList<PhotoUpload> uploads,
        CancellationToken ct
    )
    {
        await using var c = await db.OpenAsync(ct);
        if ((await RowsAsync(c, "h.id = @householdId", new { householdId }, ct)).SingleOrDefault() is not { } h)
            return HouseholdErrors.NotFound;
        if (await AccessAsync(c, caller, h.BuildingPath, ct) == Access.None)
            return HouseholdErrors.NotAllowed;
        var now = Now;
        var at = input.VisitedAt?.UtcDateTime ?? now;
        var found = input.Found?.Trim();
        var need = input.Need?.Trim();
        if (
            string.IsNullOrEmpty(found)
            || Chars.Count(found) > 1000
            || (need is { Length: > 0 } && Chars.Count(need) > 100)
            || at > now.AddMinutes(5)
            || at < now.AddDays(-7)
        )
            return HouseholdErrors.InvalidVisit;
        // The building's community: the ancestor of that kind, whatever the levels above it.
        var (communityId, communityPath) = await c.QuerySingleAsync<(long, string)>(
            new CommandDefinition(
                "SELECT id, path FROM area WHERE kind = 'community' AND @path LIKE CONCAT(path, '%') LIMIT 1",
                new { path = h.BuildingPath },
                cancellationToken: ct
            )
        );
        string? code = null;
        if (input.OrderCode?.Trim() is { Length: > 0 } given)
        {
            code = await c.ExecuteScalarAsync<string?>(
                new CommandDefinition(
                    "SELECT code FROM service_order WHERE code = @given AND area_path LIKE CONCAT(@communityPath, '%')",
                    new { given = given.ToUpperInvariant(), communityPath },
                    cancellationToken: ct
                )
            );
            if (code is null)
                return HouseholdErrors.OrderNotFound;
        }
        var saved = await photos.SaveFilesAsync(uploads, now, ct);
        if (!saved.IsOk)
            return saved.Error!;
        await using var tx = await c.BeginTransactionAsync(ct);
        long? needId = null;
        if (need is { Length: > 0 })
            needId = await c.ExecuteScalarAsync<long>(
                new CommandDefinition(
                    """
                    INSERT INTO list_item (community_id, kind, title, description, source, status, created_by,
                      created_at,
                      updated_at)
                    VALUES (@communityId, 'need', @need, @description, @source, 'open', @by, @now, @now);
                    SELECT LAST_INSERT_ID();
                    """,
                    new
                    {
                        communityId,
                        need,
                        description = $"{h.BuildingName}{h.Room}走访发现：{Chars.Cut(found, 900)}",
                        source = input.Survey ? "survey" : "visit",
                        by = caller.PersonId,
                        now,
                    },
                    tx,
                    cancellationToken: ct
                )
            );
        var id = await c.ExecuteScalarAsync<long>(
            new CommandDefinition(
                """
                INSERT INTO visit (household_id, visitor_id, visited_at, found, need_item_id, order_code, created_at)
                VALUES (@householdId, @by, @at, @found, @needId, @code, @now);
                UPDATE household SET last_visited_at = GREATEST(COALESCE(last_visited_at, @at), @at) WHERE id =
                  @householdId;
                SELECT LAST_INSERT_ID();
                """,
                new
                {
                    householdId,
                    by = caller.PersonId,
                    at,
                    found,
                    needId,
                    code,
                    now,
                },
                tx,
                cancellationToken: ct
            )
        );
        var taken = saved.Value!;
        await EvidencePhotos.AttachAsync(c, tx, EvidencePhotos.Visit, id, "visited", taken, caller.PersonId, now, ct);
        await tx.CommitAsync(ct);
        return new Visit(id, householdId, caller.PersonId, caller.Name, at, found, needId, code)
        {
            Photos = await photos.ListAsync(EvidencePhotos.Visit, id, ct),
        };
    }

    /// <summary>A household's visits: all of them for grid staff and above; a 包联 visitor sees their own.</summary>
    public async Task<Result<IReadOnlyList<Visit>>> VisitsAsync(Caller caller, long householdId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        if ((await RowsAsync(c, "h.id = @householdId", new { householdId }, ct)).SingleOrDefault() is not { } h)
            return HouseholdErrors.NotFound;
        var access = await AccessAsync(c, caller, h.BuildingPath, ct);
        if (access == Access.None)
            return HouseholdErrors.NotAllowed;
        var visits = (
            await c.QueryAsync<Visit>(
                new CommandDefinition(
                    """
                    SELECT v.id, v.household_id AS HouseholdId, v.visitor_id AS VisitorId, p.name AS VisitorName,
                      v.visited_at AS VisitedAt, v.found, v.need_item_id AS NeedItemId, v.order_code AS OrderCode
                    FROM visit v JOIN person p ON p.id = v.visitor_id
                    WHERE v.household_id = @householdId AND (@full OR v.visitor_id = @person) ORDER BY v.visited_at DESC
                    LIMIT 200
                    """,
                    new
                    {
                        householdId,
                        full = access == Access.Full,
                        person = caller.PersonId,
                    },
                    cancellationToken: ct
                )
            )
        ).AsList();
        var taken = (
            await c.QueryAsync<(long VisitId, long Id, string ContentType, int ByteSize)>(
                new CommandDefinition(
                    "SELECT subject_id, id, content_type, byte_size FROM practice_photo WHERE subject = 'visit' "
                        + "AND subject_id IN @ids ORDER BY id",
                    new { ids = visits.Select(v => v.Id).DefaultIfEmpty(0) },
                    cancellationToken: ct
                )
            )
        ).ToLookup(p => p.VisitId, p => new PhotoRef(p.Id, p.ContentType, p.ByteSize));
        return visits.Select(v => v with { Photos = taken[v.Id].ToList() }).ToList();
    }

    /// <summary>A photo of a visit, for whoever may see the visit (a 包联 visitor: their own).</summary>
    public async Task<Result<EvidencePhotoFile>> PhotoAsync(
        Caller caller,
        long visitId,
        long photoId,
        CancellationToken ct
    )
    {
        await using var c = await db.OpenAsync(ct);
        var visit = await c.QuerySingleOrDefaultAsync<(long HouseholdId, long VisitorId)?>(
            new CommandDefinition(
                "SELECT household_id, visitor_id FROM visit WHERE id = @visitId",
                new { visitId },
                cancellationToken: ct
            )
        );
        if (visit is not { } v)
            return HouseholdErrors.NotFound;
        var h = (await RowsAsync(c, "h.id = @id", new { id = v.HouseholdId }, ct)).Single();
        var access = await AccessAsync(c, caller, h.BuildingPath, ct);
        if (access == Access.None || (access == Access.Masked && v.VisitorId != caller.PersonId))
            return HouseholdErrors.NotFound;
        return await photos.FileAsync(EvidencePhotos.Visit, visitId, photoId, ct) is { } file
            ? file
            : HouseholdErrors.PhotoNotFound;
    }

    /// <summary>
    /// Where the caller visits: a grid worker's grids, and the areas of their live 包联 assignments (masked there).
    /// </summary>
    private async Task<List<(string Path, bool Masked)>> ScopesAsync(
        DbConnection c,
        Caller caller,
        CancellationToken ct
    )
    {
        var scopes = caller.Staff.Where(s => s.Role == StaffRole.GridWorker).Select(s => (s.AreaPath, false)).ToList();
        var assigned = await c.QueryAsync<string>(
            new CommandDefinition(
                "SELECT a.path FROM area_assignment s JOIN area a ON a.id = s.area_id WHERE s.person_id = @person "
                    + "AND @today BETWEEN s.starts_on AND s.ends_on",
                new { person = caller.PersonId, today = ChinaTime.Today(Now).ToDateTime(TimeOnly.MinValue) },
                cancellationToken: ct
            )
        );
        var own = scopes.Select(s => s.Item1).ToList();
        scopes.AddRange(
            assigned.Where(p => !own.Any(s => p.StartsWith(s, StringComparison.Ordinal))).Select(p => (p, true))
        );
        return scopes;
    }

    /// <summary>
    /// The day's plan: seven households less those already visited today — must-visits not yet visited this month
    /// first, then those not visited in this two-month cycle, longest unvisited (never first) — over the caller's grids
    /// and 包联 areas.
    /// </summary>
    public async Task<VisitPlan> PlanAsync(Caller caller, DateOnly? date, int? limit, CancellationToken ct)
    {
        var day = date ?? ChinaTime.Today(Now);
        var (cycleStart, cycleEnd) = CycleOf(day);
        var perDay = Math.Clamp(limit ?? PerDay, 1, 50);
        await using var c = await db.OpenAsync(ct);
        var scopes = await ScopesAsync(c, caller, ct);
        // Seven a day: the visits already made today count against the day's plan.
        var doneToday = await c.ExecuteScalarAsync<int>(
            new CommandDefinition(
                "SELECT COUNT(*) FROM visit WHERE visitor_id = @person AND visited_at >= @from AND visited_at < @to",
                new
                {
                    person = caller.PersonId,
                    from = ChinaTime.ToUtc(day, TimeOnly.MinValue),
                    to = ChinaTime.ToUtc(day.AddDays(1), TimeOnly.MinValue),
                },
                cancellationToken: ct
            )
        );
        var left = perDay - doneToday;
        if (scopes.Count == 0 || left <= 0)
            return new VisitPlan(day, cycleStart, cycleEnd, perDay, []);
        var args = new DynamicParameters(
            new
            {
                today = ChinaTime.ToUtc(day, TimeOnly.MinValue),
                month = ChinaTime.ToUtc(new DateOnly(day.Year, day.Month, 1), TimeOnly.MinValue),
                cycle = ChinaTime.ToUtc(cycleStart, TimeOnly.MinValue),
                limit = left,
            }
        );
        var parts = new List<string>();
        for (var i = 0; i < scopes.Count; i++)
        {
            args.Add($"p{i}", scopes[i].Path);
            // One index range per scope: its buildings by path, then their households by (building, last visit) —
            // STRAIGHT_JOIN, because the optimizer otherwise scans every household of the county first.
            parts.Add(
                $"""
                (SELECT STRAIGHT_JOIN {SelectList} FROM area b JOIN household h ON h.building_id = b.id
                  WHERE b.path LIKE CONCAT(@p{i}, '%') AND b.kind = 'building'
                    AND (h.last_visited_at IS NULL OR h.last_visited_at < @today)
                    AND ((h.must_visit = 1 AND (h.last_visited_at IS NULL OR h.last_visited_at < @month))
                         OR h.last_visited_at IS NULL OR h.last_visited_at < @cycle)
                  ORDER BY (h.must_visit = 1 AND (h.last_visited_at IS NULL OR h.last_visited_at < @month)) DESC,
                           h.last_visited_at IS NOT NULL, h.last_visited_at, h.id
                  LIMIT @limit)
                """
            );
        }
        var rows = (
            await c.QueryAsync<Row>(
                new CommandDefinition(string.Join(" UNION ALL ", parts), args, cancellationToken: ct)
            )
        ).AsList();
        var monthStart = ChinaTime.ToUtc(new DateOnly(day.Year, day.Month, 1), TimeOnly.MinValue);
        var plan = rows
            .DistinctBy(r => r.Id)
            .OrderByDescending(r => r.MustVisit && (r.LastVisitedAt is null || r.LastVisitedAt < monthStart))
            .ThenBy(r => r.LastVisitedAt is not null)
            .ThenBy(r => r.LastVisitedAt)
            .ThenBy(r => r.Id)
            .Take(left)
            .Select(r =>
                View(r, scopes.First(s => r.BuildingPath.StartsWith(s.Path, StringComparison.Ordinal)).Masked)
            )
            .ToList();
        return new VisitPlan(day, cycleStart, cycleEnd, perDay, plan);
    }

    /// <summary>
    /// Coverage of a cycle under an area: per grid (households visited at least once, must-visits this month) and per
    /// visitor.
    /// </summary>
    public async Task<Result<Coverage>> CoverageAsync(Caller caller, long areaId, DateOnly? date, CancellationToken ct)
    {
        if (await areas.GetAsync(areaId, ct) is not { } area)
            return HouseholdErrors.AreaNotFound;
        if (!caller.IsStaffOver(area.Path))
            return HouseholdErrors.NotAllowed;
        var day = date ?? ChinaTime.Today(Now);
        var (start, end) = CycleOf(day);
        var args = new
        {
            path = area.Path,
            from = ChinaTime.ToUtc(start, TimeOnly.MinValue),
            to = ChinaTime.ToUtc(end.AddDays(1), TimeOnly.MinValue),
            month = ChinaTime.ToUtc(new DateOnly(day.Year, day.Month, 1), TimeOnly.MinValue),
            monthEnd = ChinaTime.ToUtc(new DateOnly(day.Year, day.Month, 1).AddMonths(1), TimeOnly.MinValue),
        };
        // A period that has not ended is read from each household's last visit (no visit lies in the future); an
        // ended one from the visits themselves.
        var now = Now;
        string Seen(string from, string to, DateTime end) =>
            end > now
                ? $"h.last_visited_at >= {from}"
                : $"EXISTS (SELECT 1 FROM visit v WHERE v.household_id = h.id AND v.visited_at >= {from} "
                    + $"AND v.visited_at < {to})";
        await using var c = await db.OpenAsync(ct);
        var grids = (
            await c.QueryAsync<GridCoverage>(
                new CommandDefinition(
                    $"""
                    SELECT g.id AS GridId, g.name AS GridName, COUNT(h.id) AS Households,
                      COUNT(CASE WHEN {Seen("@from", "@to", args.to)} THEN 1 END) AS Visited,
                      COUNT(CASE WHEN h.must_visit = 1 THEN 1 END) AS MustVisit,
                      COUNT(CASE WHEN h.must_visit = 1 AND {Seen("@month", "@monthEnd", args.monthEnd)} THEN 1 END)
                        AS MustVisitedThisMonth
                    FROM area g JOIN area b ON b.parent_id = g.id AND b.kind = 'building'
                    JOIN household h ON h.building_id = b.id
                    WHERE g.kind = 'grid' AND g.path LIKE CONCAT(@path, '%')
                    GROUP BY g.id, g.name ORDER BY g.id
                    """,
                    args,
                    cancellationToken: ct,
                    commandTimeout: 120
                )
            )
        ).AsList();
        var visitors = await c.QueryAsync<VisitorCoverage>(
            new CommandDefinition(
                """
                SELECT v.visitor_id AS PersonId, p.name, COUNT(*) AS Visits, COUNT(DISTINCT v.household_id) AS
                  Households
                FROM visit v JOIN household h ON h.id = v.household_id JOIN area b ON b.id = h.building_id
                JOIN person p ON p.id = v.visitor_id
                WHERE v.visited_at >= @from AND v.visited_at < @to AND b.path LIKE CONCAT(@path, '%')
                GROUP BY v.visitor_id, p.name ORDER BY Visits DESC LIMIT 500
                """,
                args,
                cancellationToken: ct,
                commandTimeout: 120
            )
        );
        // 包联 under the area: this month's visits (in the assignment's area) against the quota.
        var assignees = await c.QueryAsync<AssigneeProgress>(
            new CommandDefinition(
                """
                SELECT s.person_id AS PersonId, p.name, s.role, a.name AS AreaName, s.monthly_quota AS MonthlyQuota,
                  (SELECT COUNT(*) FROM visit v JOIN household h ON h.id = v.household_id
                     JOIN area b ON b.id = h.building_id
                    WHERE v.visitor_id = s.person_id AND v.visited_at >= @month AND v.visited_at < @monthEnd
                      AND b.path LIKE CONCAT(a.path, '%')) AS VisitsThisMonth
                FROM area_assignment s JOIN area a ON a.id = s.area_id JOIN person p ON p.id = s.person_id
                WHERE a.path LIKE CONCAT(@path, '%') AND @day BETWEEN s.starts_on AND s.ends_on
                ORDER BY s.id LIMIT 500
                """,
                new
                {
                    args.path,
                    args.month,
                    args.monthEnd,
                    day = day.ToDateTime(TimeOnly.MinValue),
                },
                cancellationToken: ct
            )
        );
        var households = grids.Sum(g => g.Households);
        var visited = grids.Sum(g => g.Visited);
        return new Coverage(
            start,
            end,
            households,
            visited,
            households == 0 ? 0 : Math.Round((double)visited / households, 3),
            grids,
            visitors.AsList(),
            assignees.AsList()
        );
    }

    /// <summary>
    /// 包联: the community's staff (secretary or street) assign a cadre or volunteer to an area with a quota.
    /// </summary>
    public async Task<Result<long>> AssignAsync(
        Caller caller,
        long? personId,
        long areaId,
        string? role,
        int? monthlyQuota,
        DateOnly? from,
        DateOnly? to,
        CancellationToken ct
    )
    {
        if (await areas.GetAsync(areaId, ct) is not { } area || area.Kind is AreaKind.Street or AreaKind.County)
            return HouseholdErrors.AreaNotFound;
        if (!caller.CanApproveIn(area.Path))
            return HouseholdErrors.NotAllowed;
        if (
            personId is not { } person
            || role is not ("cadre" or "volunteer")
            || monthlyQuota is not (>= 0 and <= 200)
            || from is not { } start
            || to is not { } end
            || end < start
        )
            return HouseholdErrors.InvalidAssignment;
        await using var c = await db.OpenAsync(ct);
        if (
            !await c.ExecuteScalarAsync<bool>(
                new CommandDefinition(
                    "SELECT EXISTS (SELECT 1 FROM person WHERE id = @person)",
                    new { person },
                    cancellationToken: ct
                )
            )
        )
            return HouseholdErrors.InvalidAssignment;
        return await c.ExecuteScalarAsync<long>(
            new CommandDefinition(
                """
                INSERT INTO area_assignment (person_id, area_id, role, monthly_quota, starts_on, ends_on, created_by,
                  created_at)
                VALUES (@person, @areaId, @role, @monthlyQuota, @start, @end, @by, @now); SELECT LAST_INSERT_ID();
                """,
                new
                {
                    person,
                    areaId,
                    role,
                    monthlyQuota,
                    start = start.ToDateTime(TimeOnly.MinValue),
                    end = end.ToDateTime(TimeOnly.MinValue),
                    by = caller.PersonId,
                    now = Now,
                },
                cancellationToken: ct
            )
        );
    }

    /// <summary>
    /// Visits falling behind, once each (keyed): from the 20th, each grid worker with must-visit households not yet
    /// visited this month is told how many; in a new month, must-visits missed last month go to the grid worker and the
    /// secretary; and a grid worker whose cycle coverage trails the time gone by more than 20 points hears it weekly.
    /// </summary>
    public async Task<int> RemindAsync(CancellationToken ct)
    {
        var now = Now;
        var today = ChinaTime.Today(now);
        var monthStart = new DateOnly(today.Year, today.Month, 1);
        var lastMonth = monthStart.AddMonths(-1);
        await using var c = await db.OpenAsync(ct);
        var sent = 0;

        async Task<Dictionary<long, List<string>>> ByWorkerAsync(IEnumerable<string> buildingPaths, bool secretariesToo)
        {
            var to = new Dictionary<long, List<string>>();
            foreach (var path in buildingPaths.Distinct())
            {
                var people = (await recipients.GridWorkersAsync(path, ct)).ToList();
                if (secretariesToo)
                    people.AddRange(await recipients.SecretariesAsync(path, ct));
                foreach (var p in people.Distinct())
                    (to.TryGetValue(p, out var l) ? l : to[p] = []).Add(path);
            }
            return to;
        }

        if (today.Day >= 20)
        {
            var due = await c.QueryAsync<string>(
                new CommandDefinition(
                    "SELECT b.path FROM household h JOIN area b ON b.id = h.building_id WHERE h.must_visit = 1 "
                        + "AND (h.last_visited_at IS NULL OR h.last_visited_at < @month) LIMIT 100000",
                    new { month = ChinaTime.ToUtc(monthStart, TimeOnly.MinValue) },
                    cancellationToken: ct,
                    commandTimeout: 120
                )
            );
            foreach (var (person, paths) in await ByWorkerAsync(due, false))
                sent += await Outbox.EnqueueAsync(
                    c,
                    null,
                    [person],
                    new Notice(
                        "visit_due",
                        "重点户走访提醒",
                        $"本月还有{paths.Count}户重点户（困难、重病、失业、独居老人、社区矫正）未走访，请在月底前完成",
                        Ref: "visits:plan"
                    ),
                    $"visit-due:{person}:{monthStart:yyyyMM}",
                    now,
                    ct
                );
        }

        var missed = await c.QueryAsync<string>(
            new CommandDefinition(
                """
                SELECT b.path FROM household h JOIN area b ON b.id = h.building_id
                 WHERE h.must_visit = 1 AND h.created_at < @month
                   AND NOT EXISTS (SELECT 1 FROM visit v WHERE v.household_id = h.id AND v.visited_at >= @last
                                     AND v.visited_at < @month)
                 LIMIT 100000
                """,
                new
                {
                    last = ChinaTime.ToUtc(lastMonth, TimeOnly.MinValue),
                    month = ChinaTime.ToUtc(monthStart, TimeOnly.MinValue),
                },
                cancellationToken: ct,
                commandTimeout: 120
            )
        );
        foreach (var (person, paths) in await ByWorkerAsync(missed, true))
            sent += await Outbox.EnqueueAsync(
                c,
                null,
                [person],
                new Notice(
                    "visit_overdue",
                    "重点户走访逾期",
                    $"{lastMonth:yyyy年M月}有{paths.Count}户重点户未按月走访，请尽快补访",
                    Ref: "visits:plan"
                ),
                $"visit-overdue:{person}:{lastMonth:yyyyMM}",
                now,
                ct
            );

        var (cycleStart, cycleEnd) = CycleOf(today);
        var length = cycleEnd.DayNumber - cycleStart.DayNumber + 1;
        var gone = (double)(today.DayNumber - cycleStart.DayNumber + 1) / length;
        if (gone >= 0.25)
        {
            var pace = await c.QueryAsync<(long Person, long Households, long Visited)>(
                new CommandDefinition(
                    """
                    SELECT s.person_id, COUNT(h.id),
                      COUNT(CASE WHEN h.last_visited_at >= @cycle THEN 1 END)
                    FROM staff_role s JOIN area g ON g.id = s.area_id JOIN area b ON b.path LIKE CONCAT(g.path, '%')
                      AND b.kind = 'building'
                    JOIN household h ON h.building_id = b.id
                    WHERE s.role = 'grid_worker' GROUP BY s.person_id
                    """,
                    new { cycle = ChinaTime.ToUtc(cycleStart, TimeOnly.MinValue) },
                    cancellationToken: ct,
                    commandTimeout: 120
                )
            );
            var week = today.DayNumber / 7;
            foreach (var p in pace.Where(p => p.Households > 0 && (double)p.Visited / p.Households < gone - 0.2))
                sent += await Outbox.EnqueueAsync(
                    c,
                    null,
                    [p.Person],
                    new Notice(
                        "visit_behind",
                        "走访进度落后",
                        $"本轮（{cycleStart:M月d日}–{cycleEnd:M月d日}）已走访{p.Visited}/{p.Households}户，"
                            + $"时间已过{gone:P0}，请按每日七户安排走访",
                        Ref: "visits:plan"
                    ),
                    $"visit-behind:{p.Person}:{cycleStart:yyyyMM}:{week}",
                    now,
                    ct
                );
        }
        return sent;
    }
}
