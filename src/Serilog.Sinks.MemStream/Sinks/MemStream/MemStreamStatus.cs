namespace Serilog.Sinks.MemStream;

/// <summary>A reading of one sink's counters, taken by <see cref="MemStream.Status"/>.</summary>
public sealed record MemStreamStatus
{
    /// <summary>What the facade answers for a name that no live sink has.</summary>
    internal static readonly MemStreamStatus Unavailable = new();

    /// <summary>True when a live sink answered; false when no sink of that name exists (every other value is then zero).</summary>
    public bool IsAvailable { get; init; }

    /// <summary>The sequence number of the newest accepted event (0 before the first).</summary>
    public long LastSequence { get; init; }

    /// <summary>Events accepted by <c>Emit</c> and not yet rendered and delivered.</summary>
    public int QueuePending { get; init; }

    /// <summary>Events that arrived while the sink's queue was full and were therefore dropped (also reported to SelfLog).</summary>
    public long QueueOverflowed { get; init; }

    /// <summary>Events in the bounded buffer.</summary>
    public int BufferedEvents { get; init; }

    /// <summary>Bytes of rendered text in the bounded buffer.</summary>
    public int BufferedBytes { get; init; }

    /// <summary>Events pushed out of the bounded buffer by newer ones.</summary>
    public long BufferEvictions { get; init; }

    /// <summary>The sequence number of the oldest buffered event, or null when the buffer is empty.</summary>
    public long? OldestBufferedSequence { get; init; }

    /// <summary>Live subscriptions.</summary>
    public int Subscribers { get; init; }
}
