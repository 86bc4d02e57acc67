using System.Text.Json;
using Dapper;
using Governance.Core.Data;

namespace Governance.Core.Notifications;

public sealed record DeliveryRow(
    long Id,
    string IdempotencyKey,
    long? PersonId,
    string? Openid,
    string Channel,
    string Kind,
    string Payload,
    string Status,
    int Attempts,
    DateTime NextAttemptAt,
    string? LastError,
    long? WechatMsgid,
    string? Receipt
);

public sealed record TemplateField(string Key, string From, string Type);

public sealed record ChannelTemplate(
    string Kind,
    string Channel,
    string TemplateId,
    IReadOnlyList<TemplateField> Fields,
    string? Page
);

public sealed record DeliveryTotals(
    int Total,
    int Pending,
    int Sending,
    int Sent,
    int Failed,
    int Dead,
    IReadOnlyDictionary<string, int> ByChannel
);

public sealed class DeliveryStore(Db db)
{
    private const string Columns = """
        id, idempotency_key AS IdempotencyKey, person_id AS PersonId, openid, channel, kind, payload, status, attempts,
        next_attempt_at AS NextAttemptAt, last_error AS LastError, wechat_msgid AS WechatMsgid, receipt
        """;

    private const string ClaimOneSql = """
        UPDATE delivery SET status = 'sending', attempts = attempts + 1, lease_until = @leaseUntil, updated_at = @now
        WHERE idempotency_key = @key AND (status IN ('pending','failed') OR (status = 'sending' AND lease_until < @now))
        """;

    /// <summary>
    /// Claims one row by key for sending now (the deferred chat reply); null when someone else has it or it is done.
    /// </summary>
    public async Task<DeliveryRow?> ClaimAsync(string key, TimeSpan lease, DateTime now, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        if (
            await c.ExecuteAsync(
                new CommandDefinition(
                    ClaimOneSql,
                    new
                    {
                        key,
                        leaseUntil = now + lease,
                        now,
                    },
                    cancellationToken: ct
                )
            ) != 1
        )
            return null;
        return await c.QuerySingleAsync<DeliveryRow>(
            new CommandDefinition(
                $"SELECT {Columns} FROM delivery WHERE idempotency_key = @key",
                new { key },
                cancellationToken: ct
            )
        );
    }

    /// <summary>
    /// Due rows, except one that has an earlier row to the same person about the same order still unsent (waiting,
    /// being sent, or retrying): it waits its turn, so a person's notices about an order arrive in the order written.
    /// </summary>
    private const string DueSql = """
        SELECT d.id FROM delivery d
        WHERE ((d.status IN ('pending','failed') AND d.next_attempt_at <= @now)
               OR (d.status = 'sending' AND d.lease_until < @now))
          AND (d.order_code IS NULL OR d.person_id IS NULL OR NOT EXISTS (
                SELECT 1 FROM delivery e
                 WHERE e.person_id = d.person_id AND e.order_code = d.order_code AND e.id < d.id
                   AND e.status IN ('pending','sending','failed')))
        ORDER BY d.next_attempt_at, d.id LIMIT @limit
        FOR UPDATE SKIP LOCKED
        """;
    private const string LeaseSql = """
        UPDATE delivery SET status = 'sending', attempts = attempts + 1, lease_until = @leaseUntil, updated_at = @now
          WHERE id IN @ids
        """;

