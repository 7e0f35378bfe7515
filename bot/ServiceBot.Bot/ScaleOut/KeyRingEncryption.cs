using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace ServiceBot.Bot.ScaleOut;

/// <summary>
/// The data-protection keys kept in the store are encrypted with <c>ScaleOut:KeyRingKey</c> (AES-256-GCM),
/// which lives in configuration, not in the store: a copy of the store alone cannot sign a cookie or
/// an anti-forgery token. Keys written before the setting was made stay readable until they expire.
/// </summary>
internal sealed class KeyRingEncryptor(byte[] key) : IXmlEncryptor
{
    public const string Setting = "ScaleOut:KeyRingKey";

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var plain = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var nonce = RandomNumberGenerator.GetBytes(AesGcm.NonceByteSizes.MaxSize);
        var tag = new byte[AesGcm.TagByteSizes.MaxSize];
        var cipher = new byte[plain.Length];
        using (var aes = new AesGcm(key, tag.Length))
        {
            aes.Encrypt(nonce, plain, cipher, tag);
        }

        var element = new XElement(
            "encryptedKey",
            new XComment(" AES-256-GCM with ScaleOut:KeyRingKey "),
            new XElement("value", Convert.ToBase64String([.. nonce, .. tag, .. cipher]))
        );
        return new EncryptedXmlInfo(element, typeof(KeyRingDecryptor));
    }

    /// <summary>The key from its setting (Base64 of 32 bytes), or null when it is not one.</summary>
    public static byte[]? KeyFrom(string? setting)
    {
        var bytes = new byte[32];
        return Convert.TryFromBase64String(setting ?? "", bytes, out var length) && length == 32 ? bytes : null;
    }
}

/// <summary>Created by data protection for each encrypted key it reads; finds the key in configuration.</summary>
internal sealed class KeyRingDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        var key = KeyRingEncryptor.KeyFrom(services.GetRequiredService<IConfiguration>()[KeyRingEncryptor.Setting])
            ?? throw new CryptographicException($"{KeyRingEncryptor.Setting} is needed to read the key ring.");
        var data = Convert.FromBase64String(encryptedElement.Element("value")?.Value ?? "");
        var nonce = data.AsSpan(0, AesGcm.NonceByteSizes.MaxSize);
        var tag = data.AsSpan(nonce.Length, AesGcm.TagByteSizes.MaxSize);
        var cipher = data.AsSpan(nonce.Length + tag.Length);
        var plain = new byte[cipher.Length];
        using (var aes = new AesGcm(key, tag.Length))
        {
            aes.Decrypt(nonce, cipher, tag, plain);
        }

        return XElement.Parse(Encoding.UTF8.GetString(plain));
    }
}
