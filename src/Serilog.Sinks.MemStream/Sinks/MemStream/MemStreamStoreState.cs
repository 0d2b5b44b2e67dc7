namespace Serilog.Sinks.MemStream;

/// <summary>Whether a sink's durable store is in use.</summary>
public enum MemStreamStoreState
{
    /// <summary>The sink was configured with <c>durable: false</c>.</summary>
    Disabled,

    /// <summary>The store is open and events with a correlation id are being kept.</summary>
    Open,

    /// <summary>
    /// The store could not be opened (locked by another process, a path that cannot be created, a
    /// failing disk), or its files were found damaged while the sink ran (RocksDB then refuses every
    /// write until the store is closed, and <c>moveDamagedStoreAside</c> was off): the sink works in
    /// memory only, and <see cref="MemStreamStatus.StoreMessage"/> says why and what to do.
    /// </summary>
    Unavailable,

    /// <summary>
    /// The store is open but writing to it fails, for example because the disk is full: events wait
    /// in the store's queue and are retried until writing works again (beyond the queue's limit they
    /// are counted in <see cref="MemStreamStatus.StoreQueueOverflowed"/>). <see cref="MemStreamStatus.StoreMessage"/> says why.
    /// </summary>
    Failing,
}
