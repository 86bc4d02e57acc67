using System.Security.Cryptography;
using System.Text;

namespace Governance.Core.Checkin;

/// <summary>
/// On-site check-in codes: six digits from a secret and the minute, shown on a screen (as a QR code the mini-program
/// scans) and accepted for this minute and the one before, so a code read at the turn of a minute still works.
/// </summary>
public static class RotatingCode
{
    public static readonly TimeSpan Step = TimeSpan.FromMinutes(1);

    public static string Of(string secret, DateTime utc)
    {
        var step = utc.Ticks / Step.Ticks;
        var hash = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), BitConverter.GetBytes(step));
        var number = BitConverter.ToUInt32(hash, 0) % 1_000_000;
        return number.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }

    public static bool Matches(string secret, string? code, DateTime utc) =>
        code is not null && (code == Of(secret, utc) || code == Of(secret, utc - Step));

    /// <summary>A new secret for a meeting or an activity.</summary>
    public static string NewSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
}
