using ServiceBot.Services.Menu;

namespace ServiceBot.Services.Returns;

internal sealed class ReturnTopic : ITopic
{
    private static readonly string[] Words =
    [
        "退货",
        "退换",
        "退款",
        "换货",
        "破损",
        "坏了",
        "return",
        "refund",
        "exchange",
        "broken",
        "damaged",
    ];

    public string MenuKey => "RETURN";

    public string DialogId => ReturnDialog.DialogId;

    public int Order => 20;

    public string Title(bool english) => ReturnText.ReturnTitle(english);

    public bool Matches(string text) => Words.Any(w => text.Contains(w, StringComparison.OrdinalIgnoreCase));
}

/// <summary>
/// "我的退货": the customer's returns and where each stands. Listed before <see cref="ReturnTopic"/> so it wins.
/// </summary>
internal sealed class ReturnStatusTopic : ITopic
{
    private static readonly string[] Words = ["我的退货", "退货进度", "退货状态", "my returns", "return status"];

    public string MenuKey => "RETURN_STATUS";

    public string DialogId => ReturnStatusDialog.DialogId;

    public int Order => 19;

    public string Title(bool english) => ReturnText.MyReturnsTitle(english);

    public bool Matches(string text) => Words.Any(w => text.Contains(w, StringComparison.OrdinalIgnoreCase));
}
