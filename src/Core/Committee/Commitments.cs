using Dapper;
using Governance.Core.Areas;
using Governance.Core.Data;
using Governance.Core.Errors;
using Governance.Core.People;
using Governance.Core.Text;
using Governance.Core.Time;

namespace Governance.Core.Committee;

public sealed record CommitteeSeat(
    long Id,
    long PersonId,
    string Name,
    long? UnitId,
    string? UnitName,
    string Title,
    DateTime TermStart,
    DateTime TermEnd
);

/// <summary>A public commitment; Overdue when promised and past its due date (China time).</summary>
public sealed record Commitment(
    long Id,
    long MemberId,
    string Name,
    string? UnitName,
    string Content,
    DateTime DueDate,
    string Status,
    string? Evidence,
    DateTime? FulfilledAt
)
{
    public bool Overdue { get; init; }
}

public static class CommitteeErrors
{
    public static readonly ErrorCode CommunityNotFound = new(
        "committee.community_not_found",
        ErrorKind.NotFound,
        "社区不存在"
    );
    public static readonly ErrorCode NotAllowed = new(
        "committee.not_allowed",
        ErrorKind.Forbidden,
        "只有本社区的居民、党员、单位和工作人员可以查看"
    );
    public static readonly ErrorCode ApproverOnly = new(
        "committee.approver_only",
        ErrorKind.Forbidden,
        "只有社区书记或街道管理员可以聘任兼职委员"
    );
    public static readonly ErrorCode PersonNotFound = new(
        "committee.person_not_found",
        ErrorKind.NotFound,
        "此人不存在"
    );
    public static readonly ErrorCode InvalidTerm = new(
        "committee.invalid_term",
        ErrorKind.Validation,
        "任期须有开始和结束日期，结束晚于开始，且不超过5年",
        "termEnd"
    );
    public static readonly ErrorCode UnitNotServing = new(
        "committee.unit_not_serving",
        ErrorKind.Validation,
        "该单位不在本社区，也未与本社区结对",
        "unitId"
    );
    public static readonly ErrorCode NotAMember = new(
        "committee.not_a_member",
        ErrorKind.Forbidden,
        "只有在任的兼职委员可以作出承诺"
    );
    public static readonly ErrorCode ContentRequired = new(
        "committee.content_required",
        ErrorKind.Validation,
        "请填写承诺内容（不超过200字）和完成日期（不早于今天）",
        "content"
    );
    public static readonly ErrorCode CommitmentNotFound = new(
        "committee.commitment_not_found",
        ErrorKind.NotFound,
        "承诺不存在"
    );
    public static readonly ErrorCode OwnerOnly = new(
        "committee.owner_only",
        ErrorKind.Forbidden,
        "只有作出承诺的委员可以登记践诺"
    );
    public static readonly ErrorCode EvidenceRequired = new(
        "committee.evidence_required",
        ErrorKind.Validation,
        "请说明践诺情况（不超过1000字）",
        "evidence"
    );
    public static readonly ErrorCode AlreadyFulfilled = new(
        "committee.already_fulfilled",
        ErrorKind.Conflict,
        "这项承诺已经践诺"
    );

    public static readonly ErrorCode[] Read = [CommunityNotFound, NotAllowed];
    public static readonly ErrorCode[] Appoint =
    [
        CommunityNotFound,
        ApproverOnly,
        PersonNotFound,
        InvalidTerm,
        UnitNotServing,
    ];
    public static readonly ErrorCode[] Promise = [CommunityNotFound, NotAMember, ContentRequired];
    public static readonly ErrorCode[] Fulfil = [CommitmentNotFound, OwnerOnly, EvidenceRequired, AlreadyFulfilled];
}

/// <summary>
/// 兼职委员 and 承诺践诺: the secretary (or street) appoints a unit leader to the community's committee for a term; a
/// member in term makes public commitments with a due date and records their fulfilment with evidence; the
/// community's residents, members, units and staff see the seats and the commitments, overdue ones marked.
/// </summary>
public sealed class Commitments(Db db, AreaStore areas, TimeProvider clock)
{
    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    private async Task<Result<Area>> CommunityAsync(long id, CancellationToken ct) =>
        await areas.GetAsync(id, ct) is { Kind: AreaKind.Community } community
            ? community
            : CommitteeErrors.CommunityNotFound;

