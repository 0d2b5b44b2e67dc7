using System.Collections.Concurrent;

namespace Serilog.Sinks.MemStream.Redis;

/// <summary>What the publisher did, shared with the heartbeat (which tells the fleet) and <see cref="MemStreamFleet.Status"/>.</summary>
internal sealed class FleetCounters
{
    long _published;
    long _notSent;
    long _dropped;
    long _cutDown;
    string? _lastError;
    readonly ConcurrentDictionary<string, long> _rejected = new(StringComparer.Ordinal);

    public long Published => Interlocked.Read(ref _published);

    /// <summary>Events that could not be sent (Redis unreachable or refusing).</summary>
    public long NotSent => Interlocked.Read(ref _notSent);

    /// <summary>Events dropped from the publisher's full queue before it could try (Redis slow).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Events published cut down because they were too large for the stream.</summary>
    public long CutDown => Interlocked.Read(ref _cutDown);

    public string? LastError => Volatile.Read(ref _lastError);

    public void AddPublished(long count) => Interlocked.Add(ref _published, count);

    public void AddNotSent(long count, string error)
    {
        Interlocked.Add(ref _notSent, count);
        Volatile.Write(ref _lastError, error);
    }

    public void AddDropped(long count) => Interlocked.Add(ref _dropped, count);

    /// <summary>What this instance read from Redis and skipped as not MemStream's (by what it was: entry, answer, request), so far.</summary>
    public IReadOnlyDictionary<string, long> Rejected => new SortedDictionary<string, long>(_rejected, StringComparer.Ordinal);

    /// <summary>Counts <paramref name="count"/> things of a kind read from Redis and skipped (see <see cref="FleetMetrics.Rejected"/>).</summary>
    public void AddRejected(string what, long count)
    {
        _rejected.AddOrUpdate(what, count, (_, total) => total + count);
        FleetMetrics.Rejected.Add(count, new KeyValuePair<string, object?>("what", what));
    }

    /// <summary>Counts events cut down; the new total.</summary>
    public long AddCutDown(long count) => Interlocked.Add(ref _cutDown, count);
}
