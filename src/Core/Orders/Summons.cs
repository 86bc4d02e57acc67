using System.Data.Common;
using Dapper;
using Governance.Core.Data;
using Governance.Core.Errors;
using Governance.Core.Notifications;
using Governance.Core.People;
using Governance.Core.Registrations;
using Governance.Core.Text;

namespace Governance.Core.Orders;

public static class SummonsErrors
{
    public static readonly ErrorCode NotDepartment = new(
        "summons.not_department",
        ErrorKind.Validation,
        "只能向职能部门吹哨",
        "unitId"
    );
    public static readonly ErrorCode NotAllowed = new(
        "summons.not_allowed",
        ErrorKind.Forbidden,
        "只有街道或区县工作人员可以吹哨召集部门"
    );
    public static readonly ErrorCode AlreadySummoned = new(
        "summons.already",
        ErrorKind.Conflict,
        "已向该部门吹哨，等待部门报到"
    );
    public static readonly ErrorCode OrderFinished = new(
        "summons.order_finished",
        ErrorKind.Conflict,
        "工单已结束，不能再吹哨"
    );
    public static readonly ErrorCode ReasonRequired = new(
        "summons.reason_required",
        ErrorKind.Validation,
        "请写明吹哨事由（200字以内）",
        "reason"
    );
    public static readonly ErrorCode NotFound = new("summons.not_found", ErrorKind.NotFound, "没有这条吹哨记录");
    public static readonly ErrorCode NotDepartmentAdmin = new(
        "summons.not_department_admin",
        ErrorKind.Forbidden,
        "只有被召集部门的管理员可以报到"
    );
    public static readonly ErrorCode AnswerRequired = new(
        "summons.answer_required",
        ErrorKind.Validation,
        "请写明报到情况或办理结果（500字以内）",
        "answer"
    );
    public static readonly ErrorCode AlreadyDone = new(
        "summons.already_done",
        ErrorKind.Conflict,
        "部门已办结，不能再改"
    );

    public static readonly ErrorCode[] Summon =
    [
        OrderErrors.NotFound,
        NotDepartment,
        NotAllowed,
        AlreadySummoned,
        OrderFinished,
        ReasonRequired,
    ];
    public static readonly ErrorCode[] Answer = [NotFound, NotDepartmentAdmin, AnswerRequired, AlreadyDone];
}

public sealed record SummonsView(
    long Id,
    string OrderCode,
    long UnitId,
    string UnitName,
    string Reason,
    string Status,
    string? Answer,
    DateTime SummonedAt,
    DateTime? ReportedAt,
    DateTime? DoneAt
);

