using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Conversations.Dialogs;
using ServiceBot.Services.Menu;
using ServiceBot.Services.Storage;

namespace ServiceBot.Services.Handoff;

/// <summary>
/// A customer asked to be called back: on which number (kept for the agents, never logged), and when.
/// </summary>
internal sealed record CallbackRequest(
    ConversationReference Customer,
    string Phone,
    DateTimeOffset At,
    string ActivityId
)
{
    /// <summary>The number as a customer or a log may see it: 138****1234.</summary>
    public static string Masked(string phone) => phone.Length == 11 ? $"{phone[..3]}****{phone[7..]}" : "****";
}

/// <summary>Call-back requests (<c>callbacks/{time}.{channel}.{user}</c>), one per asking message.</summary>
internal sealed partial class CallbackRequests(IDocumentStore store)
{
    public async Task RecordAsync(CallbackRequest request, CancellationToken cancellationToken)
    {
        var at = request.At.ToUnixTimeMilliseconds().ToString("D15", CultureInfo.InvariantCulture);
        var key = StorageKey.Join("callbacks", $"{at}.{request.Customer.Channel}.{request.Customer.UserId}");
        await store.TryWriteAsync(
            key,
            JsonSerializer.SerializeToUtf8Bytes(request, CallbackJsonContext.Default.CallbackRequest),
            WriteCondition.IfAbsent,
            cancellationToken
        );
    }

    public async Task<IReadOnlyList<CallbackRequest>> ListAsync(CancellationToken cancellationToken)
    {
        var requests = new List<CallbackRequest>();
        await foreach (
            var (_, request) in store.ReadAllAsync(
                "callbacks/",
                CallbackJsonContext.Default.CallbackRequest,
                cancellationToken
            )
        )
        {
            requests.Add(request);
        }

        return requests;
    }

    /// <summary>
    /// A mainland mobile number in what the customer typed ("138 0013 8000", "+86 13800138000"), or null.
    /// </summary>
    public static string? MobileIn(string? text)
    {
        var digits = new string((text ?? "").Where(char.IsAsciiDigit).ToArray());
        if (digits.StartsWith("86", StringComparison.Ordinal) && digits.Length == 13)
        {
            digits = digits[2..];
        }

        return Mobile().IsMatch(digits) ? digits : null;
    }

    [GeneratedRegex("^1[3-9][0-9]{9}$")]
    private static partial Regex Mobile();
}

internal sealed record CallbackState(int Misses);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(CallbackRequest))]
[JsonSerializable(typeof(CallbackState))]
internal sealed partial class CallbackJsonContext : JsonSerializerContext;

/// <summary>"回电" / "call me": asks for a mobile number and records a call-back request for the agents.</summary>
internal sealed class CallbackDialog(CallbackRequests callbacks, TimeProvider time)
    : Dialog<CallbackState>(CallbackJsonContext.Default.CallbackState),
        IChoiceDialog
{
    public const string DialogId = "handoff.callback";

    public override string Id => DialogId;

    protected override Task<DialogStep<CallbackState>> OnBeginAsync(
        DialogContext context,
        CancellationToken cancellationToken
    )
    {
        context.SendText(HandoffText.AskForMobile(context.IsEnglish));
        return Task.FromResult(DialogStep.Wait(new CallbackState(0)));
    }

    protected override async Task<DialogStep<CallbackState>> OnContinueAsync(
        DialogContext context,
        CallbackState state,
        CancellationToken cancellationToken
    )
    {
        if (CallbackRequests.MobileIn(context.Text) is { } phone)
        {
            await callbacks.RecordAsync(
                new CallbackRequest(context.Turn.Conversation, phone, time.GetUtcNow(), context.Activity.Id),
                cancellationToken
            );
            context.SendText(HandoffText.CallbackBooked(CallbackRequest.Masked(phone), context.IsEnglish));
            return DialogStep.Complete<CallbackState>();
        }

        if (state.Misses >= 1)
        {
            context.SendText(HandoffText.NoCallbackBooked(context.IsEnglish));
            return DialogStep.Complete<CallbackState>();
        }

        context.SendText(HandoffText.NotAMobile(context.IsEnglish));
        return DialogStep.Wait(state with { Misses = 1 });
    }
}

internal sealed class CallbackTopic : ITopic
{
    public string MenuKey => "CALLBACK";

    public string DialogId => CallbackDialog.DialogId;

    public int Order => 90;

    public string Title(bool english) => HandoffText.CallbackTitle(english);

    public bool Matches(string text) =>
        text.Contains("回电", StringComparison.Ordinal)
        || text.Contains("call me", StringComparison.OrdinalIgnoreCase)
        || text.Contains("call back", StringComparison.OrdinalIgnoreCase)
        || text.Contains("callback", StringComparison.OrdinalIgnoreCase);
}
