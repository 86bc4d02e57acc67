using System.Globalization;
using System.Security;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Governance.Wechat.Protocol;

/// <summary>One result item of the subscribe-message events (popup, change, sent).</summary>
public sealed record SubscribeResult(string TemplateId, string? Status, long? MsgId, int? ErrorCode);

/// <summary>
/// An inbound message or event, as WeChat sends it (docs/wechat/callback.md). Unknown elements are ignored.
/// </summary>
public sealed record InboundMessage
{
    public string ToUserName { get; init; } = "";
    public string FromUserName { get; init; } = "";
    public long CreateTime { get; init; }
    public string MsgType { get; init; } = "";
    public long? MsgId { get; init; }
    public string? Event { get; init; }
    public string? EventKey { get; init; }
    public string? Content { get; init; }
    public string? MediaId { get; init; }
    public string? PicUrl { get; init; }
    public string? Format { get; init; }
    public string? Recognition { get; init; }
    public double? LocationX { get; init; }
    public double? LocationY { get; init; }
    public string? Label { get; init; }
    public string? Title { get; init; }
    public string? Description { get; init; }
    public string? Url { get; init; }
    public string? Status { get; init; }
    public IReadOnlyList<SubscribeResult> SubscribeResults { get; init; } = [];

    public bool IsEvent(string name) =>
        MsgType == "event" && string.Equals(Event, name, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The dedup key (docs/wechat/callback.md): MsgId when the message has one, otherwise
    /// FromUserName|CreateTime|Event|EventKey (events carry no MsgId; TEMPLATESENDJOBFINISH's MsgID is the
    /// id of our template message, not of this push, so it is part of the key instead).
    /// </summary>
    public string DedupKey =>
        MsgType != "event" && MsgId is { } id and not 0
            ? $"msg:{id}"
            : $"evt:{FromUserName}|{CreateTime}|{Event}|{EventKey}{(MsgId is { } m ? "|" + m : "")}";
}

public static class WechatXml
{
    /// <summary>
    /// Parses with DTDs prohibited and no resolver, so XXE and entity-expansion ("billion laughs") bodies
    /// fail at once instead of being expanded.
    /// </summary>
    public static XElement ParseSafe(string xml)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = 1_000_000,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
        };
        try
        {
            using var reader = XmlReader.Create(new StringReader(xml), settings);
            return XElement.Load(reader);
        }
        catch (XmlException ex)
        {
            throw new WechatCryptoException(
                WechatCryptoException.ParseXmlError,
                "Body is not acceptable XML: " + ex.Message
            );
        }
    }

    public static InboundMessage ReadMessage(XElement x)
    {
        string? S(string name) => x.Element(name)?.Value;
        long? L(string name) =>
            long.TryParse(S(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;
        double? D(string name) =>
            double.TryParse(S(name), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null;
        var results = new List<SubscribeResult>();
        foreach (var wrapper in new[] { "SubscribeMsgPopupEvent", "SubscribeMsgChangeEvent", "SubscribeMsgSentEvent" })
        {
            foreach (var item in x.Element(wrapper)?.Elements("List") ?? [])
            {
                results.Add(
                    new SubscribeResult(
                        item.Element("TemplateId")?.Value ?? "",
                        item.Element("SubscribeStatusString")?.Value ?? item.Element("ErrorStatus")?.Value,
                        long.TryParse(item.Element("MsgID")?.Value, out var mid) ? mid : null,
                        int.TryParse(item.Element("ErrorCode")?.Value, out var ec) ? ec : null
                    )
                );
            }
        }
        return new InboundMessage
        {
            ToUserName = S("ToUserName") ?? "",
            FromUserName = S("FromUserName") ?? "",
            CreateTime = L("CreateTime") ?? 0,
            MsgType = (S("MsgType") ?? "").Trim().ToLowerInvariant(),
            // Messages use MsgId; TEMPLATESENDJOBFINISH uses MsgID.
            MsgId = L("MsgId") ?? L("MsgID"),
            Event = S("Event"),
            EventKey = S("EventKey"),
            Content = S("Content"),
            MediaId = S("MediaId"),
            PicUrl = S("PicUrl"),
            Format = S("Format"),
            Recognition = S("Recognition"),
            LocationX = D("Location_X") ?? D("Latitude"),
            LocationY = D("Location_Y") ?? D("Longitude"),
            Label = S("Label"),
            Title = S("Title"),
            Description = S("Description"),
            Url = S("Url"),
            Status = S("Status"),
            SubscribeResults = results,
        };
    }

    public static string Cdata(string value) => "<![CDATA[" + value.Replace("]]>", "]]]]><![CDATA[>") + "]]>";

    /// <summary>A passive text reply: ids swapped, CreateTime an integer (docs/wechat/callback.md).</summary>
    public static string TextReply(string toUser, string fromAccount, long createTime, string content) =>
        $"<xml><ToUserName>{Cdata(toUser)}</ToUserName><FromUserName>{Cdata(fromAccount)}</FromUserName>"
        + $"<CreateTime>{createTime}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        + $"<Content>{Cdata(content)}</Content></xml>";

    public static string EncryptedEnvelope(string encrypt, string signature, string timestamp, string nonce) =>
        $"<xml><Encrypt>{Cdata(encrypt)}</Encrypt><MsgSignature>{Cdata(signature)}</MsgSignature>"
        + $"<TimeStamp>{Cdata(timestamp)}</TimeStamp><Nonce>{Cdata(nonce)}</Nonce></xml>";

    /// <summary>Builds a message as WeChat would send it (used by the simulator).</summary>
    public static string Build(IEnumerable<(string Name, object? Value)> fields)
    {
        var sb = new StringBuilder("<xml>");
        foreach (var (name, value) in fields)
        {
            if (value is null)
                continue;
            var text = value is IFormattable f ? f.ToString(null, CultureInfo.InvariantCulture) : value.ToString()!;
            sb.Append('<').Append(name).Append('>');
            sb.Append(value is string ? Cdata(text) : SecurityElement.Escape(text));
            sb.Append("</").Append(name).Append('>');
        }
        return sb.Append("</xml>").ToString();
    }

    /// <summary>
    /// Passive text longer than this is cut and the rest sent by customer-service message (docs/wechat/callback.md).
    /// </summary>
    public const int MaxTextReplyBytes = 2048;
}
