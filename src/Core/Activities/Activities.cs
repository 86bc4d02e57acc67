using System.Data.Common;
using Dapper;
using Governance.Core.Areas;
using Governance.Core.Checkin;
using Governance.Core.Data;
using Governance.Core.Errors;
using Governance.Core.Notifications;
using Governance.Core.People;
using Governance.Core.Service;
using Governance.Core.Text;
using Governance.Core.Time;

namespace Governance.Core.Activities;

/// <summary>
/// Volunteer activities organised by a community (its staff) or by a unit serving it (its admins): posts (岗位) with a
/// number of places; sign-up by members and registered volunteers; check-in and check-out on site with the rotating
/// code (and, when the venue has a location, within 500 m of it); hours proposed from check-in and check-out and
/// approved by the organiser on closing, each approval a line of the person's service record; no-shows recorded. A
/// post's places are counted on the post row in the sign-up's commit (guarded by a CHECK), so a full post stays full
/// however many sign up at once.
/// </summary>
public sealed class Activities(Db db, AreaStore areas, TimeProvider clock)
{
    public const int MaxPosts = 20;
    public const double NearMetres = 500;
    public static readonly TimeSpan EarlyCheckIn = TimeSpan.FromMinutes(30);
    public static readonly TimeSpan LateCheckOut = TimeSpan.FromHours(1);

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    internal const string Columns = """
        a.id, a.community_id AS CommunityId, c.path AS CommunityPath, a.unit_id AS UnitId, u.name AS UnitName,
        a.series_id AS SeriesId, a.title, a.description, a.place, a.latitude, a.longitude, a.starts_at AS StartsAt,
        a.ends_at AS EndsAt, a.status, a.created_by AS CreatedBy, a.checkin_secret AS CheckinSecret
        FROM activity a JOIN area c ON c.id = a.community_id LEFT JOIN unit u ON u.id = a.unit_id
        """;

    private static bool IsOrganiser(Caller caller, Activity a) =>
        caller.IsStaffOver(a.CommunityPath) || (a.UnitId is { } u && caller.UnitAdminOf.Contains(u));

    public async Task<Result<ActivityDetail>> CreateAsync(
        Caller caller,
        long communityId,
        NewActivity input,
        CancellationToken ct
    )
    {
        if (await areas.GetAsync(communityId, ct) is not { Kind: AreaKind.Community } community)
            return ActivityErrors.CommunityNotFound;
        var organiser = input.UnitId is { } unitId
            ? caller.UnitServing(unitId, community.Path) is not null && caller.UnitAdminOf.Contains(unitId)
            : caller.IsStaffOver(community.Path);
        if (!organiser)
            return ActivityErrors.OrganiserOnly;
        var title = input.Title?.Trim();
        var place = input.Place?.Trim();
        if (
            string.IsNullOrEmpty(title)
            || Chars.Count(title) > 60
            || string.IsNullOrEmpty(place)
            || Chars.Count(place) > 100
            || (input.Description is { } d && Chars.Count(d) > 1000)
            || input.StartsAt is not { } starts
            || input.EndsAt is not { } ends
            || ends <= starts
            || (ends - starts).TotalHours > 12
            || starts.UtcDateTime < Now
        )
            return ActivityErrors.Invalid;
        var posts = input.Posts ?? [];
        if (
            posts.Count is 0 or > MaxPosts
            || posts.Any(p =>
                p.Name?.Trim() is not { Length: > 0 } n || Chars.Count(n) > 30 || p.Slots is not (>= 1 and <= 500)
            )
        )
            return ActivityErrors.InvalidPost;
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var id = await InsertAsync(
            c,
            tx,
            communityId,
            input.UnitId,
            null,
            title,
            input.Description?.Trim() ?? "",
            place,
            input.Latitude,
            input.Longitude,
            starts.UtcDateTime,
            ends.UtcDateTime,
            caller.PersonId,
            ct
        );
        await c.ExecuteAsync(
            new CommandDefinition(
                "INSERT INTO activity_post (activity_id, name, skills, slots) VALUES (@id, @Name, @Skills, @Slots)",
                posts.Select(p => new
                {
                    id,
                    Name = p.Name!.Trim(),
                    Skills = p.Skills?.Trim() ?? "",
                    p.Slots,
                }),
                tx,
                cancellationToken: ct
            )
        );
        await tx.CommitAsync(ct);
        return (await DetailAsync(c, caller, id, ct)).Value!;
    }

