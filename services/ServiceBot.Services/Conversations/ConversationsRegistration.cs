using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ServiceBot.Services.Conversations.Dialogs;
using ServiceBot.Services.DomainEvents;

namespace ServiceBot.Services.Conversations;

public static class ConversationsRegistration
{
    /// <summary>The bot kernel: turn pipeline, conversation state, dialogs and proactive sends.</summary>
    public static IServiceCollection AddConversations(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddDomainEvents();
        services.AddOptions<DialogOptions>();
        services.TryAddSingleton<ConversationStateStore>();
        services.AddProactiveMessenger();
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

    /// <summary>Sends outside a turn, with the retry of sends the channel did not take.</summary>
    public static IServiceCollection AddProactiveMessenger(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => new SendRetry(provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<ProactiveMessenger>();
        return services;
    }

    /// <summary>Registers a dialog so the runner can begin it by id.</summary>
    public static IServiceCollection AddDialog<TDialog>(this IServiceCollection services)
        where TDialog : class, IDialog
    {
        services.AddSingleton<IDialog, TDialog>();
        return services;
    }
}
