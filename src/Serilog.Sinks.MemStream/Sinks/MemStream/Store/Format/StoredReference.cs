using System.Buffers.Binary;
using Serilog.Events;

namespace Serilog.Sinks.MemStream.Store;

/// <summary>
/// The value under a trace key: references to the entries that hold that trace's events of one write batch,
/// each as the highest level of the trace's events there and the entry's key (an event is stored once, under its
/// correlation id's key, and a query reads its expiry there). In format 2 an entry referred to is a
/// <see cref="StoredGroup"/>, which may also hold events of other traces; in format 1 it was a single event.
/// One entry per trace (and family) per batch rather than one per event keeps the index's cost to the
/// store small. The header is laid out like an event's: kind 2 where an event has its format version, 1;
/// a byte that is 0 (an event's level); the latest expiry of the items, which maintenance counts by.
/// </summary>
internal static class StoredReference
{
    const byte Kind = 2;
    const int ItemHeaderLength = 1 + 2;

    /// <summary>The bytes a reference to an event with this key takes.</summary>
    public static int ItemLength(int eventKeyLength) => ItemHeaderLength + eventKeyLength;

    /// <summary>Writes the entry's header for items whose latest expiry is given; returns its length.</summary>
    public static int WriteHeader(Span<byte> destination, long latestExpiry)
    {
        destination[0] = Kind;
        destination[1] = 0;
        BinaryPrimitives.WriteInt64LittleEndian(destination[2..], latestExpiry);
        return StoredEventCodec.HeaderLength;
    }

    /// <summary>Writes a reference to the entry whose key is given, where the trace's events reach <paramref name="level"/>; returns its length.</summary>
    public static int WriteItem(Span<byte> destination, LogEventLevel level, ReadOnlySpan<byte> eventKey)
    {
        destination[0] = (byte)level;
        BinaryPrimitives.WriteUInt16LittleEndian(destination[1..], (ushort)eventKey.Length);
        eventKey.CopyTo(destination[ItemHeaderLength..]);
        return ItemHeaderLength + eventKey.Length;
    }

    /// <summary>Reads an entry's header; false when the value is not a reference entry.</summary>
    public static bool TryRead(ReadOnlySpan<byte> value, out long latestExpiry, out ReadOnlySpan<byte> items)
    {
        latestExpiry = 0;
        items = default;
        if (value.Length <= StoredEventCodec.HeaderLength || value[0] != Kind)
            return false;
        latestExpiry = BinaryPrimitives.ReadInt64LittleEndian(value[2..]);
        items = value[StoredEventCodec.HeaderLength..];
        return true;
    }

    /// <summary>Reads the next reference from <paramref name="items"/> and moves past it; false at the end or on damage.</summary>
    public static bool TryReadItem(ref ReadOnlySpan<byte> items, out LogEventLevel level, out ReadOnlySpan<byte> eventKey)
    {
        level = default;
        eventKey = default;
        if (items.Length < ItemHeaderLength || items[0] > (byte)LogEventLevel.Fatal)
            return false;
        var keyLength = BinaryPrimitives.ReadUInt16LittleEndian(items[1..]);
        if (items.Length < ItemHeaderLength + keyLength)
            return false;
        level = (LogEventLevel)items[0];
        eventKey = items.Slice(ItemHeaderLength, keyLength);
        items = items[(ItemHeaderLength + keyLength)..];
        return true;
    }

    /// <summary>True when every item of the entry reads: maintenance deletes an entry that does not.</summary>
    public static bool IsWellFormed(ReadOnlySpan<byte> value)
    {
        if (!TryRead(value, out _, out var items))
            return false;
        while (!items.IsEmpty)
        {
            if (!TryReadItem(ref items, out _, out _))
                return false;
        }
        return true;
    }
}
