namespace ServiceBot.Services.Help;

/// <summary>What the customer reads from usage help, in Chinese or English, in the order they meet it.</summary>
internal static class HelpText
{
    public static string HelpTitle(bool english) => english ? "How to use my product" : "使用帮助";

    public static string AskForQuestion(bool english) =>
        english
            ? "What would you like to know? For example \"how do I clean the cup\". You can also send a photo."
            : "请描述一下您遇到的问题，例如“保温杯怎么清洗”。也可以直接发照片给我。";

    public static string Answer(HelpArticle article, bool english) =>
        english
            ? $"[{article.Title}]\n{article.Body}\n\nStill stuck? Reply \"agent\" to reach a person."
            : $"【{article.Title}】\n{article.Body}\n\n没有解决？回复“人工”联系客服。";

    public static string NoGoodAnswer(bool english) =>
        english
            ? "Sorry, I couldn't find a good answer. Try asking another way, or reply \"agent\" for a person."
            : "抱歉，没有找到合适的说明。换个说法再问一次？或回复“人工”联系客服。";

    public static string NeedsAPerson(bool english) =>
        english ? "This needs a person to look at it." : "这个问题需要客服来看一下。";
}
