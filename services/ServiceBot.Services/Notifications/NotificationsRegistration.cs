using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ServiceBot.Services.Conversations;
using ServiceBot.Services.Menu;

namespace ServiceBot.Services.Notifications;

internal static class NotificationsRegistration
{
    /// <summary>
    /// The road every notice takes (delivery and promotion): status change → scheduled job → policy →
    /// send-once outbox → ledger, and the subscribe templates a one-time consent is spent on.
    /// </summary>
    public static IServiceCollection AddNotices(this IServiceCollection services)
    {
        services.AddOptions<PolicyOptions>().BindConfiguration(PolicyOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<PolicyOptions>, PolicyOptionsValidator>()
        );
        services.TryAddSingleton(provider => new NoticePolicy(
            provider.GetRequiredService<IOptions<PolicyOptions>>().Value,
            provider.GetRequiredService<IOptions<ShopOptions>>().Value,
            provider.GetRequiredService<IOptions<TemplateMessageOptions>>().Value
        ));
        services.AddOptions<SubscribeTemplateOptions>().BindConfiguration(SubscribeTemplateOptions.SectionName);
        services
            .AddOptions<TemplateMessageOptions>()
            .BindConfiguration(TemplateMessageOptions.SectionName)
            .ValidateOnStart();
        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<TemplateMessageOptions>, TemplateMessageOptionsValidator>()
        );
        services.TryAddSingleton<NoticeLedger>();
        services.TryAddSingleton<ConsentIndex>();
        services.TryAddSingleton<NoticeSender>();
        services.TryAddSingleton<NoticeReports>();
        services.AddSingleton<IGlobalCommand, DeliveryReportCommand>();
        services.TryAddSingleton<DeliveryNotices>();
        return services;
    }

    /// <summary>Consents: the settings dialog, TD/退订 from anywhere, revocation on unfollow.</summary>
    public static IServiceCollection AddNotificationSettings(this IServiceCollection services)
    {
        services.AddSingleton<IGlobalCommand, UnsubscribeCommand>();
        services.AddSingleton<IGlobalCommand, SubscribePopupCommand>();
        services.AddSingleton<INoticeOffers, DeliveryNoticeOffer>();
        services.AddOptions<SubscribeTemplateOptions>().BindConfiguration(SubscribeTemplateOptions.SectionName);
        services.AddDialog<NotificationSettingsDialog>();
        services.AddSingleton<ITopic, NotificationSettingsTopic>();
        return services;
    }
}
