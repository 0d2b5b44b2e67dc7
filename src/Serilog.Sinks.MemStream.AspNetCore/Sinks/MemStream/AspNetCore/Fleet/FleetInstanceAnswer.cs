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
    public const int MaxBytes = MemStreamQuery.MaxBytes;

    const string Truncated = "truncated";

    /// <summary>
    /// Writes this instance's answer to <paramref name="query"/>: the first page of what
    /// <see cref="MemStreamInstance.Search"/> finds in the store of the sink named <paramref name="sinkName"/> (null: the
    /// default sink): an id's events in write order, or a search's newest first. An invalid query throws, as Search does.
    /// </summary>
    public static ReadOnlyMemory<byte> Write(MemStreamQuery query, string instanceId, string? sinkName)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(instanceId);
        var instance = MemStream.Named(sinkName);
        var found = instance.Search(query);
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
            json.WriteBoolean(Truncated, events.Count < found.Events.Count || found.Next is not null);
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

    /// <summary>
    /// The events of answers read by <see cref="TryRead"/>, merged by time: oldest first, as an id's history reads, or
    /// with <paramref name="newestFirst"/> as a search lists them; events of the same time in the order of their instances.
    /// Newest first, the merge is one page of the fleet's: it stops where a truncated answer stops (below that only the
    /// other instances' events were sent, so going on would leave a hole) and at <paramref name="limit"/> events;
    /// <paramref name="cut"/> names the instances whose events it left out.
    /// </summary>
    public static IReadOnlyList<JsonElement> Merge(IReadOnlyCollection<JsonElement> answers, bool newestFirst, int limit, out IReadOnlyList<string> cut)
    {
        ArgumentNullException.ThrowIfNull(answers);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var events = answers.SelectMany(answer => answer.GetProperty(TailProtocol.Events).EnumerateArray())
            .Select(e => (Event: e, Time: e.GetProperty(TailProtocol.Timestamp).GetDateTimeOffset(), Instance: e.GetProperty(TailProtocol.Instance).GetString()!))
            .ToList();
        if (!newestFirst)
        {
            cut = [];
            return [.. events.OrderBy(e => e.Time).ThenBy(e => e.Instance, StringComparer.Ordinal).Select(e => e.Event)];
        }
        var floor = answers.Where(IsTruncated)
            .Select(answer => answer.GetProperty(TailProtocol.Events).EnumerateArray().Select(e => e.GetProperty(TailProtocol.Timestamp).GetDateTimeOffset()).DefaultIfEmpty(DateTimeOffset.MinValue).Min())
            .DefaultIfEmpty(DateTimeOffset.MinValue).Max();
        var ordered = events.OrderByDescending(e => e.Time).ThenBy(e => e.Instance, StringComparer.Ordinal).ToList();
        var kept = ordered.TakeWhile(e => e.Time >= floor).Take(limit).ToList();
        cut = [.. ordered.Skip(kept.Count).Select(e => e.Instance).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        return [.. kept.Select(e => e.Event)];
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
