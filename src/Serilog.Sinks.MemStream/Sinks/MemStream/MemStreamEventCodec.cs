using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using Serilog.Events;
using Serilog.Sinks.MemStream.Store;

namespace Serilog.Sinks.MemStream;

/// <summary>
/// MemStream's binary form of events, as its store keeps them, for packages that carry events elsewhere (the
/// fleet's stream in Serilog.Sinks.MemStream.Redis): an event's encoding, and a record of one
/// <see cref="MemStreamEvent"/> (its sequence number, its rendering and its encoding) that records can follow in
/// one buffer. Reading trusts nothing: bytes that are not an event or a record give false, never an exception.
/// The encoding is the store's event format: later versions keep reading what earlier ones wrote (the store's
/// rule), so instances of different versions in one fleet read each other's events.
/// </summary>
public static class MemStreamEventCodec
{
    /// <summary>
    /// The event's encoding, in a buffer of the calling thread that its next call here overwrites: copy it (or
    /// pass it to <see cref="WriteRecord"/>) before encoding another. Throws when a property's value cannot be
    /// encoded (a value whose <c>ToString</c> throws, say): catch it where the event may come from anywhere.
    /// </summary>
    public static ReadOnlySpan<byte> Encode(LogEvent logEvent)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        return StoredEventCodec.EncodeToScratch(logEvent, DateTimeOffset.UnixEpoch);
    }

    /// <summary>Reads an event's encoding; false when the bytes are not one.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> encoded, [NotNullWhen(true)] out LogEvent? logEvent) =>
        StoredEventCodec.TryDecode(encoded, out logEvent) && logEvent is not null;

    /// <summary>Appends one record: <paramref name="sequence"/> (1 or more), the rendering and the encoding, each after its length.</summary>
    public static void WriteRecord(IBufferWriter<byte> output, long sequence, ReadOnlySpan<byte> utf8, ReadOnlySpan<byte> encoded)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfLessThan(sequence, 1);
        var span = output.GetSpan(3 * Varint.MaxBytes + utf8.Length + encoded.Length);
        var at = Varint.Write(span, (ulong)sequence);
        at += Varint.Write(span[at..], (ulong)utf8.Length);
        utf8.CopyTo(span[at..]);
        at += utf8.Length;
        at += Varint.Write(span[at..], (ulong)encoded.Length);
        encoded.CopyTo(span[at..]);
        output.Advance(at + encoded.Length);
    }

    /// <summary>
    /// Reads the record at the start of <paramref name="data"/> and moves past it; false (and <paramref name="data"/>
    /// left as it was) when what is there is not a whole record. The encoding is not decoded: <see cref="TryDecode"/> does that.
    /// </summary>
    public static bool TryReadRecord(ref ReadOnlySpan<byte> data, out long sequence, out ReadOnlySpan<byte> utf8, out ReadOnlySpan<byte> encoded)
    {
        sequence = 0;
        utf8 = encoded = default;
        var rest = data;
        if (!Varint.TryRead(ref rest, out var number) || number is 0 or > long.MaxValue
            || !Varint.TryRead(ref rest, out var textLength) || textLength > (ulong)rest.Length)
            return false;
        utf8 = rest[..(int)textLength];
        rest = rest[(int)textLength..];
        if (!Varint.TryRead(ref rest, out var encodedLength) || encodedLength > (ulong)rest.Length)
        {
            utf8 = default;
            return false;
        }
        encoded = rest[..(int)encodedLength];
        data = rest[(int)encodedLength..];
        sequence = (long)number;
        return true;
    }
}
