using Dapper;
using Governance.Core.Areas;
using Governance.Core.Data;
using Governance.Core.Errors;
using Governance.Core.Orders;
using Governance.Core.People;
using Governance.Core.Text;
using static Governance.Core.Errors.ErrorKind;

namespace Governance.Core.StaffConsole;

public static class DeskErrors
{
    public static readonly ErrorCode StaffOnly = new("desk.staff_only", Forbidden, "只有工作人员可以使用");
    public static readonly ErrorCode PurposeInvalid = new(
        "desk.purpose_invalid",
        Validation,
        "用途应为 reject、progress、close 或 extend",
        "purpose"
    );
    public static readonly ErrorCode TextInvalid = new(
        "desk.text_invalid",
        Validation,
        "常用语不能为空，且不超过100字",
        "text"
    );
    public static readonly ErrorCode AreaOutOfScope = new(
        "desk.area_out_of_scope",
        Forbidden,
        "只能为自己负责的区域维护常用语"
    );
    public static readonly ErrorCode TemplateNotFound = new("desk.template_not_found", NotFound, "常用语不存在");
    public static readonly ErrorCode NameInvalid = new(
        "desk.name_invalid",
        Validation,
        "筛选名称不能为空，且不超过20字",
        "name"
    );
    public static readonly ErrorCode QueryInvalid = new("desk.query_invalid", Validation, "筛选条件不正确", "query");
    public static readonly ErrorCode NameTaken = new("desk.name_taken", Conflict, "已有同名的筛选");
    public static readonly ErrorCode TooMany = new("desk.too_many", Conflict, "最多保存 20 个筛选");
    public static readonly ErrorCode FilterNotFound = new("desk.filter_not_found", NotFound, "筛选不存在");

    public static readonly ErrorCode[] Templates = [StaffOnly, PurposeInvalid];
    public static readonly ErrorCode[] AddTemplate =
    [
        StaffOnly,
        PurposeInvalid,
        TextInvalid,
        AreaOutOfScope,
        OrderErrors.CategoryNotFound,
        OrderErrors.InvalidStatus,
    ];
    public static readonly ErrorCode[] RemoveTemplate = [StaffOnly, TemplateNotFound, AreaOutOfScope];
    public static readonly ErrorCode[] SaveFilter = [StaffOnly, NameInvalid, QueryInvalid, NameTaken, TooMany];
    public static readonly ErrorCode[] RemoveFilter = [FilterNotFound];
    public static readonly ErrorCode[] Shortlist = [StaffOnly, OrderErrors.NotFound];
}

public sealed record ReplyTemplate(
    long Id,
    long? AreaId,
    string? AreaName,
    string Purpose,
    long? CategoryId,
    string? Status,
    string Text
);

public sealed record SavedFilter(long Id, string Name, string Query);

