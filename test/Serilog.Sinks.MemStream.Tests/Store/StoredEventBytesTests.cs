using System.Diagnostics;
using System.Globalization;
using System.Text;
using CsCheck;
using Serilog.Events;
using Serilog.Parsing;
using Serilog.Sinks.MemStream.Store;

namespace Serilog.Sinks.MemStream.Tests.Store;

/// <summary>
/// Stores keep the bytes the codec wrote through a <see cref="BinaryWriter"/> over UTF-8 until it wrote into a span
/// instead (<see cref="SpanWriter"/>): the encoding must be byte for byte the same for any event, or events stored
/// before and after would not read alike. <see cref="FormatOne"/> is that earlier encoder, kept here as the oracle.
/// </summary>
public class StoredEventBytesTests
{
    static readonly MessageTemplateParser Parser = new();

    static readonly object?[] Specials =
    [
        double.NaN, BitConverter.Int64BitsToDouble(0x7FF8_0000_0000_1234), -0.0, -0m, 1.000m, float.NegativeInfinity,
        new DateTime(2026, 12, 3, 8, 0, 0, DateTimeKind.Local), new DateTime(2026, 12, 3, 8, 0, 0, DateTimeKind.Utc), DayOfWeek.Friday,
    ];

    static readonly Gen<object?> Scalar = Gen.OneOf<object?>(
        Gen.Bool.Select(_ => (object?)null),
        Gen.String.Select(v => (object?)v),
        Gen.Char.Array[0, 60].Select(c => (object?)new string(c)), // lone surrogates and every plane of UTF-16
        Gen.Char['\u4e00', '\u9fff'].Array[40, 46].Select(c => (object?)new string(c)), // 3 UTF-8 bytes each: around the one-byte fast path's end (42 chars)
        Gen.Select(Gen.Char['\u4e00', '\u9fff'].Array[0, 45], Gen.Int[0, 3]).Select((c, pad) => (object?)(new string(c) + new string('a', pad))), // every byte count around 127/128
        Gen.Char.Array[46, 300].Select(c => (object?)new string(c)),
        Gen.Int[16_380, 16_390].Select(n => (object?)new string('b', n)), // a 2-byte length prefix's end (16,383 bytes)
        Gen.Char.Array[20_000, 70_000].Select(c => (object?)new string(c)), // 3-byte prefixes, BinaryWriter's chunking, a scratch buffer dropped
        Gen.Int[0, Specials.Length - 1].Select(i => Specials[i]),
        Gen.Bool.Select(v => (object?)v),
        Gen.SByte.Select(v => (object?)v), Gen.Short.Select(v => (object?)v), Gen.Int.Select(v => (object?)v), Gen.Long.Select(v => (object?)v),
        Gen.Byte.Select(v => (object?)v), Gen.UShort.Select(v => (object?)v), Gen.UInt.Select(v => (object?)v), Gen.ULong.Select(v => (object?)v),
        Gen.Float.Select(v => (object?)v), Gen.Double.Select(v => (object?)v), Gen.Decimal.Select(v => (object?)v),
        Gen.DateTime.Select(v => (object?)v), Gen.DateTimeOffset.Select(v => (object?)v), Gen.Guid.Select(v => (object?)v),
        Gen.TimeSpan.Select(v => (object?)v), Gen.Char.Select(v => (object?)v),
        Gen.Int.Select(v => (object?)new Version(1, Math.Abs(v % 100))));

    // Serilog refuses empty and blank names; anything else goes.
    static readonly Gen<string> Name = Gen.String[0, 20].Select(n => "p" + n);

    static readonly Gen<LogEventPropertyValue> Value = Gen.Recursive<LogEventPropertyValue>((depth, inner) => depth >= 3
        ? Scalar.Select(v => (LogEventPropertyValue)new ScalarValue(v))
        : Gen.OneOf(
            Scalar.Select(v => (LogEventPropertyValue)new ScalarValue(v)),
            inner.Array[0, 4].Select(e => (LogEventPropertyValue)new SequenceValue(e)),
            Gen.Select(Gen.String[0, 8].Null(), Gen.Select(Name, inner).Array[0, 4])
                .Select((tag, ps) => (LogEventPropertyValue)new StructureValue(ps.Select(p => new LogEventProperty(p.Item1, p.Item2)), tag)),
            Gen.Select(Scalar, inner).Array[0, 3]
                .Select(es => (LogEventPropertyValue)new DictionaryValue(es.DistinctBy(e => e.Item1)
                    .Select(e => new KeyValuePair<ScalarValue, LogEventPropertyValue>(new ScalarValue(e.Item1), e.Item2))))));

    static readonly Gen<LogEvent> Event = Gen.Select(
            Gen.Select(Gen.DateTimeOffset, Gen.Int[0, 5], Gen.String[0, 80], Gen.String[0, 200].Null()),
            Gen.Select(Gen.Bool, Gen.Bool),
            Gen.Select(Name, Value).Array[0, 8])
        .Select((head, ids, properties) =>
        {
            var (timestamp, level, template, exception) = head;
            var unique = properties.DistinctBy(p => p.Item1).Select(p => new LogEventProperty(p.Item1, p.Item2));
            return new LogEvent(timestamp, (LogEventLevel)level, exception is null ? null : new InvalidOperationException(exception), Parser.Parse(template), unique,
                ids.Item1 ? ActivityTraceId.CreateRandom() : default, ids.Item2 ? ActivitySpanId.CreateRandom() : default);
        });

