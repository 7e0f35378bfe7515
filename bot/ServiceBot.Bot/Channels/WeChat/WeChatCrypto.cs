using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace ServiceBot.Bot.Channels.WeChat;

/// <summary>
/// WeChat safe mode (WXBizMsgCrypt): AES-256-CBC, key = Base64(EncodingAESKey + "="), IV = first
/// 16 key bytes, plaintext = 16 random bytes ‖ big-endian length ‖ message ‖ AppId, padded with
/// PKCS#7 to 32-byte blocks (not AES's 16), which is why padding is done by hand.
/// </summary>
internal sealed class WeChatCrypto
{
    private const int BlockSize = 32;
    private const int RandomLength = 16;

    private readonly byte[] _key;
    private readonly byte[] _iv;
    private readonly byte[] _appId;

    public WeChatCrypto(string encodingAesKey, string appId)
    {
        if (!IsValidKey(encodingAesKey))
        {
            throw new ArgumentException("EncodingAESKey must be 43 Base64 characters.", nameof(encodingAesKey));
        }

        _key = Convert.FromBase64String(encodingAesKey + "=");
        _iv = _key[..16];
        _appId = Encoding.UTF8.GetBytes(appId);
    }

    public static bool IsValidKey(string encodingAesKey)
    {
        if (encodingAesKey.Length != 43 || !encodingAesKey.All(char.IsAsciiLetterOrDigit))
        {
            return false;
        }

        Span<byte> key = stackalloc byte[33];
        return Convert.TryFromBase64String(encodingAesKey + "=", key, out var written) && written == 32;
    }

    public string Encrypt(string message) => Encrypt(message, RandomNumberGenerator.GetBytes(RandomLength));

    /// <summary>Encrypts with the given 16 random bytes; public for the published test vectors.</summary>
    public string Encrypt(string message, ReadOnlySpan<byte> random)
    {
        var body = Encoding.UTF8.GetBytes(message);
        var length = RandomLength + 4 + body.Length + _appId.Length;
        var pad = BlockSize - (length % BlockSize);
        var plain = new byte[length + pad];
        random[..RandomLength].CopyTo(plain);
        BinaryPrimitives.WriteInt32BigEndian(plain.AsSpan(RandomLength), body.Length);
        body.CopyTo(plain, RandomLength + 4);
        _appId.CopyTo(plain, RandomLength + 4 + body.Length);
        plain.AsSpan(length).Fill((byte)pad);

        using var aes = Aes.Create();
        aes.Key = _key;
        return Convert.ToBase64String(aes.EncryptCbc(plain, _iv, PaddingMode.None));
    }

    /// <summary>Decrypts and checks padding, length and AppId; the failure names what was wrong.</summary>
    public bool TryDecrypt(string encrypted, out string message, out string failure)
    {
        message = "";
        byte[] cipher;
        try
        {
            cipher = Convert.FromBase64String(encrypted);
        }
        catch (FormatException)
        {
            failure = "ciphertext is not Base64";
            return false;
        }

        if (cipher.Length == 0 || cipher.Length % 16 != 0)
        {
            failure = "ciphertext is not whole AES blocks";
            return false;
        }

        using var aes = Aes.Create();
        aes.Key = _key;
        var plain = aes.DecryptCbc(cipher, _iv, PaddingMode.None);

        int pad = plain[^1];
        if (
            pad is < 1 or > BlockSize
            || pad > plain.Length
            || plain.AsSpan(plain.Length - pad).ContainsAnyExcept((byte)pad)
        )
        {
            failure = "bad padding";
            return false;
        }

        var content = plain.AsSpan(0, plain.Length - pad);
        if (content.Length < RandomLength + 4)
        {
            failure = "plaintext too short";
            return false;
        }

        var bodyLength = BinaryPrimitives.ReadInt32BigEndian(content[RandomLength..]);
        if (bodyLength < 0 || RandomLength + 4 + bodyLength > content.Length)
        {
            failure = "bad message length";
            return false;
        }

        var appId = content[(RandomLength + 4 + bodyLength)..];
        if (!CryptographicOperations.FixedTimeEquals(appId, _appId))
        {
            failure = "AppId does not match";
            return false;
        }

        try
        {
            message = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(
                content.Slice(RandomLength + 4, bodyLength)
            );
        }
        catch (DecoderFallbackException)
        {
            failure = "message is not UTF-8";
            return false;
        }

        failure = "";
        return true;
    }
}
