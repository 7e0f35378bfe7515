using System.Globalization;
using System.Text.RegularExpressions;

namespace ServiceBot.Services.Understanding;

/// <summary>
/// Which item of a numbered list the customer picked: "2", "二", "第二个", "第2个", "two",
/// "the second one", "#2", "2nd". Written here because Microsoft.Recognizers.Text cannot be
/// restored from our package source (its Microsoft.Recognizers.Definitions dependency is missing).
/// </summary>
internal static partial class ChoiceParser
{
    private static readonly string[] ChineseDigits = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

    private static readonly string[] EnglishNumbers =
    [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
    ];

    private static readonly string[] EnglishOrdinals =
    [
        "zeroth",
        "first",
        "second",
        "third",
        "fourth",
        "fifth",
        "sixth",
        "seventh",
        "eighth",
        "ninth",
        "tenth",
    ];

    /// <summary>The 1-based pick within <c>1..count</c>, or null when the text is not a pick.</summary>
    public static int? Pick(string? text, int count)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var value = Parse(text.Trim().ToLowerInvariant());
        if (value == -1)
        {
            value = count; // "最后一个", "the last one"
        }

        return value >= 1 && value <= count ? value : null;
    }

    private static int? Parse(string text)
    {
        if (text is "最后一个" or "最后一" or "最后" or "last" or "the last one" or "the last")
        {
            return -1;
        }

        var zh = ChineseChoice().Match(text);
        if (zh.Success)
        {
            return ChineseNumber(zh.Groups["n"].Value);
        }

        var en = EnglishChoice().Match(text);
        if (en.Success)
        {
            var word = en.Groups["n"].Value;
            if (int.TryParse(word, NumberStyles.None, CultureInfo.InvariantCulture, out var digits))
            {
                return digits;
            }

            var index = Array.IndexOf(EnglishNumbers, word);
            return index > 0 ? index
                : Array.IndexOf(EnglishOrdinals, word) is > 0 and var ordinal ? ordinal
                : null;
        }

        return null;
    }

    // 一..十, 十一..十九, 二十; digits pass through.
    private static int? ChineseNumber(string value)
    {
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var digits))
        {
            return digits;
        }

        if (value.Length == 1)
        {
            var index = Array.IndexOf(ChineseDigits, value);
            return value == "两" ? 2
                : index >= 0 ? index
                : null;
        }

        if (value.Length == 2 && value[0] == '十')
        {
            return 10 + Array.IndexOf(ChineseDigits, value[1].ToString());
        }

        if (value.Length == 2 && value[1] == '十')
        {
            return 10 * Array.IndexOf(ChineseDigits, value[0].ToString());
        }

        return null;
    }

    [GeneratedRegex(@"^第?(?<n>[0-9]{1,2}|[一二两三四五六七八九十]{1,2})(个|条|项|单|笔|号)?(订单)?[。.!！]?$")]
    private static partial Regex ChineseChoice();

    [GeneratedRegex(
        @"^(the |number |no\.? ?|#)?"
            + @"(?<n>[0-9]{1,2}|one|two|three|four|five|six|seven|eight|nine|ten"
            + @"|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)"
            + @"(st|nd|rd|th)?( one| order)?[.!]?$"
    )]
    private static partial Regex EnglishChoice();
}
