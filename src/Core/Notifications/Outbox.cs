using System.Data.Common;
using System.Text.Encodings.Web;
using System.Text.Json;
using Dapper;

namespace Governance.Core.Notifications;

public static class DeliveryChannel
{
    public const string CustomerService = "customer_service",
        Template = "template",
        Subscribe = "subscribe",
        Inbox = "inbox";
}

public static class DeliveryStatus
{
    public const string Pending = "pending",
        Sending = "sending",
        Sent = "sent",
        Failed = "failed",
        Dead = "dead";
}

/// <summary>
/// What a notice says, independent of the channel that carries it. <paramref name="OrderCode"/> and
/// <paramref name="Ref"/> (the id of what else it is about: a broadcast, a unit, a meeting) are what the channel's
/// template turns into a page of the mini-program; page paths live in the templates, not here.
/// </summary>
public sealed record Notice(string Kind, string Title, string Body, string? OrderCode = null, string? Ref = null);

/// <summary>
/// The channel choice, written once: a mini-program subscribe message when the person granted one for this kind's
/// template; else an official-account template message when they follow the account and the kind has a template;
/// else the in-app inbox. Enqueueing starts at the top, a preview counts the same way, and when WeChat refuses a
/// channel the dispatcher moves the row down to the next rung this person can use.
/// </summary>
public static class ChannelLadder
{
    private sealed record Rung(string Channel, string Condition, string? Openid);

    private static readonly Rung[] Rungs =
    [
        new(DeliveryChannel.Subscribe, "sub.template_id IS NOT NULL AND p.mp_openid IS NOT NULL", "p.mp_openid"),
        new(
            DeliveryChannel.Template,
            "tpl.template_id IS NOT NULL AND p.oa_following = 1 AND p.oa_openid IS NOT NULL",
            "p.oa_openid"
        ),
        new(DeliveryChannel.Inbox, "TRUE", null),
    ];

    /// <summary>
    /// The rungs below a channel (all of them for null): where a refused row goes next. A refused customer-service
    /// message (the 48-hour window closed) goes to the inbox.
    /// </summary>
    private static IEnumerable<Rung> From(string? refused) =>
        refused is null ? Rungs
        : Rungs.Any(r => r.Channel == refused) ? Rungs.SkipWhile(r => r.Channel != refused).Skip(1)
        : Rungs[^1..];

    /// <summary>The channel for person p, starting below <paramref name="refused"/>.</summary>
    public static string ChannelSql(string? refused = null) =>
        "CASE " + string.Concat(From(refused).Select(r => $"WHEN {r.Condition} THEN '{r.Channel}' ")) + "END";

    /// <summary>The openid that channel needs (NULL for the inbox).</summary>
    public static string OpenidSql(string? refused = null) =>
        "CASE " + string.Concat(From(refused).Select(r => $"WHEN {r.Condition} THEN {r.Openid ?? "NULL"} ")) + "END";

    /// <summary>The templates the ladder looks at, for the notice kind given by <paramref name="kindSql"/>.</summary>
    public static string Joins(string kindSql) =>
        $"""
            LEFT JOIN notification_template tpl ON tpl.kind = {kindSql} AND tpl.channel = 'template'
            LEFT JOIN notification_template sub ON sub.kind = {kindSql} AND sub.channel = 'subscribe'
                  AND EXISTS (SELECT 1 FROM subscribe_grant g WHERE g.person_id = p.id
                    AND g.template_id = sub.template_id AND g.remaining > 0)
            """;
}