/// <summary>
/// What staff at a desk keep at hand: 常用语 (reply templates) for reject reasons, progress notes, closing words and
/// extensions, per category and state, shared down the area tree — everyone's, the street's for its communities, the
/// community's own; saved filters of the order board; a shortlist of orders to watch. Templates are offered, never
/// forced: the words sent are whatever the person finally types.
/// </summary>
public sealed class DeskTools(
    Db db,
    AreaStore areas,
    Categories.CategoryStore categories,
    OrderReader orders,
    TimeProvider clock
)
{
    public static readonly string[] Purposes = ["reject", "progress", "close", "extend"];
    private const int MaxFilters = 20;

    // The caller's templates: everyone's, and those of any area on the path of one of their scopes (above or at it).
    private const string TemplatesSql = """
        SELECT t.id AS Id, t.area_id AS AreaId, a.name AS AreaName, t.purpose AS Purpose, t.category_id AS CategoryId,
               t.status AS Status, t.text AS Text
          FROM reply_template t LEFT JOIN area a ON a.id = t.area_id
         WHERE (@purpose IS NULL OR t.purpose = @purpose)
           AND (@categoryId IS NULL OR t.category_id IS NULL OR t.category_id = @categoryId)
           AND (@status IS NULL OR t.status IS NULL OR t.status = @status)
           AND (t.area_id IS NULL OR t.area_id IN @areas)
         ORDER BY t.category_id IS NULL, t.status IS NULL, t.area_id IS NULL, t.id
        """;

    /// <summary>The areas from the root down to each of the caller's scopes: whose templates reach them.</summary>
    private static long[] Reach(Caller caller) =>
        caller
            .Staff.SelectMany(s => s.AreaPath.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(long.Parse))
            .Distinct()
            .ToArray();

    public async Task<Result<IReadOnlyList<ReplyTemplate>>> TemplatesAsync(
        Caller caller,
        string? purpose,
        long? categoryId,
        string? status,
        CancellationToken ct
    )
    {
        if (!caller.IsStaff)
            return DeskErrors.StaffOnly;
        if (purpose is not null && !Purposes.Contains(purpose))
            return DeskErrors.PurposeInvalid;
        await using var c = await db.OpenAsync(ct);
        return Result<IReadOnlyList<ReplyTemplate>>.From(
            (
                await c.QueryAsync<ReplyTemplate>(
                    new CommandDefinition(
                        TemplatesSql,
                        new
                        {
                            purpose,
                            categoryId,
                            status,
                            areas = Reach(caller).DefaultIfEmpty(-1),
                        },
                        cancellationToken: ct
                    )
                )
            ).AsList()
        );
    }

    public async Task<Result<ReplyTemplate>> AddTemplateAsync(
        Caller caller,
        long? areaId,
        string? purpose,
        long? categoryId,
        string? status,
        string? text,
        CancellationToken ct
    )
    {
        if (!caller.IsStaff)
            return DeskErrors.StaffOnly;
        if (purpose is null || !Purposes.Contains(purpose))
            return DeskErrors.PurposeInvalid;
        text = text?.Trim();
        if (string.IsNullOrEmpty(text) || Chars.Count(text) > 100)
            return DeskErrors.TextInvalid;
        if (status is not null && !OrderStatus.All.Contains(status))
            return OrderErrors.InvalidStatus;
        if (categoryId is { } cid && await categories.GetAsync(cid, ct) is null)
            return OrderErrors.CategoryNotFound;
        var area = await areas.GetAsync(areaId ?? caller.Staff[0].AreaId, ct);
        if (area is null || !caller.IsStaffOver(area))
            return DeskErrors.AreaOutOfScope;
        await using var c = await db.OpenAsync(ct);
        var id = await c.ExecuteScalarAsync<long>(
            new CommandDefinition(
                """
                INSERT INTO reply_template (area_id, purpose, category_id, status, text, created_by, created_at)
                VALUES (@areaId, @purpose, @categoryId, @status, @text, @me, @now);
                SELECT LAST_INSERT_ID();
                """,
                new
                {
                    areaId = area.Id,
                    purpose,
                    categoryId,
                    status,
                    text,
                    me = caller.PersonId,
                    now = clock.GetUtcNow().UtcDateTime,
                },
                cancellationToken: ct
            )
        );
        return new ReplyTemplate(id, area.Id, area.Name, purpose, categoryId, status, text);
    }

    /// <summary>Staff remove a template of an area they are responsible for (everyone's are kept).</summary>
    public async Task<Result<bool>> RemoveTemplateAsync(Caller caller, long id, CancellationToken ct)
    {
        if (!caller.IsStaff)
            return DeskErrors.StaffOnly;
        await using var c = await db.OpenAsync(ct);
        var areaId = await c.QuerySingleOrDefaultAsync<long?>(
            new CommandDefinition(
                "SELECT area_id FROM reply_template WHERE id = @id",
                new { id },
                cancellationToken: ct
            )
        );
        if (areaId is null)
            return DeskErrors.TemplateNotFound;
        if (await areas.GetAsync(areaId.Value, ct) is not { } area || !caller.IsStaffOver(area))
            return DeskErrors.AreaOutOfScope;
        await c.ExecuteAsync(
            new CommandDefinition("DELETE FROM reply_template WHERE id = @id", new { id }, cancellationToken: ct)
        );
        return true;
    }

    public async Task<IReadOnlyList<SavedFilter>> FiltersAsync(Caller caller, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (
            await c.QueryAsync<SavedFilter>(
                new CommandDefinition(
                    "SELECT id AS Id, name AS Name, query AS Query FROM saved_filter WHERE person_id = @me ORDER BY id",
                    new { me = caller.PersonId },
                    cancellationToken: ct
                )
            )
        ).AsList();
    }

    /// <summary>Saves the order board's query under a name (a name used again is refused, not overwritten).</summary>
    public async Task<Result<SavedFilter>> SaveFilterAsync(
        Caller caller,
        string? name,
        string? query,
        CancellationToken ct
    )
    {
        if (!caller.IsStaff)
            return DeskErrors.StaffOnly;
        name = name?.Trim();
        if (string.IsNullOrEmpty(name) || Chars.Count(name) > 20)
            return DeskErrors.NameInvalid;
        query = query?.Trim().TrimStart('?');
        if (string.IsNullOrEmpty(query) || query.Length > 500 || query.Any(ch => char.IsControl(ch) || ch == '#'))
            return DeskErrors.QueryInvalid;
        var existing = await FiltersAsync(caller, ct);
        if (existing.Any(f => f.Name == name))
            return DeskErrors.NameTaken;
        if (existing.Count >= MaxFilters)
            return DeskErrors.TooMany;
        await using var c = await db.OpenAsync(ct);
        try
        {
            var id = await c.ExecuteScalarAsync<long>(
                new CommandDefinition(
                    """
                    INSERT INTO saved_filter (person_id, name, query, created_at) VALUES (@me, @name, @query, @now);
                    SELECT LAST_INSERT_ID();
                    """,
                    new
                    {
                        me = caller.PersonId,
                        name,
                        query,
                        now = clock.GetUtcNow().UtcDateTime,
                    },
                    cancellationToken: ct
                )
            );
            return new SavedFilter(id, name, query);
        }
        catch (Exception ex) when (MySqlDriver.IsDuplicateKey(ex))
        {
            return DeskErrors.NameTaken;
        }
    }

    public async Task<Result<bool>> RemoveFilterAsync(Caller caller, long id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var removed = await c.ExecuteAsync(
            new CommandDefinition(
                "DELETE FROM saved_filter WHERE id = @id AND person_id = @me",
                new { id, me = caller.PersonId },
                cancellationToken: ct
            )
        );
        return removed == 0 ? DeskErrors.FilterNotFound : true;
    }

    /// <summary>The caller's shortlist: the codes of the orders they keep an eye on, newest added first.</summary>
    public async Task<IReadOnlyList<string>> ShortlistAsync(Caller caller, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (
            await c.QueryAsync<string>(
                new CommandDefinition(
                    """
                    SELECT o.code FROM order_shortlist s JOIN service_order o ON o.id = s.order_id
                     WHERE s.person_id = @me ORDER BY s.created_at DESC LIMIT 200
                    """,
                    new { me = caller.PersonId },
                    cancellationToken: ct
                )
            )
        ).AsList();
    }

    /// <summary>Puts an order the caller can see on their shortlist (<paramref name="on"/> false: off it).</summary>
    public async Task<Result<bool>> MarkAsync(Caller caller, string code, bool on, CancellationToken ct)
    {
        if (!caller.IsStaff)
            return DeskErrors.StaffOnly;
        var order = await orders.GetAsync(caller, code, ct);
        if (!order.IsOk)
            return order.Error!;
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(
            new CommandDefinition(
                on
                    ? """
                    INSERT IGNORE INTO order_shortlist (person_id, order_id, created_at)
                    SELECT @me, id, @now FROM service_order WHERE code = @code
                    """
                    : """
                    DELETE s FROM order_shortlist s JOIN service_order o ON o.id = s.order_id
                     WHERE s.person_id = @me AND o.code = @code
                    """,
                new
                {
                    me = caller.PersonId,
                    code,
                    now = clock.GetUtcNow().UtcDateTime,
                },
                cancellationToken: ct
            )
        );
        return on;
    }
}
