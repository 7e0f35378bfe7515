using System.Security.Cryptography;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace ServiceBot.Bot.Channels.WebChat;

/// <summary><c>WebChat:</c> what one anonymous visitor, and all new ones together, may cost the shop.</summary>
internal sealed class WebChatOptions
{
    public const string SectionName = "WebChat";

    /// <summary>Messages a minute from one visitor: a person types far slower.</summary>
    public int MessagesPerMinute { get; set; } = 20;

    /// <summary>New visitors a minute, on each instance: above it, a page without a visitor waits.</summary>
    public int NewVisitorsPerMinute { get; set; } = 120;

    /// <summary>A visitor silent this many days is forgotten: conversation, pending messages, photos.</summary>
    public int RetentionDays { get; set; } = 30;
}

internal sealed class WebChatOptionsValidator : IValidateOptions<WebChatOptions>
{
    public ValidateOptionsResult Validate(string? name, WebChatOptions options) =>
        options switch
        {
            { MessagesPerMinute: < 1 } => ValidateOptionsResult.Fail("WebChat:MessagesPerMinute must be at least 1."),
            { NewVisitorsPerMinute: < 1 } => ValidateOptionsResult.Fail(
                "WebChat:NewVisitorsPerMinute must be at least 1."
            ),
            { RetentionDays: < 1 } => ValidateOptionsResult.Fail("WebChat:RetentionDays must be at least 1."),
            _ => ValidateOptionsResult.Success,
        };
}

/// <summary>
/// Who a web chat visitor is, and how much they may do. The id is the server's: the cookie holds it
/// signed and encrypted (data protection), so a page cannot pick ids of its own, and a cookie that
/// does not open is a new visitor. New visitors are capped a minute, so throwing the cookie away
/// does not escape the per-visitor quota.
/// </summary>
internal sealed class WebChatVisitors : IDisposable
{
    public const string CookieName = "sb_chat";

    private readonly IDataProtector _protector;
    private readonly FixedWindowRateLimiter _newVisitors;
    private readonly PartitionedRateLimiter<string> _messages;

    public WebChatVisitors(IDataProtectionProvider protection, IOptions<WebChatOptions> options)
    {
        _protector = protection.CreateProtector("ServiceBot.WebChat.Visitor");
        _newVisitors = new FixedWindowRateLimiter(PerMinute(options.Value.NewVisitorsPerMinute));
        _messages = PartitionedRateLimiter.Create<string, string>(visitor =>
            RateLimitPartition.GetFixedWindowLimiter(visitor, _ => PerMinute(options.Value.MessagesPerMinute))
        );
    }

    /// <summary>
    /// The visitor's id, issuing one (and its cookie) to a new visitor; null when new visitors are over the cap.
    /// </summary>
    public string? Identify(HttpContext http)
    {
        if (http.Request.Cookies[CookieName] is { Length: > 0 } existing && Unprotect(existing) is { } id)
        {
            return id;
        }

        using var lease = _newVisitors.AttemptAcquire();
        if (!lease.IsAcquired)
        {
            return null;
        }

        var created = RandomNumberGenerator.GetHexString(32, lowercase: true);
        http.Response.Cookies.Append(
            CookieName,
            _protector.Protect(created),
            new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Secure = http.Request.IsHttps,
                MaxAge = TimeSpan.FromDays(180),
                IsEssential = true,
            }
        );
        return created;
    }

    /// <summary>Takes one of the visitor's messages this minute; false when the quota is spent.</summary>
    public bool TryTakeMessage(string visitor)
    {
        using var lease = _messages.AttemptAcquire(visitor);
        return lease.IsAcquired;
    }

    public void Dispose()
    {
        _newVisitors.Dispose();
        _messages.Dispose();
    }

    private static FixedWindowRateLimiterOptions PerMinute(int permits) =>
        new()
        {
            PermitLimit = permits,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        };

    private string? Unprotect(string cookie)
    {
        try
        {
            var id = _protector.Unprotect(cookie);
            return id is { Length: 32 } && id.All(char.IsAsciiHexDigitLower) ? id : null;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
