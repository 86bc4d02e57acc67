using Dapper;
using Governance.Core.Areas;
using Governance.Core.Data;
using Governance.Core.Errors;
using Governance.Core.Notifications;
using Governance.Core.People;
using Governance.Core.Service;
using Governance.Core.Text;
using Governance.Core.Time;

namespace Governance.Core.Posts;

public sealed record ServicePost
{
    public long Id { get; init; }
    public long CommunityId { get; init; }
    public string CommunityPath { get; init; } = "";
    public long AreaId { get; init; }
    public string AreaName { get; init; } = "";
    public string Title { get; init; } = "";
    public string Duties { get; init; } = "";
    public int TermMonths { get; init; }
    public long? HoldingId { get; init; }
    public long? HolderId { get; init; }
    public DateTime? HeldUntil { get; init; }

    /// <summary>The holder's public card (亮身份), when the post is held.</summary>
    public PublicCard? Holder { get; init; }
}

public sealed record PostHolding
{
    public long Id { get; init; }
    public long PostId { get; init; }
    public string PostTitle { get; init; } = "";
    public string CommunityPath { get; init; } = "";
    public long CommunityId { get; init; }
    public long PersonId { get; init; }
    public DateOnly StartsOn { get; init; }
    public DateOnly EndsOn { get; init; }
    public string Status { get; init; } = "";
    public int TermMonths { get; init; }
    public long DutyMinutes { get; init; }
    public long Duties { get; init; }
}

public static class PostErrors
{
    public static readonly ErrorCode CommunityNotFound = new(
        "posts.community_not_found",
        ErrorKind.NotFound,
        "社区不存在"
    );
    public static readonly ErrorCode StaffOnly = new(
        "posts.staff_only",
        ErrorKind.Forbidden,
        "服务岗位由社区工作人员设立"
    );
    public static readonly ErrorCode Invalid = new(
        "posts.invalid",
        ErrorKind.Validation,
        "请填写岗位名称（不超过40字）、覆盖的楼栋或小区（本社区内）、职责（不超过500字）和任期（1–36个月）",
        "title"
    );
    public static readonly ErrorCode NotFound = new("posts.not_found", ErrorKind.NotFound, "岗位不存在");
    public static readonly ErrorCode NotVolunteer = new(
        "posts.not_volunteer",
        ErrorKind.Forbidden,
        "请先报到成为在职党员或登记为志愿者"
    );
    public static readonly ErrorCode Taken = new("posts.taken", ErrorKind.Conflict, "这个岗位已有人认领");
    public static readonly ErrorCode HoldingNotFound = new(
        "posts.holding_not_found",
        ErrorKind.NotFound,
        "认领记录不存在或已释放"
    );
    public static readonly ErrorCode TooEarly = new(
        "posts.too_early",
        ErrorKind.Conflict,
        "任期结束前30天内才能续期"
    );
    public static readonly ErrorCode InvalidDuty = new(
        "posts.invalid_duty",
        ErrorKind.Validation,
        "请写明履职内容（不超过500字）和时长（1–720分钟），日期不晚于今天且在任期内",
        "note"
    );

    public static readonly ErrorCode[] Create = [CommunityNotFound, StaffOnly, Invalid];
    public static readonly ErrorCode[] Claim = [NotFound, NotVolunteer, Taken];
    public static readonly ErrorCode[] Holding = [HoldingNotFound, TooEarly];
    public static readonly ErrorCode[] Duty = [HoldingNotFound, InvalidDuty];
}

/// <summary>
/// Long-term service posts (Hecheng: 楼栋长, 文明劝导员 …): a community's staff set up a post over a building, compound
/// or the community; a member or volunteer claims it for a term (one holder at a time, by a unique key on the live
/// holding), renews it in the last 30 days, or releases it; each duty done is logged with its time and becomes a line
/// of their service record. Holdings past their term are released by the reminder pass, after a notice a week before.
/// </summary>
public sealed class ServicePosts(Db db, AreaStore areas, TimeProvider clock)
{
    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    private const string PostColumns = """
        s.id, s.community_id AS CommunityId, c.path AS CommunityPath, s.area_id AS AreaId, a.name AS AreaName,
        s.title, s.duties, s.term_months AS TermMonths, h.id AS HoldingId, h.person_id AS HolderId,
        h.ends_on AS HeldUntil
        FROM service_post s JOIN area c ON c.id = s.community_id JOIN area a ON a.id = s.area_id
        LEFT JOIN post_holding h ON h.post_id = s.id AND h.status = 'active'
        """;

