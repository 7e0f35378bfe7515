using System.Globalization;
using System.Text;
using ServiceBot.Services.Orders;

namespace ServiceBot.Services.Returns;

/// <summary>What the customer reads about returns, in Chinese or English, in the order they meet it.</summary>
internal static class ReturnText
{
    public static readonly (string Chinese, string English)[] Reasons =
    [
        ("商品破损", "Arrived damaged"),
        ("质量问题", "Defective"),
        ("发错货", "Wrong item"),
        ("不想要了", "Changed my mind"),
    ];

    public static string ReturnTitle(bool english) =>
        english ? "Return, exchange or refund (with photos)" : "退货 / 换货 / 退款（拍照）";

    public static string MyReturnsTitle(bool english) => english ? "My returns" : "我的退货";

    public static string NoOrdersToReturn(bool english) =>
        english
            ? "I found no orders of yours to return. Reply \"agent\" if you need help."
            : "没有找到您名下的订单，所以无法申请退货。需要帮忙请回复“人工”。";

    public static string OrderList(IReadOnlyList<Order> orders, bool english)
    {
        var text = new StringBuilder(english ? "Which order is it?\n" : "要退哪个订单的商品？\n");
        for (var i = 0; i < orders.Count; i++)
        {
            var items = string.Join(english ? ", " : "，", orders[i].Items.Select(item => item.Name));
            text.Append(CultureInfo.InvariantCulture, $"{i + 1}. {orders[i].OrderId} · {items}\n");
        }

        return text.Append(english ? "Reply with a number." : "请回复序号。").ToString();
    }

    public static string PickOrderByNumber(int count, bool english) =>
        english ? $"Please reply with a number from 1 to {count}." : $"请回复 1 到 {count} 之间的序号。";

    public static string Ineligible(IneligibleReason why, int windowDays, bool english) =>
        english
            ? IneligibleEnglish(why, windowDays) + "\nWould you like a person to look at it? Reply \"agent\"."
            : IneligibleChinese(why, windowDays) + "\n需要人工帮忙吗？回复“人工”即可。";

    public static string ItemList(Order order, bool english)
    {
        var text = new StringBuilder(english ? "Which item?\n" : "要退哪件商品？\n");
        for (var i = 0; i < order.Items.Count; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{i + 1}. {order.Items[i].Name}\n");
        }

        return text.Append(english ? "Reply with a number." : "请回复序号。").ToString();
    }

    public static string PickItemByNumber(int count, bool english) =>
        english
            ? $"Please reply with a number from 1 to {count} for the item."
            : $"请回复 1 到 {count} 之间的序号，选择要退的商品。";

    /// <summary>The kind the customer's words ask for: "换货" is an exchange, "仅退款" a refund, "退货" a return.</summary>
    public static ReturnKind? KindIn(string? text) =>
        text switch
        {
            null => null,
            _ when Has(text, "换货", "换一个", "exchange", "replace") => ReturnKind.Exchange,
            _ when Has(text, "仅退款", "只退款", "不退货", "refund only", "just a refund") => ReturnKind.Refund,
            _ when Has(text, "退货", "return") => ReturnKind.Return,
            _ => null,
        };

    private static bool Has(string text, params string[] words) =>
        words.Any(w => text.Contains(w, StringComparison.OrdinalIgnoreCase));

    public static string KindPrompt(bool english) =>
        english
            ? "What would you like?\n1. Return it for a refund\n2. Exchange it\n3. A refund only (keep the item, "
                + "or it never came)"
            : "您想怎么处理？\n1. 退货退款\n2. 换货\n3. 仅退款（不寄回商品，或商品没收到）";

    public static string QuantityPrompt(int bought, bool english) =>
        english
            ? $"You bought {bought}. How many? Reply 1 to {bought}."
            : $"这件商品您买了 {bought} 件，要处理几件？请回复 1 到 {bought}。";