    [Test]
    public void AnyEventIsEncodedToTheBytesTheBinaryWriterEncoderWrote()
    {
        var expires = DateTimeOffset.UtcNow.AddDays(1);
        Event.Sample(logEvent => StoredEventCodec.Encode(logEvent, expires).AsSpan().SequenceEqual(FormatOne(logEvent, expires)), iter: 3000);
    }

    [Test]
    public void ATraceKeyIsTheTracesLowercaseHexAsBefore()
    {
        Gen.Long[0, 9_999_999_999].Sample(sequence =>
        {
            var traceId = ActivityTraceId.CreateRandom();
            Span<byte> raw = stackalloc byte[16];
            traceId.CopyTo(raw);
            Span<byte> key = stackalloc byte[StoreKey.MaxKeyBytes];
            var length = StoreKey.WriteTrace(key, traceId, sequence);
            return Encoding.ASCII.GetString(key[..length]).EndsWith($"{Convert.ToHexStringLower(raw)}:{sequence:D10}", StringComparison.Ordinal)
                && key[..length].SequenceEqual(StoreKey.Key(StoreKey.TracePrefix(traceId), sequence));
        }, iter: 500);
    }

    /// <summary>The encoder of format 1 as it was, through <see cref="BinaryWriter"/>.</summary>
    static byte[] FormatOne(LogEvent logEvent, DateTimeOffset expiresAt)
    {
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream, Encoding.UTF8);
        writer.Write((byte)1);
        writer.Write((byte)logEvent.Level);
        writer.Write(expiresAt.ToUnixTimeMilliseconds());
        writer.Write(logEvent.Timestamp.UtcTicks);
        writer.Write((short)logEvent.Timestamp.Offset.TotalMinutes);
        writer.Write(logEvent.MessageTemplate.Text);
        Optional(writer, logEvent.Exception?.ToString());
        Optional(writer, logEvent.TraceId?.ToHexString());
        Optional(writer, logEvent.SpanId?.ToHexString());
        writer.Write(logEvent.Properties.Count);
        foreach (var (name, value) in logEvent.Properties)
        {
            writer.Write(name);
            WriteValue(writer, value);
        }
        writer.Flush();
        return stream.ToArray();
    }

    static void Optional(BinaryWriter writer, string? text)
    {
        writer.Write(text is not null);
        if (text is not null)
            writer.Write(text);
    }

    static void WriteValue(BinaryWriter writer, LogEventPropertyValue value)
    {
        switch (value)
        {
            case ScalarValue scalar:
                WriteScalar(writer, scalar.Value);
                break;
            case SequenceValue sequence:
                writer.Write((byte)20);
                writer.Write(sequence.Elements.Count);
                foreach (var element in sequence.Elements)
                    WriteValue(writer, element);
                break;
            case StructureValue structure:
                writer.Write((byte)21);
                Optional(writer, structure.TypeTag);
                writer.Write(structure.Properties.Count);
                foreach (var property in structure.Properties)
                {
                    writer.Write(property.Name);
                    WriteValue(writer, property.Value);
                }
                break;
            case DictionaryValue dictionary:
                writer.Write((byte)22);
                writer.Write(dictionary.Elements.Count);
                foreach (var (key, element) in dictionary.Elements)
                {
                    WriteScalar(writer, key.Value);
                    WriteValue(writer, element);
                }
                break;
        }
    }

    static void WriteScalar(BinaryWriter writer, object? value)
    {
        switch (value)
        {
            case null: writer.Write((byte)0); break;
            case string text: writer.Write((byte)1); writer.Write(text); break;
            case bool flag: writer.Write((byte)2); writer.Write(flag); break;
            case sbyte or short or int or long: writer.Write((byte)3); writer.Write(Convert.ToInt64(value, CultureInfo.InvariantCulture)); break;
            case byte or ushort or uint or ulong: writer.Write((byte)4); writer.Write(Convert.ToUInt64(value, CultureInfo.InvariantCulture)); break;
            case float or double: writer.Write((byte)5); writer.Write(Convert.ToDouble(value, CultureInfo.InvariantCulture)); break;
            case decimal number: writer.Write((byte)6); writer.Write(number); break;
            case DateTime time: writer.Write((byte)7); writer.Write(time.ToBinary()); break;
            case DateTimeOffset time: writer.Write((byte)8); writer.Write(time.UtcTicks); writer.Write((short)time.Offset.TotalMinutes); break;
            case Guid guid: writer.Write((byte)9); writer.Write(guid.ToByteArray()); break;
            case TimeSpan span: writer.Write((byte)10); writer.Write(span.Ticks); break;
            case char character: writer.Write((byte)11); writer.Write((ushort)character); break;
            default: writer.Write((byte)12); writer.Write(Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""); break;
        }
    }
}
