using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Governance.Wechat.Protocol;

namespace Governance.Tests.Wechat.Protocol;

/// <summary>Every vector of wechat/test_vectors.json (docs/wechat/callback.md, "Test vectors") is a test.</summary>
public sealed class ProtocolVectorTests
{
    private static readonly JsonElement[] Vectors = JsonDocument
        .Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Wechat", "Protocol", "test_vectors.json")))
        .RootElement.GetProperty("vectors")
        .EnumerateArray()
        .ToArray();

    public static TheoryData<string> Ids(string kind)
    {
        var data = new TheoryData<string>();
        foreach (var v in Vectors.Where(v => v.GetProperty("kind").GetString() == kind))
            data.Add(v.GetProperty("id").GetString()!);
        return data;
    }

    private static JsonElement V(string id) => Vectors.Single(v => v.GetProperty("id").GetString() == id);

    private static string S(JsonElement v, string name) => v.GetProperty(name).GetString()!;

    private static string? Opt(JsonElement v, string name) => v.TryGetProperty(name, out var p) ? p.ToString() : null;

    [Fact]
    public void AllEighteenVectorsAreCovered()
    {
        Assert.Equal(18, Vectors.Length);
        var kinds = new[]
        {
            "plain_signature",
            "sha1_sorted_generic",
            "encrypted_message",
            "encrypted_echostr",
            "deterministic_encrypt",
        };
        Assert.All(Vectors, v => Assert.Contains(v.GetProperty("kind").GetString(), kinds));
    }

    [Theory]
    [MemberData(nameof(Ids), "plain_signature")]
    public void PlainSignaturesMatch(string id)
    {
        var v = V(id);
        Assert.Equal(S(v, "signature"), WechatSignature.Compute(S(v, "token"), S(v, "timestamp"), S(v, "nonce")));
        Assert.True(WechatSignature.Verify(S(v, "signature"), S(v, "token"), S(v, "timestamp"), S(v, "nonce")));
        Assert.False(WechatSignature.Verify(S(v, "signature"), S(v, "token") + "x", S(v, "timestamp"), S(v, "nonce")));
    }

    [Theory]
    [MemberData(nameof(Ids), "sha1_sorted_generic")]
    public void SortedSha1MatchesOverUtf8(string id)
    {
        var v = V(id);
        var parts = v.GetProperty("parts").EnumerateArray().Select(p => p.GetString()!).ToArray();
        if (Opt(v, "encoding") == "ascii_replace")
        {
            // The quirk vector: Senparc hashes ASCII with '?' for non-ASCII; we hash UTF-8 and match the UTF-8 value.
            Assert.Equal(S(v, "expected_utf8"), WechatSignature.Compute(parts));
            var sorted = parts.Order(StringComparer.Ordinal);
            Assert.Equal(
                S(v, "expected"),
                Convert.ToHexStringLower(SHA1.HashData(Encoding.ASCII.GetBytes(string.Concat(sorted))))
            );
        }
        else
        {
            Assert.Equal(S(v, "expected"), WechatSignature.Compute(parts));
        }
    }

