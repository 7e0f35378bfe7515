using ServiceBot.Services.Menu;

namespace ServiceBot.Services.Help;

internal sealed class HelpTopic : ITopic
{
    private static readonly string[] Triggers =
    [
        "怎么用",
        "如何使用",
        "使用方法",
        "说明书",
        "怎么",
        "如何",
        "how do i",
        "how to",
        "help with",
        "instructions for",
        "instructions",
    ];

    public string MenuKey => "HELP";

    public string DialogId => HelpDialog.DialogId;

    public int Order => 30;

    public string Title(bool english) => HelpText.HelpTitle(english);

    public bool Matches(string text) => Triggers.Any(t => text.Contains(t, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The question without the words that only ask for help: "help with cleaning the cup" →
    /// "cleaning the cup", "怎么用" → "" (so the dialog asks what the problem is).
    /// </summary>
    public static string StripTrigger(string text)
    {
        var trimmed = text.Trim();
        foreach (var trigger in (string[])["help with", "instructions for"])
        {
            if (trimmed.StartsWith(trigger, StringComparison.OrdinalIgnoreCase))
            {
                return trimmed[trigger.Length..].Trim(' ', '?', '？');
            }
        }

        var bare = trimmed.Trim('?', '？', '。', ' ');
        return bare is "怎么用" or "如何使用" or "使用方法" or "说明书" or "使用帮助" or "instructions" ? "" : bare;
    }
}
