using System.Data.Common;
using Dapper;
using Governance.Core.Data;

namespace Governance.Core.Registrations;

public sealed record RegistrationRow(
    long Id,
    long PersonId,
    string PersonName,
    string? Phone,
    long CommunityId,
    string CommunityName,
    string CommunityPath,
    string Kind,
    string Status,
    string Skills,
    string? RejectReason,
    DateTime CreatedAt,
    DateTime? DecidedAt,
    long? UnitId,
    string? UnitName
);

public sealed record UnitRow(
    long Id,
    string Name,
    string PartyBranch,
    long AreaId,
    string AreaName,
    string AreaPath,
    string? Address,
    string Status,
    string? RejectReason,
    DateTime CreatedAt
);

public sealed record PairingRow(
    long UnitId,
    string UnitName,
    long CommunityId,
    string CommunityName,
    string CommunityPath,
    string Status,
    string? RejectReason,
    DateTime CreatedAt
);

public sealed record UnitMemberRow(long PersonId, string Name, string? Phone, string Skills, int ServiceMinutes);

/// <summary>双报到 and 结对共建: members and units registering with communities, and the staff's decisions.</summary>
public sealed class RegistrationStore(Db db)
{
    private const string RegistrationColumns = """
        r.id, r.person_id AS PersonId, p.name AS PersonName, p.phone, r.community_id AS CommunityId,
          a.name AS CommunityName, a.path AS CommunityPath,
        r.kind, r.status, r.skills, r.reject_reason AS RejectReason, r.created_at AS CreatedAt,
          r.decided_at AS DecidedAt, m.unit_id AS UnitId, u.name AS UnitName
        """;
    private const string RegistrationFrom = """
        FROM registration r JOIN person p ON p.id = r.person_id JOIN area a ON a.id = r.community_id
        LEFT JOIN member m ON m.person_id = r.person_id LEFT JOIN unit u ON u.id = m.unit_id
        """;

    private const string EnsureMemberSql = """
        INSERT INTO member (person_id, unit_id, skills, service_minutes, created_at) VALUES (@personId, @unitId,
          @skills, 0, @now)
        ON DUPLICATE KEY UPDATE unit_id = COALESCE(VALUES(unit_id), unit_id), skills = IF(VALUES(skills) = '', skills,
          VALUES(skills))
        """;
    private const string UpsertSql = """
        INSERT INTO registration (person_id, community_id, kind, status, skills, created_at) VALUES (@personId,
          @communityId, @kind, 'pending', @skills, @now)
        ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id), status = 'pending', skills = VALUES(skills),
          reject_reason = NULL,
          decided_by = NULL, decided_at = NULL, created_at = VALUES(created_at);
        SELECT LAST_INSERT_ID();
        """;

