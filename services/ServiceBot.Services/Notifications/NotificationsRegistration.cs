using Microsoft.Extensions.DependencyInjection;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Menu;

namespace ServiceBot.Services.Notifications;

public static class NotificationsRegistration
{
    /// <summary>Consents: the settings dialog, TD/退订 from anywhere, revocation on unfollow.</summary>
    public static IServiceCollection AddNotificationSettings(this IServiceCollection services)
    {
        services.AddSingleton<IGlobalCommand, UnsubscribeCommand>();
        services.AddSingleton<IGlobalCommand, SubscribePopupCommand>();
        services.AddOptions<SubscribeTemplateOptions>().BindConfiguration(SubscribeTemplateOptions.SectionName);
        services.AddDialog<NotificationSettingsDialog>();
        services.AddSingleton<ITopic, NotificationSettingsTopic>();
        return services;
    }
}