/// <summary>
/// 吹哨报到: street or county staff summon a department (城管, 交通局, 司法局 …) to an order; escalation past the street
/// summons the departments that answer for the order's category. The department's admins are told, see the order, and
/// answer: first that they have reported (报到) with what they will do, then that their part is done. Each step is on
/// the order's timeline and counted in the statistics (summoned).
/// </summary>
public sealed class Summons(
    Db db,
    OrderStore orders,
    OrderReader reader,
    OrderRecipients recipients,
    RegistrationStore units,
    TimeProvider clock
)
{
    public async Task<Result<SummonsView>> SummonAsync(
        Caller caller,
        string code,
        long unitId,
        string? reason,
        CancellationToken ct
    )
    {
        var row = await reader.VisibleAsync(caller, code, ct);
        if (row is null)
            return OrderErrors.NotFound;
        if (!caller.Staff.Any(s =>
                StaffRole.IsAboveCommunity(s.Role) && row.AreaPath.StartsWith(s.AreaPath, StringComparison.Ordinal)
            ))
            return SummonsErrors.NotAllowed;
        reason = reason?.Trim();
        if (string.IsNullOrEmpty(reason) || reason.Length > 200)
            return SummonsErrors.ReasonRequired;
        if (OrderStatus.IsTerminal(row.Status))
            return SummonsErrors.OrderFinished;
        if (await DepartmentNameAsync(unitId, ct) is not { } name)
            return SummonsErrors.NotDepartment;
        var now = clock.GetUtcNow().UtcDateTime;
        var admins = await units.UnitAdminsAsync(unitId, ct);
        try
        {
            await orders.AppendAsync(
            row.Id,
            new NewOrderEvent(
                OrderEventKind.Summoned,
                null,
                null,
                caller.PersonId,
                caller.RoleFor(row.AreaPath),
                $"吹哨：{name}，{reason}",
                $$"""{"unitId":{{unitId}}}"""
            ),
            now,
            async (c, tx) =>
            {
                if (!await InsertAsync(c, tx, row.Id, unitId, reason, caller.PersonId, now, ct))
                    throw new AlreadySummonedException();
                await Outbox.EnqueueAsync(
                    c,
                    tx,
                    admins,
                    new Notice(
                        "summons",
                        $"吹哨报到：{row.CategoryName}",
                        $"{Chars.Shorten(row.Description, 30)}。{reason}",
                        row.Code
                    ),
                    $"summons:{row.Code}:{unitId}",
                    now,
                    ct
                );
            },
            ct
        );
        }
        catch (AlreadySummonedException)
        {
            return SummonsErrors.AlreadySummoned;
        }
        return (await ListAsync(row.Id, ct)).Single(s => s.UnitId == unitId);
    }

    private sealed class AlreadySummonedException : Exception;

    /// <summary>
    /// The department reports (报到) with what it will do, or, with <paramref name="done"/>, that its part is done.
    /// </summary>
    public async Task<Result<SummonsView>> AnswerAsync(
        Caller caller,
        long summonsId,
        string? answer,
        bool done,
        CancellationToken ct
    )
    {
        SummonsRow? s;
        await using (var c = await db.OpenAsync(ct))
            s = await c.QuerySingleOrDefaultAsync<SummonsRow>(
            new CommandDefinition($"{SelectSql} WHERE s.id = @summonsId", new { summonsId }, cancellationToken: ct)
        );
        if (s is null || !caller.UnitAdminOf.Contains(s.UnitId))
            return s is null ? SummonsErrors.NotFound : SummonsErrors.NotDepartmentAdmin;
        answer = answer?.Trim();
        if (string.IsNullOrEmpty(answer) || answer.Length > 500)
            return SummonsErrors.AnswerRequired;
        if (s.Status == "done")
            return SummonsErrors.AlreadyDone;
        var row = (await orders.GetAsync(s.OrderId, ct))!;
        var now = clock.GetUtcNow().UtcDateTime;
        var status = done ? "done" : "reported";
        var summoner = s.SummonedBy is { } by ? [by] : await recipients.StreetAsync(row.AreaPath, ct);
        await orders.AppendAsync(
            row.Id,
            new NewOrderEvent(
                OrderEventKind.SummonsAnswered,
                null,
                null,
                caller.PersonId,
                "unit_admin",
                $"{s.UnitName}{(done ? "办结" : "报到")}：{answer}",
                $$"""{"unitId":{{s.UnitId}},"status":"{{status}}"}"""
            ),
            now,
            async (c2, tx) =>
            {
                await c2.ExecuteAsync(
                    new CommandDefinition(
                        """
                        UPDATE order_summons SET status = @status, answer = @answer, answered_by = @by,
                               reported_at = COALESCE(reported_at, @now), done_at = IF(@status = 'done', @now, NULL)
                         WHERE id = @id
                        """,
                        new { status, answer, by = caller.PersonId, now, id = summonsId },
                        tx,
                        cancellationToken: ct
                    )
                );
                await Outbox.EnqueueAsync(
                    c2,
                    tx,
                    summoner,
                    new Notice(
                        "summons_answered",
                        $"{s.UnitName}已{(done ? "办结" : "报到")}",
                        Chars.Shorten(answer, 60),
                        row.Code
                    ),
                    $"summons:{row.Code}:{s.UnitId}:{status}",
                    now,
                    ct
                );
            },
            ct
        );
        return (await ListAsync(row.Id, ct)).Single(x => x.Id == summonsId);
    }

    /// <summary>The departments summoned to an order, in order.</summary>
    public async Task<IReadOnlyList<SummonsView>> ListAsync(long orderId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<SummonsRow>(
            new CommandDefinition(
                $"{SelectSql} WHERE s.order_id = @orderId ORDER BY s.id",
                new { orderId },
                cancellationToken: ct
            )
        );
        return rows.Select(View).ToList();
    }

    /// <summary>What a department has been summoned to, open first (its admins' work list).</summary>
    public async Task<Result<IReadOnlyList<SummonsView>>> ForDepartmentAsync(
        Caller caller,
        long unitId,
        CancellationToken ct
    )
    {
        if (!caller.UnitAdminOf.Contains(unitId))
            return SummonsErrors.NotDepartmentAdmin;
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<SummonsRow>(
            new CommandDefinition(
                $"{SelectSql} WHERE s.unit_id = @unitId ORDER BY s.status = 'done', s.id DESC LIMIT 200",
                new { unitId },
                cancellationToken: ct
            )
        );
        return rows.Select(View).ToList();
    }

    /// <summary>
    /// Records a summons inside the caller's transaction; false when the department was already summoned to the order.
    /// </summary>
    public static async Task<bool> InsertAsync(
        DbConnection c,
        DbTransaction tx,
        long orderId,
        long unitId,
        string reason,
        long? by,
        DateTime now,
        CancellationToken ct
    ) =>
        await c.ExecuteAsync(
            new CommandDefinition(
                """
                INSERT IGNORE INTO order_summons (order_id, unit_id, reason, summoned_by, status, created_at)
                VALUES (@orderId, @unitId, @reason, @by, 'summoned', @now)
                """,
                new { orderId, unitId, reason, by, now },
                tx,
                cancellationToken: ct
            )
        ) == 1;

    /// <summary>The departments that answer for a category, with their admins.</summary>
    public async Task<IReadOnlyList<(long UnitId, string Name, IReadOnlyList<long> Admins)>> OnDutyAsync(
        long categoryId,
        CancellationToken ct
    )
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<(long UnitId, string Name, long? Admin)>(
            new CommandDefinition(
                """
                SELECT u.id, u.name, ua.person_id FROM department_duty d JOIN unit u ON u.id = d.unit_id
                  LEFT JOIN unit_admin ua ON ua.unit_id = u.id
                 WHERE d.category_id = @categoryId AND u.kind = 'department' ORDER BY u.id, ua.person_id
                """,
                new { categoryId },
                cancellationToken: ct
            )
        );
        return rows.GroupBy(r => (r.UnitId, r.Name))
            .Select(g =>
                (
                    g.Key.UnitId,
                    g.Key.Name,
                    (IReadOnlyList<long>)[.. g.Where(r => r.Admin is not null).Select(r => r.Admin!.Value)]
                )
            )
            .ToList();
    }

    private async Task<string?> DepartmentNameAsync(long unitId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteScalarAsync<string?>(
            new CommandDefinition(
                "SELECT name FROM unit WHERE id = @unitId AND kind = 'department'",
                new { unitId },
                cancellationToken: ct
            )
        );
    }

    private const string SelectSql = """
        SELECT s.id AS Id, s.order_id AS OrderId, o.code AS OrderCode, s.unit_id AS UnitId, u.name AS UnitName,
               s.reason AS Reason, s.status AS Status, s.answer AS Answer, s.summoned_by AS SummonedBy,
               s.created_at AS CreatedAt, s.reported_at AS ReportedAt, s.done_at AS DoneAt
          FROM order_summons s JOIN service_order o ON o.id = s.order_id JOIN unit u ON u.id = s.unit_id
        """;

    private sealed record SummonsRow
    {
        public long Id { get; init; }
        public long OrderId { get; init; }
        public string OrderCode { get; init; } = "";
        public long UnitId { get; init; }
        public string UnitName { get; init; } = "";
        public string Reason { get; init; } = "";
        public string Status { get; init; } = "";
        public string? Answer { get; init; }
        public long? SummonedBy { get; init; }
        public DateTime CreatedAt { get; init; }
        public DateTime? ReportedAt { get; init; }
        public DateTime? DoneAt { get; init; }
    }

    private static SummonsView View(SummonsRow r) =>
        new(
            r.Id,
            r.OrderCode,
            r.UnitId,
            r.UnitName,
            r.Reason,
            r.Status,
            r.Answer,
            r.CreatedAt.Utc(),
            r.ReportedAt?.Utc(),
            r.DoneAt?.Utc()
        );
}
