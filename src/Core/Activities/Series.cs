using System.Globalization;
using Dapper;
using Governance.Core.Areas;
using Governance.Core.Data;
using Governance.Core.Errors;
using Governance.Core.Notifications;
using Governance.Core.People;
using Governance.Core.Text;
using Governance.Core.Time;

namespace Governance.Core.Activities;

public sealed record NewSeries(
    string? Title,
    string? Kind,
    string? Weekdays,
    string? Starts,
    string? Ends,
    DateOnly? FirstDay,
    DateOnly? LastDay,
    int? Capacity,
    int? Volunteers,
    string? Place
);

public sealed record SeriesInfo
{
    public long Id { get; init; }
    public long CommunityId { get; init; }
    public string CommunityPath { get; init; } = "";
    public string Title { get; init; } = "";
    public string Kind { get; init; } = "";
    public string Weekdays { get; init; } = "";
    public TimeSpan Starts { get; init; }
    public TimeSpan Ends { get; init; }
    public DateTime FirstDay { get; init; }
    public DateTime LastDay { get; init; }
    public int Capacity { get; init; }
    public int Volunteers { get; init; }
    public string Place { get; init; } = "";
    public long Enrolled { get; init; }
    public long Waitlisted { get; init; }
}

public sealed record Enrolment(long Id, long GuardianId, string Participant, int? Age, string Status);

/// <summary>A session of the series with the volunteers on its rota and how many of the enrolled came.</summary>
public sealed record Session
{
    public long ActivityId { get; init; }
    public DateTime StartsAt { get; init; }
    public int VolunteersNeeded { get; init; }
    public int VolunteersSigned { get; init; }
    public long Present { get; init; }
}

public sealed record SeriesDetail(
    SeriesInfo Series,
    IReadOnlyList<Enrolment> Enrolments,
    IReadOnlyList<Session> Sessions
);

public static class SeriesErrors
{
    public static readonly ErrorCode Invalid = new(
        "series.invalid",
        ErrorKind.Validation,
        "请填写名称、类型（class 课堂或 clinic 义诊）、星期（如 1,2,3,4,5）、时间（HH:mm）、起止日期（不超过一年）、"
            + "容量（1–500）、每次所需志愿者（0–50）和地点",
        "title"
    );
    public static readonly ErrorCode NotFound = new("series.not_found", ErrorKind.NotFound, "服务项目不存在");
    public static readonly ErrorCode InvalidParticipant = new(
        "series.invalid_participant",
        ErrorKind.Validation,
        "请填写参加人姓名（不超过30字）和年龄（0–120）",
        "participant"
    );
    public static readonly ErrorCode AlreadyEnrolled = new(
        "series.already_enrolled",
        ErrorKind.Conflict,
        "这位已经报名"
    );
    public static readonly ErrorCode EnrolmentNotFound = new(
        "series.enrolment_not_found",
        ErrorKind.NotFound,
        "报名记录不存在"
    );
    public static readonly ErrorCode Ended = new("series.ended", ErrorKind.Conflict, "服务项目已结束");
    public static readonly ErrorCode StaffOnly = new(
        "series.staff_only",
        ErrorKind.Forbidden,
        "由社区工作人员设立和记录考勤"
    );
    public static readonly ErrorCode NotASession = new(
        "series.not_a_session",
        ErrorKind.Validation,
        "考勤须记在该项目的某次课上，且只记已报名（在册）的人",
        "present"
    );

    public static readonly ErrorCode[] Create = [ActivityErrors.CommunityNotFound, StaffOnly, Invalid];
    public static readonly ErrorCode[] Enrol = [NotFound, InvalidParticipant, AlreadyEnrolled, Ended];
    public static readonly ErrorCode[] Withdraw = [EnrolmentNotFound];
    public static readonly ErrorCode[] Attendance = [NotFound, StaffOnly, NotASession];
}

