using System.Globalization;
using System.Text;

namespace ServiceBot.Services.Menu;

/// <summary>What the customer reads from the main menu, in Chinese or English, in the order they meet it.</summary>
internal static class MenuText
{
    public static string Welcome(IReadOnlyList<ITopic> topics, bool english) =>
        english
            ? "Hello and welcome! I'm the after-sales assistant: "
                + "I can track your orders, handle returns and answer how-to questions.\n\n"
                + Menu(topics, english)
            : "您好，欢迎关注！我是售后小助手，可以帮您查订单和物流、办理退货、解答使用问题。\n\n"
                + Menu(topics, english);

    public static string Menu(IReadOnlyList<ITopic> topics, bool english)
    {
        var text = new StringBuilder(english ? "Reply with a number:\n" : "请回复数字：\n");
        for (var i = 0; i < topics.Count; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{i + 1}. {topics[i].Title(english)}\n");
        }

        if (topics.Count == 0)
        {
            text.Clear().Append(english ? "More services are on their way.\n" : "更多服务即将上线。\n");
        }

        text.Append(english ? "Reply \"cancel\" at any time to stop." : "任何时候回复“取消”即可退出当前操作。");
        return text.ToString();
    }

    public static string PhotoNobodyAskedFor(bool english) =>
        english
            ? "I can't tell what this photo is for. To return an item, start a return from the menu "
                + "and send the photo when I ask; to show it to a person, reply \"agent\" first."
            : "我还不知道这张照片是做什么用的。要退货，请先从菜单开始退货，按提示再发照片；要给人工客服看，请先回复“人工”。";

    public static string NotUnderstood(bool english) =>
        english
            ? "Sorry, I didn't get that. Reply \"menu\" to see what I can help with."
            : "抱歉，我没有看懂。回复“菜单”看看我能帮您做什么。";

    public static string StillNotUnderstood(bool english) =>
        english
            ? "Sorry, I still didn't get that. Would you like a person to help? "
                + "Reply \"agent\", or \"menu\" to see what I can do."
            : "抱歉，我还是没有看懂。需要人工客服帮忙吗？回复“人工”即可，或回复“菜单”看看我能做什么。";

    public static string Cancelled(bool english) =>
        english
            ? "OK, cancelled. Reply \"menu\" to see what else I can do."
            : "好的，已取消。回复“菜单”看看我还能帮您做什么。";

    public static string NothingToCancel(bool english) =>
        english ? "OK. I'm here whenever you need me: just reply \"menu\"." : "好的。需要时随时找我，回复“菜单”即可。";
}
