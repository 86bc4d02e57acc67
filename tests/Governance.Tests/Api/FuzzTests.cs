using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Governance.Tests.Api;

/// <summary>
/// Every operation in the OpenAPI document, so that a new endpoint is covered the day it is added, called with bad
/// input by an anonymous caller, a resident and staff: bodies of the wrong shape, each property given values of the
/// wrong type or of hostile text (a lone UTF-16 surrogate, NUL, control characters, 10,000 characters), invalid UTF-8,
/// and path and query values out of range. Nothing may answer 5xx, and every refusal is a problem with a stable code
/// and a Chinese title.
/// </summary>
[Collection(DbCollection.Name)]
public sealed class FuzzTests(TestApp app) : DbTest(app)
{
    private static readonly JsonNode?[] BadValues =
    [
        null,
        "",
        -1,
        2147483648L,
        1e308,
        true,
        new JsonArray(),
        new JsonObject(),
        new string('长', 10_000),
        "a\u0000b",
        "\u0007\u001b[31m",
        "🙂🙂🙂",
        "<script>alert(1)</script>",
    ];

    private static readonly string[] BadBodies =
    [
        "",
        "null",
        "[]",
        "\"text\"",
        "12",
        "{",
        "{\"a\":",
        new string('[', 5000) + new string(']', 5000),
        "{\"description\":\"\\ud800\"}",
        "{\"name\":\"\\udfff x\"}",
    ];

    private static readonly string[] BadPathValues =
    [
        "0",
        "-1",
        "9223372036854775807",
        "99999999999999999999",
        "GD99999999-9999",
        "%E4%B8",
        new string('a', 300),
    ];

    private static readonly string[] BadQueries =
    [
        "page=2147483647&pageSize=100",
        "page=0&pageSize=0",
        "page=-5",
        "page=abc",
        "pageSize=100000",
        "status=nonsense",
        "areaId=-1",
        "categoryId=999999999999",
        "overdue=maybe",
        "lat=NaN&lng=Infinity&radiusKm=-3",
        "cursor=%FF%FE",
        "cursor=" + new string('z', 2000),
        "q=%00",
    ];

    private readonly List<string> _failures = [];

    [Fact]
    public async Task NoInputMakesAnyEndpointAnswer5xxAndEveryRefusalIsACodedChineseProblem()
    {
        var code = await App.ClientFor(1001).ReportCodeAsync();
        var doc = JsonNode.Parse(await App.CreateClient().GetStringAsync("/openapi/v1.json"))!;
        var callers = new (string Name, HttpClient Client)[]
        {
            ("anonymous", App.CreateClient()),
            ("resident", App.ClientFor(1001)),
            ("secretary", App.ClientFor(9011)),
        };
        var operations = 0;
        var requests = 0;
        foreach (var (path, item) in doc["paths"]!.AsObject())
            foreach (var (method, operation) in item!.AsObject())
            {
                if (method is "parameters" or "summary" or "description")
                    continue;
                operations++;
                var concrete = Fill(path, code, "1");
                foreach (var (who, client) in callers)
                {
                    var bodies = Bodies(doc, operation!).ToList();
                    // The anonymous caller gets one of each kind; signed-in callers get them all.
                    if (who == "anonymous")
                        bodies = bodies.Take(2).ToList();
                    foreach (var body in bodies)
                    {
                        requests++;
                        await CheckAsync(client, who, method, concrete, body);
                    }
                    if (who == "anonymous")
                        continue;
                    foreach (var value in BadPathValues.Where(_ => path.Contains('{')))
                    {
                        requests++;
                        var bad = Fill(path, value, value);
                        await CheckAsync(client, who, method, bad, Bodies(doc, operation!).FirstOrDefault());
                    }
                    foreach (var query in method == "get" ? BadQueries : [])
                    {
                        requests++;
                        await CheckAsync(client, who, method, $"{concrete}?{query}", null);
                    }
                }
            }
        Assert.True(operations > 30, $"only {operations} operations in the document");
        var failures = string.Join("\n", _failures.Take(40));
        Assert.True(_failures.Count == 0, $"{_failures.Count} of {requests} requests:\n{failures}");
    }