    private const string HoldingColumns = """
        h.id, h.post_id AS PostId, s.title AS PostTitle, c.path AS CommunityPath, s.community_id AS CommunityId,
        h.person_id AS PersonId, h.starts_on AS StartsOn, h.ends_on AS EndsOn, h.status, s.term_months AS TermMonths,
        (SELECT COALESCE(SUM(d.minutes), 0) FROM post_duty d WHERE d.holding_id = h.id) AS DutyMinutes,
        (SELECT COUNT(*) FROM post_duty d WHERE d.holding_id = h.id) AS Duties
        FROM post_holding h JOIN service_post s ON s.id = h.post_id JOIN area c ON c.id = s.community_id
        """;

    public async Task<Result<ServicePost>> CreateAsync(
        Caller caller,
        long communityId,
        long? areaId,
        string? title,
        string? duties,
        int? termMonths,
        CancellationToken ct
    )
    {
        if (await areas.GetAsync(communityId, ct) is not { Kind: AreaKind.Community } community)
            return PostErrors.CommunityNotFound;
        if (!caller.IsStaffOver(community.Path))
            return PostErrors.StaffOnly;
        var name = title?.Trim();
        if (
            string.IsNullOrEmpty(name)
            || Chars.Count(name) > 40
            || (duties is { } d && Chars.Count(d) > 500)
            || termMonths is not (>= 1 and <= 36)
            || areaId is not { } aid
            || await areas.GetAsync(aid, ct) is not { } area
            || !area.Path.StartsWith(community.Path, StringComparison.Ordinal)
        )
            return PostErrors.Invalid;
        await using var c = await db.OpenAsync(ct);
        var id = await c.ExecuteScalarAsync<long>(
            new CommandDefinition(
                """
                INSERT INTO service_post (community_id, area_id, title, duties, term_months, created_by, created_at)
                VALUES (@communityId, @aid, @name, @duties, @termMonths, @by, @now); SELECT LAST_INSERT_ID();
                """,
                new
                {
                    communityId,
                    aid,
                    name,
                    duties = duties?.Trim() ?? "",
                    termMonths,
                    by = caller.PersonId,
                    now = Now,
                },
                cancellationToken: ct
            )
        );
        return (await PostsAsync(c, "s.id = @id", new { id }, ct)).Single();
    }

    private async Task<IReadOnlyList<ServicePost>> PostsAsync(
        System.Data.Common.DbConnection c,
        string where,
        object args,
        CancellationToken ct
    )
    {
        var posts = (
            await c.QueryAsync<ServicePost>(
                new CommandDefinition(
                    $"SELECT {PostColumns} WHERE {where} ORDER BY s.id LIMIT 1000",
                    args,
                    cancellationToken: ct
                )
            )
        ).AsList();
        var holders = posts.Where(p => p.HolderId is not null).Select(p => p.HolderId!.Value).ToList();
        var cards = await ServiceRecords.CardsAsync(c, holders, ct);
        return posts.Select(p => p.HolderId is { } h ? p with { Holder = cards[h] } : p).ToList();
    }

    /// <summary>A community's posts, vacant ones only on request, with the holders' public cards.</summary>
    public async Task<Result<IReadOnlyList<ServicePost>>> BrowseAsync(
        long communityId,
        bool vacantOnly,
        CancellationToken ct
    )
    {
        if (await areas.GetAsync(communityId, ct) is not { Kind: AreaKind.Community })
            return PostErrors.CommunityNotFound;
        await using var c = await db.OpenAsync(ct);
        return Result<IReadOnlyList<ServicePost>>.From(
            await PostsAsync(
                c,
                "s.community_id = @communityId AND (@vacantOnly = 0 OR h.id IS NULL)",
                new { communityId, vacantOnly },
                ct
            )
        );
    }

