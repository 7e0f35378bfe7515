namespace ServiceBot.Services.Campaigns;

/// <summary>What the customer reads of a campaign; sent outside any turn, so the stop line is bilingual.</summary>
internal static class CampaignText
{
    public static string Message(Campaign campaign)
    {
        var link = campaign.Url is { } url ? "\n" + url.AbsoluteUri : "";
        return $"{campaign.Title}\n{campaign.Body}{link}\n回复 TD 退订 / Reply TD to stop";
    }
}
