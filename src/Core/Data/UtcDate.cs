namespace Governance.Core.Data;

/// <summary>DATETIME columns hold UTC; the driver hands them back with Kind=Unspecified.</summary>
public static class UtcDate
{
    public static DateTime Utc(this DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);

    public static DateTime? Utc(this DateTime? value) =>
        value is { } v ? DateTime.SpecifyKind(v, DateTimeKind.Utc) : null;
}
