namespace Serilog.Sinks.MemStream.Store;

/// <summary>
/// The bound of one page of a store query: at most a number of events and about a number of bytes of stored
/// values, and never less than one event. Each family's scan stops at the bound; the merged events are cut
/// to it again, and the page says whether anything was left behind.
/// </summary>
internal sealed class PageBound(int limit, long maxBytes)
{
    readonly int _limit = limit;
    readonly long _maxBytes = maxBytes;
    /// <summary>A found event and the size of its stored value.</summary>
    public readonly record struct Sized(MemStreamStoredEvent Event, int Bytes);

    bool _stoppedEarly;

    public Scan StartScan() => new(this);

    /// <summary>The first events of <paramref name="found"/> (in write order) that fit the bound.</summary>
    public StoredPage Page(List<Sized> found)
    {
        var page = new List<MemStreamStoredEvent>(Math.Min(found.Count, _limit));
        var scan = StartScan();
        foreach (var (storedEvent, bytes) in found)
        {
            if (scan.IsFull)
                break;
            page.Add(storedEvent);
            scan.Took(bytes);
        }
        return new StoredPage(page, _stoppedEarly || page.Count < found.Count);
    }

    /// <summary>One family's scan against the bound.</summary>
    public struct Scan(PageBound bound)
    {
        int _events;
        long _bytes;

        /// <summary>True once the scan holds the limit's events or the bound's bytes (the scan then stops, and the page may have more).</summary>
        public readonly bool IsFull
        {
            get
            {
                var full = _events >= bound._limit || (_events > 0 && _bytes >= bound._maxBytes);
                if (full)
                    bound._stoppedEarly = true;
                return full;
            }
        }

        public void Took(int bytes)
        {
            _events++;
            _bytes += bytes;
        }
    }
}
