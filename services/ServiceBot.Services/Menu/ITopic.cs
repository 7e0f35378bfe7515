namespace ServiceBot.Services.Menu;

/// <summary>
/// One entry of the main menu (order lookup, returns, help, ...). Features register a topic and
/// its dialog; the main dialog lists them, and routes menu clicks, numbers and keywords to them.
/// </summary>
internal interface ITopic
{
    /// <summary>The channel menu key that opens it, e.g. <c>ORDER_STATUS</c>.</summary>
    string MenuKey { get; }

    /// <summary>The dialog begun when the user picks this topic.</summary>
    string DialogId { get; }

    /// <summary>Menu ordering; lower first.</summary>
    int Order { get; }

    string Title(bool english);

    /// <summary>True when free text asks for this topic ("查订单", "where is my order").</summary>
    bool Matches(string text);
}
