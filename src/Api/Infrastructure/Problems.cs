using System.Text.Encodings.Web;
using System.Text.Json;
using Governance.Core.Errors;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Mvc;

namespace Governance.Api.Infrastructure;

/// <summary>
/// RFC 9457 problem details for every error, each with a stable machine-readable "code" and a Chinese
/// "title" a mini-program can show as is.
/// </summary>
public static class Problems
{
    public static IServiceCollection AddGovernanceProblems(this IServiceCollection services)
    {
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            var problem = ctx.ProblemDetails;
            if (!problem.Extensions.ContainsKey("code"))
            {
                var (code, title) = ForStatus(problem.Status ?? ctx.HttpContext.Response.StatusCode);
                problem.Extensions["code"] = code;
                problem.Title = title;
            }
            problem.Extensions["traceId"] = ctx.HttpContext.TraceIdentifier;
        });
        services.AddExceptionHandler<ExceptionToProblem>();
        // Bad bodies throw so that ExceptionToProblem can answer with a coded problem instead of an empty 400.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return services;
    }

    public static IServiceCollection AddGovernanceJson(this IServiceCollection services) =>
        services.Configure<Microsoft.AspNetCore.Http.Json.JsonOptions>(o =>
        {
            o.SerializerOptions.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        });

    public static WebApplication UseGovernanceProblems(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }

    public static (string Code, string Title) ForStatus(int status) => status switch
    {
        400 => ("request.invalid", "请求格式不正确"),
        401 => ("auth.required", "请先登录"),
        403 => ("auth.forbidden", "没有权限执行此操作"),
        404 => ("not_found", "请求的内容不存在"),
        405 => ("request.method_not_allowed", "不支持该请求方法"),
        409 => ("conflict", "操作与当前状态冲突"),
        413 => ("request.too_large", "上传的内容过大"),
        415 => ("request.unsupported_media_type", "不支持的内容类型"),
        429 => ("rate_limited", "操作太频繁，请稍后再试"),
        503 => ("service.unavailable", "服务暂时不可用，请稍后再试"),
        _ when status >= 500 => ("server.error", "服务器开小差了，请稍后再试"),
        _ => ("error", "请求失败"),
    };

    public static int StatusOf(ErrorKind kind) => kind switch
    {
        ErrorKind.Validation => 400,
        ErrorKind.Unauthorized => 401,
        ErrorKind.Forbidden => 403,
        ErrorKind.NotFound => 404,
        ErrorKind.Conflict => 409,
        ErrorKind.TooLarge => 413,
        ErrorKind.UnsupportedMediaType => 415,
        ErrorKind.RateLimited => 429,
        _ => 400,
    };

    public static ProblemHttpResult ToProblem(this Error error)
    {
        var extensions = new Dictionary<string, object?> { ["code"] = error.Code };
        if (error.Fields is not null) extensions["errors"] = error.Fields;
        return TypedResults.Problem(title: error.Message, statusCode: StatusOf(error.Kind), extensions: extensions);
    }

    public static ProblemHttpResult Problem(string code, string title, int status) =>
        TypedResults.Problem(title: title, statusCode: status, extensions: new Dictionary<string, object?> { ["code"] = code });
}

/// <summary>
/// Bad requests the framework detects (malformed JSON, wrong content type, too large) get coded
/// problems; anything unexpected becomes a 500 with a trace id and is logged, never hidden.
/// </summary>
public sealed class ExceptionToProblem(IProblemDetailsService problems, ILogger<ExceptionToProblem> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        var (status, code, title) = exception switch
        {
            BadHttpRequestException { StatusCode: 415 } => (415, "request.unsupported_media_type", "不支持的内容类型，请使用 application/json"),
            BadHttpRequestException { StatusCode: 413 } => (413, "request.too_large", "上传的内容过大"),
            BadHttpRequestException { InnerException: JsonException } => (400, "request.malformed_json", "请求内容不是有效的 JSON"),
            BadHttpRequestException b => (b.StatusCode, "request.invalid", "请求格式不正确"),
            _ => (500, "server.error", "服务器开小差了，请稍后再试"),
        };
        if (status >= 500) log.LogError(exception, "Unhandled error on {Method} {Path}", http.Request.Method, http.Request.Path);
        else log.LogInformation("Bad request on {Method} {Path}: {Code}", http.Request.Method, http.Request.Path, code);
        http.Response.StatusCode = status;
        var problem = new ProblemDetails { Status = status, Title = title };
        problem.Extensions["code"] = code;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem, Exception = exception });
    }
}
