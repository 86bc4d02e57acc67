using System.Text.Json;
using Governance.Api.Auth;
using Governance.Api.Infrastructure;
using Governance.Core.Notifications;
using Governance.Core.Time;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Governance.Api.Deliveries;

/// <summary>Notices that could not be delivered, for the staff of the place they are about.</summary>
public static class DeliveriesEndpoints
{
    public sealed record DeliveryProblemView(long Id, long? PersonId, string? Name, string Kind, string Channel, string Status, int Attempts, string? LastError,
        string? Title, string? OrderCode, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
    public sealed record DeliveryProblemsPage(IReadOnlyList<DeliveryProblemView> Items, int Page, int PageSize, long Total);

    public static void MapDeliveries(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/deliveries").WithTags("Deliveries").RequireAuthorization();
        g.MapGet("/", ListAsync).WithName("ListUndeliveredNotices")
            .WithSummary("Staff: notices about my area that failed (status=failed, still retrying) or gave up (status=dead, the default), newest first")
            .WithDescription("Errors: auth.staff_only (403), deliveries.invalid_status, paging.invalid (400).");
        g.MapPost("/{id:long}/retry", RetryAsync).WithName("RetryDeadNotice")
            .WithSummary("Staff: send a dead notice again with a fresh set of attempts")
            .WithDescription("Errors: delivery.not_found (404), delivery.not_dead (409).");
    }

    private static async Task<Results<Ok<DeliveryProblemsPage>, ProblemHttpResult>> ListAsync(Me me, DeliveryStore store, string? status, int? page, int? pageSize, CancellationToken ct)
    {
        if (!me.Caller.IsStaff) return Problems.Problem("auth.staff_only", "只有网格员、社区书记和街道工作人员可以查看", 403);
        status ??= DeliveryStatus.Dead;
        if (status is not (DeliveryStatus.Dead or DeliveryStatus.Failed)) return Problems.Problem("deliveries.invalid_status", "状态只能是 dead 或 failed", 400);
        int p = page ?? 1, size = pageSize ?? 50;
        if (p < 1 || size is < 1 or > 200) return Problems.Problem("paging.invalid", "页码从1开始，每页1到200条", 400);
        var (items, total) = await store.ProblemsAsync(me.Caller.Staff.Select(s => s.AreaPath).ToList(), status, p, size, ct);
        return TypedResults.Ok(new DeliveryProblemsPage(items.Select(View).ToList(), p, size, total));
    }

    private static async Task<Results<Ok<DeliveryProblemView>, ProblemHttpResult>> RetryAsync(Me me, long id, DeliveryStore store, TimeProvider clock, CancellationToken ct)
    {
        var d = await store.GetAsync(id, ct);
        if (d is null || d.AreaPath is null || !me.Caller.IsStaffOver(d.AreaPath)) return Problems.Problem("delivery.not_found", "通知不存在", 404);
        if (!await store.RetryDeadAsync(id, clock.GetUtcNow().UtcDateTime, ct)) return Problems.Problem("delivery.not_dead", "只有发送失败（已放弃）的通知可以重发", 409);
        return TypedResults.Ok(View((await store.GetAsync(id, ct))!));
    }

    private static DeliveryProblemView View(DeliveryStore.ProblemDelivery d)
    {
        string? title = null, code = null;
        using (var doc = JsonDocument.Parse(d.Payload))
        {
            var root = doc.RootElement;
            if (root.TryGetProperty("title", out var t)) title = t.GetString();
            else if (root.TryGetProperty("text", out var x)) title = x.GetString();
            if (root.TryGetProperty("orderCode", out var o) && o.ValueKind == JsonValueKind.String) code = o.GetString();
        }
        return new DeliveryProblemView(d.Id, d.PersonId, d.Name, d.Kind, d.Channel, d.Status, d.Attempts, d.LastError, title, code,
            ChinaTime.ToChina(d.CreatedAt), ChinaTime.ToChina(d.UpdatedAt));
    }
}
