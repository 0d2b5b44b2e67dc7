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
    // One reusable buffer and writer per encoding thread (the sink's worker), so encoding allocates only its result.
    [ThreadStatic] static BinaryWriter? _encoder;

    public static byte[] Encode(LogEvent logEvent, DateTimeOffset expiresAt) => EncodeToScratch(logEvent, expiresAt).ToArray();

    /// <summary>
    /// Encodes the event into this thread's reusable buffer: the bytes are valid until the thread's
    /// next call, so that the store can copy them where they go without an array per event.
    /// </summary>
    public static ReadOnlySpan<byte> EncodeToScratch(LogEvent logEvent, DateTimeOffset expiresAt)
    {
        var writer = _encoder ??= new BinaryWriter(new MemoryStream(1024), Encoding.UTF8);
        var stream = (MemoryStream)writer.BaseStream;
        stream.SetLength(0);
        writer.Write(FormatVersion);
        writer.Write((byte)logEvent.Level);
        writer.Write(expiresAt.ToUnixTimeMilliseconds());
        writer.Write(logEvent.Timestamp.UtcTicks);
        writer.Write((short)logEvent.Timestamp.Offset.TotalMinutes);
        writer.Write(logEvent.MessageTemplate.Text);
        WriteOptional(writer, ExceptionText(logEvent.Exception));
        Span<byte> id = stackalloc byte[16];
        if (logEvent.TraceId is { } traceId)
        {
            traceId.CopyTo(id);
            WriteHexId(writer, id);
        }
        else
            writer.Write(false);
        if (logEvent.SpanId is { } spanId)
        {
            spanId.CopyTo(id[..8]);
            WriteHexId(writer, id[..8]);
        }
        else
            writer.Write(false);
        writer.Write(logEvent.Properties.Count);
        foreach (var (name, value) in logEvent.Properties)
        {
            writer.Write(name);
            WriteValue(writer, value);
        }
        writer.Flush();
        var encoded = stream.GetBuffer().AsSpan(0, (int)stream.Length);
        // One huge event should not pin a huge buffer for the thread's lifetime.
        if (stream.Capacity > 64 * 1024)
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

    /// <summary>
    /// Writes a present trace or span id exactly as <see cref="WriteOptional"/> writes its hex text (lowercase, as
    /// <c>ToHexString()</c> gives it), without making the string: two strings per stored event added up.
    /// </summary>
    static void WriteHexId(BinaryWriter writer, ReadOnlySpan<byte> id)
    {
        writer.Write(true);
        Span<byte> text = stackalloc byte[1 + 2 * id.Length];
        text[0] = (byte)(2 * id.Length); // the length prefix BinaryWriter gives a string this short
        Convert.TryToHexStringLower(id, text[1..], out _);
        writer.Write(text);
    }

    static void WriteOptional(BinaryWriter writer, string? text)
    {
        writer.Write(text is not null);
        if (text is not null)
            writer.Write(text);
    }

    static string? ReadOptional(ref SpanReader reader) => reader.ReadBoolean() ? reader.ReadString() : null;

    enum Tag : byte
    {
        Null, String, Boolean, Int64, UInt64, Double, Decimal, DateTime, DateTimeOffset, Guid, TimeSpan, Char, Other,
        Sequence = 20, Structure, Dictionary,
    }

    static void WriteValue(BinaryWriter writer, LogEventPropertyValue value)
    {
        switch (value)
        {
            case ScalarValue scalar:
                WriteScalar(writer, scalar.Value);
                break;
            case SequenceValue sequence:
                writer.Write((byte)Tag.Sequence);
                writer.Write(sequence.Elements.Count);
                foreach (var element in sequence.Elements)
                    WriteValue(writer, element);
                break;
            case StructureValue structure:
                writer.Write((byte)Tag.Structure);
                WriteOptional(writer, structure.TypeTag);
                writer.Write(structure.Properties.Count);
                foreach (var property in structure.Properties)
                {
                    writer.Write(property.Name);
                    WriteValue(writer, property.Value);
                }
                break;
            case DictionaryValue dictionary:
                writer.Write((byte)Tag.Dictionary);
                writer.Write(dictionary.Elements.Count);
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

    static void WriteScalar(BinaryWriter writer, object? value)
    {
        switch (value)
        {
            case null: writer.Write((byte)Tag.Null); break;
            case string text: writer.Write((byte)Tag.String); writer.Write(text); break;
            case bool flag: writer.Write((byte)Tag.Boolean); writer.Write(flag); break;
            case sbyte or short or int or long: writer.Write((byte)Tag.Int64); writer.Write(Convert.ToInt64(value, CultureInfo.InvariantCulture)); break;
            case byte or ushort or uint or ulong: writer.Write((byte)Tag.UInt64); writer.Write(Convert.ToUInt64(value, CultureInfo.InvariantCulture)); break;
            case float or double: writer.Write((byte)Tag.Double); writer.Write(Convert.ToDouble(value, CultureInfo.InvariantCulture)); break;
            case decimal number: writer.Write((byte)Tag.Decimal); writer.Write(number); break;
            case DateTime time: writer.Write((byte)Tag.DateTime); writer.Write(time.ToBinary()); break;
            case DateTimeOffset time: writer.Write((byte)Tag.DateTimeOffset); writer.Write(time.UtcTicks); writer.Write((short)time.Offset.TotalMinutes); break;
            case Guid guid: writer.Write((byte)Tag.Guid); writer.Write(guid.ToByteArray()); break;
            case TimeSpan span: writer.Write((byte)Tag.TimeSpan); writer.Write(span.Ticks); break;
            case char character: writer.Write((byte)Tag.Char); writer.Write((ushort)character); break;
            default: writer.Write((byte)Tag.Other); writer.Write(Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""); break;
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
