using System.Text;

namespace Serilog.Sinks.MemStream.Live;

/// <summary>
/// Cuts an event that is larger than the whole buffer down to the buffer's size, at a UTF-8
/// character boundary, and ends it with a marker that says how large it was.
/// </summary>
internal static class OversizeEventTruncator
{
    public static MemStreamEvent Truncate(MemStreamEvent memStreamEvent, int capacityBytes)
    {
        var original = memStreamEvent.Utf8.Span;
        var marker = Encoding.UTF8.GetBytes($" …[truncated by MemStream: {original.Length} bytes]\n");
        // A buffer too small even for the marker keeps as much of the text as fits, unmarked.
        var markerLength = marker.Length <= capacityBytes ? marker.Length : 0;
        var cut = CharacterBoundaryAtOrBefore(original, capacityBytes - markerLength);

        var kept = new byte[cut + markerLength];
        original[..cut].CopyTo(kept);
        marker.AsSpan(0, markerLength).CopyTo(kept.AsSpan(cut));
        return new MemStreamEvent(memStreamEvent.Sequence, memStreamEvent.LogEvent, kept);
    }

    static int CharacterBoundaryAtOrBefore(ReadOnlySpan<byte> utf8, int index)
    {
        // UTF-8 continuation bytes look like 10xxxxxx; a character starts anywhere else.
        while (index > 0 && index < utf8.Length && (utf8[index] & 0xC0) == 0x80)
            index--;
        return index;
    }
}
