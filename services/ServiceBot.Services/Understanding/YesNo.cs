namespace ServiceBot.Services.Understanding;

/// <summary>Yes or no in Chinese or English ("是的", "好", "确认", "不用了", "yes", "nope"); null when neither.</summary>
internal static class YesNo
{
    private static readonly string[] Yes =
    [
        "是",
        "是的",
        "对",
        "对的",
        "好",
        "好的",
        "嗯",
        "确认",
        "确定",
        "可以",
        "行",
        "没问题",
        "提交",
        "yes",
        "y",
        "yeah",
        "yep",
        "ok",
        "okay",
        "sure",
        "confirm",
        "submit",
    ];
    private static readonly string[] No =
    [
        "不",
        "不是",
        "不用",
        "不用了",
        "不要",
        "否",
        "算了",
        "no",
        "n",
        "nope",
        "not now",
    ];

    public static bool? Parse(string? text)
    {
        var trimmed = text?.Trim().TrimEnd('。', '.', '!', '！', '~').ToLowerInvariant();
        if (string.IsNullOrEmpty(trimmed))
        {
            return null;
        }

        return Yes.Contains(trimmed) ? true
            : No.Contains(trimmed) ? false
            : null;
    }
}
