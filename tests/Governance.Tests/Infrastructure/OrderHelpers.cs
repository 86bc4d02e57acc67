using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Governance.Tests.Infrastructure;

public static class OrderHelpers
{
    /// <summary>
    /// Different problems at one place (a resident's second report of the same problem joins the open order instead of
    /// making a new one): each report made without a description takes the next.
    /// </summary>
    private static readonly string[] Problems =
    [
        "楼道灯坏了",
        "电梯停运了",
        "单元门禁失灵",
        "水管爆裂漏水",
        "屋顶渗水严重",
        "窗户玻璃碎裂",
        "消防栓锈蚀",
        "路面塌陷积水",
        "健身器材断裂",
        "楼梯扶手松动",
        "信报箱被撬",
        "下水井盖缺失",
        "外墙瓷砖脱落",
        "自行车棚漏雨",
        "车库卷帘门卡住",
        "垃圾房异味大",
        "草坪喷头损坏",
        "防盗网生锈",
        "化粪池外溢",
        "配电箱门敞开",
    ];
    private static int _next = -1;

    /// <summary>The next of twenty different problems.</summary>
    public static string NextProblem() => Problems[(int)((uint)Interlocked.Increment(ref _next) % Problems.Length)];

    public static async Task<JsonElement> ReportAsync(
        this HttpClient client,
        long categoryId = 2,
        string? description = null,
        long? buildingId = 111103,
        string? urgency = null
    )
    {
        description ??= NextProblem();
        var response = await client.PostAsJsonAsync(
            "/api/orders",
            new
            {
                categoryId,
                description,
                buildingId,
                urgency,
            }
        );
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement;
    }

    public static async Task<string> ReportCodeAsync(
        this HttpClient client,
        long categoryId = 2,
        string? description = null,
        long? buildingId = 111103
    ) => (await client.ReportAsync(categoryId, description, buildingId)).GetProperty("code").GetString()!;

    /// <summary>The response's body, once its status is the one expected (201 for a creation, say).</summary>
    public static async Task<JsonElement> BodyOkAsync(this Task<HttpResponseMessage> call, int status)
    {
        var response = await call;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    public static async Task<JsonElement> OkAsync(this Task<HttpResponseMessage> call)
    {
        var response = await call;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    public static List<string> Codes(this JsonElement page) =>
        page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("code").GetString()!).ToList();
}
