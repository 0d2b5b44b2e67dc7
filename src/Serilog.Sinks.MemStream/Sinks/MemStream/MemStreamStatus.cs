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

    /// <summary>The most events the sink's queue holds (its <c>queueLimit</c>).</summary>
    public int QueueCapacity { get; init; }

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

    /// <summary>Whether the durable store is in use; when <see cref="MemStreamStoreState.Unavailable"/>, <see cref="StoreMessage"/> says why.</summary>
    public MemStreamStoreState StoreState { get; init; }

    /// <summary>Why the store is unavailable, or null.</summary>
    public string? StoreMessage { get; init; }

    /// <summary>The store's directory, or null when the store is disabled.</summary>
    public string? StorePath { get; init; }

    /// <summary>Events waiting to be written to the store.</summary>
    public int StoreQueuePending { get; init; }

    /// <summary>The most events the store's queue holds (its <c>storeQueueLimit</c>), or 0 without a store.</summary>
    public int StoreQueueCapacity { get; init; }

    /// <summary>Events not stored because the store's queue was full, for example while writes failed (also reported to SelfLog).</summary>
    public long StoreQueueOverflowed { get; init; }

    /// <summary>Events written to the store by this sink since it started.</summary>
    public long EventsStored { get; init; }

    /// <summary>
    /// Events not stored because writes to the store were still failing when the sink closed (also
    /// reported to SelfLog). While the sink runs, failed writes are retried, not counted here.
    /// </summary>
    public long StoreWriteFailures { get; init; }

    /// <summary>Expired entries removed by maintenance since the sink started.</summary>
    public long ExpiredRemoved { get; init; }

    /// <summary>Entries that could not be decoded and were deleted by maintenance since the sink started.</summary>
    public long CorruptRemoved { get; init; }

    /// <summary>
    /// Events kept with a marker such as <c>&lt;ToString() threw InvalidOperationException&gt;</c> in place of a
    /// property value whose <c>ToString</c> threw, or with a plain fallback rendering when the formatter itself
    /// failed. Such events are still buffered, tailed, stored and published; the first is also told to SelfLog.
    /// </summary>
    public long RenderFailures { get; init; }
}
