using Microsoft.Extensions.Options;

namespace ServiceBot.Bot.Operations;

/// <summary>Turns a configuration or store error at start-up into one clear line naming the key or file.</summary>
internal static class StartupErrors
{
    public static int Report(Exception exception)
    {
        if (exception is ServiceBot.Services.Storage.StorageUnavailableException storage)
        {
            // A damaged or locked store: the message names the file and byte, or the other process.
            Console.Error.WriteLine($"ServiceBot cannot start: {storage.Message}");
            return 1;
        }

        var message = exception switch
        {
            OptionsValidationException e => string.Join(Environment.NewLine, e.Failures),
            // Several option classes failing at once: one line each.
            AggregateException e when e.InnerExceptions.All(i => i is OptionsValidationException) => string.Join(
                Environment.NewLine,
                e.InnerExceptions.Cast<OptionsValidationException>().SelectMany(i => i.Failures)
            ),
            // The configuration binder names the key: "Failed to convert configuration value at 'WeChat:ReplyBudget'
            // ...".
            InvalidOperationException e when e.Message.Contains("configuration", StringComparison.OrdinalIgnoreCase) =>
                e.Message,
            _ => null,
        };
        if (message is null)
        {
            return -1;
        }

        Console.Error.WriteLine($"ServiceBot cannot start: configuration error.{Environment.NewLine}{message}");
        return 1;
    }
}
