namespace Governance.Core.Errors;

/// <summary>What kind of failure an error is; the API maps each kind to one HTTP status.</summary>
public enum ErrorKind
{
    Validation,
    Unauthorized,
    Forbidden,
    NotFound,
    Conflict,
    TooLarge,
    UnsupportedMediaType,
    RateLimited,
    Unavailable,
}

/// <summary>
/// One kind of expected failure, declared once in its feature's catalog (OrderErrors, BroadcastErrors, …): a stable
/// machine-readable code, its kind, and the Chinese title a phone can show as is. Endpoints list the codes their use
/// case can answer from the same catalog, so the OpenAPI document is generated from these declarations.
/// </summary>
public sealed record ErrorCode(string Code, ErrorKind Kind, string Title, string? Field = null)
{
    /// <summary>The same error with a more specific message (a limit, a name).</summary>
    public Error With(string message) =>
        new(Code, message, Kind, Field is null ? null : new Dictionary<string, string[]> { [Field] = [message] });

    public static implicit operator Error(ErrorCode code) => code.With(code.Title);
}

/// <summary>
/// An expected failure: a stable machine-readable code and a Chinese message a phone can show.
/// The API turns it into RFC 9457 problem details; the chat turns the message into a reply.
/// </summary>
public sealed record Error(
    string Code,
    string Message,
    ErrorKind Kind,
    IReadOnlyDictionary<string, string[]>? Fields = null
);

public readonly struct Result<T>
{
    private Result(T? value, Error? error)
    {
        Value = value;
        Error = error;
    }

    public T? Value { get; }
    public Error? Error { get; }
    public bool IsOk => Error is null;

    public static implicit operator Result<T>(T value) => new(value, null);

    /// <summary>For interface-typed values, which implicit conversions cannot take.</summary>
    public static Result<T> From(T value) => new(value, null);

    public static implicit operator Result<T>(Error error) => new(default, error);

    public static implicit operator Result<T>(ErrorCode code) => new(default, code);
}

/// <summary>Errors every feature can answer.</summary>
public static class CommonErrors
{
    public static readonly ErrorCode PagingInvalid = new(
        "paging.invalid",
        ErrorKind.Validation,
        "页码或每页条数不正确",
        "page"
    );
    public static readonly ErrorCode CursorInvalid = new(
        "paging.invalid_cursor",
        ErrorKind.Validation,
        "翻页游标不正确",
        "cursor"
    );
    public static readonly ErrorCode FieldInvalid = new(
        "request.invalid_field",
        ErrorKind.Validation,
        "字段格式不正确"
    );
    public static readonly ErrorCode UnknownField = new(
        "request.unknown_field",
        ErrorKind.Validation,
        "请求中有不支持的字段"
    );
    public static readonly ErrorCode ContentRejected = new(
        "content.rejected",
        ErrorKind.Validation,
        "内容含有不适宜的信息，请修改后再提交",
        "description"
    );
    public static readonly ErrorCode AreaNotFound = new("area.not_found", ErrorKind.NotFound, "区域不存在");
    public static readonly ErrorCode UnitNotFound = new("unit.not_found", ErrorKind.NotFound, "单位不存在");
    public static readonly ErrorCode StaffOnly = new(
        "auth.staff_only",
        ErrorKind.Forbidden,
        "只有网格员、社区书记和街道工作人员可以查看"
    );
}
