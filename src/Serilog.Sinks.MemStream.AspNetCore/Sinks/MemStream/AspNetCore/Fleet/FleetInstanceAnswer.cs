using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Serilog.Events;

namespace Serilog.Sinks.MemStream.AspNetCore;

/// <summary>
/// One instance's answer to a fleet query, from its own store: <c>{"instance", "events": [...], "truncated"}</c>,
/// each event written as the query endpoint writes it, with <c>instance</c>. What a fleet's engine sends back to
/// the instance that asked (<see cref="Write"/>), which reads each answer (<see cref="TryRead"/>) and merges them
/// into a <see cref="FleetQueryAnswer"/>.
/// </summary>
public static class FleetInstanceAnswer
{
    /// <summary>
    /// About how many bytes an answer holds at most, whatever the query's limit: 4 MiB (a page of stored events).
    /// An answer that would pass it ends early and says <c>"truncated": true</c>.
    /// </summary>
    public const int MaxBytes = Store.StoredPage.MaxBytes;

    const string Truncated = "truncated";

    /// <summary>
    /// Writes this instance's answer: the first <paramref name="limit"/> stored events of <paramref name="id"/> (a
    /// correlation id, or a trace id when it is one, as <c>MemStream.Query</c> takes it) at
    /// <paramref name="minLevel"/> or above, from the store of the sink named <paramref name="sinkName"/> (null: the default sink).
    /// </summary>
    public static ReadOnlyMemory<byte> Write(string id, LogEventLevel minLevel, int limit, string instanceId, string? sinkName)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(instanceId);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var instance = MemStream.Named(sinkName);
        var found = instance.QueryStoredPage(id, minLevel, after: 0, limit: limit, MaxBytes);
        var frames = new EventFrames(instance.CorrelationIdProperty);
        var body = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(body))
        {
            json.WriteStartObject();
            json.WriteString(TailProtocol.Instance, instanceId);
            json.WriteStartArray(TailProtocol.Events);
            var events = new BoundedEventArray(json, BoundedEventArray.RoomFor(MaxBytes, [instanceId]));
            foreach (var stored in found.Events)
            {
                var added = events.TryAdd(writer =>
                {
                    writer.WriteString(TailProtocol.Instance, instanceId);
                    frames.WriteEventFields(writer, stored.Sequence, stored.LogEvent, clef: true);
                });
                if (!added)
                    break;
            }
            json.WriteEndArray();
            json.WriteBoolean(Truncated, events.Count < found.Events.Count || found.MayHaveMore);
            json.WriteEndObject();
        }
        return body.WrittenMemory;
    }

    /// <summary>
    /// Reads an answer, trusting nothing in it (anyone who can publish on the reply channel can send one): its
    /// instance, and the answer itself, whose every event has that instance, a sequence number, a time, a level, a
    /// CLEF object with a template and, if any, ids as text. False for anything else, never an exception. Whether
    /// <paramref name="instance"/> is one that was asked, and live, is the caller's to check.
    /// </summary>
    public static bool TryRead(ReadOnlyMemory<byte> message, [NotNullWhen(true)] out string? instance, out JsonElement answer)
    {
        instance = null;
        answer = default;
        if (message.Length > MaxBytes + 64 * 1024)
            return false;
        try
        {
            using var document = JsonDocument.Parse(message);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty(TailProtocol.Instance, out var instanceElement) || instanceElement.ValueKind != JsonValueKind.String
                || instanceElement.GetString() is not { Length: > 0 } name
                || !root.TryGetProperty(TailProtocol.Events, out var events) || events.ValueKind != JsonValueKind.Array
                || (root.TryGetProperty(Truncated, out var truncated) && truncated.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                || !events.EnumerateArray().All(e => IsEventOf(name, e)))
                return false;
            (instance, answer) = (name, root.Clone());
            return true;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Whether an answer said that its instance had more events than it sent.</summary>
    public static bool IsTruncated(JsonElement answer) =>
        answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty(Truncated, out var truncated) && truncated.ValueKind == JsonValueKind.True;

    static bool IsEventOf(string instance, JsonElement e) =>
        e.ValueKind == JsonValueKind.Object
        && e.TryGetProperty(TailProtocol.Instance, out var i) && i.ValueKind == JsonValueKind.String && i.ValueEquals(instance)
        && e.TryGetProperty(TailProtocol.Sequence, out var seq) && seq.ValueKind == JsonValueKind.Number && seq.TryGetInt64(out var sequence) && sequence > 0
        && e.TryGetProperty(TailProtocol.Timestamp, out var t) && t.ValueKind == JsonValueKind.String && t.TryGetDateTimeOffset(out _)
        && e.TryGetProperty(TailProtocol.Level, out var level) && level.ValueKind == JsonValueKind.String && Enum.TryParse<LogEventLevel>(level.GetString(), ignoreCase: false, out var parsed) && Enum.IsDefined(parsed)
        && e.TryGetProperty(TailProtocol.Clef, out var clef) && clef.ValueKind == JsonValueKind.Object
        && clef.TryGetProperty("@mt", out var template) && template.ValueKind == JsonValueKind.String
        && OptionalString(e, TailProtocol.CorrelationId) && OptionalString(e, TailProtocol.TraceId) && OptionalString(e, TailProtocol.SpanId);

    static bool OptionalString(JsonElement e, string name) => !e.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.String;
}
