using System.Diagnostics;
using System.Text.Json;
using Serilog.Events;
using Serilog.Sinks.MemStream.Store;

namespace Serilog.Sinks.MemStream;

/// <summary>
/// Reads an event back from CLEF (another instance's, from a fleet's stream or an HTTP query), so that
/// filters (level, correlation id, trace id, Serilog expressions) and printing see it as the instance's
/// own would: the
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
            if (root.TryGetProperty("@l", out var levelText) && !Enum.TryParse(levelText.GetString(), ignoreCase: false, out level))
                return false;
            var template = StoredEventCodec.ParseTemplate(root.TryGetProperty("@mt", out var mt) ? mt.GetString() ?? "" : root.TryGetProperty("@m", out var m) ? m.GetString() ?? "" : "");
            var exception = root.TryGetProperty("@x", out var x) && x.GetString() is { } text ? new StoredException(text) : null;
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
                root.TryGetProperty("@tr", out var tr) && TraceIdText.TryParse(tr.GetString(), out var traceId) ? traceId : default,
                root.TryGetProperty("@sp", out var sp) && sp.GetString() is { Length: 16 } span && span.All(char.IsAsciiHexDigit) ? ActivitySpanId.CreateFromString(span.ToLowerInvariant()) : default);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
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
            value.TryGetProperty("$type", out var tag) ? tag.GetString() : null),
    };
}
