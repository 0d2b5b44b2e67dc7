using Serilog.Events;

namespace Serilog.Sinks.MemStream.AspNetCore;

internal static class CorrelationIds
{
    /// <summary>The event's correlation id as text, as the store keys it, or null.</summary>
    public static string? Of(LogEvent logEvent, string property) =>
        logEvent.Properties.TryGetValue(property, out var value) switch
        {
            false => null,
            true when value is ScalarValue { Value: null } => null,
            true when value is ScalarValue { Value: string text } => text,
            true when value is ScalarValue scalar => Convert.ToString(scalar.Value, System.Globalization.CultureInfo.InvariantCulture),
            _ => value!.ToString(),
        };
}
