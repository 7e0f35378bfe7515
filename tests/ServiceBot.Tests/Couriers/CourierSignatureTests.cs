using System.Globalization;
using ServiceBot.Services.Webhooks;

namespace ServiceBot.Tests.Couriers;

/// <summary>The contract's window for a courier's X-Timestamp: more than 300 s off either way is refused.</summary>
public sealed class CourierSignatureTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(0, true)]
    [InlineData(300, true)]
    [InlineData(-300, true)]
    [InlineData(301, false)]
    [InlineData(-301, false)]
    public void Fresh_WithinThreeHundredSecondsEitherWay(int offsetSeconds, bool fresh) =>
        Assert.Equal(
            fresh,
            WebhookSignature.Fresh(
                Now.AddSeconds(offsetSeconds).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
                Now
            )
        );

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("-1763899200")]
    [InlineData("1763899200.5")]
    public void Fresh_RefusesWhatIsNotUnixSeconds(string? timestamp) =>
        Assert.False(WebhookSignature.Fresh(timestamp, Now));
}
