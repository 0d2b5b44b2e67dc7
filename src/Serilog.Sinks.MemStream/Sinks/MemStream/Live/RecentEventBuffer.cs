using System.Text;

namespace Serilog.Sinks.MemStream.Live;

/// <summary>
/// The newest whole events whose rendered bytes add up to at most a fixed size. Appending is O(1)
/// amortized: the events sit in a ring (<see cref="Queue{T}"/>) and eviction drops whole events from
/// its head, so no bytes are ever moved. Not thread-safe: <see cref="LiveFeed"/> guards it.
/// </summary>
internal sealed class RecentEventBuffer
{
    readonly Queue<MemStreamEvent> _events = new();
    readonly int _capacityBytes;

    public RecentEventBuffer(int capacityBytes)
    {
        _capacityBytes = capacityBytes;
    }

    public int Count => _events.Count;

    public int SizeBytes { get; private set; }

    public long Evictions { get; private set; }

    public void Append(MemStreamEvent memStreamEvent)
    {
        var kept = memStreamEvent.Utf8.Length > _capacityBytes
            ? OversizeEventTruncator.Truncate(memStreamEvent, _capacityBytes)
            : memStreamEvent;

        while (SizeBytes + kept.Utf8.Length > _capacityBytes)
        {
            SizeBytes -= _events.Dequeue().Utf8.Length;
            Evictions++;
        }

        _events.Enqueue(kept);
        SizeBytes += kept.Utf8.Length;
    }

    /// <summary>The buffered events with a sequence number above <paramref name="after"/>, oldest first.</summary>
    public List<MemStreamEvent> EventsAfter(long after)
    {
        var result = new List<MemStreamEvent>(_events.Count);
        foreach (var buffered in _events)
        {
            if (buffered.Sequence > after)
                result.Add(buffered);
        }
        return result;
    }

    /// <summary>The lowest sequence number still held, or null when the buffer is empty.</summary>
    public long? OldestSequence => _events.Count == 0 ? null : _events.Peek().Sequence;

    public string Text()
    {
        var bytes = new byte[SizeBytes];
        var offset = 0;
        foreach (var buffered in _events)
        {
            buffered.Utf8.Span.CopyTo(bytes.AsSpan(offset));
            offset += buffered.Utf8.Length;
        }
        return Encoding.UTF8.GetString(bytes);
    }
}
