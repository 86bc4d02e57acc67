using System.Text.RegularExpressions;
using Governance.Core.Text;

namespace Governance.Core.People;

/// <summary>
/// People found or created by phone at a desk (代录, appointing staff): the mainland mobile number rule and the name a
/// new person must be given.
/// </summary>
public static partial class Phones
{
    [GeneratedRegex(@"^1[3-9]\d{9}$")]
    private static partial Regex MobileRule();

    /// <summary>The trimmed mobile number, or null when it is not an 11-digit mainland mobile number.</summary>
    public static string? Mobile(string? phone) => phone?.Trim() is { } p && MobileRule().IsMatch(p) ? p : null;

    /// <summary>Whether a name can be given to a person created by phone: 1 to 20 characters.</summary>
    public static bool IsNameForNewPerson(string? name) =>
        !string.IsNullOrWhiteSpace(name) && Chars.Count(name.Trim()) <= 20;
}
