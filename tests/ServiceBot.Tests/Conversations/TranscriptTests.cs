using System.Text;
using ServiceBot.Services.Conversations;

namespace ServiceBot.Tests.Conversations;

public sealed class TranscriptTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void LongLines_AreCut_TheCustomersAt100Characters_TheBotsAt60()
    {
        var record = new ConversationRecord();
        var asked = string.Concat(Enumerable.Repeat("我的快递", 40));
        var answered = string.Concat(Enumerable.Repeat("您的订单", 40));

        Transcript.Append(record, [new(At, true, asked), new(At, false, answered)]);

        var lines = Transcript.Of(record);
        Assert.Equal(asked[..99] + "…", lines[0].Text);
        Assert.Equal(answered[..59] + "…", lines[1].Text);
    }

    [Fact]
    public void ACut_NeverLeavesHalfAnEmoji()
    {
        var record = new ConversationRecord();
        var text = new string('a', 98) + "😀😀";

        Transcript.Append(record, [new(At, true, text)]);

        Assert.Equal(new string('a', 98) + "…", Transcript.Of(record)[0].Text);
    }

    [Fact]
    public void AChattyCustomer_KeepsTheLatestLinesThatFitTheBudget()
    {
        var record = new ConversationRecord();
        for (var i = 0; i < 20; i++)
        {
            Transcript.Append(
                record,
                [
                    new(At.AddMinutes(i), true, $"第{i}个问题：" + new string('问', 90)),
                    new(At.AddMinutes(i), false, $"answer {i}"),
                ]
            );
        }

        var lines = Transcript.Of(record);
        Assert.InRange(lines.Sum(l => Encoding.UTF8.GetByteCount(l.Text)), 1, Transcript.MaxTextBytes);
        Assert.Equal("answer 19", lines[^1].Text);
        Assert.StartsWith("第19个问题", lines[^2].Text, StringComparison.Ordinal);
        Assert.Equal(lines.OrderBy(l => l.At).ToList(), lines);
    }

    [Fact]
    public void ShortLines_KeepTheLastEight()
    {
        var record = new ConversationRecord();
        for (var i = 0; i < 10; i++)
        {
            Transcript.Append(record, [new(At, true, $"q{i}"), new(At, false, $"a{i}")]);
        }

        Assert.Equal(["q6", "a6", "q7", "a7", "q8", "a8", "q9", "a9"], Transcript.Of(record).Select(l => l.Text));
    }

    [Fact]
    public void Times_AreStoredToTheSecond_AndOlderIsoTimesStillRead()
    {
        var record = new ConversationRecord();
        Transcript.Append(record, [new(At.AddMilliseconds(740), true, "你好")]);

        Assert.Equal(At.ToUnixTimeSeconds(), record.Properties["transcript"][0].GetProperty("at").GetInt64());

        record.Properties["transcript"] = System
            .Text.Json.JsonDocument.Parse(
                """[{"at":"2026-11-24T09:00:00.7400000+00:00","fromUser":true,"text":"你好","activityId":"42"}]"""
            )
            .RootElement;
        Assert.Equal(new TranscriptLine(At.AddMilliseconds(740), true, "你好", "42"), Transcript.Of(record)[0]);
    }
}
