namespace ServiceBot.Services.Menu;

/// <summary>The words that work everywhere, in both languages.</summary>
public static class MenuWords
{
    private static readonly string[] HelpWords = ["帮助", "菜单", "help", "menu", "?", "？", "你好", "您好", "hi", "hello"];
    private static readonly string[] CancelWords = ["取消", "退出", "算了", "cancel", "quit", "exit"];
    private static readonly string[] AgentWords = ["人工", "转人工", "人工客服", "客服", "真人", "agent", "human", "a person", "real person"];

    public static bool IsHelp(string? text) => IsOneOf(text, HelpWords);

    public static bool IsCancel(string? text) => IsOneOf(text, CancelWords);

    public static bool IsAgent(string? text) => IsOneOf(text, AgentWords);

    private static bool IsOneOf(string? text, string[] words)
    {
        var trimmed = text?.Trim().TrimEnd('!', '！', '.', '。');
        return !string.IsNullOrEmpty(trimmed) && words.Any(w => string.Equals(w, trimmed, StringComparison.OrdinalIgnoreCase));
    }
}
