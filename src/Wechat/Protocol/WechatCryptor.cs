using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Governance.Wechat.Protocol;

/// <summary>The official error codes of WXBizMsgCrypt, kept so logs match WeChat's documentation.</summary>
public sealed class WechatCryptoException(int code, string message) : Exception(message)
{
    public int Code { get; } = code;
    public const int ValidateSignatureError = -40001,
        ParseXmlError = -40002,
        IllegalAesKey = -40004,
        ValidateAppIdError = -40005,
        DecryptAesError = -40007,
        IllegalBuffer = -40008,
        DecodeBase64Error = -40010;
}

public sealed record Decrypted(string Message, string ReceiverId, string Random16, int KeyIndex);

/// <summary>
/// Message encryption (docs/wechat/callback.md): AES-256-CBC, IV = key[0..16), PKCS#7 padding to a multiple of
/// 32 bytes done by hand (the framework's PKCS7 mode rejects pad values above 16), plaintext laid out as
/// random(16) ‖ uint32 big-endian length ‖ message ‖ AppId. Holds the current and the previous
/// EncodingAESKey, as the official FAQ asks, and reports which one worked so the reply uses it too.
/// </summary>
public sealed class WechatCryptor
{
    private const int BlockSize = 32;
    private readonly byte[][] _keys;

    public WechatCryptor(string token, string appId, string encodingAesKey, string? previousEncodingAesKey = null)
    {
        Token = token;
        AppId = appId;
        _keys = string.IsNullOrEmpty(previousEncodingAesKey)
            ? [DeriveKey(encodingAesKey)]
            : [DeriveKey(encodingAesKey), DeriveKey(previousEncodingAesKey)];
    }

    public string Token { get; }
    public string AppId { get; }

    public static byte[] DeriveKey(string encodingAesKey)
    {
        if (encodingAesKey is not { Length: 43 } || !encodingAesKey.All(char.IsAsciiLetterOrDigit))
            throw new WechatCryptoException(
                WechatCryptoException.IllegalAesKey,
                "EncodingAESKey must be 43 characters from [A-Za-z0-9]."
            );
        // 43 chars + "=" is 44 base64 chars = 32 bytes; .NET accepts the non-canonical last character of the official
        // sample key.
        return Convert.FromBase64String(encodingAesKey + "=");
    }

    public string MessageSignature(string timestamp, string nonce, string encrypt) =>
        WechatSignature.Compute(Token, timestamp, nonce, encrypt);

    public bool VerifyMessageSignature(string? msgSignature, string timestamp, string nonce, string encrypt) =>
        WechatSignature.Verify(msgSignature, Token, timestamp, nonce, encrypt);

    /// <summary>Decrypts with the current key, then the previous one; the AppId must match.</summary>
    public Decrypted Decrypt(string encrypt)
    {
        byte[] cipher;
        try
        {
            cipher = Convert.FromBase64String(encrypt);
        }
        catch (FormatException)
        {
            throw new WechatCryptoException(WechatCryptoException.DecodeBase64Error, "Encrypt is not base64.");
        }
        if (cipher.Length == 0 || cipher.Length % 16 != 0)
            throw new WechatCryptoException(
                WechatCryptoException.DecryptAesError,
                "Ciphertext length is not a multiple of the AES block."
            );

        WechatCryptoException? last = null;
        for (var i = 0; i < _keys.Length; i++)
        {
            try
            {
                var result = DecryptWith(_keys[i], cipher);
                if (!string.Equals(result.ReceiverId, AppId, StringComparison.Ordinal))
                    throw new WechatCryptoException(
                        WechatCryptoException.ValidateAppIdError,
                        "The message is for another AppId."
                    );
                return result with { KeyIndex = i };
            }
            catch (WechatCryptoException ex)
            {
                last = ex;
            }
        }
        throw last!;
    }

    private static Decrypted DecryptWith(byte[] key, byte[] cipher)
    {
        byte[] plain;
        using (var aes = Aes.Create())
        {
            aes.Key = key;
            plain = aes.DecryptCbc(cipher, key.AsSpan(0, 16), PaddingMode.None);
        }
        var pad = plain[^1];
        if (pad is < 1 or > BlockSize || pad > plain.Length)
            throw new WechatCryptoException(WechatCryptoException.IllegalBuffer, "Invalid padding.");
        var content = plain.AsSpan(0, plain.Length - pad);
        if (content.Length < 20)
            throw new WechatCryptoException(WechatCryptoException.IllegalBuffer, "Plaintext too short.");
        var length = BinaryPrimitives.ReadUInt32BigEndian(content.Slice(16, 4));
        if (length > content.Length - 20)
            throw new WechatCryptoException(
                WechatCryptoException.IllegalBuffer,
                "Message length exceeds the plaintext."
            );
        var message = Encoding.UTF8.GetString(content.Slice(20, (int)length));
        var receiver = Encoding.UTF8.GetString(content[(20 + (int)length)..]);
        return new Decrypted(message, receiver, Encoding.ASCII.GetString(content[..16]), 0);
    }

    /// <summary>Encrypts a reply with the key that decrypted the request (keyIndex), or the current key.</summary>
    public string Encrypt(string message, int keyIndex = 0, string? random16 = null)
    {
        random16 ??= RandomString16();
        var msg = Encoding.UTF8.GetBytes(message);
        var appId = Encoding.UTF8.GetBytes(AppId);
        var rnd = Encoding.ASCII.GetBytes(random16);
        if (rnd.Length != 16)
            throw new ArgumentException("The random prefix must be 16 ASCII characters.", nameof(random16));
        var length = 16 + 4 + msg.Length + appId.Length;
        var pad = BlockSize - length % BlockSize; // 1..32, never 0
        var plain = new byte[length + pad];
        rnd.CopyTo(plain, 0);
        BinaryPrimitives.WriteUInt32BigEndian(plain.AsSpan(16, 4), (uint)msg.Length);
        msg.CopyTo(plain, 20);
        appId.CopyTo(plain, 20 + msg.Length);
        plain.AsSpan(length).Fill((byte)pad);
        var key = _keys[keyIndex];
        using var aes = Aes.Create();
        aes.Key = key;
        return Convert.ToBase64String(aes.EncryptCbc(plain, key.AsSpan(0, 16), PaddingMode.None));
    }

    private static string RandomString16()
    {
        const string chars = "abcdefghijklmnopqrstuvwxyz0123456789";
        return string.Create(16, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
                span[i] = chars[RandomNumberGenerator.GetInt32(chars.Length)];
        });
    }
}