    public async Task<Result<PostHolding>> ClaimAsync(Caller caller, long postId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var term = await c.ExecuteScalarAsync<int?>(
            new CommandDefinition(
                "SELECT term_months FROM service_post WHERE id = @postId",
                new { postId },
                cancellationToken: ct
            )
        );
        if (term is not { } months)
            return PostErrors.NotFound;
        if (!await ServiceRecords.CanServeAsync(c, caller.PersonId, ct))
            return PostErrors.NotVolunteer;
        var today = ChinaTime.Today(Now);
        try
        {
            var id = await c.ExecuteScalarAsync<long>(
                new CommandDefinition(
                    """
                    INSERT INTO post_holding (post_id, person_id, starts_on, ends_on, status, created_at)
                    VALUES (@postId, @person, @from, @to, 'active', @now); SELECT LAST_INSERT_ID();
                    """,
                    new
                    {
                        postId,
                        person = caller.PersonId,
                        from = today.ToDateTime(TimeOnly.MinValue),
                        to = today.AddMonths(months).ToDateTime(TimeOnly.MinValue),
                        now = Now,
                    },
                    cancellationToken: ct
                )
            );
            return (await HoldingAsync(c, id, ct))!;
        }
        catch (Exception ex) when (MySqlDriver.IsDuplicateKey(ex))
        {
            return PostErrors.Taken;
        }
    }

