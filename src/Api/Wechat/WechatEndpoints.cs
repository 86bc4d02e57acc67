using Governance.Wechat;
using Governance.Wechat.Gateway;

namespace Governance.Api.Wechat;

public static class WechatEndpoints
{
    public static void MapWechat(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/wechat").WithTags("WeChat").AllowAnonymous().ExcludeFromDescription();
        group.MapGet("/callback", Verify);
        group.MapPost("/callback", ReceiveAsync);
        group.MapGet("/miniprogram/callback", (HttpRequest request, MiniProgramPushes pushes) =>
            Write(pushes.Verify(Query(request)))
        );
        group.MapPost("/miniprogram/callback", ReceiveMiniProgramAsync);
    }

    private static IResult Verify(HttpRequest request, WechatGateway gateway) => Write(gateway.Verify(Query(request)));

    private static async Task<IResult> ReceiveAsync(
        HttpRequest request,
        WechatGateway gateway,
        WechatOptions options,
        CancellationToken ct
    )
    {
        var arrived = System.Diagnostics.Stopwatch.GetTimestamp();
        var (body, refused) = await ReadBodyAsync(request, options, ct);
        return Write(refused ?? await gateway.HandleAsync(Query(request), body!, arrived, ct));
    }

    private static async Task<IResult> ReceiveMiniProgramAsync(
        HttpRequest request,
        MiniProgramPushes pushes,
        WechatOptions options,
        CancellationToken ct
    )
    {
        var (body, refused) = await ReadBodyAsync(request, options, ct);
        return Write(refused ?? await pushes.HandleAsync(Query(request), body!, ct));
    }

    /// <summary>
    /// The body as UTF-8 text, reading at most one byte past the limit (an oversize body is not read).
    /// </summary>
    private static async Task<(string? Body, CallbackResponse? Refused)> ReadBodyAsync(
        HttpRequest request,
        WechatOptions options,
        CancellationToken ct
    )
    {
        var buffer = new byte[options.MaxBodyBytes + 1];
        var read = 0;
        int n;
        while (read < buffer.Length && (n = await request.Body.ReadAsync(buffer.AsMemory(read), ct)) > 0)
            read += n;
        if (read > options.MaxBodyBytes)
            return (null, Refused(413, "wechat.body_too_large"));
        try
        {
            return (new System.Text.UTF8Encoding(false, true).GetString(buffer, 0, read), null);
        }
        catch (System.Text.DecoderFallbackException)
        {
            return (null, Refused(400, "wechat.bad_encoding"));
        }
    }

    private static CallbackResponse Refused(int status, string code) =>
        new(status, "text/plain; charset=utf-8", code, code);

    private static Dictionary<string, string?> Query(HttpRequest request) =>
        request.Query.ToDictionary(q => q.Key, q => (string?)q.Value.ToString());

    private static IResult Write(CallbackResponse r) => Results.Text(r.Body, r.ContentType, statusCode: r.Status);
}