    private async Task<bool> CanSeeAsync(Caller caller, Area community, CancellationToken ct)
    {
        if (
            caller.IsStaffOver(community.Path)
            || caller.IsApprovedMemberFor(community.Path)
            || caller.Units.Any(u => u.CommunityPaths.Any(p => p.StartsWith(community.Path, StringComparison.Ordinal)))
        )
            return true;
        if (caller.HomeBuildingId is not { } home)
            return false;
        return await areas.GetAsync(home, ct) is { } building && community.Contains(building);
    }

    public async Task<Result<CommitteeSeat>> AppointAsync(
        Caller caller,
        long communityId,
        long personId,
        long? unitId,
        string? title,
        DateOnly? termStart,
        DateOnly? termEnd,
        CancellationToken ct
    )
    {
        var community = await CommunityAsync(communityId, ct);
        if (!community.IsOk)
            return community.Error!;
        var area = community.Value!;
        if (!caller.CanApproveIn(area.Path))
            return CommitteeErrors.ApproverOnly;
        if (termStart is not { } from || termEnd is not { } to || to <= from || to > from.AddYears(5))
            return CommitteeErrors.InvalidTerm;
        await using var c = await db.OpenAsync(ct);
        var known = await c.ExecuteScalarAsync<int>(
            new CommandDefinition(
                "SELECT COUNT(*) FROM person WHERE id = @personId",
                new { personId },
                cancellationToken: ct
            )
        );
        if (known == 0)
            return CommitteeErrors.PersonNotFound;
        if (
            unitId is { } u
            && await c.ExecuteScalarAsync<int>(
                new CommandDefinition(
                    """
                    SELECT COUNT(*) FROM unit un WHERE un.id = @u AND un.status = 'approved'
                       AND (un.area_id = @communityId OR EXISTS (SELECT 1 FROM unit_pairing p WHERE p.unit_id = un.id
                            AND p.community_id = @communityId))
                    """,
                    new { u, communityId },
                    cancellationToken: ct
                )
            ) == 0
        )
            return CommitteeErrors.UnitNotServing;
        var id = await c.ExecuteScalarAsync<long>(
            new CommandDefinition(
                """
                INSERT INTO committee_member (community_id, person_id, unit_id, title, term_start, term_end,
                  appointed_by, created_at)
                VALUES (@communityId, @personId, @unitId, @title, @from, @to, @by, @now);
                SELECT LAST_INSERT_ID();
                """,
                new
                {
                    communityId,
                    personId,
                    unitId,
                    title = string.IsNullOrWhiteSpace(title) ? "兼职委员" : Chars.Cut(title.Trim(), 30, ellipsis: false),
                    from = from.ToDateTime(TimeOnly.MinValue),
                    to = to.ToDateTime(TimeOnly.MinValue),
                    by = caller.PersonId,
                    now = Now,
                },
                cancellationToken: ct
            )
        );
        return (await SeatsAsync(c, communityId, id, ct)).Single();
    }

    private const string SeatsSql = """
        SELECT cm.id, cm.person_id AS PersonId, p.name, cm.unit_id AS UnitId, u.name AS UnitName, cm.title,
          cm.term_start AS TermStart, cm.term_end AS TermEnd
        FROM committee_member cm JOIN person p ON p.id = cm.person_id LEFT JOIN unit u ON u.id = cm.unit_id
        WHERE cm.community_id = @communityId AND (@id IS NULL OR cm.id = @id)
        ORDER BY cm.term_end DESC, cm.id
        """;

    private static async Task<IReadOnlyList<CommitteeSeat>> SeatsAsync(
        System.Data.Common.DbConnection c,
        long communityId,
        long? id,
        CancellationToken ct
    ) =>
        (
            await c.QueryAsync<CommitteeSeat>(
                new CommandDefinition(SeatsSql, new { communityId, id }, cancellationToken: ct)
            )
        ).AsList();

    public async Task<Result<(IReadOnlyList<CommitteeSeat> Seats, IReadOnlyList<Commitment> Commitments)>> ListAsync(
        Caller caller,
        long communityId,
        CancellationToken ct
    )
    {
        var community = await CommunityAsync(communityId, ct);
        if (!community.IsOk)
            return community.Error!;
        if (!await CanSeeAsync(caller, community.Value!, ct))
            return CommitteeErrors.NotAllowed;
        await using var c = await db.OpenAsync(ct);
        var seats = await SeatsAsync(c, communityId, null, ct);
        var commitments = await CommitmentsAsync(c, communityId, null, ct);
        return (seats, commitments);
    }

