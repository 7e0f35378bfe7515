namespace ServiceBot.Services.Conversations;

/// <summary>The two languages the bot speaks, and how it tells which one the user writes.</summary>
public static class Locales
{
    public const string Chinese = "zh";
    public const string English = "en";

    /// <summary>
    /// <c>zh</c> when the text has any CJK character, <c>en</c> when it has Latin letters and no
    /// CJK, otherwise null (digits, emoji, punctuation say nothing about the language).
    /// </summary>
    public static string? Detect(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var latin = false;
        foreach (var c in text)
        {
            if (c is >= '\u4e00' and <= '\u9fff' or >= '\u3400' and <= '\u4dbf' or >= '\uf900' and <= '\ufaff')
            {
                return Chinese;
            }

            latin |= char.IsAsciiLetter(c);
        }

        return latin ? English : null;
    }

    public static bool IsEnglish(string locale) => locale == English;
}
