using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Handoff;
using ServiceBot.Services.Photos;
using ServiceBot.Services.Privacy;
using ServiceBot.Services.Storage;
using ServiceBot.Tests.Support;

namespace ServiceBot.Tests.Privacy;

public sealed class ClosedCaseRetentionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ACaseClosedLongerThanTheRetention_IsErased_WithItsPhotos_ARecentOneIsKept()
    {
        var store = new InMemoryDocumentStore();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 3, 0, 0, TimeSpan.Zero));
        var cases = new HandoffCaseStore(store);
        var customer = new ConversationReference("wechat", "oMe");
        await store.TryWriteAsync("photos/wechat_oMe_m1", new byte[] { 0xFF, 0xD8, 0xFF }, WriteCondition.None, Ct);
        await CloseAsync(cases, "000000000000001.wechat.oMe", clock.GetUtcNow().AddDays(-400), "wechat_oMe_m1");
        await CloseAsync(cases, "000000000000002.wechat.oMe", clock.GetUtcNow().AddDays(-10), null);
        var retention = new ClosedCaseRetention(
            store,
            cases,
            new CustomerPhotos(store, new JpegMediaDownloader()),
            Options.Create(new PrivacyOptions { RetentionDays = 365 }),
            clock,
            NullLogger<ClosedCaseRetention>.Instance
        );

        Assert.Equal(1, await retention.SweepAsync(Ct));

        Assert.Null(await cases.GetAsync("000000000000001.wechat.oMe", Ct));
        Assert.NotNull(await cases.GetAsync("000000000000002.wechat.oMe", Ct));
        Assert.Null(await store.ReadAsync("photos/wechat_oMe_m1", Ct));

        async Task CloseAsync(HandoffCaseStore into, string id, DateTimeOffset closedAt, string? photo)
        {
            var opened = HandoffCase.Queued(
                id,
                customer,
                "photo",
                closedAt.AddMinutes(-30),
                [new CaseEntry(CaseEntryKind.Customer, closedAt.AddMinutes(-30), "[照片 / photo]", PhotoId: photo)]
            );
            await into.OpenAsync(opened, Ct);
            await into.UpdateAsync(id, c => c with { State = CaseState.Closed, ClosedAt = closedAt }, Ct);
        }
    }
}
