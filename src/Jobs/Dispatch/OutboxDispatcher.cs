using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.RateLimiting;
using Governance.Core.Data;
using Governance.Core.Notifications;
using Governance.Wechat.Client;
using Microsoft.Extensions.Logging;

namespace Governance.Jobs.Dispatch;

public sealed class DispatcherOptions
{
    public int BatchSize { get; set; } = 200;
    public int Parallelism { get; set; } = 8;
    public int MaxAttempts { get; set; } = 6;
    public int BaseBackoffSeconds { get; set; } = 30;
    public int MaxBackoffMinutes { get; set; } = 60;
    public int LeaseSeconds { get; set; } = 120;
    /// <summary>Sends per second towards WeChat, per node and channel.</summary>
    public int PerSecond { get; set; } = 2000;
}

public sealed record DispatchResult(int Claimed, int Sent, int Retrying, int Dead, int Rerouted)
{
    public static DispatchResult operator +(DispatchResult a, DispatchResult b) =>
        new(a.Claimed + b.Claimed, a.Sent + b.Sent, a.Retrying + b.Retrying, a.Dead + b.Dead, a.Rerouted + b.Rerouted);
}

/// <summary>
/// Drains the outbox. Claims due rows with FOR UPDATE SKIP LOCKED (any number of dispatchers on any nodes),
/// sends each on its channel, and records the outcome (successes together, at the end of the batch): sent; refused by the recipient → the next channel
/// (subscribe → template → in-app inbox); busy or failed → retried with exponential backoff, dead after the
/// last attempt; a hopeless request (bad template, bad data) → dead at once. At-least-once towards WeChat
/// (a crash between the send and the record resends once the lease runs out; template messages carry a
/// client_msg_id that WeChat deduplicates), never twice in our records: one row per idempotency key.
/// </summary>
public sealed class OutboxDispatcher : IDisposable
{
    private readonly DeliveryStore _store;
    private readonly Db _db;
    private readonly WechatApiClient _wechat;
    private readonly DispatcherOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<OutboxDispatcher> _log;
    private readonly Dictionary<string, TokenBucketRateLimiter> _limits;

    public OutboxDispatcher(DeliveryStore store, Db db, WechatApiClient wechat, DispatcherOptions options, TimeProvider clock, ILogger<OutboxDispatcher> log)
    {
        (_store, _db, _wechat, _options, _clock, _log) = (store, db, wechat, options, clock, log);
        _limits = new[] { DeliveryChannel.CustomerService, DeliveryChannel.Template, DeliveryChannel.Subscribe }.ToDictionary(c => c, _ => new TokenBucketRateLimiter(
            new TokenBucketRateLimiterOptions
            {
                TokenLimit = options.PerSecond, TokensPerPeriod = options.PerSecond, ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = int.MaxValue, AutoReplenishment = true,
            }));
    }

    /// <summary>One batch: claim, send, record. Returns what happened.</summary>
    public async Task<DispatchResult> RunOnceAsync(CancellationToken ct = default)
    {
        await using var scope = _db.Scope(); // the batch's own statements share one connection
        var now = _clock.GetUtcNow().UtcDateTime;
        var rows = await _store.ClaimBatchAsync(_options.BatchSize, TimeSpan.FromSeconds(_options.LeaseSeconds), now, ct);
        if (rows.Count == 0) return new DispatchResult(0, 0, 0, 0, 0);
        var templates = (await _store.TemplatesAsync(ct)).ToDictionary(t => (t.Kind, t.Channel));
        var results = new Outcome[rows.Count];
        var sent = new System.Collections.Concurrent.ConcurrentBag<DeliveryStore.SentDelivery>();
        await Parallel.ForEachAsync(Enumerable.Range(0, rows.Count), new ParallelOptions { MaxDegreeOfParallelism = _options.Parallelism, CancellationToken = ct },
            async (i, token) => results[i] = await DeliverAsync(rows[i], templates, sent, token));
        // Successes are recorded together: a node that dies before this line has sent them, and they go again when their
        // lease runs out (at least once towards WeChat; template messages carry a client_msg_id WeChat deduplicates).
        await _store.MarkSentManyAsync(sent.ToList(), _clock.GetUtcNow().UtcDateTime, ct);
        return new DispatchResult(rows.Count, results.Count(r => r == Outcome.Sent), results.Count(r => r == Outcome.Retrying),
            results.Count(r => r == Outcome.Dead), results.Count(r => r == Outcome.Rerouted));
    }

    /// <summary>Runs batches until nothing is due (or the round limit is reached).</summary>
    public async Task<DispatchResult> DrainAsync(int maxRounds = 1000, CancellationToken ct = default)
    {
        var total = new DispatchResult(0, 0, 0, 0, 0);
        for (var round = 0; round < maxRounds; round++)
        {
            var r = await RunOnceAsync(ct);
            total += r;
            if (r.Claimed == 0) break;
        }
        return total;
    }

    private enum Outcome { Sent, Retrying, Dead, Rerouted }

