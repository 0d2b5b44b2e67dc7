namespace Serilog.Sinks.MemStream.Store;

/// <summary>
/// The bound of one page of a store query: at most a number of events and about a number of bytes of stored
/// values, and never less than one event. Each family's scan takes events until it holds the bound, and then
/// only those below the highest it took, from entries that may hold such (entries are read in the order of
/// their first event, and a trace's entries of one write batch interleave): so what a scan took is every event
/// of its family up to that highest one, and the merged, cut page has no hole. The page says whether anything was left behind.
/// </summary>
internal sealed class PageBound(int limit, long maxBytes)
{
    readonly int _limit = limit;
    readonly long _maxBytes = maxBytes;
    bool _leftSomething;

    /// <summary>A found event and the size of its stored value.</summary>
    public readonly record struct Sized(MemStreamStoredEvent Event, int Bytes);

    public Scan StartScan() => new(this);

    /// <summary>The first events of <paramref name="found"/> (in write order) that fit the bound.</summary>
    public StoredPage Page(List<Sized> found)
    {
        var page = new List<MemStreamStoredEvent>(Math.Min(found.Count, _limit));
        long bytes = 0;
        foreach (var (storedEvent, size) in found)
        {
            if (IsFull(page.Count, bytes))
                break;
            page.Add(storedEvent);
            bytes += size;
        }
        return new StoredPage(page, _leftSomething || page.Count < found.Count);
    }

    bool IsFull(int events, long bytes) => events >= _limit || (events > 0 && bytes >= _maxBytes);

    /// <summary>One family's scan against the bound.</summary>
    public sealed class Scan(PageBound bound)
    {
        int _events;
        long _bytes;
        long _highest = long.MinValue;

        /// <summary>True when the scan holds the bound and an entry whose first event is <paramref name="firstSequence"/> cannot add to the page: the scan stops there.</summary>
        public bool StopsBefore(long firstSequence)
        {
            if (!bound.IsFull(_events, _bytes) || firstSequence < _highest)
                return false;
            bound._leftSomething = true;
            return true;
        }

        /// <summary>Whether the event with this sequence number is taken: until the bound is held, and after that only below the highest taken.</summary>
        public bool Wants(long sequence)
        {
            if (!bound.IsFull(_events, _bytes) || sequence < _highest)
                return true;
            bound._leftSomething = true;
            return false;
        }

        public void Took(long sequence, int bytes)
        {
            _events++;
            _bytes += bytes;
            _highest = Math.Max(_highest, sequence);
        }
    }
}
