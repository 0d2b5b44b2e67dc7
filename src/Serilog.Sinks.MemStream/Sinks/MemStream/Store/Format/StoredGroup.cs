using System.Buffers.Binary;
using Serilog.Events;

namespace Serilog.Sinks.MemStream.Store;

/// <summary>
/// The value of a group (format 2): the events of one id that one write batch stored, in sequence order, in
/// the log family under the first one's sequence number (<see cref="StoreKey.LogKey"/>); the id's index entry
/// (<see cref="GroupPointer"/>) or its trace's (<see cref="GroupReferences"/>) point to it. One entry per id per batch
/// instead of one per event, in a family written in key order, is what makes the store cheap: RocksDB moves such
/// files down its levels without rewriting them, so compaction works on the small index alone. The header is laid out like an event's: kind 3 where an event has
/// its format version, 1; the highest level of the events, so a level filter skips a group without reading
/// it; the latest expiry of the events, which maintenance counts by. Then each event: its sequence number
/// less the key's and its length (7-bit varints), and the event as <see cref="StoredEventCodec"/> encodes
/// it, its own header included, so a level or expiry filter skips an event without decoding it.
/// </summary>
internal static class StoredGroup
{
    const byte Kind = 3;

    /// <summary>The most bytes an event of this length takes in a group.</summary>
    public static int MaxItemLength(int eventLength) => 2 * Varint.MaxBytes + eventLength;

    /// <summary>Writes the group's header; returns its length.</summary>
    public static int WriteHeader(Span<byte> destination, LogEventLevel highestLevel, long latestExpiry)
    {
        destination[0] = Kind;
        destination[1] = (byte)highestLevel;
        BinaryPrimitives.WriteInt64LittleEndian(destination[2..], latestExpiry);
        return StoredEventCodec.HeaderLength;
    }

    /// <summary>Writes one event, <paramref name="offset"/> above the key's sequence number; returns the bytes written.</summary>
    public static int WriteItem(Span<byte> destination, long offset, ReadOnlySpan<byte> eventValue)
    {
        var at = Varint.Write(destination, (ulong)offset);
        at += Varint.Write(destination[at..], (ulong)eventValue.Length);
        eventValue.CopyTo(destination[at..]);
        return at + eventValue.Length;
    }

    /// <summary>True for a group's value (whether or not its events read).</summary>
    public static bool IsGroup(ReadOnlySpan<byte> value) => value.Length >= StoredEventCodec.HeaderLength && value[0] == Kind;

    /// <summary>Reads a group's header; false when the value is not a group.</summary>
    public static bool TryRead(ReadOnlySpan<byte> value, out LogEventLevel highestLevel, out long latestExpiry, out ReadOnlySpan<byte> items)
    {
        highestLevel = default;
        latestExpiry = 0;
        items = default;
        if (!IsGroup(value) || value[1] > (byte)LogEventLevel.Fatal)
            return false;
        highestLevel = (LogEventLevel)value[1];
        latestExpiry = BinaryPrimitives.ReadInt64LittleEndian(value[2..]);
        items = value[StoredEventCodec.HeaderLength..];
        return true;
    }

    /// <summary>Reads the next event from <paramref name="items"/> and moves past it; false at the end or on damage.</summary>
    public static bool TryReadItem(scoped ref ReadOnlySpan<byte> items, out long offset, out ReadOnlySpan<byte> eventValue)
    {
        eventValue = default;
        var rest = items;
        if (!Varint.TryRead(ref rest, out var rawOffset) || !Varint.TryRead(ref rest, out var length)
            || rawOffset > long.MaxValue || length > (ulong)rest.Length)
        {
            offset = 0;
            return false;
        }
        offset = (long)rawOffset;
        eventValue = rest[..(int)length];
        items = rest[(int)length..];
        return true;
    }

    /// <summary>True when every event of the group reads and decodes, in rising sequence order: maintenance deletes a group that does not.</summary>
    public static bool IsWellFormed(ReadOnlySpan<byte> value)
    {
        if (!TryRead(value, out _, out _, out var items) || items.IsEmpty)
            return false;
        var previous = -1L;
        while (!items.IsEmpty)
        {
            if (!TryReadItem(ref items, out var offset, out var eventValue) || offset <= previous || !StoredEventCodec.TryDecode(eventValue, out _))
                return false;
            previous = offset;
        }
        return true;
    }
}
