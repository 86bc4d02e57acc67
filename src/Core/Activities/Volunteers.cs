using Dapper;
using Governance.Core.Areas;
using Governance.Core.Data;
using Governance.Core.Errors;
using Governance.Core.People;
using Governance.Core.Service;
using Governance.Core.Text;

namespace Governance.Core.Activities;

public sealed record VolunteerTeam(long Id, long CommunityId, string Name, long Members);

public static class VolunteerErrors
{
    public static readonly ErrorCode CommunityNotFound = new(
        "volunteers.community_not_found",
        ErrorKind.NotFound,
        "社区不存在",
        "communityId"
    );
    public static readonly ErrorCode StaffOnly = new(
        "volunteers.staff_only",
        ErrorKind.Forbidden,
        "志愿服务队由社区工作人员建立"
    );
    public static readonly ErrorCode InvalidName = new(
        "volunteers.invalid_name",
        ErrorKind.Validation,
        "请填写服务队名称（不超过60字）",
        "name"
    );
    public static readonly ErrorCode TeamExists = new(
        "volunteers.team_exists",
        ErrorKind.Conflict,
        "本社区已有同名服务队"
    );
    public static readonly ErrorCode TeamNotFound = new(
        "volunteers.team_not_found",
        ErrorKind.NotFound,
        "服务队不存在或不属于该社区",
        "teamId"
    );
    public static readonly ErrorCode InvalidSkills = new(
        "volunteers.invalid_skills",
        ErrorKind.Validation,
        "特长不超过200字",
        "skills"
    );

    public static readonly ErrorCode[] Team = [CommunityNotFound, StaffOnly, InvalidName, TeamExists];
    public static readonly ErrorCode[] Register = [CommunityNotFound, TeamNotFound, InvalidSkills];
}

/// <summary>
/// Volunteers who are not (or not only) Party members: anyone signed in registers with a community and, if they like,
/// a team (志愿服务队) its staff set up; they then sign up for activities and posts like members, and their hours count
/// on their own total.
/// </summary>
public sealed class Volunteers(Db db, AreaStore areas, TimeProvider clock)
{
    public async Task<Result<VolunteerTeam>> CreateTeamAsync(
        Caller caller,
        long communityId,
        string? name,
        CancellationToken ct
    )
    {
        if (await areas.GetAsync(communityId, ct) is not { Kind: AreaKind.Community } community)
            return VolunteerErrors.CommunityNotFound;
        if (!caller.IsStaffOver(community.Path))
            return VolunteerErrors.StaffOnly;
        if (name?.Trim() is not { Length: > 0 } n || Chars.Count(n) > 60 || Chars.HasControl(n))
            return VolunteerErrors.InvalidName;
        await using var c = await db.OpenAsync(ct);
        try
        {
            var id = await c.ExecuteScalarAsync<long>(
                new CommandDefinition(
                    "INSERT INTO volunteer_team (community_id, name, created_by, created_at) "
                        + "VALUES (@communityId, @n, @by, @now); SELECT LAST_INSERT_ID();",
                    new
                    {
                        communityId,
                        n,
                        by = caller.PersonId,
                        now = clock.GetUtcNow().UtcDateTime,
                    },
                    cancellationToken: ct
                )
            );
            return new VolunteerTeam(id, communityId, n, 0);
        }
        catch (Exception ex) when (MySqlDriver.IsDuplicateKey(ex))
        {
            return VolunteerErrors.TeamExists;
        }
    }

    public async Task<Result<IReadOnlyList<VolunteerTeam>>> TeamsAsync(long communityId, CancellationToken ct)
    {
        if (await areas.GetAsync(communityId, ct) is not { Kind: AreaKind.Community })
            return VolunteerErrors.CommunityNotFound;
        await using var c = await db.OpenAsync(ct);
        return (
            await c.QueryAsync<VolunteerTeam>(
                new CommandDefinition(
                    """
                    SELECT t.id, t.community_id AS CommunityId, t.name,
                      (SELECT COUNT(*) FROM volunteer v WHERE v.team_id = t.id) AS Members
                    FROM volunteer_team t WHERE t.community_id = @communityId ORDER BY t.id
                    """,
                    new { communityId },
                    cancellationToken: ct
                )
            )
        ).AsList();
    }

    /// <summary>Registers the caller as a volunteer of a community (again: changes team and skills).</summary>
    public async Task<Result<PublicCard>> RegisterAsync(
        Caller caller,
        long? communityId,
        long? teamId,
        string? skills,
        CancellationToken ct
    )
    {
        if (communityId is not { } cid || await areas.GetAsync(cid, ct) is not { Kind: AreaKind.Community })
            return VolunteerErrors.CommunityNotFound;
        if (skills is { } s && (Chars.Count(s) > 200 || Chars.HasControl(s)))
            return VolunteerErrors.InvalidSkills;
        await using var c = await db.OpenAsync(ct);
        if (
            teamId is { } t
            && !await c.ExecuteScalarAsync<bool>(
                new CommandDefinition(
                    "SELECT EXISTS (SELECT 1 FROM volunteer_team WHERE id = @t AND community_id = @cid)",
                    new { t, cid },
                    cancellationToken: ct
                )
            )
        )
            return VolunteerErrors.TeamNotFound;
        await c.ExecuteAsync(
            new CommandDefinition(
                """
                INSERT INTO volunteer (person_id, community_id, team_id, skills, created_at)
                VALUES (@person, @cid, @teamId, @skills, @now)
                ON DUPLICATE KEY UPDATE community_id = VALUES(community_id), team_id = VALUES(team_id),
                  skills = VALUES(skills)
                """,
                new
                {
                    person = caller.PersonId,
                    cid,
                    teamId,
                    skills = skills?.Trim() ?? "",
                    now = clock.GetUtcNow().UtcDateTime,
                },
                cancellationToken: ct
            )
        );
        return (await ServiceRecords.CardsAsync(c, [caller.PersonId], ct))[caller.PersonId];
    }
}
