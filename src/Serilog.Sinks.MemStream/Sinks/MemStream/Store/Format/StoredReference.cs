using System.Buffers.Binary;
using Serilog.Events;

namespace Serilog.Sinks.MemStream.Store;

/// <summary>
/// The value of a trace-index entry for an event stored under its correlation id: the event's level and
/// expiry (so a query filters without following it) and the key of the entry that holds the event. The
/// event is written once; the trace id costs one small entry beside it, in the same family and batch, so
/// both expire together. Kind byte 2 where an event's value has its format version, 1.
/// </summary>
internal static class StoredReference
{
    const byte Kind = 2;

    /// <summary>The most bytes a reference takes.</summary>
    public const int MaxLength = StoredEventCodec.HeaderLength + StoreKey.MaxKeyBytes;

    /// <summary>Writes the reference to the event whose encoded value and key are given; returns its length.</summary>
    public static int Write(Span<byte> destination, ReadOnlySpan<byte> eventValue, ReadOnlySpan<byte> eventKey)
    {
        eventValue[..StoredEventCodec.HeaderLength].CopyTo(destination);
        destination[0] = Kind;
        eventKey.CopyTo(destination[StoredEventCodec.HeaderLength..]);
        return StoredEventCodec.HeaderLength + eventKey.Length;
    }

    /// <summary>Reads a reference; false when the value is not one.</summary>
    public static bool TryRead(ReadOnlySpan<byte> value, out LogEventLevel level, out long expiresAtUnixMs, out ReadOnlySpan<byte> eventKey)
    {
        level = default;
        expiresAtUnixMs = 0;
        eventKey = default;
        if (value.Length <= StoredEventCodec.HeaderLength || value[0] != Kind || value[1] > (byte)LogEventLevel.Fatal)
            return false;
        level = (LogEventLevel)value[1];
        expiresAtUnixMs = BinaryPrimitives.ReadInt64LittleEndian(value[2..]);
        eventKey = value[StoredEventCodec.HeaderLength..];
        return true;
    }
}
