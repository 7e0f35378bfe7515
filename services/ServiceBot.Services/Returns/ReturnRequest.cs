using System.Text.Json.Serialization;
using ServiceBot.Services.Conversations;

namespace ServiceBot.Services.Returns;

internal enum ReturnStatus
{
    [JsonStringEnumMemberName("requested")]
    Requested,

    [JsonStringEnumMemberName("approved")]
    Approved,

    [JsonStringEnumMemberName("rejected")]
    Rejected,
}

/// <summary>What the customer wants: the money back for the item, another one, or the money alone.</summary>
internal enum ReturnKind
{
    /// <summary>Send the item back, get the money back.</summary>
    [JsonStringEnumMemberName("return")]
    Return,

    /// <summary>Send the item back, get another.</summary>
    [JsonStringEnumMemberName("exchange")]
    Exchange,

    /// <summary>Keep (or never had) the item, get the money back: a missing or worthless item.</summary>
    [JsonStringEnumMemberName("refund")]
    Refund,
}

/// <summary>Where and how to send the item back, as the merchant decides it.</summary>
internal sealed record ReturnInstructions(string? Address, Uri? Label);

/// <summary>A photo kept with a return: its id in the photo store, type and size.</summary>
internal sealed record ReturnPhoto(string Id, string ContentType, long Length);

/// <summary>A return the customer opened and the merchant decides on.</summary>
internal sealed record ReturnRequest(
    string RmaId,
    string OrderId,
    string OpenId,
    string Sku,
    string Reason,
    ReturnStatus Status,
    IReadOnlyList<ReturnPhoto> Photos,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DecidedAt,
    string? Note,
    ConversationReference? Conversation
)
{
    public ReturnKind Kind { get; init; } = ReturnKind.Return;

    /// <summary>How many of the item: part of what was bought may go back.</summary>
    public int Quantity { get; init; } = 1;

    /// <summary>With an approval: the return address and label the customer is sent.</summary>
    public ReturnInstructions? Instructions { get; init; }
}

/// <summary>Return ids: from the confirming message, so a channel's retry finds the return it made.</summary>
internal static class ReturnIds
{
    public static string For(Activity activity, DateTimeOffset now, int salt = 0)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes($"{activity.Conversation}/{activity.Id}/{salt}")
        );
        return $"R{now:yyMMdd}-{Convert.ToHexString(hash, 0, 8)}";
    }
}

internal sealed class ReturnsOptions
{
    public const string SectionName = "Returns";

    /// <summary>Days after delivery within which a return can be opened.</summary>
    public int WindowDays { get; set; } = 7;

    public int MaxPhotos { get; set; } = 3;

    public long MaxPhotoBytes { get; set; } = 5 * 1024 * 1024;
}

/// <summary>The return dialog's progress.</summary>
internal sealed record ReturnDraft(
    ReturnStep Step,
    string? OrderId,
    string? Sku,
    string? Reason,
    IReadOnlyList<ReturnPhoto> Photos,
    IReadOnlyList<string> Choices,
    int Misses
)
{
    /// <summary>Null until the customer said which (by the words they opened with, or by picking).</summary>
    public ReturnKind? Kind { get; init; }

    public int Quantity { get; init; } = 1;

    /// <summary>How many of the chosen item the order holds.</summary>
    public int Bought { get; init; } = 1;

    /// <summary>The customer is to pick one of their recent orders.</summary>
    public static ReturnDraft PickingOrder(IReadOnlyList<string> orderIds) =>
        new(ReturnStep.PickOrder, null, null, null, [], orderIds, 0);

    /// <summary>The customer is to pick an item of the order.</summary>
    public static ReturnDraft PickingItem(string orderId, IReadOnlyList<string> skus) =>
        new(ReturnStep.PickItem, orderId, null, null, [], skus, 0);
}

internal enum ReturnStep
{
    PickOrder,
    PickItem,
    PickKind,
    PickQuantity,
    PickReason,
    Photos,
    Confirm,
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull
)]
[JsonSerializable(typeof(ReturnRequest))]
[JsonSerializable(typeof(ReturnDraft))]
[JsonSerializable(typeof(List<ReturnRequest>))]
internal sealed partial class ReturnsJsonContext : JsonSerializerContext;
