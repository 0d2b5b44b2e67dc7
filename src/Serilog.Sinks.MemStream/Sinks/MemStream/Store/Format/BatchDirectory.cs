using System.Buffers.Binary;

namespace Serilog.Sinks.MemStream.Store;

/// <summary>
/// The value of a search-index entry (format 2, since search): the groups one write batch stored in one family, so that
/// a search across ids reads the store batch by batch, newest first, without knowing the ids. Two entries per batch
/// and family (<see cref="StoreKey.WriteDirectoryKey"/>): one naming every group, one naming only the groups that hold
/// a Warning or worse (so "what went wrong" seeks past the rest). Kind 6, a zero byte and the latest expiry (so it
/// expires with the groups it names, and reads as an index entry), then when the batch was written and its earliest
/// event's timestamp (Unix milliseconds, little-endian): a search stops at the first batch written before its
/// <c>from</c> (an event is written after it happens, unless the clock stepped back or the app dated it ahead) and
/// skips one whose earliest event is after its <c>to</c>; and the sequence number (in the key's epoch) of the last event
/// of the groups it names, so a search knows how far up a family's unread batches reach.
/// The items are <see cref="GroupReferences"/>' items: each group's highest level, sequence number and index key.
/// </summary>
internal static class BatchDirectory
{
    const byte Kind = 6;
    public const int HeaderLength = StoredEventCodec.HeaderLength + 24;

    public static int WriteHeader(Span<byte> destination, long latestExpiry, long writtenAt, long earliestTimestamp, long lastSequence)
    {
        destination[0] = Kind;
        destination[1] = 0;
        BinaryPrimitives.WriteInt64LittleEndian(destination[2..], latestExpiry);
        BinaryPrimitives.WriteInt64LittleEndian(destination[10..], writtenAt);
        BinaryPrimitives.WriteInt64LittleEndian(destination[18..], earliestTimestamp);
        BinaryPrimitives.WriteInt64LittleEndian(destination[26..], lastSequence);
        return HeaderLength;
    }

    /// <summary>Reads the header; false when the value is not a directory. The items read with <see cref="GroupReferences.TryReadItem"/>.</summary>
    public static bool TryRead(ReadOnlySpan<byte> value, out long latestExpiry, out long writtenAt, out long earliestTimestamp, out long lastSequence,
        out ReadOnlySpan<byte> items)
    {
        latestExpiry = writtenAt = earliestTimestamp = lastSequence = 0;
        items = default;
        if (value.Length < HeaderLength || value[0] != Kind)
            return false;
        latestExpiry = BinaryPrimitives.ReadInt64LittleEndian(value[2..]);
        writtenAt = BinaryPrimitives.ReadInt64LittleEndian(value[10..]);
        earliestTimestamp = BinaryPrimitives.ReadInt64LittleEndian(value[18..]);
        lastSequence = BinaryPrimitives.ReadInt64LittleEndian(value[26..]);
        items = value[HeaderLength..];
        return true;
    }

    /// <summary>True for a directory's kind, whether or not the rest reads.</summary>
    public static bool IsDirectory(ReadOnlySpan<byte> value) => !value.IsEmpty && value[0] == Kind;

    /// <summary>True when the header and every item read: maintenance deletes an entry that does not.</summary>
    public static bool IsWellFormed(ReadOnlySpan<byte> value)
    {
        if (!TryRead(value, out _, out _, out _, out _, out var items))
            return false;
        while (!items.IsEmpty)
        {
            if (!GroupReferences.TryReadItem(ref items, out _, out _, out _))
                return false;
        }
        return true;
    }
}
