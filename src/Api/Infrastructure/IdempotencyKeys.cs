using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Governance.Core.Errors;
using Governance.Core.Idempotency;
using Governance.Core.People;

namespace Governance.Api.Infrastructure;

/// <summary>
/// "Idempotency-Key" on writes: a signed-in client that sends a POST or PATCH with a key (a UUID it made for this
/// action) and retries it — the request timed out, the phone lost the network — gets the first answer again, with
/// "Idempotent-Replayed: true", instead of a second order, comment or registration. The same key with a different
/// request is refused; while the first is still being worked on, a retry is told to wait. An answer of our own
/// failure (5xx) is not kept, so the retry does the work.
/// </summary>
public static partial class IdempotencyKeys
{
    public const string Header = "Idempotency-Key";

    public static readonly ErrorCode BadKey = new(
        "request.bad_idempotency_key",
        ErrorKind.Validation,
        "Idempotency-Key 需为1到64位字母、数字或 -_.: 符号"
    );
    public static readonly ErrorCode KeyReused = new(
        "request.idempotency_key_reused",
        ErrorKind.Conflict,
        "这个 Idempotency-Key 已用于另一个请求"
    );
    public static readonly ErrorCode InProgress = new(
        "request.in_progress",
        ErrorKind.Conflict,
        "同一请求正在处理中，请稍后再试"
    );

    [GeneratedRegex("^[A-Za-z0-9_.:-]{1,64}$")]
    private static partial Regex KeyFormat();

    public static WebApplication UseIdempotencyKeys(this WebApplication app)
    {
        app.Use(
            async (http, next) =>
            {
                var method = http.Request.Method;
                if (
                    !(HttpMethods.IsPost(method) || HttpMethods.IsPatch(method))
                    || !http.Request.Headers.TryGetValue(Header, out var values)
                    || http.Items[typeof(Caller)] is not Caller caller
                )
                {
                    await next(http);
                    return;
                }
                var key = values.ToString();
                if (!KeyFormat().IsMatch(key))
                {
                    await new ApiProblem(BadKey).ExecuteAsync(http);
                    return;
                }
                var store = http.RequestServices.GetRequiredService<IdempotencyStore>();
                var clock = http.RequestServices.GetRequiredService<TimeProvider>();
                var ct = http.RequestAborted;
                string hash;
                try
                {
                    hash = await HashAsync(http.Request, ct);
                }
                catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException or IOException)
                {
                    // A body that cannot be read is the endpoint's to refuse, with its own problem.
                    await next(http);
                    return;
                }
                var (outcome, answer) = await store.BeginAsync(
                    caller.PersonId,
                    key,
                    hash,
                    clock.GetUtcNow().UtcDateTime,
                    ct
                );
                switch (outcome)
                {
                    case IdempotencyOutcome.Replay:
                        http.Response.StatusCode = answer!.Status;
                        http.Response.ContentType = answer.ContentType;
                        http.Response.Headers["Idempotent-Replayed"] = "true";
                        await http.Response.WriteAsync(answer.Body, ct);
                        return;
                    case IdempotencyOutcome.Mismatch:
                        await new ApiProblem(KeyReused).ExecuteAsync(http);
                        return;
                    case IdempotencyOutcome.InProgress:
                        http.Response.Headers.RetryAfter = "1";
                        await new ApiProblem(InProgress).ExecuteAsync(http);
                        return;
                }
                var original = http.Response.Body;
                await using var buffer = new MemoryStream();
                http.Response.Body = buffer;
                try
                {
                    await next(http);
                }
                catch
                {
                    await store.ForgetAsync(caller.PersonId, key, CancellationToken.None);
                    throw;
                }
                finally
                {
                    http.Response.Body = original;
                }
                if (http.Response.StatusCode >= 500)
                    await store.ForgetAsync(caller.PersonId, key, CancellationToken.None);
                else
                    await store.CompleteAsync(
                        caller.PersonId,
                        key,
                        new StoredAnswer(
                            http.Response.StatusCode,
                            http.Response.ContentType ?? "application/json",
                            Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length)
                        ),
                        clock.GetUtcNow().UtcDateTime,
                        CancellationToken.None
                    );
                buffer.Position = 0;
                await buffer.CopyToAsync(original, ct);
            }
        );
        return app;
    }

    /// <summary>
    /// What makes two requests the same request: method, path and query, and the body — for a form, its fields and
    /// files by content, so that a retried upload (which gets a new multipart boundary) is still the same request.
    /// </summary>
    private static async Task<string> HashAsync(HttpRequest request, CancellationToken ct)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string text) => sha.AppendData(Encoding.UTF8.GetBytes(text + "\n"));
        Add($"{request.Method} {request.Path}{request.QueryString}");
        if (request.HasFormContentType)
        {
            // The form is read once and kept on the request, so the endpoint binds the same one.
            var form = await request.ReadFormAsync(ct);
            foreach (var (name, value) in form.OrderBy(f => f.Key, StringComparer.Ordinal))
                Add($"{name}={value}");
            foreach (var file in form.Files)
            {
                await using var content = file.OpenReadStream();
                Add($"{file.Name}:{file.FileName}:{Convert.ToHexStringLower(await SHA256.HashDataAsync(content, ct))}");
            }
            return Convert.ToHexStringLower(sha.GetHashAndReset());
        }
        request.EnableBuffering();
        var chunk = new byte[81920];
        int n;
        while ((n = await request.Body.ReadAsync(chunk, ct)) > 0)
            sha.AppendData(chunk, 0, n);
        request.Body.Position = 0;
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
