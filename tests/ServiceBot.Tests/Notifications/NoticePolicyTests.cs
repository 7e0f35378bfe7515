using System.Globalization;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Notifications;

namespace ServiceBot.Tests.Notifications;

/// <summary>
/// The no-spam policy, rule by rule, across every edge. Times are local Asia/Shanghai (UTC+8) unless said.
/// </summary>
public sealed class NoticePolicyTests
{
    private static readonly NoticePolicy Policy = new(new PolicyOptions());
    private static readonly NoticeCandidate Delivery = new(NoticeTopic.Delivery, "order:A1:out_for_delivery");
    private static readonly NoticeCandidate Promotion = new(NoticeTopic.Promotion, "campaign:C9");

    private static DateTimeOffset At(string local, string offset = "+08:00") =>
        DateTimeOffset.Parse($"{local}{offset}", CultureInfo.InvariantCulture);

    private static Consents OptedIn(params NoticeTopic[] topics) =>
        topics.Aggregate(Consents.None, (c, t) =>
            c.With(new ConsentChange(t, true, At("2026-11-01 12:00"), ConsentSource.Dialog, "shown"))
        );

    /// <summary>Opted in to both, wrote at <paramref name="lastMessage"/>, nothing sent yet.</summary>
    private static CustomerHistory History(string lastMessage = "2026-11-23 09:00", params SentNotice[] sent) =>
        new(OptedIn(NoticeTopic.Delivery, NoticeTopic.Promotion), At(lastMessage), At(lastMessage), sent);

    /// <summary>The same history, plus one unspent subscribe-message consent for delivery notices.</summary>
    private static CustomerHistory WithOneTimeDeliveryConsent(CustomerHistory history) =>
        history with
        {
            Consents = history.Consents.Grant(
                new OneTimeConsent(NoticeTopic.Delivery, "tpl-d", At("2026-11-20 12:00"))
            ),
        };

    private static SentNotice Sent(
        NoticeTopic topic,
        string local,
        NoticeChannel channel = NoticeChannel.CustomerService,
        string? key = null
    ) => new(topic, key ?? $"k-{local}", At(local), channel);

    [Theory]
    [InlineData("2026-11-23 06:59", "Defer", "2026-11-23 07:00")]
    [InlineData("2026-11-23 07:00", "Send", null)]
    [InlineData("2026-11-23 21:59", "Send", null)]
    [InlineData("2026-11-23 22:00", "Defer", "2026-11-24 07:00")]
    [InlineData("2026-11-23 23:30", "Defer", "2026-11-24 07:00")]
    public void Delivery_QuietHours_OutsideSevenToTwentyTwo_AreDeferredToTheNextOpening(
        string now,
        string verdict,
        string? until
    )
    {
        var decision = Policy.Decide(Delivery, History("2026-11-23 06:00"), At(now));

        Assert.Equal(Enum.Parse<Verdict>(verdict), decision.Verdict);
        Assert.Equal(until is null ? null : At(until), decision.NotBefore);
        Assert.Equal(until is null ? PolicyRule.Allowed : PolicyRule.QuietHours, decision.Rule);
    }

    [Theory]
    [InlineData("2026-11-23 09:59", "Defer", "2026-11-23 10:00")]
    [InlineData("2026-11-23 10:00", "Send", null)]
    [InlineData("2026-11-23 19:59", "Send", null)]
    [InlineData("2026-11-23 20:00", "Defer", "2026-11-24 10:00")]
    public void Promotion_QuietHours_OutsideTenToTwenty_AreDeferred(string now, string verdict, string? until)
    {
        var decision = Policy.Decide(Promotion, History("2026-11-23 08:00"), At(now));

        Assert.Equal(
            (Enum.Parse<Verdict>(verdict), until is null ? null : At(until)),
            (decision.Verdict, decision.NotBefore)
        );
    }

    [Theory]
    [InlineData("2026-11-21 12:01", NoticeChannel.CustomerService)] // 47:59 after the last message
    [InlineData("2026-11-21 12:00", NoticeChannel.SubscribeMessage)] // 48:00: the window has closed
    public void ServiceWindow_ClosesAtFortyEightHours_ThenAOneTimeConsentCarriesTheNotice(
        string lastMessage,
        NoticeChannel channel
    )
    {
        var history = WithOneTimeDeliveryConsent(History(lastMessage));

        Assert.Equal(channel, Policy.Decide(Delivery, history, At("2026-11-23 12:00")).Channel);
    }

