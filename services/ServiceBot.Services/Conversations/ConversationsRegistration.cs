using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ServiceBot.Services.Conversations.Dialogs;

namespace ServiceBot.Services.Conversations;

internal static class ConversationsRegistration
{
    /// <summary>
    /// The bot kernel: turn pipeline, conversation state, dialogs, domain events and the shop's settings.
    /// </summary>
    public static IServiceCollection AddConversations(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<ShopOptions>().BindConfiguration(ShopOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ShopOptions>, ShopOptionsValidator>());
        services.AddDomainEvents();
        services.AddOptions<DialogOptions>();
        services.TryAddSingleton<ConversationStateStore>();
        services.TryAddSingleton<DialogMiddleware>();

        // Order is the pipeline's order.
        services.AddSingleton<ITurnMiddleware, ConversationGate>();
        services.AddSingleton<ITurnMiddleware, ConversationStateMiddleware>();
        services.AddSingleton<ITurnMiddleware, DuplicateActivityFilter>();
        services.AddSingleton<ITurnMiddleware, TranscriptMiddleware>();
        services.AddSingleton<ITurnMiddleware, GlobalCommandsMiddleware>();
        services.AddSingleton<ITurnMiddleware, HandoffRouting>();
        services.TryAddSingleton<ITurnProcessor, TurnPipeline>();
        return services;
    }

    /// <summary>Registers a dialog so the runner can begin it by id.</summary>
    public static IServiceCollection AddDialog<TDialog>(this IServiceCollection services)
        where TDialog : class, IDialog
    {
        services.AddSingleton<IDialog, TDialog>();
        return services;
    }

    /// <summary>
    /// Domain events with several consumers (a shipment changing status, a consent withdrawn, a case
    /// changing) go through Mediator. Its source generator runs in this assembly because the events'
    /// handlers live in the features here; the generated <c>AddMediator</c> registers every handler,
    /// so a container needs the stores those handlers use, which each feature registers once
    /// (<c>Program.cs</c> adds every feature).
    /// </summary>
    private static IServiceCollection AddDomainEvents(this IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(IPublisher)))
        {
            services.AddMediator(options => options.ServiceLifetime = ServiceLifetime.Singleton);
        }

        return services;
    }
}
