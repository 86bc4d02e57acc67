using System.Text.Json;
using System.Text.RegularExpressions;
using Dapper;
using Governance.Core.Data;
using Governance.Core.Errors;
using Governance.Core.People;
using static Governance.Core.Errors.ErrorKind;

namespace Governance.Core.Notifications;

public static class TemplateAdminErrors
{
    public static readonly ErrorCode NotAllowed = new(
        "templates.not_allowed",
        Forbidden,
        "消息模板属于公众号和小程序账号，由县级管理员维护"
    );
    public static readonly ErrorCode NotFound = new("templates.not_found", ErrorKind.NotFound, "没有这个消息模板");
    public static readonly ErrorCode Invalid = new(
        "templates.invalid",
        Validation,
        "请填写通知种类（小写字母和下划线）、渠道（template 公众号模板消息或 subscribe 小程序订阅消息）、模板ID（字母数字，"
            + "不超过64位）、1到10个关键词（如 thing1，取值 title、body、code、time、status 之一，类型如 thing、phrase、"
            + "character_string、time）",
        "fields"
    );

    public static readonly ErrorCode PageUnknown = new(
        "templates.page_unknown",
        Validation,
        "小程序中没有这个页面，请填写通知要打开的小程序页面路径，或不填",
        "page"
    );

    public static readonly ErrorCode[] Set = [NotAllowed, Invalid, PageUnknown];
    public static readonly ErrorCode[] Delete = [NotAllowed, NotFound];
}

/// <summary>A notice kind's template on a channel, as the county admin edits it.</summary>
public sealed record TemplateRow(
    string Kind,
    string Channel,
    string TemplateId,
    IReadOnlyList<TemplateField> Fields,
    string? Page
);

/// <summary>
/// The message templates (消息模板) are the account's: which template id each kind of notice uses on the official
/// account (template messages) and in the mini-program (subscribe messages), which keyword shows what, and which
/// mini-program page it opens (the host checks the page against the mini-program's). Set by county admins on the
/// console; the sender reads them on every batch, so a change counts from the next message. Without a row for a kind
/// and channel, that channel is not used for it.
/// </summary>
public sealed partial class TemplateAdmin(Db db, DeliveryStore store)
{
    public static readonly string[] Sources = ["title", "body", "code", "time", "status"];

    public static readonly string[] Types =
    [
        "thing",
        "name",
        "phrase",
        "character_string",
        "number",
        "letter",
        "symbol",
        "phone_number",
        "car_number",
        "time",
        "date",
        "amount",
    ];

    private static bool IsCounty(Caller caller) => caller.Staff.Any(s => s.Role == StaffRole.CountyAdmin);

    public async Task<Result<IReadOnlyList<TemplateRow>>> ListAsync(Caller caller, CancellationToken ct)
    {
        if (!IsCounty(caller))
            return TemplateAdminErrors.NotAllowed;
        return Result<IReadOnlyList<TemplateRow>>.From(
            (await store.TemplatesAsync(ct))
                .OrderBy(t => t.Kind, StringComparer.Ordinal)
                .ThenBy(t => t.Channel, StringComparer.Ordinal)
                .Select(t => new TemplateRow(t.Kind, t.Channel, t.TemplateId, t.Fields, t.Page))
                .ToList()
        );
    }

    public async Task<Result<TemplateRow>> SetAsync(Caller caller, TemplateRow row, CancellationToken ct)
    {
        if (!IsCounty(caller))
            return TemplateAdminErrors.NotAllowed;
        var fields = row.Fields ?? [];
        if (
            !KindPattern().IsMatch(row.Kind ?? "")
            || row.Channel is not ("template" or "subscribe")
            || !TemplateIdPattern().IsMatch(row.TemplateId ?? "")
            || fields.Count is < 1 or > 10
            || fields.Any(f =>
                f is null || !KeyPattern().IsMatch(f.Key ?? "") || !Sources.Contains(f.From) || !Types.Contains(f.Type)
            )
            || fields.Select(f => f.Key).Distinct().Count() != fields.Count
        )
            return TemplateAdminErrors.Invalid;
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(
            new CommandDefinition(
                """
                INSERT INTO notification_template (kind, channel, template_id, fields, page)
                VALUES (@Kind, @Channel, @TemplateId, @fields, @Page)
                ON DUPLICATE KEY UPDATE template_id = VALUES(template_id), fields = VALUES(fields), page = VALUES(page)
                """,
                new
                {
                    row.Kind,
                    row.Channel,
                    row.TemplateId,
                    fields = JsonSerializer.Serialize(fields, Outbox.Json),
                    Page = string.IsNullOrEmpty(row.Page) ? null : row.Page,
                },
                cancellationToken: ct
            )
        );
        return row with { Page = string.IsNullOrEmpty(row.Page) ? null : row.Page };
    }

    /// <summary>The kind no longer uses this channel (its notices go by the others, or to the in-app inbox).</summary>
    public async Task<Result<bool>> DeleteAsync(Caller caller, string kind, string channel, CancellationToken ct)
    {
        if (!IsCounty(caller))
            return TemplateAdminErrors.NotAllowed;
        await using var c = await db.OpenAsync(ct);
        var rows = await c.ExecuteAsync(
            new CommandDefinition(
                "DELETE FROM notification_template WHERE kind = @kind AND channel = @channel",
                new { kind, channel },
                cancellationToken: ct
            )
        );
        return rows == 0 ? TemplateAdminErrors.NotFound : true;
    }

    [GeneratedRegex("^[a-z][a-z_]{1,29}$")]
    private static partial Regex KindPattern();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex TemplateIdPattern();

    [GeneratedRegex("^[a-z_]+[0-9]+$")]
    private static partial Regex KeyPattern();
}
