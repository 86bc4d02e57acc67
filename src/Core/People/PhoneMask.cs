namespace Governance.Core.People;

public static class PhoneMask
{
    /// <summary>138****5678: phones are shown in full only to their owner and to staff who need them.</summary>
    public static string? Mask(string? phone) =>
        phone is null ? null
        : phone.Length >= 7 ? string.Concat(phone.AsSpan(0, 3), "****", phone.AsSpan(phone.Length - 4))
        : "****";
}
