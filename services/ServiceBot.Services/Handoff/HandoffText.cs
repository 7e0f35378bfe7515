using ServiceBot.Services.Conversations;

namespace ServiceBot.Services.Handoff;

/// <summary>
/// What the customer reads while handed to a person, in the order they meet it. Turn replies come
/// in Chinese or English; the agent desk speaks outside any turn, so its notices are fixed.
/// </summary>
internal static class HandoffText
{
    public static string Queued(int ahead, bool english) =>
        (ahead, english) switch
        {
            (0, true) => "I've asked a person to help; you're next. Reply \"cancel\" to leave the queue.",
            (_, true) => $"I've asked a person to help; {ahead} ahead of you. Reply \"cancel\" to leave the queue.",
            (0, false) => "已为您转接人工客服，马上就到您。回复“取消”可退出排队。",
            _ => $"已为您转接人工客服，您前面还有 {ahead} 位。回复“取消”可退出排队。",
        };

    public static string QueuedOutOfHours(HoursOptions hours, bool english) =>
        english
            ? $"Our agents are in from {hours.Start:HH\\:mm} to {hours.End:HH\\:mm}. "
                + "You're in the queue and will hear from a person when they're back. Reply \"cancel\" to "
                + "leave the queue."
            : $"现在是非工作时间（客服 {hours.Start:HH\\:mm}–{hours.End:HH\\:mm} 在线）。已为您排队，客服上班后会尽快回复您。回复“取消”可退出排队。";

    public static string QueueFull(bool english) =>
        english
            ? "Many people are waiting for an agent right now. Please try again in a few minutes; "
                + "I'm still here: reply \"menu\" to see what I can do."
            : "现在排队等人工客服的人很多，请过几分钟再试。我还在，回复“菜单”看看我能帮您做什么。";

    public static string LeftQueue(bool english) =>
        english
            ? "OK, you've left the queue. I'm still here: reply \"menu\" to see what I can do."
            : "好的，已退出排队。我还在，回复“菜单”看看我能帮您做什么。";

    public static string AgentJoined(string agent) =>
        $"您好，我是客服 {agent}，接下来由我为您服务。\nHello, I'm {agent} from customer service; I'll take it from here.";

    public static string AgentWentQuiet =>
        "刚才的客服暂时离开了，已为您重新排队，稍等片刻。\n"
        + "The agent had to step away; you're back in the queue and someone will be with you shortly.";

    public static string ChatResolved =>
        "本次服务已结束，感谢您的耐心。之后有问题随时找我，回复“人工”可再联系客服。\n"
        + "This chat is closed; thank you for your patience. Reply \"agent\" any time to reach a person again.";

    public static string BackToTheBot =>
        "客服已离开，接下来由智能助手为您服务。回复“菜单”看看我能做什么，回复“人工”可再联系客服。\n"
        + "The agent has left and I'm back. Reply \"menu\" to see what I can do, or \"agent\" for a person.";

    public static string AllAgentsBusy =>
        "抱歉，客服暂时都在忙。回复“回电”留下手机号，我们会给您回电；也可以稍后回复“人工”再试。\n"
        + "Sorry, all our agents are busy. Reply \"call me\" to leave a number for a call back, "
        + "or \"agent\" later to try again.";

    public static string CallbackTitle(bool english) => english ? "Ask for a call back" : "预约回电";

    public static string AskForMobile(bool english) =>
        english
            ? "Please reply with your mobile number (11 digits); an agent will call you back in working hours. "
                + "Reply \"cancel\" to skip."
            : "请回复您的手机号（11 位），客服会在工作时间给您回电。回复“取消”不留号。";

    public static string NotAMobile(bool english) =>
        english
            ? "That doesn't look like a mobile number; please reply with 11 digits, e.g. 13800138000."
            : "这看起来不是手机号，请回复 11 位手机号，例如 13800138000。";

    public static string CallbackBooked(string maskedPhone, bool english) =>
        english ? $"Done: we'll call you back on {maskedPhone}." : $"已登记，我们会打 {maskedPhone} 给您回电。";

    public static string NoCallbackBooked(bool english) =>
        english ? "No call back was booked. Reply \"call me\" any time." : "没有登记回电。需要时回复“回电”再来。";
}