    private static string KindName(ReturnKind kind, bool english) =>
        (kind, english) switch
        {
            (ReturnKind.Exchange, false) => "换货",
            (ReturnKind.Exchange, true) => "exchange",
            (ReturnKind.Refund, false) => "仅退款",
            (ReturnKind.Refund, true) => "refund",
            (_, false) => "退货",
            _ => "return",
        };

    public static string ReasonPrompt(bool english)
    {
        var text = new StringBuilder(english ? "What's wrong with it?\n" : "请选择退货原因：\n");
        for (var i = 0; i < Reasons.Length; i++)
        {
            text.Append(
                CultureInfo.InvariantCulture,
                $"{i + 1}. {(english ? Reasons[i].English : Reasons[i].Chinese)}\n"
            );
        }

        return text.Append(english ? "Or just tell me in a few words." : "也可以直接写下原因。").ToString();
    }

    public static string PickReasonByNumber(bool english) =>
        english ? "Please reply 1 to 4, or write the reason." : "请回复 1 到 4 选择退货原因，或直接写下原因。";

    public static string AskForPhotos(int maxPhotos, bool english) =>
        english
            ? $"Please send photos of the item (1 to {maxPhotos}, showing the problem), then reply \"done\"."
            : $"请拍下商品照片发给我（1 到 {maxPhotos} 张，能看清问题最好），发完回复“好了”。";

    public static string PhotoNotReceived(long limitMegabytes, bool english) =>
        english
            ? $"I couldn't get that photo (or it isn't an image, or is over {limitMegabytes} MB). Please send it again."
            : $"这张照片没有收到（或不是图片，或超过 {limitMegabytes} MB），请再发一次。";

    public static string PhotoReceived(int count, bool english) =>
        english
            ? $"Got photo {count}. Send more, or reply \"done\"."
            : $"收到第 {count} 张。还有的话继续发，发完回复“好了”。";

    public static string NeedAtLeastOnePhoto(bool english) =>
        english ? "The merchant needs at least one photo to review the return." : "还需要至少一张照片，商家才能审核。";

    public static string SendPhotosThenDone(bool english) =>
        english ? "Please send photos of the item, then reply \"done\"." : "请发送商品照片，发完回复“好了”。";

    public static string Summary(ReturnDraft draft, bool english)
    {
        var reason = Array.Find(Reasons, r => r.English == draft.Reason) is { Chinese: not null } known
            ? (english ? known.English : known.Chinese)
            : draft.Reason;
        var kind = KindName(draft.Kind ?? ReturnKind.Return, english);
        var quantity = draft.Bought > 1 ? $" ×{draft.Quantity}" : "";
        return english
            ? $"Please check:\nOrder {draft.OrderId}, item {draft.Sku}{quantity}\nReason: {reason}\n"
                + $"Photos: {draft.Photos.Count}\nWanted: {kind}\nReply \"yes\" to submit, \"cancel\" to drop it."
            : $"请确认：\n订单 {draft.OrderId}，商品 {draft.Sku}{quantity}\n原因：{reason}\n"
                + $"照片：{draft.Photos.Count} 张\n处理方式：{kind}\n回复“确认”提交，回复“取消”放弃。";
    }

    public static string ConfirmOrCancel(bool english) =>
        english ? "Please reply \"yes\" to submit or \"cancel\" to drop it." : "请回复“确认”提交，或“取消”放弃。";

    public static string Submitted(string rmaId, ReturnKind kind, bool english) =>
        english
            ? $"Your {(kind == ReturnKind.Return ? "return" : KindName(kind, true) + " request")} is in: {rmaId}. "
                + "The merchant reviews it within 1-2 working days "
                + "and I'll tell you the outcome here. Reply \"my returns\" any time."
            : $"{KindName(kind, false)}申请已提交，编号 {rmaId}。商家会在 1-2 个工作日内审核，结果会在这里通知您。回复“我的退货”可随时查看进度。";

