namespace Governance.Core.Errors;

public enum ErrorKind { Validation, NotFound, Conflict, Forbidden, Unauthorized, TooLarge, UnsupportedMediaType, RateLimited }

/// <summary>
/// An expected failure: a stable machine-readable code and a Chinese message a phone can show.
/// The API turns it into RFC 9457 problem details; the chat turns the message into a reply.
/// </summary>
public sealed record Error(string Code, string Message, ErrorKind Kind, IReadOnlyDictionary<string, string[]>? Fields = null)
{
    public static Error Validation(string code, string message, string? field = null) =>
        new(code, message, ErrorKind.Validation, field is null ? null : new Dictionary<string, string[]> { [field] = [message] });
    public static Error NotFound(string code, string message) => new(code, message, ErrorKind.NotFound);
    public static Error Conflict(string code, string message) => new(code, message, ErrorKind.Conflict);
    public static Error Forbidden(string code, string message) => new(code, message, ErrorKind.Forbidden);
}

public readonly struct Result<T>
{
    private Result(T? value, Error? error) { Value = value; Error = error; }
    public T? Value { get; }
    public Error? Error { get; }
    public bool IsOk => Error is null;

    public static implicit operator Result<T>(T value) => new(value, null);
    /// <summary>For interface-typed values, which implicit conversions cannot take.</summary>
    public static Result<T> From(T value) => new(value, null);
    public static implicit operator Result<T>(Error error) => new(default, error);
}
