using System.Data.Common;
using Dapper;
using Governance.Core.Areas;
using Governance.Core.Data;
using Governance.Core.Errors;
using Governance.Core.People;

namespace Governance.Core.Lists;

/// <summary>A column of a ledger: its Chinese heading and a width in characters for the spreadsheet.</summary>
public sealed record LedgerColumn(string Key, string Heading, int Width);

/// <summary>A ledger (台账) as rows, ready to be written as a spreadsheet or CSV.</summary>
public sealed record Ledger(
    string Title,
    IReadOnlyList<LedgerColumn> Columns,
    IReadOnlyList<IReadOnlyDictionary<string, object?>> Rows
)
{
    /// <summary>Definitions of the columns (口径说明), written on a second sheet of the spreadsheet.</summary>
    public IReadOnlyList<(string Name, string Definition)> Notes { get; init; } = [];
}

public static class LedgerErrors
{
    public static readonly ErrorCode UnknownLedger = new(
        "ledgers.unknown",
        ErrorKind.NotFound,
        "没有这种台账：可导出 claims（认领）、meetings（会议）、members（报到党员）、services（服务）或 inspections（督查）"
    );
    public static readonly ErrorCode UnknownFormat = new(
        "ledgers.unknown_format",
        ErrorKind.Validation,
        "导出格式应为 xlsx 或 csv",
        "format"
    );
    public static readonly ErrorCode CommunityNotFound = new(
        "ledgers.community_not_found",
        ErrorKind.NotFound,
        "社区或街道不存在"
    );
    public static readonly ErrorCode StaffOnly = new(
        "ledgers.staff_only",
        ErrorKind.Forbidden,
        "只有本社区（街道）或上级工作人员可以导出台账"
    );

    public static readonly ErrorCode[] Export = [UnknownLedger, UnknownFormat, CommunityNotFound, StaffOnly];
}

/// <summary>
/// The community's ledgers for export: the claims ledger (every need and project claimed, by whom, by when, where it
/// stands and the evidence) and the meetings ledger (every meeting's items and how each ended). Times in China time.
/// Read from the replica when one is configured.
/// </summary>
public sealed class Ledgers(ReadDb read, AreaStore areas)
{
    public static readonly string[] Names = ["claims", "meetings", "members", "services", "inspections"];

    /// <summary>两台账 (1): the members registered in the community (双报到), with their unit and service hours.</summary>
    private static readonly LedgerColumn[] MemberColumns =
    [
        new("name", "姓名", 10),
        new("unit", "工作单位", 20),
        new("phone", "手机", 14),
        new("kind", "报到方式", 10),
        new("skills", "特长", 20),
        new("status", "报到状态", 10),
        new("registered", "报到时间", 18),
        new("hours", "服务时长（小时）", 14),
    ];

    /// <summary>两台账 (2): the services done in the community — resolved orders, who did them and how it went.</summary>
    private static readonly LedgerColumn[] ServiceColumns =
    [
        new("code", "工单号", 18),
        new("category", "类别", 10),
        new("description", "诉求", 36),
        new("handler", "办理人", 12),
        new("unit", "办理单位", 20),
        new("resolved", "办结时间", 18),
        new("hours", "服务时长（小时）", 14),
        new("rating", "居民评价", 10),
    ];

    private static readonly LedgerColumn[] ClaimColumns =
    [
        new("item", "事项", 30),
        new("kind", "清单", 8),
        new("claimant", "认领方", 20),
        new("owner", "负责人", 10),
        new("claimed", "认领时间", 18),
        new("deadline", "截止日期", 12),
        new("status", "状态", 8),
        new("evidence", "完成情况", 40),
    ];

    private static readonly LedgerColumn[] MeetingColumns =
    [
        new("meeting", "会议", 24),
        new("date", "时间", 18),
        new("item", "议题", 30),
        new("claimant", "认领方", 20),
        new("state", "办理情况", 10),
        new("carried", "是否结转", 8),
    ];

    private static readonly LedgerColumn[] InspectionColumns =
    [
        new("round", "督查", 20),
        new("quarter", "季度", 8),
        new("responsible", "整改责任方", 20),
        new("problem", "发现问题", 36),
        new("requirement", "整改要求", 30),
        new("deadline", "整改期限", 12),
        new("status", "状态", 8),
        new("evidence", "整改情况", 36),
        new("closed", "销号时间", 18),
    ];

    private static readonly LedgerColumn CommunityColumn = new("community", "社区", 14);

    /// <summary>
    /// A ledger of a community, or of a street (or any area above) with every community under it and a 社区 column
    /// first.
    /// </summary>
    public async Task<Result<Ledger>> ExportAsync(Caller caller, long areaId, string name, CancellationToken ct)
    {
        if (!Names.Contains(name))
            return LedgerErrors.UnknownLedger;
        if (
            await areas.GetAsync(areaId, ct) is not
            { Kind: AreaKind.County or AreaKind.Street or AreaKind.Community } area
        )
            return LedgerErrors.CommunityNotFound;
        if (!caller.IsStaffOver(area.Path))
            return LedgerErrors.StaffOnly;
        var ledger = await LedgerAsync(area, name, ct);
        return area.Kind == AreaKind.Community
            ? ledger
            : ledger with { Columns = [CommunityColumn, .. ledger.Columns] };
    }

