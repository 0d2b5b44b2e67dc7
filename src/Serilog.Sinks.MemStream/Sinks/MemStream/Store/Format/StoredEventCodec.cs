using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Serilog.Events;
using Serilog.Parsing;

namespace Serilog.Sinks.MemStream.Store;

/// <summary>
/// The stored form of an event: a fixed header (format, level, expiry) that queries filter on
/// without decoding the rest, then a compact binary body that round-trips the timestamp with its
/// offset, message template, properties (scalars of common types, sequences, structures,
/// dictionaries), exception text, trace and span ids.
/// </summary>
internal static class StoredEventCodec
{
    public const int HeaderLength = 10;
    const byte FormatVersion = 1;
    const int TemplateCacheLimit = 1000;
    // Only templates of a sensible length are cached: the cache must stay small however many (forged) long ones are read.
    const int CachedTemplateMaxLength = 1024;
    // Serilog destructures ten levels deep by default; a deeper value was written by something else, and
    // decoding it recursively could overflow the stack, which no catch survives.
    const int MaxValueDepth = 64;
    static readonly MessageTemplateParser TemplateParser = new();
    // Parsing dominates decoding, and applications log a small set of templates over and over.
    static readonly System.Collections.Concurrent.ConcurrentDictionary<string, MessageTemplate> Templates = new(StringComparer.Ordinal);
    // One reusable buffer per encoding thread (the sink's worker), so encoding allocates only its result.
    [ThreadStatic] static SpanWriter? _encoder;
    const int ScratchBytes = 1024;
    const int ScratchKeptBytes = 64 * 1024;

    public static byte[] Encode(LogEvent logEvent, DateTimeOffset expiresAt) => EncodeToScratch(logEvent, expiresAt).ToArray();

    /// <summary>
    /// Encodes the event into this thread's reusable buffer: the bytes are valid until the thread's
    /// next call, so that the store can copy them where they go without an array per event.
    /// </summary>
    public static ReadOnlySpan<byte> EncodeToScratch(LogEvent logEvent, DateTimeOffset expiresAt)
    {
        var writer = _encoder ??= new SpanWriter(ScratchBytes);
        writer.Clear();
        writer.Byte(FormatVersion);
        writer.Byte((byte)logEvent.Level);
        writer.Int64(expiresAt.ToUnixTimeMilliseconds());
        writer.Int64(logEvent.Timestamp.UtcTicks);
        writer.Int16((short)logEvent.Timestamp.Offset.TotalMinutes);
        writer.String(logEvent.MessageTemplate.Text);
        WriteOptional(writer, ExceptionText(logEvent.Exception));
        // The ids keep their lowercase hex text: copying them to bytes parses it, and writing bytes as hex makes it again.
        WriteOptional(writer, logEvent.TraceId is { } traceId ? traceId.ToHexString() : null);
        WriteOptional(writer, logEvent.SpanId is { } spanId ? spanId.ToHexString() : null);
        writer.Int32(logEvent.Properties.Count);
        foreach (var (name, value) in logEvent.Properties)
        {
            writer.String(name);
            WriteValue(writer, value);
        }
        var encoded = writer.Written;
        // One huge event should not pin a huge buffer for the thread's lifetime.
        if (writer.Capacity > ScratchKeptBytes)
            _encoder = null;
        return encoded;
    }

    /// <summary>Reads the header; false when the value is not one this codec wrote.</summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> value, out LogEventLevel level, out long expiresAtUnixMs)
    {
        level = default;
        expiresAtUnixMs = 0;
        if (value.Length < HeaderLength || value[0] != FormatVersion || value[1] > (byte)LogEventLevel.Fatal)
            return false;

        level = (LogEventLevel)value[1];
        expiresAtUnixMs = BinaryPrimitives.ReadInt64LittleEndian(value[2..]);
        return true;
    }

    /// <summary>The expiry in a header this codec wrote (Unix milliseconds).</summary>
    public static long ExpiryOf(ReadOnlySpan<byte> value) => BinaryPrimitives.ReadInt64LittleEndian(value[2..]);

