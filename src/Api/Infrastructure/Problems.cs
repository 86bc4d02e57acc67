using System.Text.Encodings.Web;
using System.Text.Json;
using Governance.Core.Data;
using Governance.Core.Errors;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace Governance.Api.Infrastructure;

/// <summary>
/// RFC 9457 problem details for every error, each with a stable machine-readable "code" and a Chinese "title" a
/// mini-program can show as is. Expected failures come from the Core catalogs (ErrorCode); the framework's own refusals
/// and the unexpected are mapped here, and each endpoint's OpenAPI entry lists every code it can answer.
/// </summary>
public static class Problems
{
    public static IServiceCollection AddGovernanceProblems(this IServiceCollection services)
    {
        services.AddProblemDetails(o =>
            o.CustomizeProblemDetails = ctx =>
            {
                var problem = ctx.ProblemDetails;
                if (!problem.Extensions.ContainsKey("code"))
                {
                    var status = problem.Status ?? ctx.HttpContext.Response.StatusCode;
                    var code =
                        status == 401 && ctx.HttpContext.Items.ContainsKey(UnknownPersonMark)
                            ? Http.UnknownPerson
                            : ForStatus(status);
                    problem.Extensions["code"] = code.Code;
                    problem.Title = code.Title;
                }
                problem.Extensions["traceId"] = ctx.HttpContext.TraceIdentifier;
            }
        );
        services.AddExceptionHandler<ExceptionToProblem>();
        services.AddSingleton<OutageLog>();
        // Bad bodies throw so that ExceptionToProblem can answer with a coded problem instead of an empty 400.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return services;
    }

    public static IServiceCollection AddGovernanceJson(this IServiceCollection services) =>
        services.Configure<Microsoft.AspNetCore.Http.Json.JsonOptions>(o =>
        {
            o.SerializerOptions.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
            // A property the endpoint does not take is a 400 (request.invalid), never silently dropped.
            o.SerializerOptions.UnmappedMemberHandling = System
                .Text
                .Json
                .Serialization
                .JsonUnmappedMemberHandling
                .Disallow;
            o.SerializerOptions.Converters.Add(new ChinaDateTimeConverter());
        });

    /// <summary>
    /// The database keeps every instant as UTC in DATETIME columns, which Dapper reads without a kind: written as they
    /// are, "2026-12-09T01:00:00" would be read by a browser or the mini-program as its own local time. Like every
    /// timestamp the API answers, a DateTime is written in China time with its offset ("2026-12-09T09:00:00+08:00");
    /// reading is unchanged.
    /// </summary>
    public sealed class ChinaDateTimeConverter : System.Text.Json.Serialization.JsonConverter<DateTime>
    {
        public override DateTime Read(
            ref System.Text.Json.Utf8JsonReader reader,
            Type typeToConvert,
            JsonSerializerOptions options
        ) => reader.GetDateTime();

        public override void Write(
            System.Text.Json.Utf8JsonWriter writer,
            DateTime value,
            JsonSerializerOptions options
        ) =>
            writer.WriteStringValue(
                Core.Time.ChinaTime.ToChina(
                    value.Kind == DateTimeKind.Local
                        ? value.ToUniversalTime()
                        : DateTime.SpecifyKind(value, DateTimeKind.Utc)
                )
            );
    }

    public static WebApplication UseGovernanceProblems(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }

    /// <summary>
    /// Set by the authentication handlers when the credential was sound but names nobody (a deleted account, a
    /// development id that does not exist): the 401 then says so instead of asking to sign in.
    /// </summary>
    public const string UnknownPersonMark = "auth.unknown_person";