    private async Task<Ledger> LedgerAsync(Area community, string name, CancellationToken ct)
    {
        var path = community.Path;
        await using var c = await read.Db.OpenAsync(ct);
        if (name == "members")
        {
            var members = await c.QueryAsync<
                (string, string?, string?, string, string, string, DateTime, int?, string)
            >(
                new CommandDefinition(
                    """
                    SELECT p.name, u.name, p.phone, r.kind, r.skills, r.status, r.created_at, m.service_minutes, a.name
                      FROM registration r JOIN area a ON a.id = r.community_id JOIN person p ON p.id = r.person_id
                      LEFT JOIN member m ON m.person_id = r.person_id LEFT JOIN unit u ON u.id = m.unit_id
                     WHERE a.path LIKE CONCAT(@path, '%') ORDER BY r.id
                    """,
                    new { path },
                    cancellationToken: ct
                )
            );
            return new Ledger(
                $"{community.Name}报到党员台账",
                MemberColumns,
                members
                    .Select(r => (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?>
                    {
                        ["community"] = r.Item9,
                        ["name"] = r.Item1,
                        ["unit"] = r.Item2 ?? "",
                        ["phone"] = r.Item3 ?? "",
                        ["kind"] = r.Item4 == "residence" ? "居住地报到" : "单位报到",
                        ["skills"] = r.Item5,
                        ["status"] = r.Item6 switch
                        {
                            "approved" => "已通过",
                            "pending" => "待审核",
                            _ => "未通过",
                        },
                        ["registered"] = Time.ChinaTime.ToChina(r.Item7.Utc()).ToString("yyyy-MM-dd HH:mm"),
                        ["hours"] = Math.Round((r.Item8 ?? 0) / 60.0, 1),
                    })
                    .ToList()
            );
        }
        if (name == "services")
        {
            // The community of each order is the one whose path begins its place's path, whatever the levels above.
            var communities = (
                await c.QueryAsync<(string Path, string Name)>(
                    new CommandDefinition(
                        "SELECT path, name FROM area WHERE kind = 'community' AND (path LIKE CONCAT(@path, '%') "
                            + "OR @path LIKE CONCAT(path, '%'))",
                        new { path },
                        cancellationToken: ct
                    )
                )
            ).AsList();
            string CommunityOf(string areaPath) =>
                communities.FirstOrDefault(x => areaPath.StartsWith(x.Path, StringComparison.Ordinal)).Name ?? "";
            var services = await c.QueryAsync<
                (string, string, string, string?, string?, DateTime, int, string?, string)
            >(
                new CommandDefinition(
                    """
                    SELECT o.code, k.name, o.description, p.name, u.name, o.resolved_at, COALESCE(o.service_minutes, 0),
                      o.satisfaction, o.area_path
                      FROM service_order o JOIN category k ON k.id = o.category_id
                      LEFT JOIN person p ON p.id = o.claimer_person_id LEFT JOIN unit u ON u.id = o.claimer_unit_id
                     WHERE o.area_path LIKE CONCAT(@path, '%') AND o.resolved_at IS NOT NULL ORDER BY o.resolved_at
                    """,
                    new { path },
                    cancellationToken: ct
                )
            );
            return new Ledger(
                $"{community.Name}服务台账",
                ServiceColumns,
                services
                    .Select(r => (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?>
                    {
                        ["community"] = CommunityOf(r.Item9),
                        ["code"] = r.Item1,
                        ["category"] = r.Item2,
                        ["description"] = r.Item3,
                        ["handler"] = r.Item4 ?? "",
                        ["unit"] = r.Item5 ?? "",
                        ["resolved"] = Time.ChinaTime.ToChina(r.Item6.Utc()).ToString("yyyy-MM-dd HH:mm"),
                        ["hours"] = Math.Round(r.Item7 / 60.0, 1),
                        ["rating"] = r.Item8 switch
                        {
                            "satisfied" => "满意",
                            "basically_satisfied" => "基本满意",
                            "unsatisfied" => "不满意",
                            "unrated" => "未评价",
                            _ => "",
                        },
                    })
                    .ToList()
            );
        }
        if (name == "claims")
        {
            var rows = await c.QueryAsync<
                (string, string, string?, string, DateTime, DateTime, string, string?, string)
            >(
                new CommandDefinition(
                    """
                    SELECT i.title, i.kind, u.name, p.name, l.created_at, l.deadline, l.status, l.evidence, a.name
                      FROM list_claim l JOIN list_item i ON i.id = l.item_id JOIN area a ON a.id = i.community_id
                      JOIN person p ON p.id = l.owner_person_id LEFT JOIN unit u ON u.id = l.unit_id
                     WHERE a.path LIKE CONCAT(@path, '%') ORDER BY a.id, l.id
                    """,
                    new { path },
                    cancellationToken: ct
                )
            );
            return new Ledger(
                $"{community.Name}认领台账",
                ClaimColumns,
                rows.Select(r => (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?>
                {
                    ["community"] = r.Item9,
                    ["item"] = r.Item1,
                    ["kind"] = ListKind.ChineseName(r.Item2),
                    ["claimant"] = r.Item3 ?? r.Item4,
                    ["owner"] = r.Item4,
                    ["claimed"] = Time.ChinaTime.ToChina(r.Item5.Utc()).ToString("yyyy-MM-dd HH:mm"),
                    ["deadline"] = r.Item6.ToString("yyyy-MM-dd"),
                    ["status"] = ClaimStatusName(r.Item7),
                    ["evidence"] = r.Item8 ?? "",
                })
                    .ToList()
            );
        }
        if (name == "inspections")
            return await InspectionsAsync(c, community, ct);
        var items = await c.QueryAsync<(string, DateTime, string, string?, string?, long?, string)>(
            new CommandDefinition(
                """
                SELECT m.title, m.scheduled_at, mi.title,
                  (SELECT COALESCE(u.name, p.name) FROM list_claim lc JOIN person p ON p.id = lc.owner_person_id
                     LEFT JOIN unit u ON u.id = lc.unit_id
                    WHERE lc.item_id = mi.list_item_id AND lc.status <> 'withdrawn' ORDER BY lc.id DESC LIMIT 1),
                  li.status, mi.carried_from, a.name
                  FROM meeting m JOIN area a ON a.id = m.area_id JOIN meeting_item mi ON mi.meeting_id = m.id
                  LEFT JOIN list_item li ON li.id = mi.list_item_id
                 WHERE a.path LIKE CONCAT(@path, '%') ORDER BY m.scheduled_at, mi.id
                """,
                new { path },
                cancellationToken: ct
            )
        );
        return new Ledger(
            $"{community.Name}会议台账",
            MeetingColumns,
            items
                .Select(r => (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?>
                {
                    ["community"] = r.Item7,
                    ["meeting"] = r.Item1,
                    ["date"] = Time.ChinaTime.ToChina(r.Item2.Utc()).ToString("yyyy-MM-dd HH:mm"),
                    ["item"] = r.Item3,
                    ["claimant"] = r.Item4 ?? "未认领",
                    ["state"] = r.Item5 switch
                    {
                        "done" => "已办结",
                        "claimed" => "办理中",
                        _ => "未认领",
                    },
                    ["carried"] = r.Item6 is null ? "" : "结转",
                })
                .ToList()
        );
    }

    /// <summary>督查台账: every finding in communities under the area, who must rectify it and how it ended.</summary>
    private static async Task<Ledger> InspectionsAsync(DbConnection c, Area area, CancellationToken ct)
    {
        var rows = await c.QueryAsync<
            (string, string, string, string?, string, string, DateTime, string, string?, DateTime?)
        >(
            new CommandDefinition(
                """
                SELECT r.title, r.quarter, a.name, u.name, f.problem, f.requirement, f.deadline, f.status, f.evidence,
                  f.closed_at
                  FROM inspection_finding f JOIN inspection_round r ON r.id = f.round_id
                  JOIN area a ON a.id = f.community_id LEFT JOIN unit u ON u.id = f.unit_id
                 WHERE a.path LIKE CONCAT(@path, '%') ORDER BY r.quarter, r.id, f.id
                """,
                new { path = area.Path },
                cancellationToken: ct
            )
        );
        return new Ledger(
            $"{area.Name}督查台账",
            InspectionColumns,
            rows.Select(r => (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?>
            {
                ["community"] = r.Item3,
                ["round"] = r.Item1,
                ["quarter"] = r.Item2,
                ["responsible"] = r.Item4 ?? r.Item3,
                ["problem"] = r.Item5,
                ["requirement"] = r.Item6,
                ["deadline"] = r.Item7.ToString("yyyy-MM-dd"),
                ["status"] = Inspections.FindingStatus.Chinese(r.Item8),
                ["evidence"] = r.Item9 ?? "",
                ["closed"] = r.Item10 is { } at ? Time.ChinaTime.ToChina(at.Utc()).ToString("yyyy-MM-dd HH:mm") : "",
            })
                .ToList()
        );
    }

    private static string ClaimStatusName(string status) =>
        status switch
        {
            ClaimStatus.Claimed => "办理中",
            ClaimStatus.Submitted => "待确认",
            ClaimStatus.Returned => "已退回",
            ClaimStatus.Done => "已办结",
            _ => "已撤回",
        };
}