    private async Task<IReadOnlyList<Commitment>> CommitmentsAsync(
        System.Data.Common.DbConnection c,
        long communityId,
        long? id,
        CancellationToken ct
    ) =>
        (
            await c.QueryAsync<Commitment>(
                new CommandDefinition(
                    """
                    SELECT k.id, k.member_id AS MemberId, p.name, u.name AS UnitName, k.content, k.due_date AS DueDate,
                      k.status, k.evidence, k.fulfilled_at AS FulfilledAt
                    FROM commitment k JOIN committee_member cm ON cm.id = k.member_id
                    JOIN person p ON p.id = cm.person_id LEFT JOIN unit u ON u.id = cm.unit_id
                    WHERE cm.community_id = @communityId AND (@id IS NULL OR k.id = @id)
                    ORDER BY k.due_date, k.id
                    """,
                    new { communityId, id },
                    cancellationToken: ct
                )
            )
        )
            .Select(k => k with { Overdue = k.Status == "promised" && k.DueDate < Today })
            .ToList();

    private DateTime Today => ChinaTime.Today(Now).ToDateTime(TimeOnly.MinValue);

    /// <summary>A committee member in term makes a public commitment.</summary>
    public async Task<Result<Commitment>> PromiseAsync(
        Caller caller,
        long communityId,
        string? content,
        DateOnly? dueDate,
        CancellationToken ct
    )
    {
        var community = await CommunityAsync(communityId, ct);
        if (!community.IsOk)
            return community.Error!;
        var today = ChinaTime.Today(Now);
        await using var c = await db.OpenAsync(ct);
        var seat = await c.ExecuteScalarAsync<long?>(
            new CommandDefinition(
                "SELECT id FROM committee_member WHERE community_id = @communityId AND person_id = @personId "
                    + "AND term_start <= @today AND term_end >= @today ORDER BY id DESC LIMIT 1",
                new
                {
                    communityId,
                    personId = caller.PersonId,
                    today = today.ToDateTime(TimeOnly.MinValue),
                },
                cancellationToken: ct
            )
        );
        if (seat is null)
            return CommitteeErrors.NotAMember;
        if (
            content?.Trim() is not { Length: > 0 } text
            || Chars.Count(text) > 200
            || Chars.HasControl(text)
            || dueDate is not { } due
            || due < today
        )
            return CommitteeErrors.ContentRequired;
        var id = await c.ExecuteScalarAsync<long>(
            new CommandDefinition(
                """
                INSERT INTO commitment (member_id, content, due_date, status, created_at)
                VALUES (@seat, @text, @due, 'promised', @now);
                SELECT LAST_INSERT_ID();
                """,
                new
                {
                    seat,
                    text,
                    due = due.ToDateTime(TimeOnly.MinValue),
                    now = Now,
                },
                cancellationToken: ct
            )
        );
        return (await CommitmentsAsync(c, communityId, id, ct)).Single();
    }

    /// <summary>The member who promised records its fulfilment (践诺) with evidence.</summary>
    public async Task<Result<Commitment>> FulfilAsync(Caller caller, long id, string? evidence, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var owner = await c.QuerySingleOrDefaultAsync<(long PersonId, long CommunityId)?>(
            new CommandDefinition(
                "SELECT cm.person_id, cm.community_id FROM commitment k "
                    + "JOIN committee_member cm ON cm.id = k.member_id WHERE k.id = @id",
                new { id },
                cancellationToken: ct
            )
        );
        if (owner is null)
            return CommitteeErrors.CommitmentNotFound;
        if (owner.Value.PersonId != caller.PersonId)
            return CommitteeErrors.OwnerOnly;
        if (evidence?.Trim() is not { Length: > 0 } text || Chars.Count(text) > 1000 || Chars.HasControl(text))
            return CommitteeErrors.EvidenceRequired;
        var done = await c.ExecuteAsync(
            new CommandDefinition(
                "UPDATE commitment SET status = 'fulfilled', evidence = @text, fulfilled_at = @now "
                    + "WHERE id = @id AND status = 'promised'",
                new
                {
                    id,
                    text,
                    now = Now,
                },
                cancellationToken: ct
            )
        );
        if (done != 1)
            return CommitteeErrors.AlreadyFulfilled;
        return (await CommitmentsAsync(c, owner.Value.CommunityId, id, ct)).Single();
    }
}