    [Fact]
    public void ServiceWindowClosed_AndNoOneTimeConsent_IsDroppedByTheChannelRule() =>
        Assert.Equal(
            NoticeDecision.Drop(PolicyRule.Channel),
            Policy.Decide(Delivery, History("2026-11-20 12:00"), At("2026-11-23 12:00"))
        );

    [Theory]
    [InlineData(4, NoticeChannel.CustomerService)]
    [InlineData(5, NoticeChannel.SubscribeMessage)]
    public void ServiceQuota_FiveCustomerServiceMessagesPerWindow(int alreadySent, NoticeChannel channel)
    {
        var sent = Enumerable
            .Range(0, alreadySent)
            .Select(i => Sent(NoticeTopic.Delivery, $"2026-11-22 1{i}:00"))
            .ToArray();
        var history = WithOneTimeDeliveryConsent(History("2026-11-22 08:00", sent));

        Assert.Equal(channel, Policy.Decide(Delivery with { Key = "new" }, history, At("2026-11-23 12:00")).Channel);
    }

    [Fact]
    public void ServiceQuota_ResetsWhenTheUserWritesAgain()
    {
        var sent = Enumerable.Range(0, 5).Select(i => Sent(NoticeTopic.Delivery, $"2026-11-22 1{i}:00")).ToArray();

        Assert.Equal(
            NoticeChannel.CustomerService,
            Policy.Decide(Delivery, History("2026-11-23 08:00", sent), At("2026-11-23 12:00")).Channel
        );
    }

    [Fact]
    public void NoConsent_IsDropped_EvenInQuietHours() =>
        Assert.Equal(
            NoticeDecision.Drop(PolicyRule.Consent),
            Policy.Decide(
                Promotion,
                History() with
                {
                    Consents = OptedIn(NoticeTopic.Delivery),
                },
                At("2026-11-23 23:00")
            )
        );

    [Fact]
    public void WithdrawnConsent_IsDropped()
    {
        var withdrawn = OptedIn(NoticeTopic.Delivery)
            .With(new ConsentChange(NoticeTopic.Delivery, false, At("2026-11-22 10:00"), ConsentSource.Keyword, "TD"));

        Assert.Equal(
            PolicyRule.Consent,
            Policy.Decide(Delivery, History() with { Consents = withdrawn }, At("2026-11-23 12:00")).Rule
        );
    }

    [Fact]
    public void AOneTimeConsent_AloneIsConsentForOneNotice() =>
        Assert.Equal(
            NoticeDecision.Send(NoticeChannel.SubscribeMessage),
            Policy.Decide(Delivery, WithOneTimeDeliveryConsent(CustomerHistory.Empty), At("2026-11-23 12:00"))
        );

    [Fact]
    public void AOneTimeConsent_WithoutTheOptIn_IsSpentOnASubscribeMessage_EvenInsideTheServiceWindow() =>
        Assert.Equal(
            NoticeDecision.Send(NoticeChannel.SubscribeMessage),
            Policy.Decide(
                Delivery,
                WithOneTimeDeliveryConsent(History("2026-11-23 11:00") with { Consents = Consents.None }),
                At("2026-11-23 12:00")
            )
        );

    [Fact]
    public void TheSameKeyTwice_IsDroppedByTheOnceRule() =>
        Assert.Equal(
            NoticeDecision.Drop(PolicyRule.Once),
            Policy.Decide(
                Delivery,
                History("2026-11-23 09:00", Sent(NoticeTopic.Delivery, "2026-11-23 10:00", key: Delivery.Key)),
                At("2026-11-23 12:00")
            )
        );

    [Theory]
    [InlineData("2026-11-22 12:01", "Defer", "2026-11-23 12:01")] // 23:59 ago: the day has not rolled over
    [InlineData("2026-11-22 12:00", "Send", null)] // 24:00 ago: it has
    public void Promotions_OneADay_Rolling(string lastPromotion, string verdict, string? until)
    {
        var decision = Policy.Decide(
            Promotion,
            History("2026-11-23 09:00", Sent(NoticeTopic.Promotion, lastPromotion)),
            At("2026-11-23 12:00")
        );

        Assert.Equal(
            (Enum.Parse<Verdict>(verdict), until is null ? null : At(until)),
            (decision.Verdict, decision.NotBefore)
        );
        Assert.Equal(until is null ? PolicyRule.Allowed : PolicyRule.DailyCap, decision.Rule);
    }

