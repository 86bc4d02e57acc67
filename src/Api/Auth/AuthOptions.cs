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
    /// Accept "Authorization: Dev &lt;personId&gt;" in sandbox mode (on unless switched off). Live mode has no such
    /// scheme at all.
    /// </summary>
    public bool AllowDevScheme { get; set; } = true;

    /// <summary>How long a refresh token just rotated may be presented again (two requests at once), getting the same
    /// successor; after it, presenting it again revokes the family.</summary>
    public int RefreshGraceSeconds { get; set; } = 30;
}

/// <summary>Checked when the node starts: live mode signs tokens with a configured key of adequate length.</summary>
public sealed class AuthOptionsValidator(Microsoft.Extensions.Options.IOptions<Governance.Wechat.WechatOptions> wechat)
    : Microsoft.Extensions.Options.IValidateOptions<AuthOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, AuthOptions o)
    {
        var problems = new List<string>();
        if (!wechat.Value.IsSandbox)
        {
            if (string.IsNullOrEmpty(o.SigningKey))
                problems.Add("Auth:SigningKey is required in live mode (Auth__SigningKey, 32 characters or more)");
            else if (o.SigningKey.Length < 32)
                problems.Add("Auth:SigningKey must be at least 32 characters");
            else if (o.SigningKey == AuthenticationSetup.SandboxKey)
                problems.Add("Auth:SigningKey is the sandbox's key; set a secret of your own");
        }
        else if (o.SigningKey.Length is > 0 and < 32)
            problems.Add("Auth:SigningKey must be at least 32 characters");
        if (o.AccessTokenMinutes is < 1 or > 1440)
            problems.Add("Auth:AccessTokenMinutes must be 1 to 1440");
        if (o.RefreshTokenDays is < 1 or > 365)
            problems.Add("Auth:RefreshTokenDays must be 1 to 365");
        if (o.RefreshGraceSeconds is < 0 or > 300)
            problems.Add("Auth:RefreshGraceSeconds must be 0 to 300");
        return problems.Count == 0
            ? Microsoft.Extensions.Options.ValidateOptionsResult.Success
            : Microsoft.Extensions.Options.ValidateOptionsResult.Fail(problems);
    }
}
