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
);

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
