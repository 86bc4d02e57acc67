using System.Net.Http.Json;
using System.Text.Json;

namespace Governance.Tests.Infrastructure;

public sealed record QueuedNotice(
    long PersonId,
    string Kind,
    string Channel,
    string Status,
    string Title,
    string Body,
    string? OrderCode
);

public static class JobHelpers
{
    /// <summary>
    /// Notices in the outbox, as the recipients will read them (optionally of one kind), in the order they were queued.
    /// </summary>
    public static async Task<List<QueuedNotice>> NoticesAsync(string? kind = null, long? personId = null)
    {
        var rows = await TestDatabase.QueryAsync<(
            long PersonId,
            string Kind,
            string Channel,
            string Status,
            string Payload
        )>(
            "SELECT person_id, kind, channel, status, payload FROM delivery WHERE (@kind IS NULL OR kind = @kind) "
                + "AND (@personId IS NULL OR person_id = @personId) ORDER BY id",
            new { kind, personId }
        );
        return rows.Select(r =>
            {
                var p = JsonDocument.Parse(r.Payload).RootElement;
                return new QueuedNotice(
                    r.PersonId,
                    r.Kind,
                    r.Channel,
                    r.Status,
                    p.GetProperty("title").GetString()!,
                    p.GetProperty("body").GetString()!,
                    p.TryGetProperty("orderCode", out var c) ? c.GetString() : null
                );
            })
            .ToList();
    }

    /// <summary>A published order claimed and started by <paramref name="member"/>.</summary>
    public static async Task<string> StartedOrderAsync(
        this TestApp app,
        long member = 2001,
        long categoryId = 2,
        string? description = null
    )
    {
        var code = await app.PublishedOrderAsync(categoryId, description);
        await app.ClientFor(member).PostAsync($"/api/orders/{code}/claim", null).OkAsync();
        await app.ClientFor(member).PostAsync($"/api/orders/{code}/start", null).OkAsync();
        return code;
    }

    /// <summary>An order resolved by <paramref name="member"/> with the given service hours.</summary>
    public static async Task<string> ResolvedOrderAsync(
        this TestApp app,
        long member = 2001,
        double hours = 1,
        string? description = null,
        long categoryId = 2
    )
    {
        var code = await app.StartedOrderAsync(member, categoryId, description);
        await app.ClientFor(member)
            .PostAsJsonAsync($"/api/orders/{code}/resolve", new { note = "已处理好", hours })
            .OkAsync();
        return code;
    }

    public static Task<int> EscalationLevelAsync(string code) =>
        TestDatabase.ScalarAsync<int>("SELECT escalation_level FROM service_order WHERE code = @code", new { code });
}
