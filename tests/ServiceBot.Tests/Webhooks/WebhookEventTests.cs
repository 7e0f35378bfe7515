using System.Text.Json;
using ServiceBot.Services.Webhooks;

namespace ServiceBot.Tests.Webhooks;

public sealed class WebhookEventTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 3, 0, 0, TimeSpan.Zero);

    private static KeyValuePair<string, string?> Pair(string key, string? value) => new(key, value);

    [Fact]
    public void TheSameEventRaisedAgain_HasTheSameId_AndAnotherEventAnother()
    {
        var first = WebhookEvent.Of("return.requested", "RMA-1", At, Pair("rmaId", "RMA-1"));
        var again = WebhookEvent.Of("return.requested", "RMA-1", At.AddSeconds(5), Pair("rmaId", "RMA-1"));

        Assert.Equal(first.Id, again.Id);
        Assert.NotEqual(first.Id, WebhookEvent.Of("return.decided", "RMA-1", At).Id);
        Assert.NotEqual(first.Id, WebhookEvent.Of("return.requested", "RMA-2", At).Id);
        Assert.Matches("^evt_[0-9a-f]{24}$", first.Id);
    }

    [Fact]
    public void OnTheWire_IsIdTypeOccurredAtAndData()
    {
        var json = WebhookEvent.Of("case.resolved", "C1", At, Pair("caseId", "C1"), Pair("agent", null)).ToJson();

        var root = JsonDocument.Parse(json).RootElement;
        Assert.Equal(["id", "type", "occurredAt", "data"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("case.resolved", root.GetProperty("type").GetString());
        Assert.Equal(At, root.GetProperty("occurredAt").GetDateTimeOffset());
        Assert.Equal("C1", root.GetProperty("data").GetProperty("caseId").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("data").GetProperty("agent").ValueKind);
    }

    [Fact]
    public void Settings_NameTheKeyThatIsWrong()
    {
        var options = new WebhookOptions();
        options.Endpoints["shop"] = new WebhookEndpoint { Url = "ftp://x", Secret = "short" };
        options.Endpoints["bad name"] = new WebhookEndpoint
        {
            Url = "https://erp.example/hooks",
            Secret = new string('s', 16),
        };

        var result = new WebhookOptionsValidator().Validate(null, options);

        Assert.Equal(
            [
                "Webhooks:shop:Url must be an absolute http or https URL.",
                "Webhooks:shop:Secret must be at least 16 characters.",
                "Webhooks:bad name: a name is 1-40 letters, digits, '-' or '_'.",
            ],
            result.Failures
        );
    }
}