    /// <summary>
    /// Claims a batch of due rows for this dispatcher: rows locked by another dispatcher are skipped (SKIP
    /// LOCKED), and a row whose lease ran out (its dispatcher died mid-send) is due again. READ COMMITTED, so the
    /// scan locks only the rows it takes: under REPEATABLE READ its gap locks made concurrent dispatchers deadlock
    /// as their updates moved rows within the same index.
    /// </summary>
    public async Task<IReadOnlyList<DeliveryRow>> ClaimBatchAsync(
        int limit,
        TimeSpan lease,
        DateTime now,
        CancellationToken ct = default
    ) =>
        await Db.RetryOnDeadlockAsync(
            async () =>
            {
                await using var c = await db.OpenAsync(ct);
                await using var tx = await c.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, ct);
                var ids = (
                    await c.QueryAsync<long>(
                        new CommandDefinition(DueSql, new { now, limit }, tx, cancellationToken: ct)
                    )
                ).AsList();
                if (ids.Count == 0)
                {
                    await tx.CommitAsync(ct);
                    return (IReadOnlyList<DeliveryRow>)[];
                }
                await c.ExecuteAsync(
                    new CommandDefinition(
                        LeaseSql,
                        new
                        {
                            ids,
                            leaseUntil = now + lease,
                            now,
                        },
                        tx,
                        cancellationToken: ct
                    )
                );
                var rows = (
                    await c.QueryAsync<DeliveryRow>(
                        new CommandDefinition(
                            $"SELECT {Columns} FROM delivery WHERE id IN @ids ORDER BY id",
                            new { ids },
                            tx,
                            cancellationToken: ct
                        )
                    )
                ).AsList();
                await tx.CommitAsync(ct);
                return rows;
            },
            ct
        );

    private const string SentSql = """
        UPDATE delivery SET status = 'sent', sent_at = @now, lease_until = NULL, wechat_msgid = @msgid,
          last_error = NULL, updated_at = @now
        WHERE id = @id
        """;

    public async Task MarkSentAsync(long id, long? msgid, DateTime now, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(
            new CommandDefinition(
                SentSql,
                new
                {
                    id,
                    msgid,
                    now,
                },
                cancellationToken: ct
            )
        );
    }

    private const string SentManySql = """
        UPDATE delivery d JOIN JSON_TABLE(@rows, '$[*]' COLUMNS (id BIGINT PATH '$.i', msgid BIGINT PATH '$.m')) v
          ON v.id = d.id
           SET d.status = 'sent', d.sent_at = @now, d.lease_until = NULL, d.wechat_msgid = v.msgid,
             d.last_error = NULL, d.updated_at = @now
        """;
    private const string InboxManySql = """
        INSERT IGNORE INTO inbox_message (person_id, delivery_id, kind, title, body, order_code, created_at)
        SELECT v.person_id, v.delivery_id, v.kind, v.title, v.body, v.order_code, @now
          FROM JSON_TABLE(@rows, '$[*]' COLUMNS (person_id BIGINT PATH '$.p', delivery_id BIGINT PATH '$.d',
            kind VARCHAR(30) PATH '$.k',
               title VARCHAR(100) PATH '$.t', body VARCHAR(2000) PATH '$.b', order_code VARCHAR(20) PATH '$.c')) v
        """;

    public sealed record SentDelivery(long Id, long? MsgId, long? InboxPersonId = null, Notice? InboxNotice = null);

    /// <summary>
    /// Records a batch of successful sends in two statements (the rows travel as JSON): in-app inbox messages written,
    /// and every delivery marked sent with WeChat's msgid. Keyed by delivery, so recording a batch twice changes
    /// nothing.
    /// </summary>
    public async Task MarkSentManyAsync(IReadOnlyList<SentDelivery> sent, DateTime now, CancellationToken ct = default)
    {
        if (sent.Count == 0)
            return;
        await using var c = await db.OpenAsync(ct);
        var inbox = sent.Where(x => x.InboxPersonId is not null && x.InboxNotice is not null)
            .Select(x => new
            {
                p = x.InboxPersonId,
                d = x.Id,
                k = x.InboxNotice!.Kind,
                t = Cut(x.InboxNotice.Title, 100),
                b = Cut(x.InboxNotice.Body, 2000),
                c = x.InboxNotice.OrderCode,
            })
            .ToList();
        if (inbox.Count > 0)
            await c.ExecuteAsync(
                new CommandDefinition(
                    InboxManySql,
                    new { rows = JsonSerializer.Serialize(inbox, Outbox.Json), now },
                    cancellationToken: ct
                )
            );
        await c.ExecuteAsync(
            new CommandDefinition(
                SentManySql,
                new
                {
                    rows = JsonSerializer.Serialize(sent.Select(x => new { i = x.Id, m = x.MsgId }), Outbox.Json),
                    now,
                },
                cancellationToken: ct
            )
        );
    }

    private const string FailedSql = """
        UPDATE delivery SET status = @status, next_attempt_at = @next, lease_until = NULL, last_error = @error,
          updated_at = @now
        WHERE id = @id
        """;

    public async Task MarkFailedAsync(
        long id,
        bool dead,
        DateTime nextAttempt,
        string error,
        DateTime now,
        CancellationToken ct = default
    )
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(
            new CommandDefinition(
                FailedSql,
                new
                {
                    id,
                    status = dead ? DeliveryStatus.Dead : DeliveryStatus.Failed,
                    next = nextAttempt,
                    error = Cut(error, 500),
                    now,
                },
                cancellationToken: ct
            )
        );
    }

    private static string RerouteSql(string refused) =>
        $"""
            UPDATE delivery d JOIN person p ON p.id = d.person_id
            {ChannelLadder.Joins("d.kind")}
            SET d.channel = {ChannelLadder.ChannelSql(refused)}, d.openid = {ChannelLadder.OpenidSql(
                refused
            )}, d.status = 'pending',
                d.next_attempt_at = @now, d.lease_until = NULL, d.attempts = GREATEST(d.attempts - 1, 0),
                  d.last_error = @error, d.updated_at = @now
            WHERE d.id = @id AND d.channel = @refused
            """;

    /// <summary>
    /// The recipient refused this channel: the row moves down the channel ladder to the next channel this person can
    /// use and is due now (a refusal does not count as a failed attempt). False when there is nobody to fall back to.
    /// </summary>
    public async Task<bool> RerouteAsync(
        long id,
        string refused,
        string error,
        DateTime now,
        CancellationToken ct = default
    )
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteAsync(
                new CommandDefinition(
                    RerouteSql(refused),
                    new
                    {
                        id,
                        refused,
                        error = Cut(error, 500),
                        now,
                    },
                    cancellationToken: ct
                )
            ) == 1;
    }

    private const string ReceiptSql =
        "UPDATE delivery SET receipt = @receipt, updated_at = @now WHERE wechat_msgid = @msgid AND channel = @channel";

    /// <summary>
    /// WeChat's final word on a template or subscribe message (TEMPLATESENDJOBFINISH, subscribe_msg_sent_event).
    /// </summary>
    public async Task<int> RecordReceiptAsync(
        long msgid,
        string channel,
        string receipt,
        DateTime now,
        CancellationToken ct = default
    )
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteAsync(
            new CommandDefinition(
                ReceiptSql,
                new
                {
                    msgid,
                    channel,
                    receipt = Cut(receipt, 60),
                    now,
                },
                cancellationToken: ct
            )
        );
    }

    public sealed record InboxItem(
        long Id,
        string Kind,
        string Title,
        string Body,
        string? OrderCode,
        DateTime CreatedAt,
        DateTime? ReadAt
    );

    public async Task<IReadOnlyList<InboxItem>> InboxAsync(long personId, int limit, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return (
            await c.QueryAsync<InboxItem>(
                new CommandDefinition(
                    """
                    SELECT id, kind, title, body, order_code AS OrderCode, created_at AS CreatedAt, read_at AS ReadAt
                      FROM inbox_message WHERE person_id = @personId ORDER BY id DESC LIMIT @limit
                    """,
                    new { personId, limit },
                    cancellationToken: ct
                )
            )
        ).Select(i => i with { CreatedAt = i.CreatedAt.Utc(), ReadAt = i.ReadAt.Utc() }).ToList();
    }

    public async Task<int> MarkInboxReadAsync(long personId, long? upToId, DateTime now, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteAsync(
            new CommandDefinition(
                "UPDATE inbox_message SET read_at = @now WHERE person_id = @personId AND read_at IS NULL AND "
                    + "(@upToId IS NULL OR id <= @upToId)",
                new
                {
                    personId,
                    upToId,
                    now,
                },
                cancellationToken: ct
            )
        );
    }

    public async Task<IReadOnlyList<ChannelTemplate>> TemplatesAsync(CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<(string Kind, string Channel, string TemplateId, string Fields, string? Page)>(
            new CommandDefinition(
                "SELECT kind, channel, template_id, fields, page FROM notification_template",
                cancellationToken: ct
            )
        );
        return rows.Select(r => new ChannelTemplate(
                r.Kind,
                r.Channel,
                r.TemplateId,
                JsonSerializer.Deserialize<List<TemplateField>>(r.Fields, Outbox.Json) ?? [],
                r.Page
            ))
            .ToList();
    }

    /// <summary>Who reported an accept: the mini-program's own API call, or WeChat's push.</summary>
    public enum GrantSource
    {
        Client,
        Push,
    }

    /// <summary>
    /// One accept is one more send. The mini-program reports it (after wx.requestSubscribeMessage) and WeChat pushes
    /// it (subscribe_msg_popup_event): a report from the other source within ten seconds of the last one is the same
    /// accept and counts once; two reports from the same source are two accepts. (MySQL evaluates the assignments
    /// left to right, so remaining reads the row's previous source and time.)
    /// </summary>
    private const string GrantSql = """
        INSERT INTO subscribe_grant (person_id, template_id, remaining, updated_at, granted_at, grant_source)
        VALUES (@personId, @templateId, 1, @now, @now, @source)
        ON DUPLICATE KEY UPDATE
          remaining = remaining + CASE WHEN grant_source IS NOT NULL AND grant_source <> VALUES(grant_source)
                                        AND granted_at >= VALUES(granted_at) - INTERVAL 10 SECOND THEN 0 ELSE 1 END,
          updated_at = VALUES(updated_at), granted_at = VALUES(granted_at), grant_source = VALUES(grant_source)
        """;

    /// <summary>The user accepted a subscribe message: one more send is allowed (see <see cref="GrantSql"/>).</summary>
    public async Task GrantAsync(
        long personId,
        string templateId,
        DateTime now,
        GrantSource source = GrantSource.Client,
        CancellationToken ct = default
    )
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(
            new CommandDefinition(
                GrantSql,
                new
                {
                    personId,
                    templateId,
                    now,
                    source = source == GrantSource.Push ? "push" : "client",
                },
                cancellationToken: ct
            )
        );
    }

    private const string RefuseSql = """
        INSERT INTO subscribe_grant (person_id, template_id, remaining, updated_at, refused_at)
        VALUES (@personId, @templateId, 0, @now, @now)
        ON DUPLICATE KEY UPDATE remaining = CASE WHEN @switchedOff THEN 0 ELSE remaining END,
          updated_at = VALUES(updated_at), refused_at = VALUES(refused_at)
        """;

    /// <summary>
    /// The user rejected a subscribe message (a popup answered "reject": no new send, earlier accepts still stand) or
    /// switched the template off in the mini-program's settings (<paramref name="switchedOff"/>: WeChat refuses every
    /// send until it is switched on, so the remaining accepts are gone).
    /// </summary>
    public async Task RefuseAsync(
        long personId,
        string templateId,
        bool switchedOff,
        DateTime now,
        CancellationToken ct = default
    )
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(
            new CommandDefinition(
                RefuseSql,
                new
                {
                    personId,
                    templateId,
                    switchedOff,
                    now,
                },
                cancellationToken: ct
            )
        );
    }

    /// <summary>One grant used by a send, or all of them gone (WeChat said 43101).</summary>
    public async Task UseGrantAsync(
        long personId,
        string templateId,
        bool exhausted,
        DateTime now,
        CancellationToken ct = default
    )
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(
            new CommandDefinition(
                "UPDATE subscribe_grant SET remaining = CASE WHEN @exhausted THEN 0 ELSE GREATEST(remaining - 1, 0) "
                    + "END, updated_at = @now WHERE person_id = @personId AND template_id = @templateId",
                new
                {
                    personId,
                    templateId,
                    exhausted,
                    now,
                },
                cancellationToken: ct
            )
        );
    }

    public async Task<bool> HasGrantAsync(long personId, string templateId, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteScalarAsync<int>(
                new CommandDefinition(
                    "SELECT COUNT(*) FROM subscribe_grant WHERE person_id = @personId AND template_id = @templateId "
                        + "AND remaining > 0",
                    new { personId, templateId },
                    cancellationToken: ct
                )
            ) > 0;
    }

    public async Task<DeliveryTotals> TotalsAsync(long broadcastId, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = (
            await c.QueryAsync<(string Status, string Channel, long Count)>(
                new CommandDefinition(
                    "SELECT status, channel, COUNT(*) FROM delivery WHERE broadcast_id = @broadcastId GROUP BY "
                        + "status, channel",
                    new { broadcastId },
                    cancellationToken: ct
                )
            )
        ).AsList();
        int S(string status) => (int)rows.Where(r => r.Status == status).Sum(r => r.Count);
        return new DeliveryTotals(
            (int)rows.Sum(r => r.Count),
            S("pending"),
            S("sending"),
            S("sent"),
            S("failed"),
            S("dead"),
            rows.GroupBy(r => r.Channel).ToDictionary(g => g.Key, g => (int)g.Sum(r => r.Count))
        );
    }

    public sealed record RecipientStatus(
        long PersonId,
        string Name,
        string Channel,
        string Status,
        int Attempts,
        string? LastError,
        string? Receipt,
        DateTime? SentAt,
        long DeliveryId
    );

    public async Task<(IReadOnlyList<RecipientStatus> Items, long Total)> RecipientsAsync(
        long broadcastId,
        string? status,
        int page,
        int pageSize,
        CancellationToken ct = default
    )
    {
        await using var c = await db.OpenAsync(ct);
        var p = new
        {
            broadcastId,
            status,
            limit = pageSize,
            offset = (page - 1) * pageSize,
        };
        var total = await c.ExecuteScalarAsync<long>(
            new CommandDefinition(
                "SELECT COUNT(*) FROM delivery WHERE broadcast_id = @broadcastId AND (@status IS NULL OR status = "
                    + "@status)",
                p,
                cancellationToken: ct
            )
        );
        var items = await c.QueryAsync<RecipientStatus>(
            new CommandDefinition(
                """
                SELECT d.person_id AS PersonId, p.name, d.channel, d.status, d.attempts, d.last_error AS LastError,
                  d.receipt, d.sent_at AS SentAt, d.id AS DeliveryId
                  FROM delivery d JOIN person p ON p.id = d.person_id
                 WHERE d.broadcast_id = @broadcastId AND (@status IS NULL OR d.status = @status)
                 ORDER BY d.id LIMIT @limit OFFSET @offset
                """,
                p,
                cancellationToken: ct
            )
        );
        return (items.Select(i => i with { SentAt = i.SentAt.Utc() }).ToList(), total);
    }

    public sealed record ProblemDelivery(
        long Id,
        long? PersonId,
        string? Name,
        string Channel,
        string Kind,
        string Status,
        int Attempts,
        string? LastError,
        string Payload,
        string? AreaPath,
        DateTime CreatedAt,
        DateTime UpdatedAt
    );

    /// <summary>
    /// Failed (retrying) or dead deliveries about places in the given subtrees, newest first: what staff must see.
    /// </summary>
    public async Task<(IReadOnlyList<ProblemDelivery> Items, long Total)> ProblemsAsync(
        IReadOnlyList<string> scopePaths,
        string status,
        int page,
        int pageSize,
        CancellationToken ct = default
    )
    {
        if (scopePaths.Count == 0)
            return ([], 0);
        var p = new DynamicParameters(
            new
            {
                status,
                limit = pageSize,
                offset = (page - 1) * pageSize,
            }
        );
        var scope = string.Join(
            " OR ",
            scopePaths.Select(
                (path, i) =>
                {
                    p.Add($"s{i}", path + "%");
                    return $"d.area_path LIKE @s{i}";
                }
            )
        );
        await using var c = await db.OpenAsync(ct);
        await using var multi = await c.QueryMultipleAsync(
            new CommandDefinition(
                $"""
                SELECT COUNT(*) FROM delivery d WHERE d.status = @status AND ({scope});
                SELECT d.id, d.person_id AS PersonId, p.name, d.channel, d.kind, d.status, d.attempts,
                  d.last_error AS LastError, d.payload,
                       d.area_path AS AreaPath, d.created_at AS CreatedAt, d.updated_at AS UpdatedAt
                  FROM delivery d LEFT JOIN person p ON p.id = d.person_id
                 WHERE d.status = @status AND ({scope}) ORDER BY d.id DESC LIMIT @limit OFFSET @offset;
                """,
                p,
                cancellationToken: ct
            )
        );
        var total = await multi.ReadSingleAsync<long>();
        var items = (await multi.ReadAsync<ProblemDelivery>())
            .Select(d => d with { CreatedAt = d.CreatedAt.Utc(), UpdatedAt = d.UpdatedAt.Utc() })
            .ToList();
        return (items, total);
    }

    public async Task<ProblemDelivery?> GetAsync(long id, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var d = await c.QuerySingleOrDefaultAsync<ProblemDelivery>(
            new CommandDefinition(
                """
                SELECT d.id, d.person_id AS PersonId, p.name, d.channel, d.kind, d.status, d.attempts,
                  d.last_error AS LastError, d.payload,
                       d.area_path AS AreaPath, d.created_at AS CreatedAt, d.updated_at AS UpdatedAt
                  FROM delivery d LEFT JOIN person p ON p.id = d.person_id WHERE d.id = @id
                """,
                new { id },
                cancellationToken: ct
            )
        );
        return d is null ? null : d with { CreatedAt = d.CreatedAt.Utc(), UpdatedAt = d.UpdatedAt.Utc() };
    }

    private const string RetrySql = """
        UPDATE delivery SET status = 'pending', attempts = 0, next_attempt_at = @now, lease_until = NULL,
          updated_at = @now
        WHERE id = @id AND status = 'dead'
        """;

    /// <summary>
    /// Staff send a dead delivery again (after fixing a template, say): it starts over with a fresh set of attempts.
    /// </summary>
    public async Task<bool> RetryDeadAsync(long id, DateTime now, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteAsync(new CommandDefinition(RetrySql, new { id, now }, cancellationToken: ct)) == 1;
    }

    private static string Cut(string s, int max) => Text.Chars.Prefix(s, max);
}
