using System.Diagnostics;
using ServiceBot.Services.Notifications;

namespace ServiceBot.Bench;

/// <summary>Policy decisions per second on one thread, over histories that exercise every rule.</summary>
internal static class PolicyBenchmark
{
    public static (double PerSecond, int Sends) Run(int decisions)
    {
        var policy = new NoticePolicy(new PolicyOptions());
        var now = new DateTimeOffset(2026, 11, 23, 4, 0, 0, TimeSpan.Zero);
        var consent = Consents.None.With(
            new ConsentChange(NoticeTopic.Promotion, true, now.AddDays(-30), ConsentSource.Dialog, "shown")
        );
        var histories = Enumerable
            .Range(0, 1024)
            .Select(i => new CustomerHistory(
                Enumerable
                    .Range(0, i % 3)
                    .Aggregate(i % 7 == 0 ? Consents.None : consent, (c, _) =>
                        c.Grant(new OneTimeConsent(NoticeTopic.Promotion, "tpl-p", now.AddDays(-1)))
                    ),
                now.AddHours(-(i % 96)),
                now.AddHours(-(i % 200)),
                [
                    .. Enumerable
                        .Range(0, i % 5)
                        .Select(k => new SentNotice(
                            NoticeTopic.Promotion,
                            $"c{k}",
                            now.AddHours(-(k * 31 + i % 13)),
                            NoticeChannel.CustomerService
                        )),
                ]
            ))
            .ToArray();
        var candidate = new NoticeCandidate(NoticeTopic.Promotion, "campaign:bench");

        var sends = 0;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < decisions; i++)
        {
            if (policy.Decide(candidate, histories[i & 1023], now.AddMinutes(i & 4095)).Verdict == Verdict.Send)
            {
                sends++;
            }
        }

        return (decisions / clock.Elapsed.TotalSeconds, sends);
    }
}
