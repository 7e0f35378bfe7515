using Microsoft.Extensions.DependencyInjection.Extensions;
using ServiceBot.Bot.Channels.WebChat;
using ServiceBot.Bot.Channels.WeChat;
using ServiceBot.Services.Photos;

namespace ServiceBot.Bot.Channels;

internal static class ChannelsRegistration
{
    /// <summary>WeChat and the web chat, and the photo download that serves both.</summary>
    public static IServiceCollection AddChannels(this IServiceCollection services)
    {
        services.AddWeChat();
        services.AddWebChat();
        services.TryAddSingleton<IMediaDownloader, ChannelMediaDownloader>();
        return services;
    }

    public static IEndpointRouteBuilder MapChannels(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapWeChat();
        endpoints.MapWebChat();
        return endpoints;
    }
}