    [Theory]
    [MemberData(nameof(Ids), "encrypted_message")]
    [MemberData(nameof(Ids), "encrypted_echostr")]
    public void EncryptedVectorsVerifyAndDecryptExactly(string id)
    {
        var v = V(id);
        var cryptor = new WechatCryptor(S(v, "token"), S(v, "appid"), S(v, "encoding_aes_key"));
        var verified = cryptor.VerifyMessageSignature(
            S(v, "msg_signature"),
            S(v, "timestamp"),
            S(v, "nonce"),
            S(v, "encrypt")
        );
        if (Opt(v, "expect_fail") is "True" or "true")
        {
            // The broken Senparc vector must be rejected at the signature check (-40001), before decrypting.
            Assert.False(verified);
            var ex = Assert.Throws<WechatCryptoException>(() => cryptor.Decrypt(S(v, "encrypt")));
            Assert.Equal(WechatCryptoException.IllegalBuffer, ex.Code);
            return;
        }
        Assert.True(verified);
        if (Opt(v, "signature") is { } plain)
            Assert.True(WechatSignature.Verify(plain, S(v, "token"), S(v, "timestamp"), S(v, "nonce")));
        var decrypted = cryptor.Decrypt(S(v, "encrypt"));
        Assert.Equal(S(v, "appid"), decrypted.ReceiverId);
        if (Opt(v, "expected_plaintext") is { } exact)
            Assert.Equal(exact, decrypted.Message);
        if (Opt(v, "expected_plaintext_contains") is { } part)
            Assert.Contains(part, decrypted.Message);
        if (Opt(v, "expected_random16") is { } random)
            Assert.Equal(random, decrypted.Random16);
        // Round trip: our encryption of the same plaintext decrypts to it again.
        Assert.Equal(decrypted.Message, cryptor.Decrypt(cryptor.Encrypt(decrypted.Message)).Message);
    }

    [Theory]
    [MemberData(nameof(Ids), "deterministic_encrypt")]
    public void DeterministicEncryptionMatchesByteForByte(string id)
    {
        var v = V(id);
        var cryptor = new WechatCryptor(S(v, "token"), S(v, "appid"), S(v, "encoding_aes_key"));
        var encrypt = cryptor.Encrypt(S(v, "plaintext"), random16: S(v, "random16"));
        Assert.Equal(S(v, "expected_encrypt"), encrypt);
        Assert.Equal(S(v, "plaintext"), cryptor.Decrypt(encrypt).Message);
        Assert.Equal(0, Convert.FromBase64String(encrypt).Length % 32);
    }

    [Fact]
    public void AMessageForAnotherAppIdIsRejected()
    {
        var v = V("official_python_sample_decrypt");
        var cryptor = new WechatCryptor(S(v, "token"), "wx_someone_else", S(v, "encoding_aes_key"));
        Assert.Equal(
            WechatCryptoException.ValidateAppIdError,
            Assert.Throws<WechatCryptoException>(() => cryptor.Decrypt(S(v, "encrypt"))).Code
        );
    }

    [Fact]
    public void ThePreviousKeyStillDecryptsAndTheReplyUsesIt()
    {
        var v = V("official_python_sample_decrypt");
        var rotated = new WechatCryptor(
            S(v, "token"),
            S(v, "appid"),
            new string('A', 43),
            previousEncodingAesKey: S(v, "encoding_aes_key")
        );
        var decrypted = rotated.Decrypt(S(v, "encrypt"));
        Assert.Equal(1, decrypted.KeyIndex);
        var reply = rotated.Encrypt("<xml>回复</xml>", decrypted.KeyIndex);
        var old = new WechatCryptor(S(v, "token"), S(v, "appid"), S(v, "encoding_aes_key"));
        Assert.Equal("<xml>回复</xml>", old.Decrypt(reply).Message);
    }

    [Theory]
    [InlineData("short")]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456789ABCDEF!")]
    public void AnIllegalEncodingAesKeyIsRefused(string key) =>
        Assert.Equal(
            WechatCryptoException.IllegalAesKey,
            Assert.Throws<WechatCryptoException>(() => new WechatCryptor("t", "wx", key)).Code
        );

    [Fact]
    public void GarbageCiphertextIsRefusedWithTheRightCode()
    {
        var cryptor = new WechatCryptor("t", "wx1", new string('A', 43));
        Assert.Equal(
            WechatCryptoException.DecodeBase64Error,
            Assert.Throws<WechatCryptoException>(() => cryptor.Decrypt("%%%not base64")).Code
        );
        Assert.Equal(
            WechatCryptoException.DecryptAesError,
            Assert.Throws<WechatCryptoException>(() => cryptor.Decrypt(Convert.ToBase64String(new byte[17]))).Code
        );
    }
}