/// <summary>
/// Recurring services such as 四点半课堂 (Monday–Friday 16:30–18:00) or free clinics: a series with a capacity whose
/// sessions are activities (each with a volunteer post, so the rota is whoever signs up for a session); residents enrol
/// a child with themselves as guardian — enrolled while there is room, waitlisted after, and the first waiting moves up
/// (and is told) when someone withdraws; staff record who came to each session.
/// </summary>
public sealed class Series(Db db, AreaStore areas, Activities activities, TimeProvider clock)
{
    public const int MaxSessions = 260;
    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    private static TimeSpan? Clock(string? text) =>
        TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)
            ? t.ToTimeSpan()
            : null;

    public async Task<Result<SeriesDetail>> CreateAsync(
        Caller caller,
        long communityId,
        NewSeries input,
        CancellationToken ct
    )
    {
        if (await areas.GetAsync(communityId, ct) is not { Kind: AreaKind.Community } community)
            return ActivityErrors.CommunityNotFound;
        if (!caller.IsStaffOver(community.Path))
            return SeriesErrors.StaffOnly;
        var days = (input.Weekdays ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => int.TryParse(d, out var n) ? n : 0)
            .ToList();
        var title = input.Title?.Trim();
        var place = input.Place?.Trim();
        if (
            string.IsNullOrEmpty(title)
            || Chars.Count(title) > 60
            || string.IsNullOrEmpty(place)
            || Chars.Count(place) > 100
            || input.Kind is not ("class" or "clinic")
            || days.Count == 0
            || days.Any(d => d is < 1 or > 7)
            || Clock(input.Starts) is not { } starts
            || Clock(input.Ends) is not { } ends
            || ends <= starts
            || input.FirstDay is not { } first
            || input.LastDay is not { } last
            || last < first
            || first < ChinaTime.Today(Now)
            || last.DayNumber - first.DayNumber > 366
            || input.Capacity is not (>= 1 and <= 500)
            || input.Volunteers is not (>= 0 and <= 50)
        )
            return SeriesErrors.Invalid;
        var sessions = Enumerable
            .Range(0, last.DayNumber - first.DayNumber + 1)
            .Select(first.AddDays)
            .Where(d => days.Contains(d.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)d.DayOfWeek))
            .Take(MaxSessions)
            .ToList();
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var id = await c.ExecuteScalarAsync<long>(
            new CommandDefinition(
                """
                INSERT INTO service_series (community_id, title, kind, weekdays, starts, ends, first_day, last_day,
                  capacity, volunteers, place, created_by, created_at)
                VALUES (@communityId, @title, @Kind, @weekdays, @starts, @ends, @first, @last, @Capacity, @Volunteers,
                  @place, @by, @now);
                SELECT LAST_INSERT_ID();
                """,
                new
                {
                    communityId,
                    title,
                    input.Kind,
                    weekdays = string.Join(',', days.Distinct().Order()),
                    starts,
                    ends,
                    first = first.ToDateTime(TimeOnly.MinValue),
                    last = last.ToDateTime(TimeOnly.MinValue),
                    input.Capacity,
                    input.Volunteers,
                    place,
                    by = caller.PersonId,
                    now = Now,
                },
                tx,
                cancellationToken: ct
            )
        );
        foreach (var day in sessions)
        {
            var activity = await activities.InsertAsync(
                c,
                tx,
                communityId,
                null,
                id,
                title,
                "",
                place,
                null,
                null,
                ChinaTime.ToUtc(day, TimeOnly.FromTimeSpan(starts)),
                ChinaTime.ToUtc(day, TimeOnly.FromTimeSpan(ends)),
                caller.PersonId,
                ct
            );
            if (input.Volunteers > 0)
                await c.ExecuteAsync(
                    new CommandDefinition(
                        "INSERT INTO activity_post (activity_id, name, slots) VALUES (@activity, '志愿者', @n)",
                        new { activity, n = input.Volunteers },
                        tx,
                        cancellationToken: ct
                    )
                );
        }
        await tx.CommitAsync(ct);
        return (await DetailAsync(caller, id, ct)).Value!;
    }

    private static Task<SeriesInfo?> InfoAsync(System.Data.Common.DbConnection c, long id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<SeriesInfo>(
            new CommandDefinition(
                """
                SELECT s.id, s.community_id AS CommunityId, a.path AS CommunityPath, s.title, s.kind, s.weekdays,
                  s.starts, s.ends, s.first_day AS FirstDay, s.last_day AS LastDay, s.capacity, s.volunteers, s.place,
                  (SELECT COUNT(*) FROM series_enrolment e WHERE e.series_id = s.id AND e.status = 'enrolled')
                    AS Enrolled,
                  (SELECT COUNT(*) FROM series_enrolment e WHERE e.series_id = s.id AND e.status = 'waitlisted')
                    AS Waitlisted
                FROM service_series s JOIN area a ON a.id = s.community_id WHERE s.id = @id
                """,
                new { id },
                cancellationToken: ct
            )
        );

    /// <summary>
    /// The series, its sessions with their rota, and the enrolments (staff see all; a guardian their own).
    /// </summary>
    public async Task<Result<SeriesDetail>> DetailAsync(Caller caller, long id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        if (await InfoAsync(c, id, ct) is not { } s)
            return SeriesErrors.NotFound;
        var staff = caller.IsStaffOver(s.CommunityPath);
        var enrolments = await c.QueryAsync<Enrolment>(
            new CommandDefinition(
                "SELECT id, guardian_id AS GuardianId, participant, age, status FROM series_enrolment "
                    + "WHERE series_id = @id AND status <> 'withdrawn' AND (@staff OR guardian_id = @person) ORDER "
                    + "BY id",
                new
                {
                    id,
                    staff,
                    person = caller.PersonId,
                },
                cancellationToken: ct
            )
        );
        var sessions = await c.QueryAsync<Session>(
            new CommandDefinition(
                """
                SELECT a.id AS ActivityId, a.starts_at AS StartsAt, COALESCE(p.slots, 0) AS VolunteersNeeded,
                  COALESCE(p.taken, 0) AS VolunteersSigned,
                  (SELECT COUNT(*) FROM series_attendance t WHERE t.activity_id = a.id AND t.present = 1) AS Present
                FROM activity a LEFT JOIN activity_post p ON p.activity_id = a.id
                WHERE a.series_id = @id ORDER BY a.starts_at
                """,
                new { id },
                cancellationToken: ct
            )
        );
        return new SeriesDetail(s, enrolments.AsList(), sessions.AsList());
    }

    /// <summary>
    /// A guardian enrols a participant: enrolled while fewer than the capacity are, waitlisted after. The series row is
    /// locked for the count, so two enrolments at once cannot both take the last place.
    /// </summary>
    public async Task<Result<Enrolment>> EnrolAsync(
        Caller caller,
        long id,
        string? participant,
        int? age,
        CancellationToken ct
    )
    {
        var name = participant?.Trim();
        if (string.IsNullOrEmpty(name) || Chars.Count(name) > 30 || Chars.HasControl(name) || age is < 0 or > 120)
            return SeriesErrors.InvalidParticipant;
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var series = await c.QuerySingleOrDefaultAsync<(int Capacity, DateTime LastDay)?>(
            new CommandDefinition(
                "SELECT capacity, last_day FROM service_series WHERE id = @id FOR UPDATE",
                new { id },
                tx,
                cancellationToken: ct
            )
        );
        if (series is null)
            return SeriesErrors.NotFound;
        if (DateOnly.FromDateTime(series.Value.LastDay) < ChinaTime.Today(Now))
            return SeriesErrors.Ended;
        var counts = await c.QuerySingleAsync<(long Enrolled, long Same)>(
            new CommandDefinition(
                """
                SELECT COALESCE(SUM(status = 'enrolled'), 0),
                       COALESCE(SUM(guardian_id = @guardian AND participant = @name AND status <> 'withdrawn'), 0)
                FROM series_enrolment WHERE series_id = @id
                """,
                new
                {
                    id,
                    guardian = caller.PersonId,
                    name,
                },
                tx,
                cancellationToken: ct
            )
        );
        if (counts.Same > 0)
            return SeriesErrors.AlreadyEnrolled;
        var status = counts.Enrolled < series.Value.Capacity ? "enrolled" : "waitlisted";
        var enrolmentId = await c.ExecuteScalarAsync<long>(
            new CommandDefinition(
                "INSERT INTO series_enrolment (series_id, guardian_id, participant, age, status, created_at) "
                    + "VALUES (@id, @guardian, @name, @age, @status, @now); SELECT LAST_INSERT_ID();",
                new
                {
                    id,
                    guardian = caller.PersonId,
                    name,
                    age,
                    status,
                    now = Now,
                },
                tx,
                cancellationToken: ct
            )
        );
        await tx.CommitAsync(ct);
        return new Enrolment(enrolmentId, caller.PersonId, name, age, status);
    }

    /// <summary>The guardian (or staff) withdraws; the first on the waiting list moves up and is told.</summary>
    public async Task<Result<SeriesDetail>> WithdrawAsync(Caller caller, long enrolmentId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var e = await c.QuerySingleOrDefaultAsync<
            (long SeriesId, long Guardian, string Status, string Path, string Title)?
        >(
            new CommandDefinition(
                "SELECT e.series_id, e.guardian_id, e.status, a.path, s.title FROM series_enrolment e "
                    + "JOIN service_series s ON s.id = e.series_id JOIN area a ON a.id = s.community_id "
                    + "WHERE e.id = @enrolmentId",
                new { enrolmentId },
                cancellationToken: ct
            )
        );
        if (e is not { } row || (row.Guardian != caller.PersonId && !caller.IsStaffOver(row.Path)))
            return SeriesErrors.EnrolmentNotFound;
        await using var tx = await c.BeginTransactionAsync(ct);
        await c.ExecuteAsync(
            new CommandDefinition(
                "SELECT id FROM service_series WHERE id = @id FOR UPDATE",
                new { id = row.SeriesId },
                tx,
                cancellationToken: ct
            )
        );
        var left = await c.ExecuteAsync(
            new CommandDefinition(
                "UPDATE series_enrolment SET status = 'withdrawn' WHERE id = @enrolmentId AND status <> 'withdrawn'",
                new { enrolmentId },
                tx,
                cancellationToken: ct
            )
        );
        (long Id, long Guardian, string Participant)? promoted = null;
        if (left == 1 && row.Status == "enrolled")
        {
            promoted = await c.QuerySingleOrDefaultAsync<(long, long, string)?>(
                new CommandDefinition(
                    "SELECT id, guardian_id, participant FROM series_enrolment WHERE series_id = @id "
                        + "AND status = 'waitlisted' ORDER BY id LIMIT 1 FOR UPDATE",
                    new { id = row.SeriesId },
                    tx,
                    cancellationToken: ct
                )
            );
            if (promoted is { } p)
                await c.ExecuteAsync(
                    new CommandDefinition(
                        "UPDATE series_enrolment SET status = 'enrolled' WHERE id = @id",
                        new { id = p.Id },
                        tx,
                        cancellationToken: ct
                    )
                );
        }
        if (promoted is { } up)
            await Outbox.EnqueueAsync(
                c,
                tx,
                [up.Guardian],
                new Notice(
                    "series_enrolled",
                    "候补已转为正式报名",
                    $"{up.Participant}已从候补转为「{Chars.Shorten(row.Title, 20)}」的正式学员",
                    Ref: $"series:{row.SeriesId}"
                ),
                $"series-promoted:{up.Id}",
                Now,
                ct
            );
        await tx.CommitAsync(ct);
        return (await DetailAsync(caller, row.SeriesId, ct)).Value!;
    }

    /// <summary>Staff record who of the enrolled came to a session (the list given is the present).</summary>
    public async Task<Result<SeriesDetail>> AttendanceAsync(
        Caller caller,
        long activityId,
        IReadOnlyList<long>? present,
        CancellationToken ct
    )
    {
        await using var c = await db.OpenAsync(ct);
        var seriesId = await c.ExecuteScalarAsync<long?>(
            new CommandDefinition(
                "SELECT series_id FROM activity WHERE id = @activityId",
                new { activityId },
                cancellationToken: ct
            )
        );
        if (seriesId is not { } sid || await InfoAsync(c, sid, ct) is not { } s)
            return SeriesErrors.NotASession;
        if (!caller.IsStaffOver(s.CommunityPath))
            return SeriesErrors.StaffOnly;
        var enrolled = (
            await c.QueryAsync<long>(
                new CommandDefinition(
                    "SELECT id FROM series_enrolment WHERE series_id = @sid AND status = 'enrolled'",
                    new { sid },
                    cancellationToken: ct
                )
            )
        ).ToHashSet();
        var here = (present ?? []).ToHashSet();
        if (!here.IsSubsetOf(enrolled))
            return SeriesErrors.NotASession;
        await using var tx = await c.BeginTransactionAsync(ct);
        await c.ExecuteAsync(
            new CommandDefinition(
                """
                INSERT INTO series_attendance (activity_id, enrolment_id, present, recorded_by, recorded_at)
                VALUES (@activityId, @Enrolment, @Present, @by, @now)
                ON DUPLICATE KEY UPDATE present = VALUES(present), recorded_by = VALUES(recorded_by),
                  recorded_at = VALUES(recorded_at)
                """,
                enrolled.Select(e => new
                {
                    activityId,
                    Enrolment = e,
                    Present = here.Contains(e),
                    by = caller.PersonId,
                    now = Now,
                }),
                tx,
                cancellationToken: ct
            )
        );
        await tx.CommitAsync(ct);
        return (await DetailAsync(caller, sid, ct)).Value!;
    }
}
