using Governance.Api.Auth;
using Governance.Api.Infrastructure;
using Governance.Core.Orders;

namespace Governance.Api.Orders;

public sealed record SummonRequest(long UnitId, string? Reason);

public sealed record SummonsAnswerRequest(string? Answer, bool Done);

/// <summary>吹哨报到: street and county staff summon departments to an order; the departments report and finish.</summary>
public static class SummonsEndpoints
{
    public static void MapSummons(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api").WithTags("Orders").RequireAuthorization();
        g.MapPost(
                "/orders/{code}/summons",
                async (Me me, string code, SummonRequest b, Summons s, CancellationToken ct) =>
                    (await s.SummonAsync(me.Caller, code, b.UnitId, b.Reason, ct)).ToOk()
            )
            .WithName("SummonDepartment")
            .WithSummary(
                "Street or county staff summon a department to an order (吹哨); its admins are told and may see the "
                    + "order"
            )
            .ProducesErrors(SummonsErrors.Summon);
        g.MapGet(
                "/orders/{code}/summons",
                async (Me me, string code, OrderReader reader, Summons s, CancellationToken ct) =>
                    await reader.VisibleAsync(me.Caller, code, ct) is { } row
                        ? Results.Ok(await s.ListAsync(row.Id, ct))
                        : ((Governance.Core.Errors.Error)OrderErrors.NotFound).ToProblem()
            )
            .WithName("ListSummons")
            .WithSummary("The departments summoned to an order and what each answered")
            .ProducesErrors([OrderErrors.NotFound]);
        g.MapPost(
                "/summons/{id:long}/answer",
                async (Me me, long id, SummonsAnswerRequest b, Summons s, CancellationToken ct) =>
                    (await s.AnswerAsync(me.Caller, id, b.Answer, b.Done, ct)).ToOk()
            )
            .WithName("AnswerSummons")
            .WithSummary(
                "A summoned department's admin reports (报到) with what it will do, or (done=true) that its part is done"
            )
            .ProducesErrors(SummonsErrors.Answer);
        g.MapGet(
                "/units/{id:long}/summons",
                async (Me me, long id, Summons s, CancellationToken ct) =>
                    (await s.ForDepartmentAsync(me.Caller, id, ct)).ToOk()
            )
            .WithName("DepartmentSummons")
            .WithSummary("A department's admins: what it has been summoned to, open first")
            .ProducesErrors([SummonsErrors.NotDepartmentAdmin]);
    }
}
