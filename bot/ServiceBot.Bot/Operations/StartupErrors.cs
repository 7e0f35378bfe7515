using Microsoft.Extensions.Options;

namespace ServiceBot.Bot.Operations;

/// <summary>Turns a configuration error at start-up into one clear line naming the key.</summary>
internal static class StartupErrors
{
    public static int Report(Exception exception)
    {
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
