using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.RateLimiting;
using Governance.Core.Notifications;
using Governance.Wechat.Client;
using Microsoft.Extensions.Logging;

namespace Governance.Wechat.Sending;

/// <summary>Settings of the "Outbox" section: how rows are sent.</summary>
public sealed class OutboxOptions
{
    public const string Section = "Outbox";

    [Range(1, 5000)]
    public int BatchSize { get; set; } = 200;

    [Range(1, 256)]
    public int Parallelism { get; set; } = 8;

    [Range(1, 50)]
    public int MaxAttempts { get; set; } = 6;

    [Range(1, 3600)]
    public int BaseBackoffSeconds { get; set; } = 30;

    [Range(1, 1440)]
    public int MaxBackoffMinutes { get; set; } = 60;

    [Range(10, 3600)]
    public int LeaseSeconds { get; set; } = 120;

    /// <summary>Sends per second towards WeChat, per node and channel.</summary>
    [Range(1, 100_000)]
    public int PerSecond { get; set; } = 2000;
}

public sealed record DispatchResult(int Claimed, int Sent, int Retrying, int Dead, int Rerouted)
{
    public static readonly DispatchResult None = new(0, 0, 0, 0, 0);

    public static DispatchResult operator +(DispatchResult a, DispatchResult b) =>
        new(a.Claimed + b.Claimed, a.Sent + b.Sent, a.Retrying + b.Retrying, a.Dead + b.Dead, a.Rerouted + b.Rerouted);
}

/// <summary>
/// The one sender of outbox rows, with the node's one rate limit per channel. The jobs nodes' dispatcher loop drains
/// due rows through it in batches; the gateway hands it a single deferred chat reply to send now. Claims rows with FOR
/// UPDATE SKIP LOCKED (any number of senders on any nodes), sends each on its channel, and records the outcome
/// (successes together, at the end of a batch): sent; refused by the recipient → the next rung of the channel ladder
/// (subscribe → template → in-app inbox); busy or failed → retried with exponential backoff, dead after the last
/// attempt; a hopeless request (bad template, bad data) → dead at once. At-least-once towards WeChat (a crash between
/// the send and the record resends once the lease runs out; template messages carry a client_msg_id that WeChat
/// deduplicates), never twice in our records: one row per idempotency key.
/// </summary>
public sealed class OutboxSender : IDisposable
{
    private readonly DeliveryStore _store;
    private readonly WechatApiClient _wechat;
    private readonly OutboxOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<OutboxSender> _log;
    private readonly Dictionary<string, TokenBucketRateLimiter> _limits;

    public OutboxSender(
        DeliveryStore store,
        WechatApiClient wechat,
        OutboxOptions options,
        TimeProvider clock,
        ILogger<OutboxSender> log
    )
    {
        (_store, _wechat, _options, _clock, _log) = (store, wechat, options, clock, log);
        _limits = new[]
        {
            DeliveryChannel.CustomerService,
            DeliveryChannel.Template,
            DeliveryChannel.Subscribe,
        }.ToDictionary(
            c => c,
            _ => new TokenBucketRateLimiter(
                new TokenBucketRateLimiterOptions
                {
                    TokenLimit = options.PerSecond,
                    TokensPerPeriod = options.PerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = int.MaxValue,
                    AutoReplenishment = true,
                }
            )
        );
    }

