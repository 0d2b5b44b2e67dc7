using System.Buffers.Binary;
using Serilog.Events;

namespace Serilog.Sinks.MemStream.Store;

/// <summary>
/// The value of an id's index entry (format 2): where its group of one write batch is, and enough to skip it unread.
/// The group is in the log family beside the index, under <see cref="StoreKey.LogKey"/> of the same sequence number as
/// the entry's key. Laid out like an event's header: kind 4, the group's highest level, its latest expiry.
/// </summary>
internal static class GroupPointer
{
    const byte Kind = 4;

    public const int Length = StoredEventCodec.HeaderLength;

    /// <summary>Writes the pointer of a group with this highest level and latest expiry; returns its length.</summary>
    public static int Write(Span<byte> destination, LogEventLevel highestLevel, long latestExpiry)
    {
        destination[0] = Kind;
        destination[1] = (byte)highestLevel;
        BinaryPrimitives.WriteInt64LittleEndian(destination[2..], latestExpiry);
        return Length;
    }

    /// <summary>Reads a pointer; false when the value is not one (or is damaged).</summary>
    public static bool TryRead(ReadOnlySpan<byte> value, out LogEventLevel highestLevel, out long latestExpiry)
    {
        highestLevel = default;
        latestExpiry = 0;
        if (value.Length != Length || value[0] != Kind || value[1] > (byte)LogEventLevel.Fatal)
            return false;
        highestLevel = (LogEventLevel)value[1];
        latestExpiry = BinaryPrimitives.ReadInt64LittleEndian(value[2..]);
        return true;
    }

    /// <summary>True for a pointer's kind, whether or not the rest reads.</summary>
    public static bool IsPointer(ReadOnlySpan<byte> value) => !value.IsEmpty && value[0] == Kind;
}
