using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Governance.Tests.Orders;

public static class OrderHelpers
{
    public static async Task<JsonElement> ReportAsync(this HttpClient client, long categoryId = 2, string description = "楼道灯坏了",
        long? buildingId = 111103, string? urgency = null)
    {
        var response = await client.PostAsJsonAsync("/api/orders", new { categoryId, description, buildingId, urgency });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement;
    }

    public static async Task<string> ReportCodeAsync(this HttpClient client, long categoryId = 2, string description = "楼道灯坏了", long? buildingId = 111103) =>
        (await client.ReportAsync(categoryId, description, buildingId)).GetProperty("code").GetString()!;

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
