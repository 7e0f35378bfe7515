using ServiceBot.Services.Notifications;

namespace ServiceBot.Tests.Notifications;

/// <summary>Subscribe-message consents: one per popup accept, spent one per notice, by notice key.</summary>
public sealed class OneTimeConsentTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 3, 0, 0, TimeSpan.Zero);

    private static Consents Granted(int delivery, int promotion = 0)
    {
        var consents = Consents.None;
        for (var i = 0; i < delivery; i++)
        {
            consents = consents.Grant(new OneTimeConsent(NoticeTopic.Delivery, "tpl-d", Now));
        }

        for (var i = 0; i < promotion; i++)
        {
            consents = consents.Grant(new OneTimeConsent(NoticeTopic.Promotion, "tpl-p", Now));
        }

        return consents;
    }

    [Fact]
    public void Spend_UsesOnePerNotice_PerTopic_ThenNoneIsLeft()
    {
        var consents = Granted(delivery: 2, promotion: 1);

        var once = consents.Spend(NoticeTopic.Delivery, "order:A1:OutForDelivery")!;
        var twice = once.Spend(NoticeTopic.Delivery, "order:A1:Delivered")!;

        Assert.Equal(
            (1, 0, 1),
            (
                once.OneTimeAvailable(NoticeTopic.Delivery),
                twice.OneTimeAvailable(NoticeTopic.Delivery),
                twice.OneTimeAvailable(NoticeTopic.Promotion)
            )
        );
        Assert.Null(twice.Spend(NoticeTopic.Delivery, "order:A2:OutForDelivery"));
    }

    [Fact]
    public void Spend_IsIdempotentPerNoticeKey_AndTheRetryOfThatNoticeStillSeesItsConsent()
    {
        var spent = Granted(delivery: 1).Spend(NoticeTopic.Delivery, "k1")!;

        Assert.Same(spent, spent.Spend(NoticeTopic.Delivery, "k1"));
        Assert.Equal(0, spent.OneTimeAvailable(NoticeTopic.Delivery));
        Assert.Equal(1, spent.OneTimeAvailable(NoticeTopic.Delivery, "k1"));
    }

    [Fact]
    public void Refund_GivesBackTheConsentOfASendThatFailed()
    {
        var refunded = Granted(delivery: 1).Spend(NoticeTopic.Delivery, "k1")!.Refund("k1");

        Assert.Equal(1, refunded.OneTimeAvailable(NoticeTopic.Delivery));
    }

    [Fact]
    public void WithdrawingATopic_VoidsItsUnspentOneTimeConsents_NotTheOtherTopics()
    {
        var withdrawn = Granted(delivery: 2, promotion: 1)
            .With(new ConsentChange(NoticeTopic.Delivery, false, Now, ConsentSource.Keyword, "TD"));

        Assert.Equal(
            (0, 1),
            (withdrawn.OneTimeAvailable(NoticeTopic.Delivery), withdrawn.OneTimeAvailable(NoticeTopic.Promotion))
        );
    }
}