    [Theory]
    [InlineData("2026-11-16 12:01", "Defer", "2026-11-23 12:01")] // 6 d 23:59 ago: still inside the week
    [InlineData("2026-11-16 12:00", "Send", null)] // 7 d ago: the week rolled over
    public void Promotions_TwoAWeek_Rolling(string firstPromotion, string verdict, string? until)
    {
        var history = History(
            "2026-11-23 09:00",
            Sent(NoticeTopic.Promotion, firstPromotion),
            Sent(NoticeTopic.Promotion, "2026-11-20 12:00")
        );

        var decision = Policy.Decide(Promotion, history, At("2026-11-23 12:00"));

        Assert.Equal(
            (Enum.Parse<Verdict>(verdict), until is null ? null : At(until)),
            (decision.Verdict, decision.NotBefore)
        );
    }

    [Fact]
    public void ACapThatEndsInQuietHours_DefersToTheNextOpening()
    {
        var decision = Policy.Decide(
            Promotion,
            History("2026-11-23 09:00", Sent(NoticeTopic.Promotion, "2026-11-22 20:30")),
            At("2026-11-23 12:00")
        );

        Assert.Equal(NoticeDecision.Defer(PolicyRule.DailyCap, At("2026-11-24 10:00")), decision);
    }

    [Theory]
    [InlineData(4, "Send")]
    [InlineData(5, "Defer")]
    public void DeliveryNotices_FiveADay(int sentToday, string verdict)
    {
        var sent = Enumerable
            .Range(0, sentToday)
            .Select(i => Sent(NoticeTopic.Delivery, $"2026-11-23 0{i + 1}:00", key: $"order:{i}"))
            .ToArray();

        Assert.Equal(
            Enum.Parse<Verdict>(verdict),
            Policy.Decide(Delivery, History("2026-11-23 00:30", sent), At("2026-11-23 12:00")).Verdict
        );
    }

    [Fact]
    public void Fatigue_ThreeUnansweredPromotions_PausePromotions_ButNotDeliveries()
    {
        var sent = new[]
        {
            Sent(NoticeTopic.Promotion, "2026-11-10 12:00"),
            Sent(NoticeTopic.Promotion, "2026-11-14 12:00"),
            Sent(NoticeTopic.Promotion, "2026-11-18 12:00"),
        };
        var history = History("2026-11-09 09:00", sent) with { LastUserMessageAt = At("2026-11-22 09:00") };

        Assert.Equal(PolicyRule.Fatigue, Policy.Decide(Promotion, history, At("2026-11-23 12:00")).Rule);
        Assert.Equal(Verdict.Send, Policy.Decide(Delivery, history, At("2026-11-23 12:00")).Verdict);
    }

    [Fact]
    public void Fatigue_ClearsWhenTheUserEngages_AndAPromotionStillInItsReplyWindowDoesNotCount()
    {
        var sent = new[]
        {
            Sent(NoticeTopic.Promotion, "2026-11-10 12:00"),
            Sent(NoticeTopic.Promotion, "2026-11-14 12:00"),
            Sent(NoticeTopic.Promotion, "2026-11-21 12:01"),
        };

        var stillAnswerable = Policy.Decide(
            Promotion,
            History("2026-11-09 09:00", sent) with
            {
                LastUserMessageAt = At("2026-11-23 09:00"),
            },
            At("2026-11-23 12:00")
        );
        var engaged = Policy.Decide(Promotion, History("2026-11-12 09:00", sent), At("2026-11-23 12:00"));

        Assert.NotEqual(PolicyRule.Fatigue, stillAnswerable.Rule);
        Assert.NotEqual(PolicyRule.Fatigue, engaged.Rule);
    }

    [Fact]
    public void DstZone_DeferralAcrossTheSpringForward_LandsOnLocalSevenOClock()
    {
        var berlin = new NoticePolicy(new PolicyOptions(), new ShopOptions { TimeZone = "Europe/Berlin" });
        var history = History("2026-03-28 20:00", []) with { LastUserMessageAt = At("2026-03-28 20:00", "+01:00") };

        var decision = berlin.Decide(Delivery, history, At("2026-03-28 23:00", "+01:00"));

        Assert.Equal(At("2026-03-29 07:00", "+02:00"), decision.NotBefore);
        Assert.Equal(At("2026-03-29 05:00", "+00:00"), decision.NotBefore);
    }

