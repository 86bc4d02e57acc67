using Governance.Api.Auth;
using Governance.Api.Infrastructure;
using Governance.Api.Lists;
using Governance.Core.Errors;
using Governance.Core.Lists;
using Governance.Core.Statistics;

namespace Governance.Api.Statistics;

/// <summary>
/// 三率 and the other figures at every level, for the console's charts and the organisation department's tables: the
/// dashboard of a place, series, tables of its children, units, categories and members, rankings, and every table as
/// .xlsx or CSV. Read from the replica when one is configured.
/// </summary>
public static class StatisticsEndpoints
{
    public static void MapStatistics(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/statistics").WithTags("Statistics").RequireAuthorization();
        g.MapGet("/definitions", () => StatDefinitions.All)
            .WithName("StatisticsDefinitions")
            .WithSummary("How every figure is computed (口径), in Chinese");
        g.MapGet(
                "/areas/{id:long}/dashboard",
                async (Me me, long id, DateOnly? from, DateOnly? to, StatisticsReader r, CancellationToken ct) =>
                    (await r.DashboardAsync(me.Caller, id, from, to, ct)).ToOk()
            )
            .WithName("StatisticsDashboard")
            .WithSummary(
                "Staff over the place: open, new, urgent, overdue and escalated orders now; the period's figures "
                    + "against the previous period; a series for charts; the children's figures; the definitions"
            )
            .ProducesErrors(StatErrors.Read);
        g.MapGet(
                "/areas/{id:long}/series",
                async (
                    Me me,
                    long id,
                    DateOnly? from,
                    DateOnly? to,
                    string? interval,
                    StatisticsReader r,
                    CancellationToken ct
) => (await r.SeriesForAsync(me.Caller, id, from, to, interval, ct)).ToOk()
            )
            .WithName("StatisticsSeries")
            .WithSummary("A place's figures by day, week or month (interval=day|week|month)")
            .ProducesErrors(StatErrors.Read);
        g.MapGet(
                "/areas/{id:long}/tables/{table}",
                async (
                    Me me,
                    long id,
                    string table,
                    DateOnly? from,
                    DateOnly? to,
                    StatisticsReader r,
                    CancellationToken ct
                ) => (await r.TableAsync(me.Caller, id, table, from, to, ct)).ToOk()
            )
            .WithName("StatisticsTable")
            .WithSummary("Figures of the place's children (areas), units, categories or members over a period")
            .ProducesErrors(StatErrors.Export);
        g.MapGet(
                "/areas/{id:long}/rankings",
                async (
                    Me me,
                    long id,
                    string? level,
                    string? metric,
                    DateOnly? from,
                    DateOnly? to,
                    int? minSample,
                    string? method,
                    StatisticsReader r,
                    CancellationToken ct
                ) => (await r.RankAsync(me.Caller, id, level, metric, from, to, minSample, method, ct)).ToOk()
            )
            .WithName("StatisticsRanking")
            .WithSummary(
                "Rank the streets, communities, grids, units or members under a place by satisfaction, response, "
                    + "resolution, hours, visits or claims; rates need minSample (default 30) or method=smoothed; "
                    + "with the previous period's rank"
            )
            .ProducesErrors(StatErrors.Rank);
        g.MapGet("/areas/{id:long}/exports/{table}", ExportAsync)
            .WithName("ExportStatistics")
            .WithSummary(
                "A statistics table (areas, units, categories, members) or a ranking (rankings, with level and "
                    + "metric) as .xlsx (with a sheet of definitions) or CSV"
            )
            .ProducesErrors(StatErrors.Export);
    }

    private static async Task<IResult> ExportAsync(
        Me me,
        long id,
        string table,
        DateOnly? from,
        DateOnly? to,
        string? level,
        string? metric,
        int? minSample,
        string? method,
        string? format,
        StatisticsReader r,
        CancellationToken ct
    )
    {
        format ??= "xlsx";
        if (format is not ("xlsx" or "csv"))
            return ((Error)LedgerErrors.UnknownFormat).ToProblem();
        if (!StatisticsReader.Tables.Contains(table))
            return ((Error)StatErrors.UnknownTable).ToProblem();
        var area = await r.AreaForAsync(me.Caller, id, ct);
        if (!area.IsOk)
            return area.Error!.ToProblem();
        Ledger ledger;
        if (table == "rankings")
        {
            var ranking = await r.RankAsync(me.Caller, id, level, metric, from, to, minSample, method, ct);
            if (!ranking.IsOk)
                return ranking.Error!.ToProblem();
            var k = ranking.Value!;
            ledger = StatisticsReader.RankingLedger(
                $"{area.Value!.Name}{k.Definition.Name}排名（{k.From:yyyy-MM-dd}至{k.To:yyyy-MM-dd}）",
                k
            );
        }
        else
        {
            var rows = await r.TableAsync(me.Caller, id, table, from, to, ct);
            if (!rows.IsOk)
                return rows.Error!.ToProblem();
            var (f, t) = r.Period(from, to).Value;
            var (what, heading) = table switch
            {
                "areas" => ("下级区域", "区域"),
                "units" => ("单位", "单位"),
                "categories" => ("问题类别", "类别"),
                _ => ("党员", "姓名"),
            };
            ledger = StatisticsReader.TableLedger(
                $"{area.Value!.Name}{what}统计（{f:yyyy-MM-dd}至{t:yyyy-MM-dd}）",
                heading,
                rows.Value!
            );
        }
        return LedgerExport.File(ledger, format);
    }
}