    private async Task CheckAsync(HttpClient client, string who, string method, string url, HttpContent? body)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), url) { Content = body };
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request);
        }
        catch (Exception ex)
        {
            _failures.Add($"{who} {method} {url}: threw {ex.GetType().Name} {ex.Message}");
            return;
        }
        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync();
        var what = $"{who} {method.ToUpperInvariant()} {Shorten(url)} [{await DescribeAsync(body)}] → {status}";
        if (status >= 500)
        {
            _failures.Add($"{what}: {Shorten(text)}");
            return;
        }
        if (status < 400)
            return;
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            _failures.Add($"{what}: not a problem ({response.Content.Headers.ContentType}) {Shorten(text)}");
            return;
        }
        try
        {
            var problem = JsonDocument.Parse(text).RootElement;
            var codeText = problem.GetProperty("code").GetString();
            var title = problem.GetProperty("title").GetString() ?? "";
            if (string.IsNullOrEmpty(codeText) || !title.Any(c => c >= 0x4E00 && c <= 0x9FFF))
                _failures.Add($"{what}: code «{codeText}», title «{title}»");
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            _failures.Add($"{what}: unreadable problem {Shorten(text)}");
        }
    }

    /// <summary>
    /// Every path parameter filled in (a NUL in a path is refused by Kestrel before the app sees it).
    /// </summary>
    private static string Fill(string path, string code, string id) =>
        System.Text.RegularExpressions.Regex.Replace(path.Replace("{code}", code), @"\{[A-Za-z]+\}", id);

    private static string Shorten(string s) => s.Length > 160 ? s[..160] + "…" : s;

    private static async Task<string> DescribeAsync(HttpContent? body) =>
        body is null ? "no body" : Shorten(Encoding.UTF8.GetString(await body.ReadAsByteArrayAsync()));

    /// <summary>
    /// The bad bodies for an operation: whole bodies of the wrong shape, and each property made wrong.
    /// </summary>
    private static IEnumerable<HttpContent?> Bodies(JsonNode doc, JsonNode operation)
    {
        var content = operation["requestBody"]?["content"]?.AsObject();
        if (content is null)
        {
            yield return null;
            yield break;
        }
        if (content.ContainsKey("application/json"))
        {
            foreach (var text in BadBodies)
                yield return Json(text);
            // {"a":"\xC3("}: a lead byte followed by a byte that cannot continue it.
            byte[] invalidUtf8 = [.. "{\"a\":\""u8, 0xC3, 0x28, .. "\"}"u8];
            yield return new ByteArrayContent(invalidUtf8)
            {
                Headers = { ContentType = new MediaTypeHeaderValue("application/json") },
            };
            var properties = Properties(doc, content["application/json"]!["schema"]);
            for (var i = 0; i < properties.Count; i++)
                foreach (var value in BadValues)
                {
                    var body = new JsonObject();
                    // The other properties plausible, so that the bad one is what the endpoint meets.
                    foreach (var other in properties.Where(p => p != properties[i]))
                        body[other] = "1";
                    body[properties[i]] = value?.DeepClone();
                    yield return Json(body.ToJsonString());
                }
        }
        if (content.ContainsKey("multipart/form-data"))
        {
            var properties = Properties(doc, content["multipart/form-data"]!["schema"]);
            yield return new MultipartFormDataContent();
            foreach (var value in new[] { "", "-1", "abc", new string('x', 10_000), "a\u0000b", "\ud800" })
            {
                var form = new MultipartFormDataContent();
                foreach (var p in properties.Where(p => p != "photos"))
                    form.Add(new StringContent(value), p);
                var junk = new ByteArrayContent(Encoding.UTF8.GetBytes("not an image at all"));
                junk.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
                form.Add(junk, "photos", "../../etc/passwd");
                yield return form;
            }
        }
    }

    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    private static List<string> Properties(JsonNode doc, JsonNode? schema)
    {
        if (schema?["$ref"]?.GetValue<string>() is { } reference)
            schema = doc["components"]!["schemas"]![reference.Split('/')[^1]];
        return schema?["properties"]?.AsObject().Select(p => p.Key).ToList() ?? [];
    }
}