    /// <summary>
    /// Makes the person a member (with unit and skills) and files a pending registration; joins the caller's
    /// transaction for the notice.
    /// </summary>
    public async Task<long> RegisterAsync(
        long personId,
        long? unitId,
        long communityId,
        string kind,
        string skills,
        DateTime now,
        Func<DbConnection, DbTransaction, Task> alsoInTransaction,
        CancellationToken ct = default
    )
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        await c.ExecuteAsync(
            new CommandDefinition(
                EnsureMemberSql,
                new
                {
                    personId,
                    unitId,
                    skills,
                    now,
                },
                tx,
                cancellationToken: ct
            )
        );
        var id = await c.ExecuteScalarAsync<long>(
            new CommandDefinition(
                UpsertSql,
                new
                {
                    personId,
                    communityId,
                    kind,
                    skills,
                    now,
                },
                tx,
                cancellationToken: ct
            )
        );
        await alsoInTransaction(c, tx);
        await tx.CommitAsync(ct);
        return id;
    }

    public async Task<RegistrationRow?> GetAsync(long id, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return Utc(
            await c.QuerySingleOrDefaultAsync<RegistrationRow>(
                new CommandDefinition(
                    $"SELECT {RegistrationColumns} {RegistrationFrom} WHERE r.id = @id",
                    new { id },
                    cancellationToken: ct
                )
            )
        );
    }

    public async Task<RegistrationRow?> FindAsync(
        long personId,
        long communityId,
        string kind,
        CancellationToken ct = default
    )
    {
        await using var c = await db.OpenAsync(ct);
        return Utc(
            await c.QuerySingleOrDefaultAsync<RegistrationRow>(
                new CommandDefinition(
                    $"SELECT {RegistrationColumns} {RegistrationFrom} WHERE r.person_id = @personId AND "
                        + $"r.community_id = @communityId AND r.kind = @kind",
                    new
                    {
                        personId,
                        communityId,
                        kind,
                    },
                    cancellationToken: ct
                )
            )
        );
    }

    public async Task<IReadOnlyList<RegistrationRow>> ListForPersonAsync(long personId, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return (
            await c.QueryAsync<RegistrationRow>(
                new CommandDefinition(
                    $"SELECT {RegistrationColumns} {RegistrationFrom} WHERE r.person_id = @personId ORDER BY r.id",
                    new { personId },
                    cancellationToken: ct
                )
            )
        )
            .Select(r => Utc(r)!)
            .ToList();
    }

    /// <summary>
    /// Registrations in the given subtrees, oldest first, one page after <paramref name="afterId"/> (keyset paging).
    /// </summary>
    public async Task<IReadOnlyList<RegistrationRow>> ListInAreasAsync(
        IReadOnlyList<string> paths,
        string? status,
        long afterId,
        int limit,
        CancellationToken ct
    )
    {
        if (paths.Count == 0)
            return [];
        var p = new DynamicParameters(
            new
            {
                status,
                afterId,
                limit,
            }
        );
        var scope = string.Join(
            " OR ",
            paths.Select(
                (path, i) =>
                {
                    p.Add($"p{i}", path + "%");
                    return $"a.path LIKE @p{i}";
                }
            )
        );
        await using var c = await db.OpenAsync(ct);
        return (
            await c.QueryAsync<RegistrationRow>(
                new CommandDefinition(
                    $"SELECT {RegistrationColumns} {RegistrationFrom} WHERE ({scope}) AND (@status IS NULL OR "
                        + $"r.status = @status) AND r.id > @afterId "
                        + "ORDER BY r.id LIMIT @limit",
                    p,
                    cancellationToken: ct
                )
            )
        )
            .Select(r => Utc(r)!)
            .ToList();
    }

    private const string DecideSql = """
        UPDATE registration SET status = @status, reject_reason = @reason, decided_by = @by, decided_at = @now
        WHERE id = @id AND status = @from
        """;

    public async Task<bool> DecideAsync(
        long id,
        string from,
        string status,
        string? reason,
        long by,
        DateTime now,
        Func<DbConnection, DbTransaction, Task>? alsoInTransaction,
        CancellationToken ct = default
    )
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        if (
            await c.ExecuteAsync(
                new CommandDefinition(
                    DecideSql,
                    new
                    {
                        id,
                        from,
                        status,
                        reason,
                        by,
                        now,
                    },
                    tx,
                    cancellationToken: ct
                )
            ) != 1
        )
            return false;
        if (alsoInTransaction is not null)
            await alsoInTransaction(c, tx);
        await tx.CommitAsync(ct);
        return true;
    }

    // ---- units ----

    private const string UnitColumns = """
        u.id, u.name, u.party_branch AS PartyBranch, u.area_id AS AreaId, a.name AS AreaName, a.path AS AreaPath,
          u.address, u.status,
        u.reject_reason AS RejectReason, u.created_at AS CreatedAt
        """;

    private const string InsertUnitSql = """
        INSERT INTO unit (name, party_branch, area_id, address, status, created_at) VALUES (@name, @partyBranch,
          @areaId, @address, 'pending', @now);
        SELECT LAST_INSERT_ID();
        """;

    public async Task<long?> RegisterUnitAsync(
        long adminId,
        string name,
        string partyBranch,
        long areaId,
        string? address,
        DateTime now,
        Func<DbConnection, DbTransaction, Task> alsoInTransaction,
        CancellationToken ct = default
    )
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        long id;
        try
        {
            id = await c.ExecuteScalarAsync<long>(
                new CommandDefinition(
                    InsertUnitSql,
                    new
                    {
                        name,
                        partyBranch,
                        areaId,
                        address,
                        now,
                    },
                    tx,
                    cancellationToken: ct
                )
            );
        }
        catch (Exception ex) when (MySqlDriver.IsDuplicateKey(ex))
        {
            return null;
        }
        await c.ExecuteAsync(
            new CommandDefinition(
                "INSERT INTO unit_admin (unit_id, person_id, created_at) VALUES (@id, @adminId, @now)",
                new
                {
                    id,
                    adminId,
                    now,
                },
                tx,
                cancellationToken: ct
            )
        );
        await alsoInTransaction(c, tx);
        await tx.CommitAsync(ct);
        return id;
    }

    public async Task<UnitRow?> GetUnitAsync(long id, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var u = await c.QuerySingleOrDefaultAsync<UnitRow>(
            new CommandDefinition(
                $"SELECT {UnitColumns} FROM unit u JOIN area a ON a.id = u.area_id WHERE u.id = @id",
                new { id },
                cancellationToken: ct
            )
        );
        return u is null ? null : u with { CreatedAt = u.CreatedAt.Utc() };
    }

    public async Task<IReadOnlyList<UnitRow>> UnitsInAreasAsync(
        IReadOnlyList<string> paths,
        string? status,
        CancellationToken ct = default
    )
    {
        if (paths.Count == 0)
            return [];
        var p = new DynamicParameters();
        var scope = string.Join(
            " OR ",
            paths.Select(
                (path, i) =>
                {
                    p.Add($"p{i}", path + "%");
                    return $"a.path LIKE @p{i}";
                }
            )
        );
        p.Add("status", status);
        await using var c = await db.OpenAsync(ct);
        return (
            await c.QueryAsync<UnitRow>(
                new CommandDefinition(
                    $"SELECT {UnitColumns} FROM unit u JOIN area a ON a.id = u.area_id WHERE ({scope}) AND (@status "
                        + $"IS NULL OR u.status = @status) ORDER BY u.id",
                    p,
                    cancellationToken: ct
                )
            )
        )
            .Select(u => u with { CreatedAt = u.CreatedAt.Utc() })
            .ToList();
    }

    public async Task<bool> DecideUnitAsync(
        long id,
        string status,
        string? reason,
        long by,
        DateTime now,
        Func<DbConnection, DbTransaction, Task> alsoInTransaction,
        CancellationToken ct = default
    )
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        if (
            await c.ExecuteAsync(
                new CommandDefinition(
                    "UPDATE unit SET status = @status, reject_reason = @reason, decided_by = @by, decided_at = @now "
                        + "WHERE id = @id AND status = 'pending'",
                    new
                    {
                        id,
                        status,
                        reason,
                        by,
                        now,
                    },
                    tx,
                    cancellationToken: ct
                )
            ) != 1
        )
            return false;
        await alsoInTransaction(c, tx);
        await tx.CommitAsync(ct);
        return true;
    }

    private const string PairingColumns = """
        p.unit_id AS UnitId, u.name AS UnitName, p.community_id AS CommunityId, a.name AS CommunityName,
          a.path AS CommunityPath, p.status,
        p.reject_reason AS RejectReason, p.created_at AS CreatedAt
        """;

    public async Task<bool> RequestPairingAsync(
        long unitId,
        long communityId,
        DateTime now,
        Func<DbConnection, DbTransaction, Task> alsoInTransaction,
        CancellationToken ct = default
    )
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var changed = await c.ExecuteAsync(
            new CommandDefinition(
                """
                INSERT INTO unit_pairing (unit_id, community_id, status, created_at) VALUES (@unitId, @communityId,
                  'pending', @now)
                ON DUPLICATE KEY UPDATE status = IF(status = 'rejected', 'pending', status),
                  reject_reason = IF(status = 'pending', NULL, reject_reason)
                """,
                new
                {
                    unitId,
                    communityId,
                    now,
                },
                tx,
                cancellationToken: ct
            )
        );
        if (changed == 0)
            return false;
        await alsoInTransaction(c, tx);
        await tx.CommitAsync(ct);
        return true;
    }

    public async Task<IReadOnlyList<PairingRow>> PairingsAsync(
        long? unitId,
        IReadOnlyList<string>? communityPaths,
        string? status,
        CancellationToken ct = default
    )
    {
        var p = new DynamicParameters(new { unitId, status });
        var scope =
            communityPaths is null ? "1 = 1"
            : communityPaths.Count == 0 ? "1 = 0"
            : string.Join(
                " OR ",
                communityPaths.Select(
                    (path, i) =>
                    {
                        p.Add($"p{i}", path + "%");
                        return $"a.path LIKE @p{i}";
                    }
                )
            );
        await using var c = await db.OpenAsync(ct);
        return (
            await c.QueryAsync<PairingRow>(
                new CommandDefinition(
                    $"""
                    SELECT {PairingColumns} FROM unit_pairing p JOIN unit u ON u.id = p.unit_id JOIN area a
                      ON a.id = p.community_id
                    WHERE (@unitId IS NULL OR p.unit_id = @unitId) AND ({scope}) AND (@status IS NULL
                      OR p.status = @status) ORDER BY p.unit_id, p.community_id
                    """,
                    p,
                    cancellationToken: ct
                )
            )
        ).Select(r => r with { CreatedAt = r.CreatedAt.Utc() }).ToList();
    }

    public async Task<bool> DecidePairingAsync(
        long unitId,
        long communityId,
        string status,
        string? reason,
        long by,
        DateTime now,
        Func<DbConnection, DbTransaction, Task> alsoInTransaction,
        CancellationToken ct = default
    )
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        if (
            await c.ExecuteAsync(
                new CommandDefinition(
                    """
                    UPDATE unit_pairing SET status = @status, reject_reason = @reason, decided_by = @by,
                      decided_at = @now
                    WHERE unit_id = @unitId AND community_id = @communityId AND status = 'pending'
                    """,
                    new
                    {
                        unitId,
                        communityId,
                        status,
                        reason,
                        by,
                        now,
                    },
                    tx,
                    cancellationToken: ct
                )
            ) != 1
        )
            return false;
        await alsoInTransaction(c, tx);
        await tx.CommitAsync(ct);
        return true;
    }

    public async Task<IReadOnlyList<long>> UnitAdminsAsync(long unitId, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return (
            await c.QueryAsync<long>(
                new CommandDefinition(
                    "SELECT person_id FROM unit_admin WHERE unit_id = @unitId",
                    new { unitId },
                    cancellationToken: ct
                )
            )
        ).AsList();
    }

    /// <summary>A unit's members by id, one page after <paramref name="afterPersonId"/> (keyset paging).</summary>
    public async Task<IReadOnlyList<UnitMemberRow>> UnitMembersAsync(
        long unitId,
        long afterPersonId,
        int limit,
        CancellationToken ct
    )
    {
        await using var c = await db.OpenAsync(ct);
        return (
            await c.QueryAsync<UnitMemberRow>(
                new CommandDefinition(
                    """
                    SELECT m.person_id AS PersonId, p.name, p.phone, m.skills, m.service_minutes AS ServiceMinutes
                      FROM member m JOIN person p ON p.id = m.person_id WHERE m.unit_id = @unitId
                        AND m.person_id > @afterPersonId
                     ORDER BY m.person_id LIMIT @limit
                    """,
                    new
                    {
                        unitId,
                        afterPersonId,
                        limit,
                    },
                    cancellationToken: ct
                )
            )
        ).AsList();
    }

    private static RegistrationRow? Utc(RegistrationRow? r) =>
        r is null ? null : r with { CreatedAt = r.CreatedAt.Utc(), DecidedAt = r.DecidedAt.Utc() };
}
