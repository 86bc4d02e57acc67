using Governance.Api.Auth;
using Governance.Api.Infrastructure;
using Governance.Api.Orders;
using Governance.Core.Errors;
using Governance.Core.Inspections;
using Governance.Core.Orders;

namespace Governance.Api.Inspections;

public sealed record NewRoundRequest(string? Title, string? Quarter);

public sealed record NewFindingRequest(
    long? CommunityId,
    long? UnitId,
    string? Problem,
    string? Requirement,
    DateOnly? Deadline
);

public sealed record RectificationRequest(string? Evidence);

public sealed record CloseOutRequest(bool Accept, string? Reason);

/// <summary>督查: quarterly inspection rounds, findings, rectification and close-out (销号).</summary>
public static class InspectionsEndpoints
{
    public static void MapInspections(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api").WithTags("Inspections").RequireAuthorization();
        g.MapPost(
                "/areas/{id:long}/inspections",
                async (Me me, long id, NewRoundRequest b, Core.Inspections.Inspections i, CancellationToken ct) =>
                    (await i.CreateRoundAsync(me.Caller, id, b.Title, b.Quarter, ct)).ToOk()
            )
            .WithName("CreateInspectionRound")
            .WithSummary("Street admin: open a quarterly inspection round (quarter YYYYQn, this quarter by default)")
            .ProducesErrors(InspectionErrors.Create);
        g.MapGet(
                "/areas/{id:long}/inspections",
                async (Me me, long id, Core.Inspections.Inspections i, CancellationToken ct) =>
                    (await i.RoundsAsync(me.Caller, id, ct)).ToOk()
            )
            .WithName("InspectionRounds")
            .WithSummary("The inspection rounds held in an area and below it, newest first, with their counts")
            .ProducesErrors([InspectionErrors.AreaNotFound, InspectionErrors.InspectorOnly]);
        g.MapGet(
                "/inspections/{id:long}",
                async (Me me, long id, Core.Inspections.Inspections i, CancellationToken ct) =>
                    (await i.RoundAsync(me.Caller, id, ct)).ToOk()
            )
            .WithName("InspectionRound")
            .WithSummary("A round with its findings and counts (closed, overdue), for the inspected area's staff")
            .ProducesErrors(InspectionErrors.Read);
        g.MapPost(
                "/inspections/{id:long}/findings",
                async (Me me, long id, NewFindingRequest b, Core.Inspections.Inspections i, CancellationToken ct) =>
                    (
                        await i.AddFindingAsync(
                            me.Caller,
                            id,
                            new NewFinding(b.CommunityId, b.UnitId, b.Problem, b.Requirement, b.Deadline),
                            ct
                        )
                    ).ToOk()
            )
            .WithName("AddInspectionFinding")
            .WithSummary(
                "Inspector: record a finding in a community, with the rectification asked, the unit that must do it "
                    + "(or none: the community) and a deadline; the responsible side is notified"
            )
            .ProducesErrors(InspectionErrors.Find);
        g.MapGet(
                "/findings/mine",
                async (Me me, Core.Inspections.Inspections i, CancellationToken ct) =>
                    Results.Ok(await i.MineAsync(me.Caller, ct))
            )
            .WithName("MyInspectionFindings")
            .WithSummary("The findings the caller's unit or community must rectify, earliest deadline first");
        g.MapGet(
                "/findings/{id:long}",
                async (Me me, long id, Core.Inspections.Inspections i, CancellationToken ct) =>
                    Linked(await i.FindingAsync(me.Caller, id, ct)).ToOk()
            )
            .WithName("InspectionFinding")
            .WithSummary("A finding with its history")
            .ProducesErrors([InspectionErrors.FindingNotFound]);
        g.MapPost(
                "/findings/{id:long}/progress",
                (Me me, long id, HttpRequest request, Core.Inspections.Inspections i, CancellationToken ct) =>
                    RectifyAsync(me, id, request, i, submit: false, ct)
            )
            .Accepts<RectificationRequest>("application/json", "multipart/form-data")
            .DisableAntiforgery()
            .WithName("ReportRectificationProgress")
            .WithSummary("The responsible side notes progress (evidence), with photos as multipart/form-data")
            .ProducesErrors(InspectionErrors.Rectify);
        g.MapPost(
                "/findings/{id:long}/submit",
                (Me me, long id, HttpRequest request, Core.Inspections.Inspections i, CancellationToken ct) =>
                    RectifyAsync(me, id, request, i, submit: true, ct)
            )
            .Accepts<RectificationRequest>("application/json", "multipart/form-data")
            .DisableAntiforgery()
            .WithName("SubmitRectification")
            .WithSummary("The responsible side hands in the rectification with evidence, for the inspectors to close")
            .ProducesErrors(InspectionErrors.Rectify);
        g.MapPost(
                "/findings/{id:long}/close",
                async (Me me, long id, CloseOutRequest b, Core.Inspections.Inspections i, CancellationToken ct) =>
                    (await i.CloseAsync(me.Caller, id, b.Accept, b.Reason, ct)).ToOk()
            )
            .WithName("CloseInspectionFinding")
            .WithSummary("Inspector: close a rectified finding out (销号, accept=true) or send it back with a reason")
            .ProducesErrors(InspectionErrors.Close);
        g.MapGet("/findings/{id:long}/photos/{photoId:long}", PhotoAsync)
            .WithName("FindingPhoto")
            .WithSummary("A photo handed in with a finding's rectification")
            .ProducesErrors([InspectionErrors.FindingNotFound, InspectionErrors.PhotoNotFound]);
    }

    private static async Task<IResult> PhotoAsync(
        Me me,
        long id,
        long photoId,
        Core.Inspections.Inspections inspections,
        PhotoStorage storage,
        HttpResponse response,
        CancellationToken ct
    ) => EvidenceFiles.Serve(await inspections.PhotoAsync(me.Caller, id, photoId, ct), storage, response);

    private static Result<FindingDetail> Linked(Result<FindingDetail> r) =>
        r.IsOk
            ? r.Value! with
            {
                Photos =
                [
                    .. r.Value!.Photos.Select(p =>
                        p with
                        {
                            Url = $"/api/findings/{r.Value.Finding.Id}/photos/{p.Id}",
                        }
                    ),
                ],
            }
            : r;

    /// <summary>Progress or the hand-in: JSON {evidence}, or multipart/form-data with evidence and photos.</summary>
    private static async Task<IResult> RectifyAsync(
        Me me,
        long id,
        HttpRequest request,
        Core.Inspections.Inspections inspections,
        bool submit,
        CancellationToken ct
    )
    {
        var (form, problem) = await OrderForm.ReadAsync(request, ct);
        if (problem is not null)
            return problem;
        if (form!.Unknown("evidence") is { } unknown)
            return unknown.ToProblem();
        return (await inspections.RectifyAsync(me.Caller, id, form.Text("evidence"), form.Photos, submit, ct)).ToOk();
    }
}
