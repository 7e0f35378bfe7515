using Microsoft.Extensions.Options;

namespace ServiceBot.Bot.Channels.WeChat;

/// <summary>Which webhook requests are accepted: WeChat's three message modes.</summary>
internal enum WeChatMessageMode
{
    /// <summary>Only <c>encrypt_type=aes</c> with a valid <c>msg_signature</c>: the body is signed.</summary>
    Safe,

    /// <summary>Both forms, as WeChat's compatible mode sends while a merchant switches over.</summary>
    Compatible,

    /// <summary>Plaintext only: the signature covers no body, so a logged query string can be replayed.</summary>
    Plain,
}

internal sealed class WeChatOptions
{
    public const string SectionName = "WeChat";

    /// <summary>WeChat gives a webhook 5 s before it retries; the budget must leave room to answer.</summary>
    public static readonly TimeSpan MaxReplyBudget = TimeSpan.FromSeconds(4.5);

    public string AppId { get; set; } = "wxdemo";

    public string? AppSecret { get; set; }

    public string Token { get; set; } = DefaultToken;

    public string? EncodingAESKey { get; set; }

    public Uri ApiBaseUrl { get; set; } = new("https://api.weixin.qq.com");

    /// <summary>
    /// Where customers reach the bot's pages (<c>https://bot.example.com</c>): links to the consent page are made
    /// from it. Unset, no such links are sent.
    /// </summary>
    public Uri? PublicBaseUrl { get; set; }

    /// <summary>WeChat's web-page authorisation (OAuth), which tells a page who opened it.</summary>
    public Uri OAuthBaseUrl { get; set; } = new("https://open.weixin.qq.com");

    /// <summary>The JS-SDK script a page inside WeChat loads, from WeChat's own server.</summary>
    public Uri JsSdkUrl { get; set; } = new("https://res.wx.qq.com/open/js/jweixin-1.6.0.js");

    public TimeSpan ReplyBudget { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>Safe when a key is set, else Plain.</summary>
    public WeChatMessageMode? MessageMode { get; set; }

    /// <summary>How far a webhook's timestamp may be from our clock; a nonce is remembered twice as long.</summary>
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Largest webhook body accepted; WeChat's messages are a few KB.</summary>
    public int MaxBodyBytes { get; set; } = 64 * 1024;

    public bool SafeModeEnabled => !string.IsNullOrEmpty(EncodingAESKey);

    public WeChatMessageMode Mode =>
        MessageMode ?? (SafeModeEnabled ? WeChatMessageMode.Safe : WeChatMessageMode.Plain);

    /// <summary>The token a fresh checkout runs with: fine on a developer's machine, never on the internet.</summary>
    public const string DefaultToken = "servicebot";
}

internal sealed class WeChatOptionsValidator(IHostEnvironment environment) : IValidateOptions<WeChatOptions>
{
    public ValidateOptionsResult Validate(string? name, WeChatOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.AppId))
        {
            failures.Add("WeChat:AppId is required.");
        }

        if (
            string.IsNullOrEmpty(options.Token)
            || options.Token.Length is < 3 or > 32
            || !options.Token.All(char.IsAsciiLetterOrDigit)
        )
        {
            failures.Add("WeChat:Token must be 3-32 letters or digits, as WeChat requires.");
        }

        if (!environment.IsDevelopment() && options.Token == WeChatOptions.DefaultToken)
        {
            failures.Add(
                "WeChat:Token is the default 'servicebot': set the token of the official account's server settings."
            );
        }

        if (options.Mode != WeChatMessageMode.Plain && !options.SafeModeEnabled)
        {
            failures.Add($"WeChat:MessageMode {options.Mode} needs WeChat:EncodingAESKey.");
        }

        if (options.SafeModeEnabled && !WeChatCrypto.IsValidKey(options.EncodingAESKey!))
        {
            failures.Add("WeChat:EncodingAESKey must be 43 letters or digits (Base64 of a 32-byte key without '=').");
        }

        if (!options.ApiBaseUrl.IsAbsoluteUri || options.ApiBaseUrl.Scheme is not ("https" or "http"))
        {
            failures.Add("WeChat:ApiBaseUrl must be an absolute http(s) URL.");
        }

        if (options.ReplyBudget <= TimeSpan.Zero || options.ReplyBudget > WeChatOptions.MaxReplyBudget)
        {
            failures.Add(
                $"WeChat:ReplyBudget must be more than 0 and at most {WeChatOptions.MaxReplyBudget:c}; "
                    + $"WeChat retries after 5 s."
            );
        }

        if (options.MaxClockSkew <= TimeSpan.Zero || options.MaxClockSkew > TimeSpan.FromHours(1))
        {
            failures.Add("WeChat:MaxClockSkew must be more than 0 and at most 01:00:00.");
        }

        if (options.MaxBodyBytes is < 1024 or > 4 * 1024 * 1024)
        {
            failures.Add("WeChat:MaxBodyBytes must be between 1024 and 4194304.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
