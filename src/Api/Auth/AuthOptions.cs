namespace Governance.Api.Auth;

public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>HMAC-SHA256 key for access tokens, at least 32 characters. Required outside sandbox mode.</summary>
    public string SigningKey { get; set; } = "";
    public string Issuer { get; set; } = "governance";
    public int AccessTokenMinutes { get; set; } = 30;
    public int RefreshTokenDays { get; set; } = 30;

    /// <summary>
    /// Accept "Authorization: Dev &lt;personId&gt;" (development and sandbox only). Empty: on in sandbox mode.
    /// </summary>
    public bool? AllowDevScheme { get; set; }
}
