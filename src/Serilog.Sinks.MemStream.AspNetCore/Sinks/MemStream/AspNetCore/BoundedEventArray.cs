using System.Buffers;
using System.Text.Json;

namespace Serilog.Sinks.MemStream.AspNetCore;

/// <summary>
/// Writes a JSON array of event objects that stops before it passes a number of bytes: each event is
/// serialized on its own first and added only if it still fits, except the first, which is always added
/// (an event larger than the bound is then alone in its answer). What the query endpoint and the fleet's
/// answers use to keep every answer to a few MiB, however large the stored events are.
/// </summary>
internal sealed class BoundedEventArray
{
    readonly ArrayBufferWriter<byte> _one = new(1024);
    readonly Utf8JsonWriter _oneWriter;
    readonly Utf8JsonWriter _json;
    readonly long _maxBytes;
    long _used;

    /// <param name="json">The answer; the array is written into it.</param>
    /// <param name="maxBytes">The most bytes the array's elements may take.</param>
    public BoundedEventArray(Utf8JsonWriter json, long maxBytes)
    {
        _json = json;
        _maxBytes = maxBytes;
        _oneWriter = new Utf8JsonWriter(_one);
    }

    public int Count { get; private set; }

    /// <summary>
    /// The bytes left for the events of an answer of at most <paramref name="answerBytes"/> whose other fields hold
    /// <paramref name="texts"/>: an allowance for field names, numbers and punctuation, and six bytes a character
    /// (the most JSON escaping makes of one) for each text with its quotes and separator. The one rule every
    /// bounded answer (a query page, a fleet instance's answer, the merged fleet answer) sizes itself by.
    /// </summary>
    public static long RoomFor(long answerBytes, IEnumerable<string> texts) => answerBytes - 256 - texts.Sum(text => 6L * (text.Length + 4));

    /// <summary>Adds one event object written by <paramref name="writeFields"/>; false (nothing added) when it would pass the bound.</summary>
    public bool TryAdd(Action<Utf8JsonWriter> writeFields)
    {
        _one.ResetWrittenCount();
        _oneWriter.Reset(_one);
        _oneWriter.WriteStartObject();
        writeFields(_oneWriter);
        _oneWriter.WriteEndObject();
        _oneWriter.Flush();
        var size = _one.WrittenCount + 1; // and its comma
        if (Count > 0 && _used + size > _maxBytes)
            return false;
        _json.WriteRawValue(_one.WrittenSpan, skipInputValidation: true);
        _used += size;
        Count++;
        return true;
    }
}
