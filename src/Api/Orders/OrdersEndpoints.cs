using System.Globalization;
using System.Text.Json;
using Governance.Api.Auth;
using Governance.Api.Infrastructure;
using Governance.Core.Errors;
using Governance.Core.Orders;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Governance.Api.Orders;

public static class OrdersEndpoints
{
    /// <summary>The report form. Sent as multipart/form-data (with "photos" files) or as JSON without photos.</summary>
    public sealed record CreateOrderRequest(long? CategoryId, string? Description, string? LocationText, long? BuildingId, long? AreaId,
        string? Urgency, decimal? Latitude, decimal? Longitude, string? Source);
    public sealed record RejectRequest(string? Reason);
    public sealed record MergeRequest(string? IntoCode, string? Note);
    public sealed record RecategorizeRequest(long? CategoryId);

    public static void MapOrders(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/orders").WithTags("Orders").RequireAuthorization();
        group.MapPost("/", CreateAsync).WithName("CreateOrder")
            .WithSummary("Report a problem: category, description, place (buildingId or areaId; defaults to the resident's home) and up to 9 photos")
            .Accepts<CreateOrderRequest>("multipart/form-data", "application/json")
            .DisableAntiforgery()
            .ProducesProblem(400).ProducesProblem(413).ProducesProblem(415);
        group.MapGet("/", ListAsync).WithName("ListOrders")
            .WithSummary("Orders the caller may see, newest first; filters: status (comma-separated), areaId (subtree), categoryId, overdue; paging");
        group.MapGet("/{code}", GetAsync).WithName("GetOrder").WithSummary("One order with its timeline and photos");
        group.MapGet("/{code}/photos/{photoId:long}", PhotoAsync).WithName("GetOrderPhoto").WithSummary("A photo of an order, for people allowed to see the order");
        group.MapPost("/{code}/accept", AcceptAsync).WithName("AcceptOrder").WithSummary("Staff: accept (受理) a submitted order");
        group.MapPost("/{code}/reject", RejectAsync).WithName("RejectOrder").WithSummary("Staff: reject (不予受理) with a reason");
        group.MapPost("/{code}/publish", PublishAsync).WithName("PublishOrder").WithSummary("Staff: publish an accepted order to the claim pool");
        group.MapPost("/{code}/merge", MergeAsync).WithName("MergeOrder").WithSummary("Staff: merge a duplicate into another open order");
        group.MapPost("/{code}/category", RecategorizeAsync).WithName("RecategorizeOrder")
            .WithSummary("Staff: correct the category; the order's text becomes a training example for the classifier");
    }

    private static async Task<Results<Created<OrderDetail>, ProblemHttpResult>> CreateAsync(
        Me me, HttpRequest request, OrderService orders, IOptions<JsonOptions> json, CancellationToken ct)
    {
        CreateOrderRequest? body;
        var uploads = new List<PhotoUpload>();
        if (request.HasFormContentType)
        {
            IFormCollection form;
            try { form = await request.ReadFormAsync(ct); }
            catch (InvalidDataException) { return Problems.Problem("request.too_large", "上传的内容过大", 413); }
            var parsed = ParseForm(form);
            if (!parsed.IsOk) return parsed.Error!.ToProblem();
            body = parsed.Value;
            foreach (var file in form.Files)
            {
                if (file.Name != "photos") continue;
                using var buffer = new MemoryStream();
                await file.CopyToAsync(buffer, ct);
                uploads.Add(new PhotoUpload(file.FileName, file.ContentType, buffer.ToArray()));
            }
        }
        else if (request.HasJsonContentType())
        {
            try { body = await request.ReadFromJsonAsync<CreateOrderRequest>(json.Value.SerializerOptions, ct); }
            catch (JsonException) { return Problems.Problem("request.malformed_json", "请求内容不是有效的 JSON", 400); }
            if (body is null) return Problems.Problem("request.malformed_json", "请求内容不是有效的 JSON", 400);
        }
        else
        {
            return Problems.Problem("request.unsupported_media_type", "请以 multipart/form-data 或 application/json 提交", 415);
        }

        if (body is null) return Problems.Problem("request.malformed_json", "请求内容不是有效的 JSON", 400);
        var result = await orders.CreateAsync(me.Caller, new CreateOrderInput(body.CategoryId, body.Description, body.LocationText,
            body.BuildingId, body.AreaId, body.Urgency, body.Latitude, body.Longitude, body.Source), uploads, ct);
        return result.IsOk ? TypedResults.Created($"/api/orders/{result.Value!.Code}", result.Value) : result.Error!.ToProblem();
    }