    private async Task<Outcome> DeliverAsync(DeliveryRow row, IReadOnlyDictionary<(string, string), ChannelTemplate> templates,
        System.Collections.Concurrent.ConcurrentBag<DeliveryStore.SentDelivery> sent, CancellationToken ct)
    {
        try
        {
            if (row.Channel == DeliveryChannel.Inbox)
            {
                if (row.PersonId is not { } person) return await DeadAsync(row, "no recipient for the in-app inbox", ct);
                sent.Add(new DeliveryStore.SentDelivery(row.Id, null, person, Notice(row)));
                return Outcome.Sent;
            }
            if (row.Openid is null) return await RerouteAsync(row, templates, "no openid for this channel", ct);
            ChannelTemplate? template = null;
            if (row.Channel is DeliveryChannel.Template or DeliveryChannel.Subscribe && !templates.TryGetValue((row.Kind, row.Channel), out template))
                return await RerouteAsync(row, templates, $"no {row.Channel} template for {row.Kind}", ct);

            using var lease = await _limits[row.Channel].AcquireAsync(1, ct);
            var notice = row.Channel == DeliveryChannel.CustomerService ? null : Notice(row);
            var now = _clock.GetUtcNow().UtcDateTime;
            var result = row.Channel switch
            {
                DeliveryChannel.CustomerService => await _wechat.SendTextAsync(row.Openid, JsonDocument.Parse(row.Payload).RootElement.GetProperty("text").GetString()!, ct),
                DeliveryChannel.Template => await _wechat.SendTemplateAsync(row.Openid, template!.TemplateId, TemplateRenderer.Render(template, notice!, now),
                    Page(template, notice!), ClientMsgId(row.IdempotencyKey), ct),
                _ => await _wechat.SendSubscribeAsync(row.Openid, template!.TemplateId, TemplateRenderer.Render(template, notice!, now), Page(template, notice!), ct),
            };
            if (row.Channel == DeliveryChannel.Subscribe && row.PersonId is { } p && result.Outcome is WechatOutcome.Ok or WechatOutcome.RecipientRefused)
                await _store.UseGrantAsync(p, template!.TemplateId, exhausted: !result.Ok, now, ct);
            return result.Outcome switch
            {
                WechatOutcome.Ok => Sent(row, result.MsgId, sent),
                WechatOutcome.RecipientRefused => await RerouteAsync(row, templates, $"{result.ErrCode} {result.ErrMsg}", ct),
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

    private static Outcome Sent(DeliveryRow row, long? msgid, System.Collections.Concurrent.ConcurrentBag<DeliveryStore.SentDelivery> sent)
    {
        sent.Add(new DeliveryStore.SentDelivery(row.Id, msgid));
        return Outcome.Sent;
    }

    private async Task<Outcome> RetryAsync(DeliveryRow row, string error, CancellationToken ct)
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        if (row.Attempts >= _options.MaxAttempts) return await DeadAsync(row, $"gave up after {row.Attempts} attempts: {error}", ct);
        var seconds = Math.Min(_options.BaseBackoffSeconds * Math.Pow(2, row.Attempts - 1), _options.MaxBackoffMinutes * 60.0);
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

    /// <summary>The next channel in subscribe → template → inbox that this person and notice can use.</summary>
    private async Task<Outcome> RerouteAsync(DeliveryRow row, IReadOnlyDictionary<(string, string), ChannelTemplate> templates, string why, CancellationToken ct)
    {
        var recipient = row.PersonId is { } p ? await _store.RecipientAsync(p, ct) : null;
        if (recipient is null) return await DeadAsync(row, $"refused and no one to fall back to: {why}", ct);
        var now = _clock.GetUtcNow().UtcDateTime;
        if (row.Channel == DeliveryChannel.Subscribe && recipient is { OaFollowing: true, OaOpenid: not null } && templates.ContainsKey((row.Kind, DeliveryChannel.Template)))
            await _store.SwitchChannelAsync(row.Id, DeliveryChannel.Template, recipient.OaOpenid, why, now, ct);
        else
            await _store.SwitchChannelAsync(row.Id, DeliveryChannel.Inbox, null, why, now, ct);
        return Outcome.Rerouted;
    }

    private static Notice Notice(DeliveryRow row)
    {
        if (row.Channel == DeliveryChannel.Inbox && row.Kind == "chat_reply")
            return new Notice("chat_reply", "服务号回复", JsonDocument.Parse(row.Payload).RootElement.GetProperty("text").GetString() ?? "");
        return JsonSerializer.Deserialize<Notice>(row.Payload, Outbox.Json)!;
    }

    private static string? Page(ChannelTemplate t, Notice n) => n.Page ?? (t.Page is null ? null : n.OrderCode is null ? t.Page : $"{t.Page}?code={n.OrderCode}");

    /// <summary>WeChat drops a repeat of the same client_msg_id: derived from our idempotency key.</summary>
    private static string ClientMsgId(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..32];

    public void Dispose()
    {
        foreach (var l in _limits.Values) l.Dispose();
    }
}
