using Quartz;
using ServiceBot.Bot.Operations;
using ServiceBot.Services.Storage;

namespace ServiceBot.Tests.Operations;

/// <summary>Which failures are an outage (503 + Retry-After) and which are a bug (500).</summary>
public sealed class OutageResponsesTests
{
    [Fact]
    public void TheStoreOrTheScheduler_Unreachable_AnywhereInTheChain_IsAnOutage()
    {
        Assert.Equal("store", OutageResponses.Outage(new StorageUnavailableException("down")));
        Assert.Equal("scheduler", OutageResponses.Outage(new JobPersistenceException("no connection")));
        Assert.Equal(
            "store",
            OutageResponses.Outage(new InvalidOperationException("wrapped", new StorageUnavailableException("down")))
        );
        Assert.Equal(
            "scheduler",
            OutageResponses.Outage(
                new AggregateException(new InvalidOperationException("other"), new JobPersistenceException("db"))
            )
        );
    }

    [Fact]
    public void AnythingElse_IsNot()
    {
        Assert.Null(OutageResponses.Outage(new InvalidOperationException("a bug")));
        Assert.Null(OutageResponses.Outage(new AggregateException(new ArgumentException("x"))));
        Assert.Null(OutageResponses.Outage(null));
    }
}
