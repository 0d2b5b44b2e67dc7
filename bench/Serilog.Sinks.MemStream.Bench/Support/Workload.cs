using Serilog.Events;

namespace Serilog.Sinks.MemStream.Bench.Support;

/// <summary>
/// The events every comparison logs, so that all of them pay for the same Serilog work: one
/// template with three properties, a correlation id out of 10,000 (added by a contextual logger),
/// every tenth event a warning.
/// </summary>
internal static class Workload
{
    public const string Template = "Order {OrderId} shipped to {Customer} in {Elapsed} ms";
    public const int CorrelationIdCount = 10_000;
    public const string CorrelationIdProperty = "CorrelationId";

    public static string CorrelationId(int index) => $"order-{index % CorrelationIdCount:D5}";

    public static ILogger[] ContextualLoggers(ILogger logger) =>
        Enumerable.Range(0, CorrelationIdCount).Select(i => logger.ForContext(CorrelationIdProperty, CorrelationId(i))).ToArray();

    public static void Log(ILogger[] loggers, int index)
    {
        var logger = loggers[index % loggers.Length];
        if (index % 10 == 0)
            logger.Warning(Template, index, "customer-42", 12.5);
        else
            logger.Information(Template, index, "customer-42", 12.5);
    }

    /// <summary>The same event as <see cref="Log"/> logs, built directly, for the store engines.</summary>
    public static LogEvent Event(int index) => new(
        DateTimeOffset.UtcNow,
        index % 10 == 0 ? LogEventLevel.Warning : LogEventLevel.Information,
        null,
        Parser.Parse(Template),
        [
            new LogEventProperty("OrderId", new ScalarValue(index)),
            new LogEventProperty("Customer", new ScalarValue("customer-42")),
            new LogEventProperty("Elapsed", new ScalarValue(12.5)),
            new LogEventProperty(CorrelationIdProperty, new ScalarValue(CorrelationId(index))),
        ]);

    static readonly Serilog.Parsing.MessageTemplateParser Parser = new();
}
