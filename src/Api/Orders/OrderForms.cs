using System.Globalization;
using System.Text.Json;
using Governance.Api.Infrastructure;
using Governance.Core.Orders;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Governance.Api.Orders;

/// <summary>
/// Bodies that may carry photos: multipart/form-data (fields plus "photos" files), or JSON without photos.
/// Anything else is a 415; a broken body is a 400 with a code, never an empty response.
/// </summary>
public sealed class OrderForm
{
    private readonly Dictionary<string, string> _fields;
    private OrderForm(Dictionary<string, string> fields, List<PhotoUpload> photos) { _fields = fields; Photos = photos; }

    public IReadOnlyList<PhotoUpload> Photos { get; }
    public string? Text(string key) => _fields.TryGetValue(key, out var v) && v.Length > 0 ? v : null;

    public static async Task<(OrderForm? Form, ProblemHttpResult? Problem)> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.HasFormContentType)
        {
            IFormCollection form;
            try { form = await request.ReadFormAsync(ct); }
            catch (InvalidDataException) { return (null, Problems.Problem("request.too_large", "上传的内容过大", 413)); }
            catch (IOException) { return (null, Problems.Problem("request.invalid", "表单内容不完整", 400)); }
            var photos = new List<PhotoUpload>();
            foreach (var file in form.Files.Where(f => f.Name == "photos"))
            {
                using var buffer = new MemoryStream();
                await file.CopyToAsync(buffer, ct);
                photos.Add(new PhotoUpload(file.FileName, file.ContentType, buffer.ToArray()));
            }
            return (new OrderForm(form.ToDictionary(f => f.Key, f => f.Value.ToString()), photos), null);
        }
        if (request.HasJsonContentType())
        {
            try
            {
                using var doc = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
                if (doc.RootElement.ValueKind != JsonValueKind.Object) return (null, Problems.Problem("request.malformed_json", "请求内容不是有效的 JSON", 400));
                var fields = new Dictionary<string, string>();
                foreach (var p in doc.RootElement.EnumerateObject())
                    fields[p.Name] = p.Value.ValueKind switch
                    {
                        JsonValueKind.String => p.Value.GetString()!,
                        JsonValueKind.Null => "",
                        JsonValueKind.Object or JsonValueKind.Array => p.Value.GetRawText(),
                        _ => p.Value.GetRawText(),
                    };
                return (new OrderForm(fields, []), null);
            }
            catch (JsonException) { return (null, Problems.Problem("request.malformed_json", "请求内容不是有效的 JSON", 400)); }
        }
        return (null, Problems.Problem("request.unsupported_media_type", "请以 multipart/form-data 或 application/json 提交", 415));
    }

    public bool TryLong(string key, out long? value)
    {
        value = null;
        if (Text(key) is not { } s) return true;
        if (!long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v)) return false;
        value = v;
        return true;
    }

    public bool TryDecimal(string key, out decimal? value)
    {
        value = null;
        if (Text(key) is not { } s) return true;
        if (!decimal.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)) return false;
        value = v;
        return true;
    }

    /// <summary>"answers" as a JSON object of strings (a form field or a JSON property).</summary>
    public bool TryAnswers(out Dictionary<string, string>? answers)
    {
        answers = null;
        if (Text("answers") is not { } s) return true;
        try
        {
            answers = JsonSerializer.Deserialize<Dictionary<string, string>>(s);
            return true;
        }
        catch (JsonException) { return false; }
    }

    public static ProblemHttpResult BadField(string key) => Core.Errors.Error.Validation("request.invalid_field", $"字段 {key} 的格式不正确", key).ToProblem();
}