    [Fact]
    public void DstZone_AnOpeningInsideTheSkippedHour_MovesPastTheGap()
    {
        var berlin = new NoticePolicy(
            new PolicyOptions
            {
                DeliveryHours = new HoursOptions { Start = new TimeOnly(2, 30), End = new TimeOnly(22, 0) },
            },
            new ShopOptions { TimeZone = "Europe/Berlin" }
        );

        Assert.Equal(
            At("2026-03-29 03:00", "+02:00"),
            berlin.NextOpen(
                At("2026-03-28 23:00", "+01:00"),
                new HoursOptions { Start = new TimeOnly(2, 30), End = new TimeOnly(22, 0) }
            )
        );
    }

    private static readonly NoticePolicy WithTemplates = new(
        new PolicyOptions(),
        new ShopOptions(),
        new TemplateMessageOptions { Delivery = { Id = "tm-d" }, ReturnOutcome = { Id = "tm-r" } }
    );

    private static readonly NoticeCandidate DeliveryByTemplate = Delivery with { Template = TemplateKind.Delivery };

    [Fact]
    public void ServiceNotice_OutsideTheWindow_GoesAsATemplateMessage_InsideIt_AsACustomerServiceMessage()
    {
        var history = History("2026-11-20 09:00") with { TemplatesReach = true };

        var closed = WithTemplates.Decide(DeliveryByTemplate, history, At("2026-11-23 11:00"));
        var open = WithTemplates.Decide(DeliveryByTemplate, history, At("2026-11-21 11:00"));

        Assert.Equal(NoticeDecision.Send(NoticeChannel.TemplateMessage), closed);
        Assert.Equal(NoticeDecision.Send(NoticeChannel.CustomerService), open);
    }

    [Fact]
    public void TemplateMessage_NeedsTheOptIn_AConfiguredTemplate_AndAChannelThatHasThem()
    {
        var now = At("2026-11-23 11:00");
        var history = History("2026-11-20 09:00") with { TemplatesReach = true };

        Assert.Equal(
            PolicyRule.Consent,
            WithTemplates.Decide(DeliveryByTemplate, history with { Consents = Consents.None }, now).Rule
        );
        Assert.Equal(PolicyRule.Channel, Policy.Decide(DeliveryByTemplate, history, now).Rule);
        Assert.Equal(
            PolicyRule.Channel,
            WithTemplates.Decide(DeliveryByTemplate, history with { TemplatesReach = false }, now).Rule
        );
    }

    [Fact]
    public void APromotion_IsNeverATemplateMessage_WhateverItClaimsAndWhateverTheHistory()
    {
        // Even a promotion that names a template kind, to customers of every shape and at every hour.
        var promotion = Promotion with { Template = TemplateKind.Delivery };
        var random = new Random(24);
        for (var i = 0; i < 2000; i++)
        {
            var wrote = At("2026-11-23 12:00").AddHours(-random.Next(0, 24 * 7));
            var history = new CustomerHistory(
                random.Next(2) == 0 ? OptedIn(NoticeTopic.Delivery, NoticeTopic.Promotion) : Consents.None,
                wrote,
                wrote,
                []
            )
            {
                TemplatesReach = true,
            };
            var decision = WithTemplates.Decide(
                promotion,
                history,
                At("2026-11-23 00:00").AddMinutes(random.Next(0, 24 * 60))
            );

            Assert.NotEqual(NoticeChannel.TemplateMessage, decision.Channel);
        }
    }

    [Fact]
    public void ANoticeTheCustomerAskedFor_NeedsNoOptIn_UntilTheyWithdrawAfterAsking()
    {
        var asked = Delivery with { Template = TemplateKind.ReturnOutcome, AskedAt = At("2026-11-22 09:00") };
        var none = new CustomerHistory(Consents.None, At("2026-11-19 09:00"), At("2026-11-19 09:00"), [])
        {
            TemplatesReach = true,
        };
        var stopped = none with
        {
            Consents = Consents.None.With(
                new ConsentChange(NoticeTopic.Delivery, false, At("2026-11-22 10:00"), ConsentSource.Keyword, "TD")
            ),
        };

        Assert.Equal(NoticeChannel.TemplateMessage, WithTemplates.Decide(asked, none, At("2026-11-23 11:00")).Channel);
        Assert.Equal(PolicyRule.Consent, WithTemplates.Decide(asked, stopped, At("2026-11-23 11:00")).Rule);
    }
}