    internal async Task<long> InsertAsync(
        DbConnection c,
        DbTransaction tx,
        long communityId,
        long? unitId,
        long? seriesId,
        string title,
        string description,
        string place,
        decimal? latitude,
        decimal? longitude,
        DateTime startsAt,
        DateTime endsAt,
        long createdBy,
        CancellationToken ct
    ) =>
        await c.ExecuteScalarAsync<long>(
            new CommandDefinition(
                """
                INSERT INTO activity (community_id, unit_id, series_id, title, description, place, latitude, longitude,
                  starts_at, ends_at, status, checkin_secret, created_by, created_at)
                VALUES (@communityId, @unitId, @seriesId, @title, @description, @place, @latitude, @longitude,
                  @startsAt, @endsAt, 'open', @secret, @createdBy, @now);
                SELECT LAST_INSERT_ID();
                """,
                new
                {
                    communityId,
                    unitId,
                    seriesId,
                    title,
                    description,
                    place,
                    latitude,
                    longitude,
                    startsAt,
                    endsAt,
                    secret = RotatingCode.NewSecret(),
                    createdBy,
                    now = Now,
                },
                tx,
                cancellationToken: ct
            )
        );

    private static Task<Activity?> RowAsync(DbConnection c, long id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<Activity>(
            new CommandDefinition($"SELECT {Columns} WHERE a.id = @id", new { id }, cancellationToken: ct)
        );

    /// <summary>
    /// Upcoming and recent activities of a community, for anyone signed in (the residents served included).
    /// </summary>
    public async Task<Result<IReadOnlyList<Activity>>> BrowseAsync(long communityId, CancellationToken ct)
    {
        if (await areas.GetAsync(communityId, ct) is not { Kind: AreaKind.Community })
            return ActivityErrors.CommunityNotFound;
        await using var c = await db.OpenAsync(ct);
        return (
            await c.QueryAsync<Activity>(
                new CommandDefinition(
                    $"SELECT {Columns} WHERE a.community_id = @communityId AND a.starts_at >= @since "
                        + "AND a.status <> 'cancelled' ORDER BY a.starts_at LIMIT 200",
                    new { communityId, since = Now.AddDays(-30) },
                    cancellationToken: ct
                )
            )
        ).AsList();
    }

    private sealed class SignupRow
    {
        public long PersonId { get; init; }
        public long PostId { get; init; }
        public string Status { get; init; } = "";
        public DateTime? CheckedInAt { get; init; }
        public DateTime? CheckedOutAt { get; init; }
        public int? ProposedMinutes { get; init; }
        public int? ApprovedMinutes { get; init; }
    }

    /// <summary>
    /// The activity, its posts with places taken, and who serves: everyone sees the public cards of those signed up
    /// (亮身份); the organiser also sees check-in, check-out and hours.
    /// </summary>
    public async Task<Result<ActivityDetail>> DetailAsync(Caller caller, long id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await DetailAsync(c, caller, id, ct);
    }

    private static async Task<Result<ActivityDetail>> DetailAsync(
        DbConnection c,
        Caller caller,
        long id,
        CancellationToken ct
    )
    {
        if (await RowAsync(c, id, ct) is not { } a)
            return ActivityErrors.NotFound;
        var posts = await c.QueryAsync<ActivityPost>(
            new CommandDefinition(
                "SELECT id, name, skills, slots, taken FROM activity_post WHERE activity_id = @id ORDER BY id",
                new { id },
                cancellationToken: ct
            )
        );
        var signups = (
            await c.QueryAsync<SignupRow>(
                new CommandDefinition(
                    """
                    SELECT person_id AS PersonId, post_id AS PostId, status, checked_in_at AS CheckedInAt,
                      checked_out_at AS CheckedOutAt, proposed_minutes AS ProposedMinutes,
                      approved_minutes AS ApprovedMinutes
                    FROM activity_signup WHERE activity_id = @id AND status <> 'cancelled' ORDER BY id
                    """,
                    new { id },
                    cancellationToken: ct
                )
            )
        ).AsList();
        var cards = await ServiceRecords.CardsAsync(c, signups.Select(s => s.PersonId).ToList(), ct);
        var organiser = IsOrganiser(caller, a);
        var people = signups
            .Select(s =>
                organiser || s.PersonId == caller.PersonId
                    ? new Participant(
                        s.PersonId,
                        s.PostId,
                        s.Status,
                        s.CheckedInAt,
                        s.CheckedOutAt,
                        s.ProposedMinutes,
                        s.ApprovedMinutes,
                        cards[s.PersonId]
                    )
                    : new Participant(s.PersonId, s.PostId, s.Status, null, null, null, null, cards[s.PersonId])
            )
            .ToList();
        return new ActivityDetail(a, posts.AsList(), people);
    }

    /// <summary>
    /// A member (registered anywhere) or a registered volunteer takes a place on a post, before the start.
    /// </summary>
    public async Task<Result<ActivityDetail>> SignUpAsync(Caller caller, long id, long? postId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        if (await RowAsync(c, id, ct) is not { } a)
            return ActivityErrors.NotFound;
        if (!await ServiceRecords.CanServeAsync(c, caller.PersonId, ct))
            return ActivityErrors.NotVolunteer;
        if (a.Status != "open" || a.StartsAt <= Now)
            return ActivityErrors.NotOpen;
        await using var tx = await c.BeginTransactionAsync(ct);
        // The place first: the post row's count, guarded, is what makes "full" true under any concurrency.
        var took = await c.ExecuteAsync(
            new CommandDefinition(
                "UPDATE activity_post SET taken = taken + 1 WHERE id = @postId AND activity_id = @id AND taken < slots",
                new { postId, id },
                tx,
                cancellationToken: ct
            )
        );
        if (took == 0)
        {
            await tx.RollbackAsync(ct);
            var exists = await c.ExecuteScalarAsync<bool>(
                new CommandDefinition(
                    "SELECT EXISTS (SELECT 1 FROM activity_post WHERE id = @postId AND activity_id = @id)",
                    new { postId, id },
                    cancellationToken: ct
                )
            );
            return exists ? ActivityErrors.PostFull : ActivityErrors.PostNotFound;
        }
        try
        {
            await c.ExecuteAsync(
                new CommandDefinition(
                    """
                    INSERT INTO activity_signup (activity_id, post_id, person_id, status, created_at)
                    VALUES (@id, @postId, @person, 'signed', @now)
                    """,
                    new
                    {
                        id,
                        postId,
                        person = caller.PersonId,
                        now = Now,
                    },
                    tx,
                    cancellationToken: ct
                )
            );
        }
        catch (Exception ex) when (MySqlDriver.IsDuplicateKey(ex))
        {
            await tx.RollbackAsync(ct);
            // Signed up before and cancelled: sign up again on the chosen post.
            return await ResignAsync(c, caller, a, postId!.Value, ct);
        }
        await tx.CommitAsync(ct);
        return (await DetailAsync(c, caller, id, ct)).Value!;
    }

    private async Task<Result<ActivityDetail>> ResignAsync(
        DbConnection c,
        Caller caller,
        Activity a,
        long postId,
        CancellationToken ct
    )
    {
        await using var tx = await c.BeginTransactionAsync(ct);
        var moved = await c.ExecuteAsync(
            new CommandDefinition(
                "UPDATE activity_signup SET status = 'signed', post_id = @postId WHERE activity_id = @id "
                    + "AND person_id = @person AND status = 'cancelled'",
                new
                {
                    id = a.Id,
                    postId,
                    person = caller.PersonId,
                },
                tx,
                cancellationToken: ct
            )
        );
        if (
            moved == 0
            || await c.ExecuteAsync(
                new CommandDefinition(
                    "UPDATE activity_post SET taken = taken + 1 WHERE id = @postId AND taken < slots",
                    new { postId },
                    tx,
                    cancellationToken: ct
                )
            ) == 0
        )
        {
            await tx.RollbackAsync(ct);
            return moved == 0 ? ActivityErrors.AlreadySigned : ActivityErrors.PostFull;
        }
        await tx.CommitAsync(ct);
        return (await DetailAsync(c, caller, a.Id, ct)).Value!;
    }

    /// <summary>Gives one's place back before the start.</summary>
    public async Task<Result<ActivityDetail>> CancelAsync(Caller caller, long id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        if (await RowAsync(c, id, ct) is not { } a)
            return ActivityErrors.NotFound;
        if (a.Status != "open" || a.StartsAt <= Now)
            return ActivityErrors.NotOpen;
        await using var tx = await c.BeginTransactionAsync(ct);
        var post = await c.ExecuteScalarAsync<long?>(
            new CommandDefinition(
                "SELECT post_id FROM activity_signup WHERE activity_id = @id AND person_id = @person "
                    + "AND status = 'signed' FOR UPDATE",
                new { id, person = caller.PersonId },
                tx,
                cancellationToken: ct
            )
        );
        if (post is null)
        {
            await tx.RollbackAsync(ct);
            return ActivityErrors.NotSigned;
        }
        await c.ExecuteAsync(
            new CommandDefinition(
                """
                UPDATE activity_signup SET status = 'cancelled' WHERE activity_id = @id AND person_id = @person;
                UPDATE activity_post SET taken = taken - 1 WHERE id = @post;
                """,
                new
                {
                    id,
                    person = caller.PersonId,
                    post,
                },
                tx,
                cancellationToken: ct
            )
        );
        await tx.CommitAsync(ct);
        return (await DetailAsync(c, caller, id, ct)).Value!;
    }

    /// <summary>The code to show on site now (the organiser only).</summary>
    public async Task<Result<string>> CodeAsync(Caller caller, long id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        if (await RowAsync(c, id, ct) is not { } a)
            return ActivityErrors.NotFound;
        return IsOrganiser(caller, a) ? RotatingCode.Of(a.CheckinSecret, Now) : ActivityErrors.OrganiserOnly;
    }

    /// <summary>Metres between two points on the earth (haversine).</summary>
    public static double Metres(double lat1, double lng1, double lat2, double lng2)
    {
        static double Rad(double d) => d * Math.PI / 180;
        var dLat = Rad(lat2 - lat1);
        var dLng = Rad(lng2 - lng1);
        var h =
            Math.Sin(dLat / 2) * Math.Sin(dLat / 2)
            + Math.Cos(Rad(lat1)) * Math.Cos(Rad(lat2)) * Math.Sin(dLng / 2) * Math.Sin(dLng / 2);
        return 6_371_000 * 2 * Math.Asin(Math.Min(1, Math.Sqrt(h)));
    }

    /// <summary>
    /// Check-in (or check-out) on site with the code on the screen, from 30 minutes before the start to an hour after
    /// the end, near the venue when it has a location. A second scan changes nothing: the first time counts. Checking
    /// out proposes the hours between the two, capped at the activity's length plus an hour.
    /// </summary>
    public async Task<Result<Participant>> CheckAsync(
        Caller caller,
        long id,
        string? code,
        double? latitude,
        double? longitude,
        bool checkOut,
        CancellationToken ct
    )
    {
        await using var c = await db.OpenAsync(ct);
        if (await RowAsync(c, id, ct) is not { } a)
            return ActivityErrors.NotFound;
        var now = Now;
        if (!RotatingCode.Matches(a.CheckinSecret, code, now))
            return ActivityErrors.WrongCode;
        if (a.Status != "open" || now < a.StartsAt - EarlyCheckIn || now > a.EndsAt + LateCheckOut)
            return ActivityErrors.OutsideWindow;
        if (a.Latitude is { } lat && a.Longitude is { } lng)
        {
            if (
                latitude is not { } myLat
                || longitude is not { } myLng
                || Metres((double)lat, (double)lng, myLat, myLng) > NearMetres
            )
                return ActivityErrors.TooFar;
        }
        var cap = (int)(a.EndsAt - a.StartsAt + LateCheckOut).TotalMinutes;
        var moved = await c.ExecuteAsync(
            new CommandDefinition(
                checkOut
                    ? """
                    UPDATE activity_signup SET checked_out_at = @now,
                      proposed_minutes = LEAST(@cap, GREATEST(0, TIMESTAMPDIFF(MINUTE, checked_in_at, @now)))
                    WHERE activity_id = @id AND person_id = @person AND status = 'signed'
                      AND checked_in_at IS NOT NULL AND checked_out_at IS NULL
                    """
                    : """
                    UPDATE activity_signup SET checked_in_at = @now
                    WHERE activity_id = @id AND person_id = @person AND status = 'signed' AND checked_in_at IS NULL
                    """,
                new
                {
                    id,
                    person = caller.PersonId,
                    now,
                    cap,
                },
                cancellationToken: ct
            )
        );
        var mine = await MineAsync(c, id, caller.PersonId, ct);
        if (mine is null || mine.Status != "signed")
            return ActivityErrors.NotSigned;
        if (moved == 0 && checkOut && mine.CheckedInAt is null)
            return ActivityErrors.NotCheckedIn;
        var card = (await ServiceRecords.CardsAsync(c, [caller.PersonId], ct))[caller.PersonId];
        return new Participant(
            caller.PersonId,
            mine.PostId,
            mine.Status,
            mine.CheckedInAt,
            mine.CheckedOutAt,
            mine.ProposedMinutes,
            mine.ApprovedMinutes,
            card
        );
    }

    private static Task<SignupRow?> MineAsync(DbConnection c, long id, long person, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<SignupRow>(
            new CommandDefinition(
                """
                SELECT person_id AS PersonId, post_id AS PostId, status, checked_in_at AS CheckedInAt,
                  checked_out_at AS CheckedOutAt, proposed_minutes AS ProposedMinutes,
                  approved_minutes AS ApprovedMinutes
                FROM activity_signup WHERE activity_id = @id AND person_id = @person
                """,
                new { id, person },
                cancellationToken: ct
            )
        );

    /// <summary>
    /// After the end, the organiser approves hours: each person checked in gets the minutes given for them, else the
    /// proposal from check-out, else the activity's length; each approval is a line of their service record (their
    /// total and stars move in the same commit). Whoever signed up and never checked in is a no-show. Once only.
    /// </summary>
    public async Task<Result<ActivityDetail>> CloseAsync(
        Caller caller,
        long id,
        IReadOnlyList<HoursApproval>? approvals,
        CancellationToken ct
    )
    {
        await using var c = await db.OpenAsync(ct);
        if (await RowAsync(c, id, ct) is not { } a)
            return ActivityErrors.NotFound;
        if (!IsOrganiser(caller, a))
            return ActivityErrors.OrganiserOnly;
        var now = Now;
        if (now < a.EndsAt || a.Status != "open")
            return ActivityErrors.NotEnded;
        var length = (int)(a.EndsAt - a.StartsAt).TotalMinutes;
        var cap = length + (int)LateCheckOut.TotalMinutes;
        if ((approvals ?? []).GroupBy(x => x.PersonId).Any(g => g.Count() > 1))
            return ActivityErrors.InvalidHours;
        var given = (approvals ?? []).ToDictionary(x => x.PersonId, x => x.Minutes);
        await using var tx = await c.BeginTransactionAsync(ct);
        var signups = (
            await c.QueryAsync<SignupRow>(
                new CommandDefinition(
                    """
                    SELECT person_id AS PersonId, post_id AS PostId, status, checked_in_at AS CheckedInAt,
                      checked_out_at AS CheckedOutAt, proposed_minutes AS ProposedMinutes
                    FROM activity_signup WHERE activity_id = @id AND status = 'signed' FOR UPDATE
                    """,
                    new { id },
                    tx,
                    cancellationToken: ct
                )
            )
        ).AsList();
        var present = signups.Where(s => s.CheckedInAt is not null).ToDictionary(s => s.PersonId);
        if (given.Any(g => !present.ContainsKey(g.Key) || g.Value is < 0 || g.Value > cap))
        {
            await tx.RollbackAsync(ct);
            return ActivityErrors.InvalidHours;
        }
        var closed = await c.ExecuteAsync(
            new CommandDefinition(
                "UPDATE activity SET status = 'closed', closed_at = @now WHERE id = @id AND status = 'open'",
                new { id, now },
                tx,
                cancellationToken: ct
            )
        );
        if (closed == 0)
        {
            await tx.RollbackAsync(ct);
            return ActivityErrors.NotEnded;
        }
        var servedOn = DateOnly.FromDateTime(ChinaTime.ToChina(a.StartsAt.Utc()).DateTime);
        foreach (var s in present.Values)
        {
            var minutes = given.GetValueOrDefault(s.PersonId) ?? s.ProposedMinutes ?? length;
            await c.ExecuteAsync(
                new CommandDefinition(
                    "UPDATE activity_signup SET status = 'approved', approved_minutes = @minutes "
                        + "WHERE activity_id = @id AND person_id = @person",
                    new
                    {
                        id,
                        person = s.PersonId,
                        minutes,
                    },
                    tx,
                    cancellationToken: ct
                )
            );
            if (minutes > 0)
                await ServiceRecords.CreditAsync(
                    c,
                    tx,
                    s.PersonId,
                    ServiceSource.Activity,
                    id,
                    minutes,
                    servedOn,
                    a.CommunityId,
                    now,
                    ct
                );
        }
        await c.ExecuteAsync(
            new CommandDefinition(
                "UPDATE activity_signup SET status = 'no_show' WHERE activity_id = @id AND status = 'signed' "
                    + "AND checked_in_at IS NULL",
                new { id },
                tx,
                cancellationToken: ct
            )
        );
        await tx.CommitAsync(ct);
        return (await DetailAsync(c, caller, id, ct)).Value!;
    }

    private sealed class TotalsRow
    {
        public string Key { get; init; } = "";
        public string Name { get; init; } = "";
        public long PersonTimes { get; init; }
        public long Minutes { get; init; }
    }

    /// <summary>
    /// Person-times and hours in a community between two days (China dates, inclusive), from the service record: by
    /// activity, by volunteer team, by unit, and by source (orders, activities, posts).
    /// </summary>
    public async Task<Result<ServiceStats>> StatsAsync(
        Caller caller,
        long communityId,
        DateOnly from,
        DateOnly to,
        CancellationToken ct
    )
    {
        if (await areas.GetAsync(communityId, ct) is not { Kind: AreaKind.Community } community)
            return ActivityErrors.CommunityNotFound;
        if (!caller.IsStaffOver(community.Path))
            return ActivityErrors.OrganiserOnly;
        await using var c = await db.OpenAsync(ct);
        var args = new
        {
            communityId,
            from = from.ToDateTime(TimeOnly.MinValue),
            to = to.ToDateTime(TimeOnly.MinValue),
        };
        async Task<List<ServiceTotals>> By(string key, string name, string join)
        {
            var rows = await c.QueryAsync<TotalsRow>(
                new CommandDefinition(
                    $"""
                    SELECT CAST({key} AS CHAR) AS `Key`, {name} AS Name, COUNT(*) AS PersonTimes,
                           SUM(r.minutes) AS Minutes
                      FROM service_record r {join}
                     WHERE r.community_id = @communityId AND r.served_on BETWEEN @from AND @to
                     GROUP BY {key}, {name} ORDER BY Minutes DESC LIMIT 100
                    """,
                    args,
                    cancellationToken: ct
                )
            );
            return rows.Select(r => new ServiceTotals(r.Key, r.Name, r.PersonTimes, Math.Round(r.Minutes / 60.0, 1)))
                .ToList();
        }
        var byActivity = await By(
            "r.ref_id",
            "a.title",
            "JOIN activity a ON a.id = r.ref_id AND r.source = 'activity'"
        );
        var byTeam = await By("r.team_id", "t.name", "JOIN volunteer_team t ON t.id = r.team_id");
        var byUnit = await By("r.unit_id", "u.name", "JOIN unit u ON u.id = r.unit_id");
        var bySource = await By("r.source", "r.source", "");
        return new ServiceStats(
            byActivity.Count,
            bySource.Sum(s => s.PersonTimes),
            Math.Round(bySource.Sum(s => s.Hours), 1),
            byActivity,
            byTeam,
            byUnit,
            bySource
        );
    }
}