    public static string NotSubmitted(bool english) =>
        english ? "OK, the return was not submitted." : "好的，退货申请没有提交。";

    public static string StillNotUnderstood(bool english) =>
        english
            ? "Sorry, I still didn't get that. Reply \"return\" to start again, or \"agent\" for a person."
            : "抱歉，我还是没看明白。回复“退货”重新开始，或回复“人工”找客服。";

    /// <summary>
    /// Sent outside any turn, so it carries both languages: Chinese first, then English; with an approval,
    /// where and how to send the item back.
    /// </summary>
    public static string Decision(ReturnRequest request)
    {
        var (zh, en) = (KindName(request.Kind, false), KindName(request.Kind, true));
        var note = request.Note is null ? "" : $"\n商家留言 / Note: {request.Note}";
        var back = request.Instructions switch
        {
            null => "",
            { Address: { } address, Label: { } label } =>
                $"\n寄回地址 / Send it to: {address}\n退货标签 / Label: {label}",
            { Address: { } address } => $"\n寄回地址 / Send it to: {address}",
            { Label: { } label } => $"\n退货标签 / Label: {label}",
            _ => "",
        };
        var next =
            request.Kind == ReturnKind.Refund
                ? ("退款会原路退回。", "the refund goes back the way you paid.")
                : ("请按商家说明寄回商品。", "please send the item back as described.");
        return request.Status == ReturnStatus.Approved
            ? $"您的{zh}申请 {request.RmaId} 已通过，{next.Item1}\n"
                + $"Your {en} {request.RmaId} is approved; {next.Item2}{back}{note}"
            : $"很抱歉，您的{zh}申请 {request.RmaId} 未通过。有疑问请回复“人工”。\n"
                + $"Sorry, your {en} {request.RmaId} was declined. Reply \"agent\" with any questions.{note}";
    }

    public static string NoReturnsYet(bool english) =>
        english ? "You have no returns. Reply \"return\" to open one." : "您还没有退货申请。回复“退货”可以申请。";

    public static string MyReturns(IEnumerable<ReturnRequest> mine, bool english, TimeZoneInfo zone)
    {
        var text = new StringBuilder(english ? "Your returns:\n" : "您的退货：\n");
        foreach (var request in mine)
        {
            var local = TimeZoneInfo.ConvertTime(request.CreatedAt, zone);
            var date = local.ToString(english ? "d MMM" : "M月d日", CultureInfo.InvariantCulture);
            var note = string.IsNullOrEmpty(request.Note) ? "" : $" · {request.Note}";
            text.Append(
                CultureInfo.InvariantCulture,
                $"{request.RmaId} · {request.OrderId} · {date} · {Status(request.Status, english)}{note}\n"
            );
        }

        return text.ToString().TrimEnd();
    }

    private static string Status(ReturnStatus status, bool english) =>
        (status, english) switch
        {
            (ReturnStatus.Requested, false) => "审核中",
            (ReturnStatus.Requested, true) => "being reviewed",
            (ReturnStatus.Approved, false) => "已同意",
            (ReturnStatus.Approved, true) => "approved",
            (_, false) => "未通过",
            _ => "declined",
        };

    private static string IneligibleChinese(IneligibleReason why, int windowDays) =>
        why switch
        {
            IneligibleReason.NotDelivered => "这个订单还没有签收，签收后才能申请退货。",
            IneligibleReason.PastWindow => $"这个订单签收已超过 {windowDays} 天，超出了退货期限。",
            _ => "这件商品已经申请过退货了，回复“我的退货”查看进度。",
        };

    private static string IneligibleEnglish(IneligibleReason why, int windowDays) =>
        why switch
        {
            IneligibleReason.NotDelivered => "This order hasn't been delivered yet; returns open once it arrives.",
            IneligibleReason.PastWindow =>
                $"This order was delivered more than {windowDays} days ago, past the return window.",
            _ => "This item already has a return; reply \"my returns\" to see it.",
        };
}
