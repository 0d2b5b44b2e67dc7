using System.Globalization;
using Serilog.Events;

namespace Serilog.Sinks.MemStream;

/// <summary>How an event's correlation id reads as text: the one rule the store's keys and the tail's filter share.</summary>
internal static class CorrelationIdText
{
    /// <summary>The value of <paramref name="property"/> as text, or null when the event has none (or it is null).</summary>
    public static string? Of(LogEvent logEvent, string property) =>
        logEvent.Properties.TryGetValue(property, out var value) switch
        {
            false => null,
            true when value is ScalarValue { Value: null } => null,
            true when value is ScalarValue { Value: string text } => text,
            true when value is ScalarValue scalar => Convert.ToString(scalar.Value, CultureInfo.InvariantCulture),
            _ => value!.ToString(),
        };
}
