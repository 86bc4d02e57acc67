using Governance.Api.Auth;
using Governance.Api.Infrastructure;
using Governance.Core.Committee;
using Governance.Core.Errors;

namespace Governance.Api.Committee;

public sealed record AppointRequest(long PersonId, long? UnitId, string? Title, DateOnly? TermStart, DateOnly? TermEnd);

public sealed record PromiseRequest(string? Content, DateOnly? DueDate);

public sealed record FulfilRequest(string? Evidence);

public sealed record CommitteeView(IReadOnlyList<CommitteeSeat> Seats, IReadOnlyList<Commitment> Commitments);

/// <summary>兼职委员 and 承诺践诺.</summary>
public static class CommitteeEndpoints
{
    public static void MapCommittee(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api").WithTags("Committee").RequireAuthorization();
        g.MapGet(
                "/communities/{id:long}/committee",
                async (Me me, long id, Commitments c, CancellationToken ct) =>
                {
                    var r = await c.ListAsync(me.Caller, id, ct);
                    Result<CommitteeView> view = r.IsOk
                        ? new CommitteeView(r.Value.Seats, r.Value.Commitments)
                        : r.Error!;
                    return view.ToOk();
                }
            )
            .WithName("CommunityCommittee")
            .WithSummary("The community's part-time committee members and their public commitments (overdue marked)")
            .ProducesErrors(CommitteeErrors.Read);
        g.MapPost(
                "/communities/{id:long}/committee",
                async (Me me, long id, AppointRequest b, Commitments c, CancellationToken ct) =>
                    (
                        await c.AppointAsync(me.Caller, id, b.PersonId, b.UnitId, b.Title, b.TermStart, b.TermEnd, ct)
                    ).ToOk()
            )
            .WithName("AppointCommitteeMember")
            .WithSummary("Secretary or street: appoint a part-time committee member (兼职委员) for a term")
            .ProducesErrors(CommitteeErrors.Appoint);
        g.MapPost(
                "/communities/{id:long}/commitments",
                async (Me me, long id, PromiseRequest b, Commitments c, CancellationToken ct) =>
                    (await c.PromiseAsync(me.Caller, id, b.Content, b.DueDate, ct)).ToOk()
            )
            .WithName("MakeCommitment")
            .WithSummary("A committee member in term makes a public commitment with a due date (承诺)")
            .ProducesErrors(CommitteeErrors.Promise);
        g.MapPost(
                "/commitments/{id:long}/fulfil",
                async (Me me, long id, FulfilRequest b, Commitments c, CancellationToken ct) =>
                    (await c.FulfilAsync(me.Caller, id, b.Evidence, ct)).ToOk()
            )
            .WithName("FulfilCommitment")
            .WithSummary("The member records the commitment fulfilled, with evidence (践诺)")
            .ProducesErrors(CommitteeErrors.Fulfil);
    }
}
