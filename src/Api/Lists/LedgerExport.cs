using System.Text;
using Governance.Api.Auth;
using Governance.Api.Infrastructure;
using Governance.Core.Errors;
using Governance.Core.Intake;
using Governance.Core.Lists;
using MiniExcelLibs;
using MiniExcelLibs.Attributes;
using MiniExcelLibs.OpenXml;

namespace Governance.Api.Lists;

/// <summary>
/// Ledgers as files: .xlsx through MiniExcel (Chinese headings, column widths set) or CSV in UTF-8 with a byte-order
/// mark, so that Excel on a Chinese Windows opens it without garbling.
/// </summary>
public static class LedgerExport
{
    public static void MapLedgerExports(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api").WithTags("Lists").RequireAuthorization();
        g.MapGet("/areas/{id:long}/exports/{ledger}", ExportAsync)
            .WithName("ExportAreaLedger")
            .WithSummary(
                "Street or community staff: a ledger of every community under the area, with a 社区 column first "
                    + "(format=xlsx, the default, or csv)"
            )
            .ProducesErrors(LedgerErrors.Export);
        g.MapGet("/communities/{id:long}/exports/{ledger}", ExportAsync)
            .WithName("ExportLedger")
            .WithSummary(
                "Staff: a ledger of a community or a whole street (claims, meetings, members, services, inspections) "
                    + "as a spreadsheet (format=xlsx, the default) or CSV"
            )
            .ProducesErrors(LedgerErrors.Export);
    }

    private static async Task<IResult> ExportAsync(
        Me me,
        long id,
        string ledger,
        string? format,
        Ledgers ledgers,
        CancellationToken ct
    )
    {
        format ??= "xlsx";
        if (format is not ("xlsx" or "csv"))
            return ((Error)LedgerErrors.UnknownFormat).ToProblem();
        var result = await ledgers.ExportAsync(me.Caller, id, ledger, ct);
        if (!result.IsOk)
            return result.Error!.ToProblem();
        return File(result.Value!, format);
    }

    /// <summary>The ledger as a download named after its title: .xlsx or CSV (format is one of the two).</summary>
    public static IResult File(Ledger l, string format)
    {
        var fileName = $"{l.Title}.{format}";
        return format == "csv"
            ? Results.File(Csv(l), "text/csv; charset=utf-8", fileName)
            : Results.File(Xlsx(l), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", fileName);
    }

    public static byte[] Xlsx(Ledger ledger)
    {
        var rows = ledger.Rows.Select(r =>
            (IDictionary<string, object?>)ledger.Columns.ToDictionary(c => c.Key, c => r.GetValueOrDefault(c.Key))
        );
        var configuration = new OpenXmlConfiguration
        {
            DynamicColumns =
            [
                .. ledger.Columns.Select(
                    (c, i) =>
                        new DynamicExcelColumn(c.Key)
                        {
                            Name = c.Heading,
                            Width = c.Width,
                            Index = i,
                        }
                ),
            ],
        };
        using var stream = new MemoryStream();
        if (ledger.Notes.Count == 0)
        {
            stream.SaveAs(rows, sheetName: "台账", configuration: configuration);
            return stream.ToArray();
        }
        // With definitions: a second sheet, 口径说明, one figure per row.
        var notes = ledger.Notes.Select(n => new Dictionary<string, object?>
        {
            ["指标"] = n.Name,
            ["口径"] = n.Definition,
        });
        var sheets = new Dictionary<string, object> { ["台账"] = rows, ["口径说明"] = notes };
        configuration.DynamicColumns =
        [
            .. configuration.DynamicColumns,
            new DynamicExcelColumn("指标") { Width = 16 },
            new DynamicExcelColumn("口径") { Width = 90 },
        ];
        stream.SaveAs(sheets, configuration: configuration);
        return stream.ToArray();
    }

    public static byte[] Csv(Ledger ledger)
    {
        var sb = new StringBuilder();
        sb.AppendLine(string.Join(',', ledger.Columns.Select(c => LabelledCsv.Escape(c.Heading))));
        foreach (var row in ledger.Rows)
        {
            var cells = ledger.Columns.Select(c => LabelledCsv.Escape(row.GetValueOrDefault(c.Key)?.ToString() ?? ""));
            sb.AppendLine(string.Join(',', cells));
        }
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(sb.ToString())];
    }
}
