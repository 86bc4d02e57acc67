using Governance.Api.Auth;
using Governance.Api.Infrastructure;
using Governance.Core.Notifications;
using Governance.Wechat.Simulator;

namespace Governance.Api.Deliveries;

/// <summary>The account's message templates (消息模板), edited by county admins on the console.</summary>
public static class TemplatesEndpoints
{
    public sealed record TemplateRequest(string? TemplateId, List<TemplateField>? Fields, string? Page);

    public static void MapNotificationTemplates(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/notification-templates").WithTags("Deliveries").RequireAuthorization();
        g.MapGet("/", async (Me me, TemplateAdmin admin, CancellationToken ct) =>
                (await admin.ListAsync(me.Caller, ct)).ToOk()
            )
            .WithName("ListNotificationTemplates")
            .WithSummary("County admin: every notice kind's template on each WeChat channel")
            .ProducesErrors([TemplateAdminErrors.NotAllowed]);
        g.MapPut(
                "/{kind}/{channel}",
                async (
                    Me me,
                    string kind,
                    string channel,
                    TemplateRequest b,
                    TemplateAdmin admin,
                    CancellationToken ct
                ) =>
                    // The page must be one the mini-program has: WeChat refuses a message opening any other.
                    b.Page
                        is { Length: > 0 } page
                    && !MiniProgramContract.Pages.Contains(page)
                        ? ((Governance.Core.Errors.Error)TemplateAdminErrors.PageUnknown).ToProblem()
                        : (
                            await admin.SetAsync(
                                me.Caller,
                                new TemplateRow(kind, channel, b.TemplateId ?? "", b.Fields ?? [], b.Page),
                                ct
                            )
                        ).ToOk()
            )
            .WithName("SetNotificationTemplate")
            .WithSummary(
                "County admin: the template id, keywords (key, from title/body/code/time/status, WeChat type) and "
                    + "mini-program page a notice kind uses on a channel (template or subscribe); counts from the next "
                    + "message"
            )
            .ProducesErrors(TemplateAdminErrors.Set);
        g.MapDelete(
                "/{kind}/{channel}",
                async (Me me, string kind, string channel, TemplateAdmin admin, CancellationToken ct) =>
                {
                    var r = await admin.DeleteAsync(me.Caller, kind, channel, ct);
                    return r.IsOk ? Results.NoContent() : r.Error!.ToProblem();
                }
            )
            .WithName("DeleteNotificationTemplate")
            .WithSummary("County admin: the kind stops using this channel (its notices go by the others or the inbox)")
            .ProducesErrors(TemplateAdminErrors.Delete);
    }
}
