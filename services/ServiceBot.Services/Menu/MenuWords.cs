namespace ServiceBot.Services.Menu;

/// <summary>The words that work everywhere, in both languages.</summary>
internal static class MenuWords
{
    private static readonly string[] HelpWords =
    [
        "帮助",
        "菜单",
        "help",
        "menu",
        "?",
        "？",
        "你好",
        "您好",
        "hi",
        "hello",
    ];
    private static readonly string[] CancelWords = ["取消", "退出", "算了", "cancel", "quit", "exit"];
    private static readonly string[] AgentWords =
    [
        "人工",
        "转人工",
        "人工客服",
        "客服",
        "真人",
        "agent",
        "human",
        "a person",
        "real person",
    ];

    public static bool IsHelp(string? text) => IsOneOf(text, HelpWords);

    public static bool IsCancel(string? text) => IsOneOf(text, CancelWords);

    // How people ask for a person around the word itself: "我要人工", "转人工客服", "talk to a human".
    private static readonly string[] AgentAsks =
    [
        "i want to talk to",
        "i want to speak to",
        "can i talk to",
        "can i speak to",
        "let me talk to",
        "i want",
        "talk to",
        "speak to",
        "talk with",
        "speak with",
        "我想要",
        "我想找",
        "我要",
        "我找",
        "帮我转",
        "给我转",
        "转接",
        "请",
        "找",
        "转",
        "a ",
        "an ",
        "the ",
    ];

    public static bool IsAgent(string? text)
    {
        var asked = text?.Trim().TrimEnd('!', '！', '.', '。', '吧', '啊') ?? "";
        for (var stripped = true; stripped && asked.Length > 0; )
        {
            stripped = false;
            foreach (var ask in AgentAsks)
            {
                if (asked.StartsWith(ask, StringComparison.OrdinalIgnoreCase) && asked.Length > ask.Length)
                {
                    asked = asked[ask.Length..].TrimStart();
                    stripped = true;
                    break;
                }
            }
        }

        return IsOneOf(asked, AgentWords);
    }

    private static bool IsOneOf(string? text, string[] words)
    {
        var trimmed = text?.Trim().TrimEnd('!', '！', '.', '。');
        return !string.IsNullOrEmpty(trimmed)
            && words.Any(w => string.Equals(w, trimmed, StringComparison.OrdinalIgnoreCase));
    }
}
