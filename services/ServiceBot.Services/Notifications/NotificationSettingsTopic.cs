using ServiceBot.Services.Menu;

namespace ServiceBot.Services.Notifications;

internal sealed class NotificationSettingsTopic : ITopic
{
    public string MenuKey => "NOTIFY_SETTINGS";

    public string DialogId => NotificationSettingsDialog.DialogId;

    public int Order => 40;

    public string Title(bool english) => NotificationText.SettingsTitle(english);

    public bool Matches(string text) =>
        text.Contains("通知", StringComparison.Ordinal)
        || text.Contains("notification", StringComparison.OrdinalIgnoreCase);
}
