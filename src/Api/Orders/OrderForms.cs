using System.Globalization;
using System.Text.Json;
using Governance.Api.Infrastructure;
using Governance.Core.Errors;
using Governance.Core.Orders;

namespace Governance.Api.Orders;

/// <summary>
/// Bodies that may carry photos: multipart/form-data (fields plus "photos" files), or JSON without photos. Anything
/// else is a 415; a broken body (bad JSON, bad UTF-8, a lone surrogate) is a 400 with a code, never an empty response
/// or a 500.
/// </summary>
public sealed class OrderForm
{
    private readonly Dictionary<string, string> _fields;

    private OrderForm(Dictionary<string, string> fields, List<PhotoUpload> photos)
    {
        _fields = fields;
        Photos = photos;
    }

    public IReadOnlyList<PhotoUpload> Photos { get; }

    public string? Text(string key) => _fields.TryGetValue(key, out var v) && v.Length > 0 ? v : null;

    private static readonly string[] CreateFields =
    [
        "categoryId",
        "description",
        "locationText",
        "buildingId",
        "areaId",
        "urgency",
        "latitude",
        "longitude",
        "source",
        "answers",
    ];

    public static async Task<(OrderForm? Form, ApiProblem? Problem)> ReadAsync(
        HttpRequest request,
        CancellationToken ct
    )
    {
        if (request.HasFormContentType)
        {
            IFormCollection form;
            try
            {
                form = await request.ReadFormAsync(ct);
            }
            catch (InvalidDataException)
            {
                return (null, Problems.Http.TooLarge.ToProblem());
            }
            catch (IOException)
            {
                return (null, Problems.Http.BadRequest.With("表单内容不完整").ToProblem());
            }
            catch (System.Text.DecoderFallbackException)
            {
                return (null, Problems.Http.BadEncoding.ToProblem());
            }
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
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                    return (null, Problems.Http.MalformedJson.ToProblem());
                var fields = new Dictionary<string, string>();
                foreach (var p in doc.RootElement.EnumerateObject())
                    fields[p.Name] = p.Value.ValueKind switch
                    {
                        JsonValueKind.String => p.Value.GetString()!,
                        JsonValueKind.Null => "",
                        _ => p.Value.GetRawText(),
                    };
                return (new OrderForm(fields, []), null);
            }
            // A lone surrogate escape ("\ud800") makes GetString throw InvalidOperationException; bad UTF-8 a
            // JsonException.
            catch (Exception ex)
                when (ex is JsonException or InvalidOperationException or System.Text.DecoderFallbackException)
            {
                return (null, Problems.Http.MalformedJson.ToProblem());
            }
        }
        return (
            null,
            Problems.Http.UnsupportedMediaType.With("请以 multipart/form-data 或 application/json 提交").ToProblem()
        );
    }

    /// <summary>A field outside <paramref name="allowed"/>, refused by name; null when there is none.</summary>
    public Error? Unknown(params string[] allowed) =>
        _fields.Keys.FirstOrDefault(k => !allowed.Contains(k)) is { } unknown
            ? CommonErrors.UnknownField.With($"不支持的字段：{unknown}")
            : null;

    /// <summary>
    /// The report form's fields, each checked for its type; a field the form does not have is refused by name.
    /// </summary>
    public Result<CreateOrderInput> CreateInput()
    {
        if (_fields.Keys.FirstOrDefault(k => !CreateFields.Contains(k)) is { } unknown)
            return CommonErrors.UnknownField.With($"不支持的字段：{unknown}");
        foreach (var key in new[] { "categoryId", "buildingId", "areaId" })
            if (!TryLong(key, out _))
                return BadField(key);
        foreach (var key in new[] { "latitude", "longitude" })
            if (!TryDecimal(key, out _))
                return BadField(key);
        if (!TryAnswers(out var answers))
            return BadField("answers");
        TryLong("categoryId", out var categoryId);
        TryLong("buildingId", out var buildingId);
        TryLong("areaId", out var areaId);
        TryDecimal("latitude", out var lat);
        TryDecimal("longitude", out var lng);
        return new CreateOrderInput(
            categoryId,
            Text("description"),
            Text("locationText"),
            buildingId,
            areaId,
            Text("urgency"),
            lat,
            lng,
            Text("source")
        )
        {
            Answers = answers,
        };
    }

    public bool TryLong(string key, out long? value)
    {
        value = null;
        if (Text(key) is not { } s)
            return true;
        if (!long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v))
            return false;
        value = v;
        return true;
    }

    public bool TryDecimal(string key, out decimal? value)
    {
        value = null;
        if (Text(key) is not { } s)
            return true;
        if (!decimal.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
            return false;
        value = v;
        return true;
    }

    /// <summary>"answers" as a JSON object of strings (a form field or a JSON property).</summary>
    public bool TryAnswers(out Dictionary<string, string>? answers)
    {
        answers = null;
        if (Text("answers") is not { } s)
            return true;
        try
        {
            answers = JsonSerializer.Deserialize<Dictionary<string, string>>(s);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static Error BadField(string key) =>
        CommonErrors.FieldInvalid.With($"字段 {key} 的格式不正确") with
        {
            Fields = new Dictionary<string, string[]> { [key] = [$"字段 {key} 的格式不正确"] },
        };
}
