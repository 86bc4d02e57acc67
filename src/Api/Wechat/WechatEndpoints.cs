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
        // Read at most one byte past the limit: an oversize body is refused without reading it all.
        var buffer = new byte[options.MaxBodyBytes + 1];
        var read = 0;
        int n;
        while (read < buffer.Length && (n = await request.Body.ReadAsync(buffer.AsMemory(read), ct)) > 0)
            read += n;
        if (read > options.MaxBodyBytes)
            return Write(
                new CallbackResponse(413, "text/plain; charset=utf-8", "wechat.body_too_large", "wechat.body_too_large")
            );
        string body;
        try
        {
            body = new System.Text.UTF8Encoding(false, true).GetString(buffer, 0, read);
        }
        catch (System.Text.DecoderFallbackException)
        {
            return Write(
                new CallbackResponse(400, "text/plain; charset=utf-8", "wechat.bad_encoding", "wechat.bad_encoding")
            );
        }
        return Write(await gateway.HandleAsync(Query(request), body, arrived, ct));
    }

    private static Dictionary<string, string?> Query(HttpRequest request) =>
        request.Query.ToDictionary(q => q.Key, q => (string?)q.Value.ToString());

    private static IResult Write(CallbackResponse r) => Results.Text(r.Body, r.ContentType, statusCode: r.Status);
}
