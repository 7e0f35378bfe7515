using ServiceBot.Services.Help;

namespace ServiceBot.Tests.Help;

internal static class HelpFixtures
{
    public static readonly ProductHelp Cup = new(
        "CUP-1",
        [
            new HelpArticle(
                "保温杯怎么清洗",
                "用温水加少量小苏打浸泡十分钟，再用软毛刷清洗杯身和杯盖密封圈。不要放进洗碗机。",
                ["清洗", "洗", "clean", "wash"]
            ),
            new HelpArticle(
                "How to keep drinks hot longer",
                "Pre-warm the cup with hot water for one minute, then pour your drink and close the lid tightly.",
                ["hot", "warm", "保温", "预热"]
            ),
        ]
    );

    public static readonly ProductHelp Kettle = new(
        "KETTLE-1",
        [
            new HelpArticle(
                "电热水壶除水垢",
                "加入半壶水和两勺柠檬酸，烧开后静置三十分钟，倒掉并冲洗干净。",
                ["水垢", "除垢", "descale", "limescale"]
            ),
        ]
    );
}
