using System.Security.Cryptography;
using Governance.Api.Infrastructure;
using Governance.Core.Intake;
using Governance.Core.People;
using Governance.Wechat.Simulator;

namespace Governance.Api.Sandbox;

/// <summary>
/// Sandbox only: a page where a person chats as a resident. Every message goes through the simulator and
/// the real signed, encrypted callback path, so what you see is what WeChat users would see.
/// </summary>
public static class SandboxEndpoints
{
    public sealed record SendRequest(
        string? Openid,
        string? Type,
        string? Text,
        double? Latitude,
        double? Longitude,
        string? Label
    );

    public static void MapSandbox(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/sandbox").WithTags("Sandbox").AllowAnonymous().ExcludeFromDescription();
        group.MapGet("/", () => Results.Content(Page.Value, "text/html; charset=utf-8"));
        group.MapGet("/api/residents", async (PersonStore people, CancellationToken ct) =>
            Results.Ok(await people.ChatResidentsAsync(50, ct))
        );
        group.MapPost("/api/residents", NewResidentAsync);
        group.MapGet("/api/places", async (IntakeService intake, CancellationToken ct) => Results.Ok(
                (await intake.PlacesAsync(ct)).Compounds.Select(c => new
                {
                    c.Id,
                    c.Name,
                    c.Latitude,
                    c.Longitude,
                })
            ));
        group.MapPost("/api/send", SendAsync);
        // What wx.login and getPhoneNumber would hand the mini-program, so sign-in can be tried without WeChat.
        group.MapPost("/api/login-code", (SandboxSimulator sandbox, string? openid, string? unionid) =>
            sandbox.Instance is not { } sim
                ? Unavailable()
                : Results.Ok(
                    new
                    {
                        code = sim.IssueLoginCode(
                            string.IsNullOrWhiteSpace(openid)
                                ? "o_mp_sandbox_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))
                                : openid,
                            unionid
                        ),
                    }
                )
        );
        group.MapPost("/api/phone-code", (SandboxSimulator sandbox, string phone) =>
            sandbox.Instance is not { } sim ? Unavailable() : Results.Ok(new { code = sim.IssuePhoneCode(phone) })
        );
        group.MapGet("/api/messages", (SandboxSimulator sandbox, string openid, long? after) => sandbox.Instance
                is not { } sim
                ? Unavailable()
                : Results.Ok(
                    sim.Sent(openid)
                        .Where(m => after is null || m.Seq > after)
                        .Select(m => new
                        {
                            m.Seq,
                            m.Api,
                            text = m.Text ?? Describe(m),
                            at = m.At,
                        })
                ));
    }

    private static readonly Lazy<string> Page = new(() =>
    {
        using var stream = typeof(SandboxEndpoints).Assembly.GetManifestResourceStream(
            "Governance.Api.Sandbox.chat.html"
        )!;
        return new StreamReader(stream).ReadToEnd();
    });

    private static string Describe(SentMessage m) =>
        m.Body["data"] is { } data
            ? $"[{m.Api}] " + string.Join(" ", data.AsObject().Select(kv => kv.Value?["value"]?.ToString()))
            : $"[{m.Api}]";

    private static readonly Core.Errors.ErrorCode NotRunning = new(
        "sandbox.unavailable",
        Core.Errors.ErrorKind.Unavailable,
        "沙箱模拟器未运行"
    );
    private static readonly Core.Errors.ErrorCode OpenidRequired = new(
        "sandbox.openid_required",
        Core.Errors.ErrorKind.Validation,
        "请先选择居民"
    );
    private static readonly Core.Errors.ErrorCode InvalidMessage = new(
        "sandbox.invalid_message",
        Core.Errors.ErrorKind.Validation,
        "消息内容不完整"
    );

    private static IResult Unavailable() => NotRunning.ToProblem();

    private static async Task<IResult> NewResidentAsync(SandboxSimulator sandbox, CancellationToken ct)
    {
        if (sandbox.Instance is not { } sim)
            return Unavailable();
        var openid = "o_sandbox_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var responses = await sim.PushAsync(sim.EventXml(openid, "subscribe"), ct: ct);
        return Results.Ok(new { openid, reply = responses[^1].ReplyText });
    }

    private static async Task<IResult> SendAsync(SendRequest body, SandboxSimulator sandbox, CancellationToken ct)
    {
        if (sandbox.Instance is not { } sim)
            return Unavailable();
        if (string.IsNullOrWhiteSpace(body.Openid))
            return OpenidRequired.ToProblem();
        var xml = body.Type switch
        {
            "text" when !string.IsNullOrWhiteSpace(body.Text) => sim.TextXml(body.Openid, body.Text),
            "voice" => sim.VoiceXml(body.Openid, body.Text),
            "image" => sim.ImageXml(body.Openid),
            "location" when body.Latitude is not null && body.Longitude is not null => sim.LocationXml(
                body.Openid,
                body.Latitude.Value,
                body.Longitude.Value,
                body.Label ?? "我的位置"
            ),
            "subscribe" or "unsubscribe" => sim.EventXml(body.Openid, body.Type),
            _ => null,
        };
        if (xml is null)
            return InvalidMessage.ToProblem();
        var responses = await sim.PushAsync(xml, ct: ct);
        return Results.Ok(
            new
            {
                reply = responses[^1].ReplyText,
                deliveries = responses.Count,
                status = responses[^1].Status,
            }
        );
    }
}
