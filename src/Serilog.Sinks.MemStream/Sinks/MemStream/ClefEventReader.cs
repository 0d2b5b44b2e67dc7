using System.Diagnostics;
using System.Text.Json;
using Serilog.Events;
using Serilog.Sinks.MemStream.Store;

namespace Serilog.Sinks.MemStream;

/// <summary>
/// Reads an event back from CLEF (another instance's, from a fleet's stream or an HTTP query), so that
/// filters (level, correlation id, trace id, Serilog expressions) and printing see it as the instance
/// that logged it did: the
/// timestamp, template, level, exception (as its text), trace and span ids, and the properties, with
/// objects as structures (their <c>$type</c> as the tag), arrays as sequences and numbers as
/// <c>long</c>, <c>decimal</c> or <c>double</c>. Anything that is not CLEF gives false, never an exception.
/// </summary>
internal static class ClefEventReader
{
    const int MaxDepth = 64;

    public static bool TryRead(string clef, out LogEvent? logEvent)
    {
        logEvent = null;
        try
        {
            using var document = JsonDocument.Parse(clef, new JsonDocumentOptions { MaxDepth = MaxDepth });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("@t", out var time) || !time.TryGetDateTimeOffset(out var timestamp))
                return false;
            var level = LogEventLevel.Information;
            if (root.TryGetProperty("@l", out var levelText) && !TryLevel(Text(levelText), out level))
                return false;
            var template = StoredEventCodec.ParseTemplate(Text(root, "@mt") ?? Text(root, "@m") ?? "");
            var exception = Text(root, "@x") is { } text ? new StoredException(text) : null;
            var properties = new List<LogEventProperty>();
            foreach (var property in root.EnumerateObject())
            {
                if (property.Name.StartsWith('@') && !property.Name.StartsWith("@@", StringComparison.Ordinal))
                    continue;
                var name = property.Name.StartsWith("@@", StringComparison.Ordinal) ? property.Name[1..] : property.Name;
                if (LogEventProperty.IsValidName(name))
                    properties.Add(new LogEventProperty(name, ValueOf(property.Value)));
            }
            logEvent = new LogEvent(timestamp, level, exception, template, properties,
                TraceIdText.TryParse(Text(root, "@tr"), out var traceId) ? traceId : default,
                Text(root, "@sp") is { Length: 16 } span && span.All(char.IsAsciiHexDigit) && span.Any(c => c != '0') ? ActivitySpanId.CreateFromString(span.ToLowerInvariant()) : default);
            return true;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or ArgumentException)
        {
            return false; // whatever the JSON holds where CLEF has something else
        }
    }

    /// <summary>A string member's text; null when it is missing or not a string.</summary>
    static string? Text(JsonElement root, string name) => root.TryGetProperty(name, out var value) ? Text(value) : null;

    static string? Text(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>Level names only (Enum.TryParse would take numbers, and "99" is no level).</summary>
    static bool TryLevel(string? text, out LogEventLevel level)
    {
        level = LogEventLevel.Information;
        foreach (var candidate in Enum.GetValues<LogEventLevel>())
        {
            if (candidate.ToString() == text)
            {
                level = candidate;
                return true;
            }
        }
        return false;
    }

    static LogEventPropertyValue ValueOf(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => new ScalarValue(value.GetString()),
        JsonValueKind.True => new ScalarValue(true),
        JsonValueKind.False => new ScalarValue(false),
        JsonValueKind.Null or JsonValueKind.Undefined => new ScalarValue(null),
        JsonValueKind.Number => new ScalarValue(
            value.TryGetInt64(out var whole) ? whole
            : value.TryGetDecimal(out var exact) ? exact
            : value.GetDouble()),
        JsonValueKind.Array => new SequenceValue(value.EnumerateArray().Select(ValueOf).ToList()),
        _ => new StructureValue(
            value.EnumerateObject().Where(p => p.Name != "$type" && LogEventProperty.IsValidName(p.Name)).Select(p => new LogEventProperty(p.Name, ValueOf(p.Value))).ToList(),
            Text(value, "$type")),
    };
}