    /// <summary>The codes of the framework's own answers and of what happens around every endpoint.</summary>
    public static class Http
    {
        public static readonly ErrorCode BadRequest = new("request.invalid", ErrorKind.Validation, "请求格式不正确");
        public static readonly ErrorCode MalformedJson = new(
            "request.malformed_json",
            ErrorKind.Validation,
            "请求内容不是有效的 JSON"
        );
        public static readonly ErrorCode BadEncoding = new(
            "request.bad_encoding",
            ErrorKind.Validation,
            "请求内容不是有效的 UTF-8 文本"
        );
        public static readonly ErrorCode TooLarge = new("request.too_large", ErrorKind.TooLarge, "上传的内容过大");
        public static readonly ErrorCode UnsupportedMediaType = new(
            "request.unsupported_media_type",
            ErrorKind.UnsupportedMediaType,
            "不支持的内容类型，请使用 application/json"
        );
        public static readonly ErrorCode AuthRequired = new("auth.required", ErrorKind.Unauthorized, "请先登录");
        public static readonly ErrorCode UnknownPerson = new(
            "auth.unknown_person",
            ErrorKind.Unauthorized,
            "账号不存在或已停用，请重新登录"
        );
        public static readonly ErrorCode Forbidden = new("auth.forbidden", ErrorKind.Forbidden, "没有权限执行此操作");
        public static readonly ErrorCode NotFound = new("not_found", ErrorKind.NotFound, "请求的内容不存在");
        public static readonly ErrorCode MethodNotAllowed = new(
            "request.method_not_allowed",
            ErrorKind.Validation,
            "不支持该请求方法"
        );
        public static readonly ErrorCode RateLimited = new(
            "rate_limited",
            ErrorKind.RateLimited,
            "操作太频繁，请稍后再试"
        );
        public static readonly ErrorCode Unavailable = new(
            "service.unavailable",
            ErrorKind.Unavailable,
            "服务暂时不可用，请稍后再试"
        );
        public static readonly ErrorCode ServerError = new(
            "server.error",
            ErrorKind.Unavailable,
            "服务器开小差了，请稍后再试"
        );
    }

    public static ErrorCode ForStatus(int status) =>
        status switch
        {
            400 => Http.BadRequest,
            401 => Http.AuthRequired,
            403 => Http.Forbidden,
            404 => Http.NotFound,
            405 => Http.MethodNotAllowed,
            413 => Http.TooLarge,
            415 => Http.UnsupportedMediaType,
            429 => Http.RateLimited,
            503 => Http.Unavailable,
            _ when status >= 500 => Http.ServerError,
            _ => new ErrorCode("error", ErrorKind.Validation, "请求失败"),
        };

    public static int StatusOf(ErrorKind kind) =>
        kind switch
        {
            ErrorKind.Validation => 400,
            ErrorKind.Unauthorized => 401,
            ErrorKind.Forbidden => 403,
            ErrorKind.NotFound => 404,
            ErrorKind.Conflict => 409,
            ErrorKind.TooLarge => 413,
            ErrorKind.UnsupportedMediaType => 415,
            ErrorKind.RateLimited => 429,
            ErrorKind.Unavailable => 503,
            _ => 400,
        };

    public static int StatusOf(ErrorCode code) =>
        code == Http.ServerError ? 500
        : code == Http.MethodNotAllowed ? 405
        : StatusOf(code.Kind);

    public static ApiProblem ToProblem(this Error error) => new(error);

    public static ApiProblem ToProblem(this ErrorCode code) => new(code);

    /// <summary>The outcome of a Core use case: 200 with the value, or its problem.</summary>
    public static Microsoft.AspNetCore.Http.HttpResults.Results<
        Microsoft.AspNetCore.Http.HttpResults.Ok<T>,
        ApiProblem
    > ToOk<T>(this Result<T> r) => r.IsOk ? TypedResults.Ok(r.Value!) : r.Error!.ToProblem();
}

/// <summary>
/// An expected failure answered as problem details (status from the error's kind, the code, a Chinese title, and the
/// failing fields). The statuses and codes an endpoint can answer are declared with <see
/// cref="ErrorMetadata.ProducesErrors"/>.
/// </summary>
public sealed class ApiProblem(Error error) : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
{
    public Error Error { get; } = error;
    public int? StatusCode => Problems.StatusOf(Error.Kind);
    public string ContentType => "application/problem+json";

