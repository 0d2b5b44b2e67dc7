using Serilog.Events;

namespace Serilog.Sinks.MemStream.Store;

/// <summary>
/// The events an entry holds, whichever format wrote it: a group (format 2, <see cref="StoredGroup"/>) or a
/// single event (format 1, <see cref="StoredEventCodec"/>, as stores written before groups hold them), each with its sequence
/// number in the key's epoch. Readers go through this, so a store keeps answering across the change of format.
/// </summary>
internal ref struct StoredEvents
{
    ReadOnlySpan<byte> _items;
    readonly long _keySequence;
    ReadOnlySpan<byte> _single;

    StoredEvents(ReadOnlySpan<byte> items, long keySequence, ReadOnlySpan<byte> single)
    {
        _items = items;
        _keySequence = keySequence;
        _single = single;
    }

    /// <summary>
    /// The events of an entry stored under <paramref name="keySequence"/>, the highest level among them and their latest expiry
    /// (from the header: nothing is decoded); false when the value is neither form (a trace's references, or damage).
    /// </summary>
    public static bool TryOpen(ReadOnlySpan<byte> value, long keySequence, out StoredEvents events, out LogEventLevel highestLevel, out long latestExpiry)
    {
        if (StoredGroup.TryRead(value, out highestLevel, out latestExpiry, out var items))
        {
            events = new StoredEvents(items, keySequence, default);
            return true;
        }
        if (StoredEventCodec.TryReadHeader(value, out highestLevel, out latestExpiry))
        {
            events = new StoredEvents(default, keySequence, value);
            return true;
        }
        events = default;
        return false;
    }

    /// <summary>The next event and its sequence number (in the key's epoch); false at the end or where the rest is damaged.</summary>
    public bool TryNext(out long sequence, out ReadOnlySpan<byte> eventValue)
    {
        if (!_single.IsEmpty)
        {
            sequence = _keySequence;
            eventValue = _single;
            _single = default;
            return true;
        }
        var items = _items;
        if (!items.IsEmpty && StoredGroup.TryReadItem(ref items, out var offset, out eventValue))
        {
            _items = items;
            sequence = _keySequence + offset;
            return true;
        }
        _items = default;
        sequence = 0;
        eventValue = default;
        return false;
    }
}
