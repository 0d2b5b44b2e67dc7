using System.Buffers.Binary;
using Serilog.Events;

namespace Serilog.Sinks.MemStream.Store;

/// <summary>
/// The value of a trace's index entry (format 2): the groups of one write batch that hold the trace's events, each as
/// the highest level of the trace's events there, the group's sequence number (its key in the log family) and, for a
/// small group kept in the index itself, its index key. One entry per trace (and family) per batch, keyed by the
/// trace's first event in it, so a trace's entries do not overlap and read in write order. Kind 5, a zero byte and
/// the latest expiry, then the items: a level byte, the sequence number and the key's length (7-bit varints; 0 for
/// a group in the log), and the key.
/// </summary>
internal static class GroupReferences
{
    const byte Kind = 5;
    /// <summary>The most bytes a reference to a group with this index key (empty for a group in the log) takes.</summary>
    public static int MaxItemLength(int indexKeyLength) => 1 + 2 * Varint.MaxBytes + indexKeyLength;

    public static int WriteHeader(Span<byte> destination, long latestExpiry)
    {
        destination[0] = Kind;
        destination[1] = 0;
        BinaryPrimitives.WriteInt64LittleEndian(destination[2..], latestExpiry);
        return StoredEventCodec.HeaderLength;
    }

    /// <summary>Writes a reference to a group in the log (<paramref name="indexKey"/> empty) or in the index under that key; returns its length.</summary>
    public static int WriteItem(Span<byte> destination, LogEventLevel level, long groupSequence, ReadOnlySpan<byte> indexKey)
    {
        destination[0] = (byte)level;
        var at = 1 + Varint.Write(destination[1..], (ulong)groupSequence);
        at += Varint.Write(destination[at..], (ulong)indexKey.Length);
        indexKey.CopyTo(destination[at..]);
        return at + indexKey.Length;
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
    public static bool TryReadItem(scoped ref ReadOnlySpan<byte> items, out LogEventLevel level, out long groupSequence, out ReadOnlySpan<byte> indexKey)
    {
        level = default;
        groupSequence = 0;
        indexKey = default;
        if (items.IsEmpty || items[0] > (byte)LogEventLevel.Fatal)
            return false;
        var rest = items[1..];
        if (!Varint.TryRead(ref rest, out var sequence) || sequence > long.MaxValue
            || !Varint.TryRead(ref rest, out var keyLength) || keyLength > (ulong)rest.Length)
            return false;
        level = (LogEventLevel)items[0];
        groupSequence = (long)sequence;
        indexKey = rest[..(int)keyLength];
        items = rest[(int)keyLength..];
        return true;
    }

    /// <summary>True when every item reads: maintenance deletes an entry that does not.</summary>
    public static bool IsWellFormed(ReadOnlySpan<byte> value)
    {
        if (!TryRead(value, out _, out var items))
            return false;
        while (!items.IsEmpty)
        {
            if (!TryReadItem(ref items, out _, out _, out _))
                return false;
        }
        return true;
    }
}
