using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Governance.Wechat.Protocol;

/// <summary>
/// Pushes in JSON, the other data format a mini-program's message push can be set to (消息推送 → 数据格式): the same
/// fields as the XML, and in a subscribe-message event <c>List</c> is an object when there is one item and an array
/// when there are several.
/// </summary>
public static class WechatJsonPush
{
    public static JsonObject Parse(string json)
    {
        try
        {
            return JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { MaxDepth = 16 }) as JsonObject
                ?? throw new WechatCryptoException(WechatCryptoException.ParseXmlError, "not a JSON object");
        }
        catch (JsonException ex)
        {
            throw new WechatCryptoException(WechatCryptoException.ParseXmlError, ex.Message);
        }
    }

    public static InboundMessage ReadMessage(JsonObject x)
    {
        string? S(JsonNode? node, string name) =>
            node?[name] is JsonValue v
                ? v.GetValueKind() == JsonValueKind.String
                    ? v.GetValue<string>()
                    : v.ToJsonString()
                : null;
        long? L(JsonNode? node, string name) =>
            long.TryParse(S(node, name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) ? l : null;
        var results = new List<SubscribeResult>();
        foreach (var wrapper in new[] { "SubscribeMsgPopupEvent", "SubscribeMsgChangeEvent", "SubscribeMsgSentEvent" })
        {
            var list = x[wrapper]?["List"];
            IEnumerable<JsonNode?> items = list switch
            {
                JsonArray a => a,
                JsonObject o => new List<JsonNode?> { o },
                _ => [],
            };
            foreach (var item in items)
                results.Add(
                    new SubscribeResult(
                        S(item, "TemplateId") ?? "",
                        S(item, "SubscribeStatusString") ?? S(item, "ErrorStatus"),
                        L(item, "MsgID"),
                        (int?)L(item, "ErrorCode")
                    )
                );
        }
        return new InboundMessage
        {
            ToUserName = S(x, "ToUserName") ?? "",
            FromUserName = S(x, "FromUserName") ?? "",
            CreateTime = L(x, "CreateTime") ?? 0,
            MsgType = (S(x, "MsgType") ?? "").Trim().ToLowerInvariant(),
            MsgId = L(x, "MsgId") ?? L(x, "MsgID"),
            Event = S(x, "Event"),
            SubscribeResults = results,
        };
    }
}