/// <summary>
/// The one outbox for everything that notifies anyone. Enqueueing joins the caller's transaction, so a notice exists
/// exactly when the change it announces was committed; the idempotency key makes a second enqueue of the same notice
/// (a re-run job, a retried request) a no-op.
/// </summary>
public static class Outbox
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// The area a notice is about (given, or the order's place), else the recipient's home or approved community: staff
    /// of that area see its failures.
    /// </summary>
    private const string PersonArea = """
        (SELECT b.path FROM resident r JOIN area b ON b.id = r.home_building_id WHERE r.person_id = p.id),
        (SELECT MIN(ca.path) FROM registration rg JOIN area ca ON ca.id = rg.community_id WHERE rg.person_id = p.id
          AND rg.status = 'approved')
        """;

    private static readonly string SelectRecipients = $"""
        SELECT CONCAT(@key, ':', p.id), p.id, {ChannelLadder.OpenidSql()}, {ChannelLadder.ChannelSql()}, @kind,
          @payload, 'pending', 0, @now,
          @broadcastId, @orderCode,
          COALESCE(@areaPath, (SELECT o.area_path FROM service_order o WHERE o.code = @orderCode),
            {PersonArea}), @now, @now
        FROM person p
        {ChannelLadder.Joins("@kind")}
        """;

    /// <summary>The same channel choice, for previews: how many recipients each channel would carry.</summary>
    public static readonly string SelectChannel = $"""
        SELECT {ChannelLadder.ChannelSql()} AS channel
        FROM person p
        {ChannelLadder.Joins("@kind")}
        """;

    private const string InsertPrefix = """
        INSERT IGNORE INTO delivery (idempotency_key, person_id, openid, channel, kind, payload, status, attempts,
          next_attempt_at, broadcast_id, order_code,
          area_path, created_at, updated_at)
        """;

    /// <summary>
    /// Kinds that go by the strongest channel each person has and also to the in-app inbox, where they stay until
    /// read: an urgent alert must not depend on one channel.
    /// </summary>
    public static readonly IReadOnlySet<string> AlsoToInbox = new HashSet<string>
    {
        "urgent_alert",
        "urgent_cancelled",
    };

    private static readonly string SelectInboxCopies = $"""
        SELECT CONCAT(@key, ':inbox:', p.id), p.id, NULL, 'inbox', @kind,
          @payload, 'pending', 0, @now,
          @broadcastId, @orderCode,
          COALESCE(@areaPath, (SELECT o.area_path FROM service_order o WHERE o.code = @orderCode),
            {PersonArea}), @now, @now
        FROM person p
        {ChannelLadder.Joins("@kind")}
        WHERE {ChannelLadder.ChannelSql()} <> 'inbox' AND p.id IN @ids
        """;

    /// <summary>One notice to several people, keyed "{idempotencyKey}:{personId}".</summary>
    public static async Task<int> EnqueueAsync(
        DbConnection c,
        DbTransaction? tx,
        IEnumerable<long> personIds,
        Notice notice,
        string idempotencyKey,
        DateTime now,
        CancellationToken ct
    )
    {
        var ids = personIds.Distinct().ToArray();
        if (ids.Length == 0)
            return 0;
        var args = new
        {
            ids,
            key = idempotencyKey,
            kind = notice.Kind,
            payload = JsonSerializer.Serialize(notice, Json),
            now,
            broadcastId = (long?)null,
            areaPath = (string?)null,
            orderCode = notice.OrderCode,
        };
        var rows = await c.ExecuteAsync(
            new CommandDefinition(
                $"{InsertPrefix} {SelectRecipients} WHERE p.id IN @ids",
                args,
                tx,
                cancellationToken: ct
            )
        );
        if (AlsoToInbox.Contains(notice.Kind))
            rows += await c.ExecuteAsync(
                new CommandDefinition($"{InsertPrefix} {SelectInboxCopies}", args, tx, cancellationToken: ct)
            );
        return rows;
    }

    /// <summary>
    /// Enqueues for every person the given subquery selects (a broadcast's audience), in one statement.
    /// </summary>
    public static Task<int> EnqueueSelectedAsync(
        DbConnection c,
        DbTransaction? tx,
        string personIdSubquery,
        DynamicParameters parameters,
        Notice notice,
        string idempotencyKey,
        long? broadcastId,
        string? areaPath,
        DateTime now,
        CancellationToken ct
    )
    {
        parameters.AddDynamicParams(
            new
            {
                key = idempotencyKey,
                kind = notice.Kind,
                payload = JsonSerializer.Serialize(notice, Json),
                now,
                broadcastId,
                areaPath,
                orderCode = notice.OrderCode,
            }
        );
        return c.ExecuteAsync(
            new CommandDefinition(
                $"{InsertPrefix} {SelectRecipients} WHERE p.id IN ({personIdSubquery})",
                parameters,
                tx,
                cancellationToken: ct,
                commandTimeout: 300
            )
        );
    }

    /// <summary>A personal notice for one person (a digest), keyed by <see cref="Key"/> as given.</summary>
    public sealed record Personal(long PersonId, Notice Notice, string Key);

    /// <summary>
    /// Many personal notices (each person their own text) in a few statements: the rows travel as one JSON parameter
    /// read by JSON_TABLE (MySQL 8 and MariaDB 10.6+), so a weekly digest for twenty thousand members is a handful of
    /// round trips, not twenty thousand.
    /// </summary>
    public static async Task<int> EnqueueManyAsync(
        DbConnection c,
        DbTransaction? tx,
        IReadOnlyList<Personal> notices,
        DateTime now,
        CancellationToken ct
    )
    {
        var added = 0;
        foreach (var kind in notices.GroupBy(n => n.Notice.Kind))
            foreach (var chunk in kind.Chunk(2000))
            {
                var rows = JsonSerializer.Serialize(
                    chunk.Select(n => new
                    {
                        p = n.PersonId,
                        k = n.Key,
                        o = n.Notice.OrderCode,
                        b = JsonSerializer.Serialize(n.Notice, Json),
                    }),
                    Json
                );
                var sql = $"""
                {InsertPrefix}
                SELECT v.k, p.id, {ChannelLadder.OpenidSql()}, {ChannelLadder.ChannelSql()}, @kind, v.payload,
                  'pending', 0, @now, NULL, v.order_code,
                  COALESCE({PersonArea}), @now, @now
                FROM JSON_TABLE(@rows, '$[*]' COLUMNS (pid BIGINT PATH '$.p', k VARCHAR(200) PATH '$.k',
                  order_code VARCHAR(20) PATH '$.o', payload TEXT PATH '$.b')) v
                JOIN person p ON p.id = v.pid
                {ChannelLadder.Joins("@kind")}
                """;
                added += await c.ExecuteAsync(
                    new CommandDefinition(
                        sql,
                        new
                        {
                            kind = kind.Key,
                            now,
                            rows,
                        },
                        tx,
                        cancellationToken: ct,
                        commandTimeout: 300
                    )
                );
            }
        return added;
    }

    private const string CustomerServiceSql = """
        INSERT IGNORE INTO delivery (idempotency_key, person_id, openid, channel, kind, payload, status, attempts,
          next_attempt_at, created_at, updated_at)
        VALUES (@key, @personId, @openid, 'customer_service', 'chat_reply', @payload, 'pending', 0, @now, @now, @now)
        """;

    /// <summary>A chat reply that could not be given in time, sent later by customer-service message.</summary>
    public static Task<int> EnqueueCustomerServiceAsync(
        DbConnection c,
        DbTransaction? tx,
        long? personId,
        string openid,
        string text,
        string idempotencyKey,
        DateTime now,
        CancellationToken ct
    ) =>
        c.ExecuteAsync(
            new CommandDefinition(
                CustomerServiceSql,
                new
                {
                    key = idempotencyKey,
                    personId,
                    openid,
                    payload = JsonSerializer.Serialize(new { text }, Json),
                    now,
                },
                tx,
                cancellationToken: ct
            )
        );
}
