using System.Globalization;
using System.Text;
using ServiceBot.Services.Orders;

namespace ServiceBot.Services.Returns;

internal static class ReturnText
{
    public static readonly (string Chinese, string English)[] Reasons =
        [("商品破损", "Arrived damaged"), ("质量问题", "Defective"), ("发错货", "Wrong item"), ("不想要了", "Changed my mind")];

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

    public static string ItemList(Order order, bool english)
    {
        var text = new StringBuilder(english ? "Which item?\n" : "要退哪件商品？\n");
        for (var i = 0; i < order.Items.Count; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{i + 1}. {order.Items[i].Name}\n");
        }

        return text.Append(english ? "Reply with a number." : "请回复序号。").ToString();
    }

    public static string ReasonPrompt(bool english)
    {
        var text = new StringBuilder(english ? "What's wrong with it?\n" : "请选择退货原因：\n");
        for (var i = 0; i < Reasons.Length; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{i + 1}. {(english ? Reasons[i].English : Reasons[i].Chinese)}\n");
        }

        return text.Append(english ? "Or just tell me in a few words." : "也可以直接写下原因。").ToString();
    }

    public static string Summary(ReturnDraft draft, bool english)
    {
        var reason = Array.Find(Reasons, r => r.English == draft.Reason) is { Chinese: not null } known
            ? (english ? known.English : known.Chinese)
            : draft.Reason;
        return english
            ? $"Please check:\nOrder {draft.OrderId}, item {draft.Sku}\nReason: {reason}\nPhotos: {draft.Photos.Count}\nReply \"yes\" to submit, \"cancel\" to drop it."
            : $"请确认：\n订单 {draft.OrderId}，商品 {draft.Sku}\n原因：{reason}\n照片：{draft.Photos.Count} 张\n回复“确认”提交，回复“取消”放弃。";
    }
}
