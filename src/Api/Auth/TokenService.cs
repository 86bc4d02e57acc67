using System.IdentityModel.Tokens.Jwt;
using System.Security.Claims;
using Governance.Core.Auth;
using Governance.Wechat;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Governance.Api.Auth;

public sealed record TokenPair(string AccessToken, int ExpiresIn, string RefreshToken, string TokenType = "Bearer");

/// <summary>
/// Our own short-lived access tokens (JWT, HMAC-SHA256) bound to a person, and rotating refresh tokens.
/// </summary>
public sealed class TokenService(
    IOptions<AuthOptions> options,
    WechatOptions wechat,
    RefreshTokenStore refreshTokens,
    TimeProvider clock
)
{
    private readonly AuthOptions _auth = options.Value;
    private readonly Lazy<SigningCredentials> _credentials = new(() =>
        new SigningCredentials(
            new SymmetricSecurityKey(AuthenticationSetup.SigningKey(options.Value, wechat)),
            SecurityAlgorithms.HmacSha256
        )
    );


    public async Task<TokenPair> IssueAsync(long personId, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var refresh = await refreshTokens.IssueAsync(personId, TimeSpan.FromDays(_auth.RefreshTokenDays), now, ct);
        return new TokenPair(AccessToken(personId, now), _auth.AccessTokenMinutes * 60, refresh);
    }

    public async Task<(RefreshOutcome Outcome, TokenPair? Tokens)> RefreshAsync(
        string refreshToken,
        CancellationToken ct
    )
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var (outcome, personId, next) = await refreshTokens.RotateAsync(
            refreshToken,
            TimeSpan.FromDays(_auth.RefreshTokenDays),
            TimeSpan.FromSeconds(_auth.RefreshGraceSeconds),
            Successor,
            now,
            ct
        );
        return outcome == RefreshOutcome.Rotated
            ? (outcome, new TokenPair(AccessToken(personId, now), _auth.AccessTokenMinutes * 60, next!))
            : (outcome, null);
    }

    /// <summary>
    /// A refresh token's successor is derived from it with the signing key, so two refreshes of one token at once get
    /// the same successor, and nobody without the key can work out the successor of a token they copied.
    /// </summary>
    private string Successor(string token) =>
        Convert
            .ToBase64String(
                System.Security.Cryptography.HMACSHA256.HashData(
                    AuthenticationSetup.SigningKey(options.Value, wechat),
                    System.Text.Encoding.UTF8.GetBytes("refresh-successor:" + token)
                )
            )
            .TrimEnd('=')
            .Replace('+', '-')
            .Replace('/', '_');

    public Task RevokeAsync(string refreshToken, CancellationToken ct) =>
        refreshTokens.RevokeFamilyAsync(refreshToken, clock.GetUtcNow().UtcDateTime, ct);

    private string AccessToken(long personId, DateTime now)
    {
        var token = new JwtSecurityToken(
            _auth.Issuer,
            _auth.Issuer,
            [new Claim("sub", personId.ToString())],
            notBefore: now,
            expires: now.AddMinutes(_auth.AccessTokenMinutes),
            signingCredentials: _credentials.Value
        );
        return new JwtSecurityTokenHandler().WriteToken(token);
    }
}
