using System.Security.Cryptography;
using System.Text;

namespace Governance.Wechat.Protocol;

/// <summary>
/// SHA-1 over the ordinally sorted, concatenated parts, as lowercase hex (docs/wechat/callback.md).
/// Ordinal, not culture order: under ICU the two differ for an Encrypt value starting with a capital.
/// </summary>
public static class WechatSignature
{
    public static string Compute(params string[] parts)
    {
        var sorted = parts.ToArray();
        Array.Sort(sorted, StringComparer.Ordinal);
        return Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(string.Concat(sorted))));
    }

    /// <summary>Constant-time comparison of the expected signature with the one computed from the parts.</summary>
    public static bool Verify(string? signature, params string[] parts)
    {
        if (string.IsNullOrEmpty(signature) || signature.Length != 40)
            return false;
        var computed = Encoding.ASCII.GetBytes(Compute(parts));
        var given = Encoding.ASCII.GetBytes(signature.ToLowerInvariant());
        return CryptographicOperations.FixedTimeEquals(computed, given);
    }
}
