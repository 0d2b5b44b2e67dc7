using Serilog.Debugging;

namespace Serilog.Sinks.MemStream;

/// <summary>
/// Counts the events a full queue turned away, and says so in SelfLog once when a burst of them starts
/// and once when it ends (with how many), never once per event. Shared by the sink's queue and the store's.
/// </summary>
internal sealed class OverflowReporter(string fullMessage, string drainedMessageFormat)
{
    long _total;
    long _inBurst;

    /// <summary>Every event turned away so far.</summary>
    public long Total => Interlocked.Read(ref _total);

    public void Overflowed()
    {
        Interlocked.Increment(ref _total);
        if (Interlocked.Increment(ref _inBurst) == 1)
            SelfLog.WriteLine(fullMessage);
    }

    /// <summary>An event was queued again: a burst of overflow, if there was one, has ended.</summary>
    public void Accepted()
    {
        if (Volatile.Read(ref _inBurst) == 0)
            return;
        var dropped = Interlocked.Exchange(ref _inBurst, 0);
        if (dropped > 0)
            SelfLog.WriteLine(drainedMessageFormat, dropped);
    }
}
