using System.Buffers.Binary;
using Serilog.Events;

namespace Serilog.Sinks.MemStream.Store;

/// <summary>
/// The value of a trace's index entry (format 2): the groups of one write batch that hold the trace's events, each as
/// the highest level of the trace's events there and the group's sequence number (its key in the log family).
/// One entry per trace (and family) per batch, keyed by the trace's first event in it, so a trace's entries do not
/// overlap and read in write order. Kind 5, a zero byte and the latest expiry, then the items (a level byte and a 7-bit varint each).
/// </summary>
internal static class GroupReferences
{
    const byte Kind = 5;
    const int MaxItemLength = 1 + 10;

    /// <summary>The most bytes a value of <paramref name="items"/> references takes.</summary>
    public static int MaxLength(int items) => StoredEventCodec.HeaderLength + items * MaxItemLength;

    public static int WriteHeader(Span<byte> destination, long latestExpiry)
    {
        destination[0] = Kind;
        destination[1] = 0;
        BinaryPrimitives.WriteInt64LittleEndian(destination[2..], latestExpiry);
        return StoredEventCodec.HeaderLength;
    }

    public static int WriteItem(Span<byte> destination, LogEventLevel level, long groupSequence)
    {
        destination[0] = (byte)level;
        return 1 + Varint.Write(destination[1..], (ulong)groupSequence);
    }

    /// <summary>Reads the header; false when the value is not group references.</summary>
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

    /// <summary>Reads the next item and moves past it; false at the end or on damage.</summary>
    public static bool TryReadItem(scoped ref ReadOnlySpan<byte> items, out LogEventLevel level, out long groupSequence)
    {
        level = default;
        groupSequence = 0;
        if (items.IsEmpty || items[0] > (byte)LogEventLevel.Fatal)
            return false;
        var rest = items[1..];
        if (!Varint.TryRead(ref rest, out var sequence) || sequence > long.MaxValue)
            return false;
        level = (LogEventLevel)items[0];
        groupSequence = (long)sequence;
        items = rest;
        return true;
    }

    /// <summary>True when every item reads: maintenance deletes an entry that does not.</summary>
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