    public async Task ExecuteAsync(HttpContext http)
    {
        var problem = new ProblemDetails { Status = StatusCode, Title = Error.Message };
        problem.Extensions["code"] = Error.Code;
        if (Error.Fields is not null)
            problem.Extensions["errors"] = Error.Fields;
        if (Error.Kind == ErrorKind.RateLimited && !http.Response.Headers.ContainsKey("Retry-After"))
            http.Response.Headers.RetryAfter = "60";
        http.Response.StatusCode = StatusCode!.Value;
        await http
            .RequestServices.GetRequiredService<IProblemDetailsService>()
            .WriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem });
    }
}

/// <summary>
/// Bad requests the framework detects (malformed JSON or UTF-8, wrong content type, too large) get coded problems; a
/// database that cannot be reached is a 503 with Retry-After, logged once per minute rather than once per request;
/// anything else unexpected becomes a 500 with a trace id and is logged, never hidden.
/// </summary>
public sealed class ExceptionToProblem(
    IProblemDetailsService problems,
    OutageLog outages,
    ILogger<ExceptionToProblem> log
) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        var code = exception switch
        {
            BadHttpRequestException { StatusCode: 415 } => Problems.Http.UnsupportedMediaType,
            BadHttpRequestException { StatusCode: 413 } => Problems.Http.TooLarge,
            BadHttpRequestException { InnerException: JsonException j }
                when j.Message.Contains("could not be mapped", StringComparison.Ordinal) => Governance
                .Core
                .Errors
                .CommonErrors
                .UnknownField,
            BadHttpRequestException
            {
                InnerException: JsonException or System.Text.DecoderFallbackException or InvalidOperationException
            } => Problems.Http.MalformedJson,
            BadHttpRequestException => Problems.Http.BadRequest,
            System.Text.DecoderFallbackException => Problems.Http.BadEncoding,
            _ when MySqlDriver.IsUnavailable(exception) || exception is TimeoutException => Problems.Http.Unavailable,
            _ => Problems.Http.ServerError,
        };
        var status = Problems.StatusOf(code);
        if (code == Problems.Http.Unavailable)
        {
            http.Response.Headers.RetryAfter = "5";
            outages.Report(exception);
        }
        else if (status >= 500)
            log.LogError(exception, "Unhandled error on {Method} {Path}", http.Request.Method, http.Request.Path);
        else
            log.LogInformation(
                "Bad request on {Method} {Path}: {Code}",
                http.Request.Method,
                http.Request.Path,
                code.Code
            );
        http.Response.StatusCode = status;
        var problem = new ProblemDetails { Status = status, Title = code.Title };
        problem.Extensions["code"] = code.Code;
        if (
            code == Governance.Core.Errors.CommonErrors.UnknownField
            && exception.InnerException is JsonException { Path: { } path }
        )
            problem.Extensions["errors"] = new Dictionary<string, string[]>
            {
                [path.TrimStart('$', '.')] = [code.Title],
            };
        return await problems.TryWriteAsync(
            new ProblemDetailsContext
            {
                HttpContext = http,
                ProblemDetails = problem,
                Exception = exception,
            }
        );
    }
}

/// <summary>
/// A database outage makes every request fail the same way: the first failure of a minute is logged with its exception,
/// the rest are counted and summed up in the next minute's line.
/// </summary>
public sealed class OutageLog(TimeProvider clock, ILogger<OutageLog> log)
{
    private readonly Lock _gate = new();
    private DateTimeOffset _windowStart = DateTimeOffset.MinValue;
    private int _suppressed;

    public void Report(Exception exception)
    {
        int suppressed;
        lock (_gate)
        {
            var now = clock.GetUtcNow();
            if (now - _windowStart < TimeSpan.FromMinutes(1))
            {
                _suppressed++;
                return;
            }
            suppressed = _suppressed;
            _suppressed = 0;
            _windowStart = now;
        }
        log.LogError(
            exception,
            "Database unavailable; answering 503 (and {Suppressed} more failures in the last minute)",
            suppressed
        );
    }
}
