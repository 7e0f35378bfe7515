using Microsoft.Extensions.Options;

namespace ServiceBot.Bot.Channels.WeChat;

internal sealed class WeChatOptions
{
    public const string SectionName = "WeChat";

    /// <summary>WeChat gives a webhook 5 s before it retries; the budget must leave room to answer.</summary>
    public static readonly TimeSpan MaxReplyBudget = TimeSpan.FromSeconds(4.5);

    public string AppId { get; set; } = "wxdemo";

    public string? AppSecret { get; set; }

    public string Token { get; set; } = "servicebot";

    public string? EncodingAESKey { get; set; }

    public Uri ApiBaseUrl { get; set; } = new("https://api.weixin.qq.com");

    public TimeSpan ReplyBudget { get; set; } = TimeSpan.FromSeconds(4);

    public TimeSpan? MaxClockSkew { get; set; }

    /// <summary>Largest webhook body accepted; WeChat's messages are a few KB.</summary>
    public int MaxBodyBytes { get; set; } = 64 * 1024;

    public bool SafeModeEnabled => !string.IsNullOrEmpty(EncodingAESKey);
}

internal sealed class WeChatOptionsValidator : IValidateOptions<WeChatOptions>
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

        if (options.MaxClockSkew is { } skew && skew <= TimeSpan.Zero)
        {
            failures.Add("WeChat:MaxClockSkew must be positive when set.");
        }

        if (options.MaxBodyBytes is < 1024 or > 4 * 1024 * 1024)
        {
            failures.Add("WeChat:MaxBodyBytes must be between 1024 and 4194304.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