    /// <summary>One batch: claim, send, record. Returns what happened.</summary>
    public async Task<DispatchResult> RunOnceAsync(CancellationToken ct)
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        var rows = await _store.ClaimBatchAsync(
            _options.BatchSize,
            TimeSpan.FromSeconds(_options.LeaseSeconds),
            now,
            ct
        );
        return await SendAsync(rows, ct);
    }

    /// <summary>Runs batches until nothing is due (or the round limit is reached).</summary>
    public async Task<DispatchResult> DrainAsync(CancellationToken ct, int maxRounds = 1000)
    {
        var total = DispatchResult.None;
        for (var round = 0; round < maxRounds; round++)
        {
            var r = await RunOnceAsync(ct);
            total += r;
            if (r.Claimed == 0)
                break;
        }
        return total;
    }

    /// <summary>
    /// Sends one row now, by its idempotency key (a chat reply that missed WeChat's 5 seconds), through the same
    /// channel rules and rate limit as every other row. Nothing happens when another sender has it or it is done.
    /// </summary>
    public async Task<DispatchResult> SendNowAsync(string idempotencyKey, CancellationToken ct)
    {
        var row = await _store.ClaimAsync(
            idempotencyKey,
            TimeSpan.FromSeconds(_options.LeaseSeconds),
            _clock.GetUtcNow().UtcDateTime,
            ct
        );
        return row is null ? DispatchResult.None : await SendAsync([row], ct);
    }

    private async Task<DispatchResult> SendAsync(IReadOnlyList<DeliveryRow> rows, CancellationToken ct)
    {
        if (rows.Count == 0)
            return DispatchResult.None;
        var templates = (await _store.TemplatesAsync(ct)).ToDictionary(t => (t.Kind, t.Channel));
        var results = new Outcome[rows.Count];
        var sent = new System.Collections.Concurrent.ConcurrentBag<DeliveryStore.SentDelivery>();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, rows.Count),
            new ParallelOptions { MaxDegreeOfParallelism = _options.Parallelism, CancellationToken = ct },
            async (i, token) => results[i] = await DeliverAsync(rows[i], templates, sent, token)
        );
        // Successes are recorded together: a node that dies before this line has sent them, and they go again when
        // their lease runs out (at least once towards WeChat; template messages carry a client_msg_id WeChat
        // deduplicates).
        await _store.MarkSentManyAsync(sent.ToList(), _clock.GetUtcNow().UtcDateTime, ct);
        return new DispatchResult(
            rows.Count,
            results.Count(r => r == Outcome.Sent),
            results.Count(r => r == Outcome.Retrying),
            results.Count(r => r == Outcome.Dead),
            results.Count(r => r == Outcome.Rerouted)
        );
    }

    private enum Outcome
    {
        Sent,
        Retrying,
        Dead,
        Rerouted,
    }

    private async Task<Outcome> DeliverAsync(
        DeliveryRow row,
        IReadOnlyDictionary<(string, string), ChannelTemplate> templates,
        System.Collections.Concurrent.ConcurrentBag<DeliveryStore.SentDelivery> sent,
        CancellationToken ct
    )
    {
        try
        {
            if (row.Channel == DeliveryChannel.Inbox)
            {
                if (row.PersonId is not { } person)
                    return await DeadAsync(row, "no recipient for the in-app inbox", ct);
                sent.Add(new DeliveryStore.SentDelivery(row.Id, null, person, Notice(row)));
                return Outcome.Sent;
            }
            if (row.Openid is null)
                return await RerouteAsync(row, "no openid for this channel", ct);
            ChannelTemplate? template = null;
            if (
                row.Channel is DeliveryChannel.Template or DeliveryChannel.Subscribe
                && !templates.TryGetValue((row.Kind, row.Channel), out template)
            )
                return await RerouteAsync(row, $"no {row.Channel} template for {row.Kind}", ct);

            using var lease = await _limits[row.Channel].AcquireAsync(1, ct);
            var notice = row.Channel == DeliveryChannel.CustomerService ? null : Notice(row);
            var now = _clock.GetUtcNow().UtcDateTime;
            var result = row.Channel switch
            {
                DeliveryChannel.CustomerService => await _wechat.SendTextAsync(row.Openid, ChatReplyText(row), ct),
                DeliveryChannel.Template => await _wechat.SendTemplateAsync(
                    row.Openid,
                    template!.TemplateId,
                    TemplateRenderer.Render(template, notice!, now),
                    TemplateRenderer.Page(template, notice!),
                    ClientMsgId(row.IdempotencyKey),
                    ct
                ),
                _ => await _wechat.SendSubscribeAsync(
                    row.Openid,
                    template!.TemplateId,
                    TemplateRenderer.Render(template, notice!, now),
                    TemplateRenderer.Page(template, notice!),
                    ct
                ),
            };
            if (
                row.Channel == DeliveryChannel.Subscribe
                && row.PersonId is { } p
                && result.Outcome is WechatOutcome.Ok or WechatOutcome.RecipientRefused
            )
                await _store.UseGrantAsync(p, template!.TemplateId, exhausted: !result.Ok, now, ct);
            return result.Outcome switch
            {
                WechatOutcome.Ok => Sent(row, result.MsgId, sent),
                WechatOutcome.RecipientRefused or WechatOutcome.QuotaReached => await RerouteAsync(
                    row,
                    $"{result.ErrCode} {result.ErrMsg}",
                    ct
                ),
                WechatOutcome.GiveUp => await DeadAsync(row, $"{result.ErrCode} {result.ErrMsg}", ct),
                _ => await RetryAsync(row, $"{result.ErrCode} {result.ErrMsg}", ct),
            };
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _log.LogError(ex, "Delivery {Id} failed unexpectedly", row.Id);
            return await RetryAsync(row, ex.GetType().Name + ": " + ex.Message, ct);
        }
    }

    private static Outcome Sent(
        DeliveryRow row,
        long? msgid,
        System.Collections.Concurrent.ConcurrentBag<DeliveryStore.SentDelivery> sent
    )
    {
        sent.Add(new DeliveryStore.SentDelivery(row.Id, msgid));
        return Outcome.Sent;
    }

    /// <summary>
    /// WeChat drops a template message whose client_msg_id it saw in the last ten minutes. A send that timed out may
    /// have reached WeChat, so its retries must all fall inside those ten minutes, or the resident could get it twice:
    /// retries of a template message stop at nine minutes after the first attempt and the notice goes down the ladder
    /// (to the in-app inbox, where a duplicate costs nothing).
    /// </summary>
    public static readonly TimeSpan TemplateRetryWindow = TimeSpan.FromMinutes(9);

    /// <summary>
    /// The latest time, after the first attempt, at which attempt <paramref name="attempts"/>+1 can happen.
    /// </summary>
    private TimeSpan LatestRetryAfterFirst(int attempts) =>
        TimeSpan.FromSeconds(
            Enumerable
                .Range(1, attempts)
                .Sum(a => Math.Min(_options.BaseBackoffSeconds * Math.Pow(2, a - 1), _options.MaxBackoffMinutes * 60.0))
                * 1.1
        );

    private async Task<Outcome> RetryAsync(DeliveryRow row, string error, CancellationToken ct)
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        if (row.Channel == DeliveryChannel.Template && LatestRetryAfterFirst(row.Attempts) > TemplateRetryWindow)
            return await RerouteAsync(row, $"no retry past client_msg_id's ten minutes: {error}", ct);
        if (row.Attempts >= _options.MaxAttempts)
            return await DeadAsync(row, $"gave up after {row.Attempts} attempts: {error}", ct);
        var seconds = Math.Min(
            _options.BaseBackoffSeconds * Math.Pow(2, row.Attempts - 1),
            _options.MaxBackoffMinutes * 60.0
        );
        var next = now.AddSeconds(seconds * (0.9 + Random.Shared.NextDouble() * 0.2));
        await _store.MarkFailedAsync(row.Id, dead: false, next, error, now, ct);
        return Outcome.Retrying;
    }

    private async Task<Outcome> DeadAsync(DeliveryRow row, string error, CancellationToken ct)
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        await _store.MarkFailedAsync(row.Id, dead: true, now, error, now, ct);
        _log.LogWarning("Delivery {Id} ({Kind}, {Channel}) is dead: {Error}", row.Id, row.Kind, row.Channel, error);
        return Outcome.Dead;
    }

    /// <summary>
    /// Down the channel ladder to the next channel this person can use; dead when there is no one to fall back to.
    /// </summary>
    private async Task<Outcome> RerouteAsync(DeliveryRow row, string why, CancellationToken ct)
    {
        if (await _store.RerouteAsync(row.Id, row.Channel, why, _clock.GetUtcNow().UtcDateTime, ct))
            return Outcome.Rerouted;
        return await DeadAsync(row, $"refused and no one to fall back to: {why}", ct);
    }

    private static string ChatReplyText(DeliveryRow row) =>
        JsonDocument.Parse(row.Payload).RootElement.GetProperty("text").GetString() ?? "";

    private static Notice Notice(DeliveryRow row) =>
        row.Kind == "chat_reply"
            ? new Notice("chat_reply", "服务号回复", ChatReplyText(row))
            : JsonSerializer.Deserialize<Notice>(row.Payload, Core.Notifications.Outbox.Json)!;

    /// <summary>WeChat drops a repeat of the same client_msg_id: derived from our idempotency key.</summary>
    private static string ClientMsgId(string key) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..32];

    public void Dispose()
    {
        foreach (var l in _limits.Values)
            l.Dispose();
    }
}
