using ServiceBot.Services.Conversations;
using ServiceBot.Services.Notifications;

namespace ServiceBot.Tests.Notifications;

/// <summary>How a delivery report finds its notice in the ledger and what it makes of it.</summary>
public sealed class NoticeReportsTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 23, 3, 0, 0, TimeSpan.Zero);

    private static NoticeRecord Template(string key, string? msgId, NoticeDelivery delivery = NoticeDelivery.Unknown) =>
        new(key, NoticeTopic.Delivery, Verdict.Send, PolicyRule.Allowed, NoticeChannel.TemplateMessage, At, null, null)
        {
            MessageId = msgId,
            Delivery = delivery,
        };

    private static DeliveryReport Report(string? msgId, DeliveryReportOutcome outcome) =>
        new(msgId, null, outcome, outcome.ToString(), Subscribe: false);

    [Fact]
    public void AReport_FindsItsNoticeByMsgId_ElseTheOldestSendWhoseAnswerWasLost()
    {
        List<NoticeRecord> records =
        [
            Template("a", "100", NoticeDelivery.Delivered),
            Template("b", null),
            Template("c", "300"),
            Template("d", null),
        ];

        Assert.Equal(2, NoticeReports.Find(records, Report("300", DeliveryReportOutcome.Delivered)));
        Assert.Equal(1, NoticeReports.Find(records, Report("999", DeliveryReportOutcome.Delivered)));
        Assert.Equal(
            -1,
            NoticeReports.Find(records, Report("300", DeliveryReportOutcome.Delivered) with { Subscribe = true })
        );
    }

    [Fact]
    public void Delivered_StaysDelivered_AndIsNeverSentAgain()
    {
        var delivered = NoticeReports.Settle(Template("a", "1"), Report("1", DeliveryReportOutcome.Delivered));
        var thenFailed = NoticeReports.Settle(delivered, Report("1", DeliveryReportOutcome.SystemFailure));

        Assert.Equal(NoticeDelivery.Delivered, thenFailed.Delivery);
        Assert.False(thenFailed.ResendDue);
    }

    [Fact]
    public void ASystemFailure_IsSentAgainOnce_AUserBlock_Never()
    {
        var failed = NoticeReports.Settle(Template("a", "1"), Report("1", DeliveryReportOutcome.SystemFailure));
        var blocked = NoticeReports.Settle(Template("b", "2"), Report("2", DeliveryReportOutcome.UserBlocked));
        var resentAndFailedAgain = NoticeReports.Settle(
            Template("c", "3") with
            {
                Resent = true,
            },
            Report("3", DeliveryReportOutcome.SystemFailure)
        );

        Assert.Equal((NoticeDelivery.Failed, true), (failed.Delivery, failed.ResendDue));
        Assert.Equal((NoticeDelivery.Failed, false), (blocked.Delivery, blocked.ResendDue));
        Assert.Equal((NoticeDelivery.Failed, false), (resentAndFailedAgain.Delivery, resentAndFailedAgain.ResendDue));
    }
}
