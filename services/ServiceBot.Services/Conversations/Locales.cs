namespace ServiceBot.Services.Conversations;

/// <summary>The two languages the bot speaks, and how it tells which one the user writes.</summary>
internal static class Locales
{
    public const string Chinese = "zh";
    public const string English = "en";

    /// <summary>
    /// <c>zh</c> when the text has any CJK character, <c>en</c> when it has a Latin word, otherwise
    /// null: digits, emoji, punctuation and ids like "A1001" or "SF-12" say nothing about the language.
    /// </summary>
    public static string? Detect(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (
            text.Any(c =>
                c is >= '\u4e00' and <= '\u9fff' or >= '\u3400' and <= '\u4dbf' or >= '\uf900' and <= '\ufaff'
            )
        )
        {
            return Chinese;
        }

        var words = text.Split([' ', '\t', '\n', ',', '.', '!', '?', ';', ':'], StringSplitOptions.RemoveEmptyEntries);
        return words.Any(w => !w.Any(char.IsAsciiDigit) && w.Count(char.IsAsciiLetter) >= 2) ? English : null;
    }

    public static bool IsEnglish(string locale) => locale == English;
}