    /// <summary>The event's timestamp as Unix milliseconds, read without decoding (its UTC ticks follow the header); false when the value is too short.</summary>
    public static bool TryReadTimestamp(ReadOnlySpan<byte> value, out long unixMilliseconds)
    {
        unixMilliseconds = 0;
        if (value.Length < HeaderLength + sizeof(long))
            return false;
        var ticks = BinaryPrimitives.ReadInt64LittleEndian(value[HeaderLength..]);
        unixMilliseconds = (ticks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMillisecond;
        return true;
    }

    /// <summary>Decodes a whole value; false (never an exception) when it is damaged.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> value, out LogEvent? logEvent)
    {
        logEvent = null;
        if (!TryReadHeader(value, out var level, out _))
            return false;

        try
        {
            var reader = new SpanReader(value[HeaderLength..]);
            var timestamp = ReadDateTimeOffset(ref reader);
            var template = ParseTemplate(reader.ReadString());
            var exception = ReadOptional(ref reader) is { } text ? new StoredException(text) : null;
            var traceId = ReadOptional(ref reader) is { } trace ? ActivityTraceId.CreateFromString(trace) : default;
            var spanId = ReadOptional(ref reader) is { } span ? ActivitySpanId.CreateFromString(span) : default;
            var count = ReadCount(ref reader);
            var properties = new List<LogEventProperty>(Room(count));
            for (var i = 0; i < count; i++)
                properties.Add(new LogEventProperty(reader.ReadString(), ReadValue(ref reader, 0)));

            if (!reader.AtEnd)
                return false;
            logEvent = new LogEvent(timestamp, level, exception, template, properties, traceId, spanId);
            return true;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or OverflowException)
        {
            return false;
        }
    }

    /// <summary>A parsed template, from a cache of the first thousand: applications log a small set of templates over and over.</summary>
    internal static MessageTemplate ParseTemplate(string text)
    {
        if (Templates.TryGetValue(text, out var cached))
            return cached;
        var parsed = TemplateParser.Parse(text);
        if (Templates.Count < TemplateCacheLimit && text.Length <= CachedTemplateMaxLength)
            Templates.TryAdd(text, parsed);
        return parsed;
    }

    /// <summary>The exception's text; an exception whose own <c>ToString</c> throws is kept as its type and a marker, not lost with the event.</summary>
    static string? ExceptionText(Exception? exception)
    {
        if (exception is null)
            return null;
        try
        {
            return exception.ToString();
        }
        catch (Exception failure)
        {
            return $"{exception.GetType().FullName}: <ToString() threw {failure.GetType().Name}>";
        }
    }

    static void WriteOptional(SpanWriter writer, string? text)
    {
        writer.Boolean(text is not null);
        if (text is not null)
            writer.String(text);
    }

    static string? ReadOptional(ref SpanReader reader) => reader.ReadBoolean() ? reader.ReadString() : null;

    enum Tag : byte
    {
        Null, String, Boolean, Int64, UInt64, Double, Decimal, DateTime, DateTimeOffset, Guid, TimeSpan, Char, Other,
        Sequence = 20, Structure, Dictionary,
    }

    static void WriteValue(SpanWriter writer, LogEventPropertyValue value)
    {
        switch (value)
        {
            case ScalarValue scalar:
                WriteScalar(writer, scalar.Value);
                break;
            case SequenceValue sequence:
                writer.Byte((byte)Tag.Sequence);
                writer.Int32(sequence.Elements.Count);
                foreach (var element in sequence.Elements)
                    WriteValue(writer, element);
                break;
            case StructureValue structure:
                writer.Byte((byte)Tag.Structure);
                WriteOptional(writer, structure.TypeTag);
                writer.Int32(structure.Properties.Count);
                foreach (var property in structure.Properties)
                {
                    writer.String(property.Name);
                    WriteValue(writer, property.Value);
                }
                break;
            case DictionaryValue dictionary:
                writer.Byte((byte)Tag.Dictionary);
                writer.Int32(dictionary.Elements.Count);
                foreach (var (key, element) in dictionary.Elements)
                {
                    WriteScalar(writer, key.Value);
                    WriteValue(writer, element);
                }
                break;
            default:
                WriteScalar(writer, value.ToString());
                break;
        }
    }

    static void WriteScalar(SpanWriter writer, object? value)
    {
        switch (value)
        {
            case null: writer.Byte((byte)Tag.Null); break;
            case string text: writer.Byte((byte)Tag.String); writer.String(text); break;
            case bool flag: writer.Byte((byte)Tag.Boolean); writer.Boolean(flag); break;
            case int number: writer.Byte((byte)Tag.Int64); writer.Int64(number); break;
            case long number: writer.Byte((byte)Tag.Int64); writer.Int64(number); break;
            case short number: writer.Byte((byte)Tag.Int64); writer.Int64(number); break;
            case sbyte number: writer.Byte((byte)Tag.Int64); writer.Int64(number); break;
            case byte or ushort or uint or ulong: writer.Byte((byte)Tag.UInt64); writer.UInt64(Convert.ToUInt64(value, CultureInfo.InvariantCulture)); break;
            case double number: writer.Byte((byte)Tag.Double); writer.Double(number); break;
            case float number: writer.Byte((byte)Tag.Double); writer.Double(number); break;
            case decimal number: writer.Byte((byte)Tag.Decimal); writer.Decimal(number); break;
            case DateTime time: writer.Byte((byte)Tag.DateTime); writer.Int64(time.ToBinary()); break;
            case DateTimeOffset time: writer.Byte((byte)Tag.DateTimeOffset); writer.Int64(time.UtcTicks); writer.Int16((short)time.Offset.TotalMinutes); break;
            case Guid guid: writer.Byte((byte)Tag.Guid); writer.Guid(guid); break;
            case TimeSpan span: writer.Byte((byte)Tag.TimeSpan); writer.Int64(span.Ticks); break;
            case char character: writer.Byte((byte)Tag.Char); writer.UInt16(character); break;
            default: writer.Byte((byte)Tag.Other); writer.String(Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""); break;
        }
    }

    static LogEventPropertyValue ReadValue(ref SpanReader reader, int depth)
    {
        if (depth > MaxValueDepth)
            throw new FormatException("values nested too deep");
        var tag = (Tag)reader.ReadByte();
        switch (tag)
        {
            case Tag.Sequence:
            {
                var count = ReadCount(ref reader);
                var elements = new List<LogEventPropertyValue>(Room(count));
                for (var i = 0; i < count; i++)
                    elements.Add(ReadValue(ref reader, depth + 1));
                return new SequenceValue(elements);
            }
            case Tag.Structure:
            {
                var typeTag = ReadOptional(ref reader);
                var count = ReadCount(ref reader);
                var properties = new List<LogEventProperty>(Room(count));
                for (var i = 0; i < count; i++)
                    properties.Add(new LogEventProperty(reader.ReadString(), ReadValue(ref reader, depth + 1)));
                return new StructureValue(properties, typeTag);
            }
            case Tag.Dictionary:
            {
                var count = ReadCount(ref reader);
                var elements = new List<KeyValuePair<ScalarValue, LogEventPropertyValue>>(Room(count));
                for (var i = 0; i < count; i++)
                {
                    var key = new ScalarValue(ReadScalar(ref reader, (Tag)reader.ReadByte()));
                    elements.Add(new(key, ReadValue(ref reader, depth + 1)));
                }
                return new DictionaryValue(elements);
            }
            default:
                return new ScalarValue(ReadScalar(ref reader, tag));
        }
    }

    /// <summary>
    /// Room for the first elements only: a count is checked against the bytes left, but nested counts each as
    /// large as what is left would allocate that much again at every level before the data ran out.
    /// </summary>
    static int Room(int count) => Math.Min(count, 64);

    static int ReadCount(ref SpanReader reader)
    {
        var count = reader.ReadInt32();
        // A damaged count must not allocate gigabytes: no element takes less than a byte.
        if (count < 0 || count > reader.Remaining)
            throw new FormatException("element count out of range");
        return count;
    }

    static object? ReadScalar(ref SpanReader reader, Tag tag) => tag switch
    {
        Tag.Null => null,
        Tag.String => reader.ReadString(),
        Tag.Boolean => reader.ReadBoolean(),
        Tag.Int64 => reader.ReadInt64(),
        Tag.UInt64 => reader.ReadUInt64(),
        Tag.Double => reader.ReadDouble(),
        Tag.Decimal => reader.ReadDecimal(),
        Tag.DateTime => DateTime.FromBinary(reader.ReadInt64()),
        Tag.DateTimeOffset => ReadDateTimeOffset(ref reader),
        Tag.Guid => reader.ReadGuid(),
        Tag.TimeSpan => new TimeSpan(reader.ReadInt64()),
        Tag.Char => (char)reader.ReadUInt16(),
        Tag.Other => reader.ReadString(),
        _ => throw new FormatException($"unknown value tag {(byte)tag}"),
    };

    static DateTimeOffset ReadDateTimeOffset(ref SpanReader reader)
    {
        var utcTicks = reader.ReadInt64();
        var offset = TimeSpan.FromMinutes(reader.ReadInt16());
        return new DateTimeOffset(utcTicks + offset.Ticks, offset);
    }
}