    private static Result<CreateOrderRequest> ParseForm(IFormCollection form)
    {
        string? Text(string key) => form.TryGetValue(key, out var v) && !string.IsNullOrEmpty(v.ToString()) ? v.ToString() : null;
        Error Bad(string key) => Error.Validation("request.invalid_field", $"字段 {key} 的格式不正确", key);
        long? categoryId = null, buildingId = null, areaId = null;
        decimal? lat = null, lng = null;
        foreach (var (key, set) in new (string, Action<long>)[] { ("categoryId", v => categoryId = v), ("buildingId", v => buildingId = v), ("areaId", v => areaId = v) })
        {
            if (Text(key) is { } s) { if (long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v)) set(v); else return Bad(key); }
        }
        foreach (var (key, set) in new (string, Action<decimal>)[] { ("latitude", v => lat = v), ("longitude", v => lng = v) })
        {
            if (Text(key) is { } s) { if (decimal.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)) set(v); else return Bad(key); }
        }
        return new CreateOrderRequest(categoryId, Text("description"), Text("locationText"), buildingId, areaId, Text("urgency"), lat, lng, Text("source"));
    }

    private static async Task<Results<Ok<PageOf<OrderSummary>>, ProblemHttpResult>> ListAsync(Me me, OrderService orders,
        string? status, long? areaId, long? categoryId, bool? overdue, int? page, int? pageSize, CancellationToken ct)
    {
        var statuses = status?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var result = await orders.ListAsync(me.Caller, statuses, areaId, categoryId, overdue, page, pageSize, ct);
        return result.IsOk ? TypedResults.Ok(result.Value!) : result.Error!.ToProblem();
    }

    private static async Task<Results<Ok<OrderDetail>, ProblemHttpResult>> GetAsync(Me me, OrderService orders, string code, CancellationToken ct) =>
        Respond(await orders.GetAsync(me.Caller, code, ct));

    private static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> PhotoAsync(Me me, OrderService orders, PhotoStorage storage,
        HttpResponse response, string code, long photoId, CancellationToken ct)
    {
        var result = await orders.GetPhotoAsync(me.Caller, code, photoId, ct);
        if (!result.IsOk) return result.Error!.ToProblem();
        var photo = result.Value.Photo;
        response.Headers.CacheControl = "private, max-age=86400";
        return TypedResults.File(storage.OpenRead(photo.StorageKey), photo.ContentType, entityTag: new Microsoft.Net.Http.Headers.EntityTagHeaderValue($"\"{photo.Sha256}\""));
    }

    private static async Task<Results<Ok<OrderDetail>, ProblemHttpResult>> AcceptAsync(Me me, OrderService orders, string code, CancellationToken ct) =>
        Respond(await orders.AcceptAsync(me.Caller, code, ct));

    private static async Task<Results<Ok<OrderDetail>, ProblemHttpResult>> PublishAsync(Me me, OrderService orders, string code, CancellationToken ct) =>
        Respond(await orders.PublishAsync(me.Caller, code, ct));

    private static async Task<Results<Ok<OrderDetail>, ProblemHttpResult>> RejectAsync(Me me, OrderService orders, string code, RejectRequest body, CancellationToken ct) =>
        Respond(await orders.RejectAsync(me.Caller, code, body.Reason, ct));

    private static async Task<Results<Ok<OrderDetail>, ProblemHttpResult>> MergeAsync(Me me, OrderService orders, string code, MergeRequest body, CancellationToken ct) =>
        Respond(await orders.MergeAsync(me.Caller, code, body.IntoCode, body.Note, ct));

    private static async Task<Results<Ok<OrderDetail>, ProblemHttpResult>> RecategorizeAsync(Me me, OrderService orders, string code, RecategorizeRequest body, CancellationToken ct) =>
        Respond(await orders.RecategorizeAsync(me.Caller, code, body.CategoryId, ct));

    private static Results<Ok<OrderDetail>, ProblemHttpResult> Respond(Result<OrderDetail> result) =>
        result.IsOk ? TypedResults.Ok(result.Value!) : result.Error!.ToProblem();
}