    private static Task<PostHolding?> HoldingAsync(System.Data.Common.DbConnection c, long id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<PostHolding>(
            new CommandDefinition($"SELECT {HoldingColumns} WHERE h.id = @id", new { id }, cancellationToken: ct)
        );

    private async Task<(System.Data.Common.DbConnection, PostHolding?)> ActiveAsync(
        Caller caller,
        long holdingId,
        bool staffToo,
        CancellationToken ct
    )
    {
        var c = await db.OpenAsync(ct);
        var h = await HoldingAsync(c, holdingId, ct);
        var allowed =
            h is { Status: "active" }
            && (h.PersonId == caller.PersonId || (staffToo && caller.IsStaffOver(h.CommunityPath)));
        return (c, allowed ? h : null);
    }

    /// <summary>The holder extends the term by another term, in its last 30 days.</summary>
    public async Task<Result<PostHolding>> RenewAsync(Caller caller, long holdingId, CancellationToken ct)
    {
        var (c, h) = await ActiveAsync(caller, holdingId, false, ct);
        await using var _ = c;
        if (h is null)
            return PostErrors.HoldingNotFound;
        if (h.EndsOn.DayNumber - ChinaTime.Today(Now).DayNumber > 30)
            return PostErrors.TooEarly;
        await c.ExecuteAsync(
            new CommandDefinition(
                "UPDATE post_holding SET ends_on = DATE_ADD(ends_on, INTERVAL @months MONTH) WHERE id = @holdingId",
                new { holdingId, months = h.TermMonths },
                cancellationToken: ct
            )
        );
        return (await HoldingAsync(c, holdingId, ct))!;
    }

    /// <summary>The holder (or the community's staff) releases the post; it is vacant at once.</summary>
    public async Task<Result<PostHolding>> ReleaseAsync(Caller caller, long holdingId, CancellationToken ct)
    {
        var (c, h) = await ActiveAsync(caller, holdingId, true, ct);
        await using var _ = c;
        if (h is null)
            return PostErrors.HoldingNotFound;
        await c.ExecuteAsync(
            new CommandDefinition(
                "UPDATE post_holding SET status = 'released', released_at = @now WHERE id = @holdingId "
                    + "AND status = 'active'",
                new { holdingId, now = Now },
                cancellationToken: ct
            )
        );
        return (await HoldingAsync(c, holdingId, ct))!;
    }

    /// <summary>The holder logs a duty done (when, what, how long): a line of their service record.</summary>
    public async Task<Result<PostHolding>> LogDutyAsync(
        Caller caller,
        long holdingId,
        string? note,
        int? minutes,
        DateOnly? doneOn,
        CancellationToken ct
    )
    {
        var (c, h) = await ActiveAsync(caller, holdingId, false, ct);
        await using var _ = c;
        if (h is null)
            return PostErrors.HoldingNotFound;
        var day = doneOn ?? ChinaTime.Today(Now);
        if (
            note?.Trim() is not { Length: > 0 } text
            || Chars.Count(text) > 500
            || minutes is not (>= 1 and <= 720)
            || day > ChinaTime.Today(Now)
            || day < h.StartsOn
        )
            return PostErrors.InvalidDuty;
        var now = Now;
        await using var tx = await c.BeginTransactionAsync(ct);
        var dutyId = await c.ExecuteScalarAsync<long>(
            new CommandDefinition(
                "INSERT INTO post_duty (holding_id, note, minutes, done_on, created_at) "
                    + "VALUES (@holdingId, @text, @minutes, @day, @now); SELECT LAST_INSERT_ID();",
                new
                {
                    holdingId,
                    text,
                    minutes,
                    day = day.ToDateTime(TimeOnly.MinValue),
                    now,
                },
                tx,
                cancellationToken: ct
            )
        );
        await ServiceRecords.CreditAsync(
            c,
            tx,
            h.PersonId,
            ServiceSource.Post,
            dutyId,
            minutes.Value,
            day,
            h.CommunityId,
            now,
            ct
        );
        await tx.CommitAsync(ct);
        return (await HoldingAsync(c, holdingId, ct))!;
    }

    /// <summary>The caller's posts, live first.</summary>
    public async Task<IReadOnlyList<PostHolding>> MineAsync(Caller caller, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (
            await c.QueryAsync<PostHolding>(
                new CommandDefinition(
                    $"SELECT {HoldingColumns} WHERE h.person_id = @p ORDER BY h.status, h.id DESC LIMIT 200",
                    new { p = caller.PersonId },
                    cancellationToken: ct
                )
            )
        ).AsList();
    }

    /// <summary>
    /// A week before a term ends the holder is told (renew or let go); past the end the post is released. Keyed, once.
    /// </summary>
    public async Task<int> ExpireAsync(CancellationToken ct)
    {
        var now = Now;
        var today = ChinaTime.Today(now).ToDateTime(TimeOnly.MinValue);
        await using var c = await db.OpenAsync(ct);
        var ending = await c.QueryAsync<PostHolding>(
            new CommandDefinition(
                $"SELECT {HoldingColumns} WHERE h.status = 'active' AND h.ends_on <= @soon "
                    + "ORDER BY h.ends_on LIMIT 1000",
                new { soon = today.AddDays(7) },
                cancellationToken: ct
            )
        );
        var sent = 0;
        foreach (var h in ending)
        {
            var over = h.EndsOn < DateOnly.FromDateTime(today);
            if (over)
                await c.ExecuteAsync(
                    new CommandDefinition(
                        "UPDATE post_holding SET status = 'released', released_at = @now WHERE id = @id "
                            + "AND status = 'active'",
                        new { id = h.Id, now },
                        cancellationToken: ct
                    )
                );
            sent += await Outbox.EnqueueAsync(
                c,
                null,
                [h.PersonId],
                new Notice(
                    over ? "post_released" : "post_ending",
                    over ? "服务岗位任期已满" : "服务岗位任期将满",
                    over
                        ? $"您认领的「{Chars.Shorten(h.PostTitle, 20)}」任期已满，岗位已释放，感谢您的服务"
                        : $"您认领的「{Chars.Shorten(h.PostTitle, 20)}」{h.EndsOn:M月d日}任期届满，可在小程序续期",
                    Ref: $"post:{h.PostId}"
                ),
                $"{(over ? "post-released" : "post-ending")}:{h.Id}:{h.EndsOn:yyyyMMdd}",
                now,
                ct
            );
        }
        return sent;
    }
}
