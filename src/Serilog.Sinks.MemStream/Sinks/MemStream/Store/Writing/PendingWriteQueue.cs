using System.Collections.Concurrent;

namespace Serilog.Sinks.MemStream.Store;

/// <summary>
/// The bounded queue between the sink's worker (the only producer) and the store's writer thread
/// (the only consumer). The writes' bytes live in <see cref="WriteSlabs"/>. Adding takes no lock: a
/// lock per event, shared with the writer, cost the worker more than encoding the event. An idle
/// writer polls for 20 ms before it blocks, so a steady stream does not pay a wake-up per event, and a
/// blocked writer is woken once. Anyone waiting for writes to land waits on the same monitor.
/// While events keep coming, the writer takes a chunk at most every <see cref="GatherWindow"/> (unless it is full
/// or someone waits for it to land): a request's events arrive over a millisecond or more, and the longer a
/// chunk gathers, the more of an id's events share one RocksDB entry (<see cref="GroupedBatchWriter"/>).
/// </summary>
internal sealed class PendingWriteQueue(int limit)
{
    static readonly TimeSpan IdleCheck = TimeSpan.FromMilliseconds(100);
    // The producer wakes a blocked writer; this timeout is only a safety net.
    static readonly TimeSpan WriterIdleCheck = TimeSpan.FromSeconds(1);
    const int PollsBeforeBlocking = 20;
    static readonly TimeSpan GatherWindow = TimeSpan.FromMilliseconds(10);
    readonly ConcurrentQueue<PendingWrite> _queue = new();
    readonly WriteSlabs _slabs = new();
    readonly object _gate = new();
    long _enqueued;
    long _written;
    int _writerWaiting;
    int _flushWaiters;
    long _lastTake;
    volatile bool _closed;

    public int Limit { get; } = limit;

    public long Enqueued => Volatile.Read(ref _enqueued);

    public int Pending => (int)(Volatile.Read(ref _enqueued) - Volatile.Read(ref _written));

    /// <summary>Whether the producer must drop its next write; the queue may only have drained since.</summary>
    public bool IsFull => Pending >= Limit;

    public bool IsClosed => _closed;

    /// <summary>Queues a copy of a key, value and trace-index key (or none). Only the producer calls this, after finding the queue not full.</summary>
    public void Add(long sequence, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ReadOnlySpan<byte> indexKey, StoreFamily family)
    {
        var (slab, offset) = _slabs.Copy(key, value, indexKey);
        // Counted first, so that a write taken and done at once never makes Pending negative.
        Volatile.Write(ref _enqueued, _enqueued + 1);
        _queue.Enqueue(new PendingWrite(sequence, slab, offset, key.Length, value.Length, indexKey.Length, family));
        // Enqueue is a full fence, as is the writer's announcement that it waits: one of the two sees the other.
        if (Volatile.Read(ref _writerWaiting) == 1 && Interlocked.Exchange(ref _writerWaiting, 0) == 1)
        {
            lock (_gate)
                Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Up to <paramref name="max"/> queued writes, waiting while there are none; null once closed and empty.</summary>
    public PendingWrite[]? Take(int max)
    {
        var polls = 0;
        while (true)
        {
            var count = Math.Min(max, _queue.Count);
            if (count > 0)
            {
                var gathered = System.Diagnostics.Stopwatch.GetElapsedTime(_lastTake);
                if (count < max && gathered < GatherWindow && !_closed && Volatile.Read(ref _flushWaiters) == 0)
                {
                    lock (_gate)
                    {
                        if (!_closed && _flushWaiters == 0)
                            Monitor.Wait(_gate, GatherWindow - gathered);
                    }
                    continue;
                }
                var chunk = new PendingWrite[count];
                for (var i = 0; i < count; i++)
                    _queue.TryDequeue(out chunk[i]);
                _lastTake = System.Diagnostics.Stopwatch.GetTimestamp();
                return chunk;
            }
            if (polls++ < PollsBeforeBlocking && !_closed)
            {
                Thread.Sleep(1);
                continue;
            }

            lock (_gate)
            {
                Interlocked.Exchange(ref _writerWaiting, 1);
                if (_queue.IsEmpty)
                {
                    if (_closed)
                        return null;
                    Monitor.Wait(_gate, WriterIdleCheck);
                }
                Volatile.Write(ref _writerWaiting, 0);
            }
        }
    }

    /// <summary>Notes that a chunk <see cref="Take"/> gave is in the store (or given up); its memory may be reused.</summary>
    public void MarkWritten(PendingWrite[] chunk)
    {
        _slabs.Written(chunk);
        lock (_gate)
        {
            Volatile.Write(ref _written, _written + chunk.Length);
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Waits until the first <paramref name="target"/> writes are done or <paramref name="canProgress"/> says they will not be soon.</summary>
    public bool WaitUntilWritten(long target, Func<bool> canProgress)
    {
        lock (_gate)
        {
            // Tells a gathering writer to take what it has now.
            _flushWaiters++;
            Monitor.PulseAll(_gate);
            try
            {
                while (_written < target && canProgress())
                    Monitor.Wait(_gate, IdleCheck);
                return _written >= target;
            }
            finally
            {
                _flushWaiters--;
            }
        }
    }

    /// <summary>Waits before a write is retried; false, at once, when the queue has been closed.</summary>
    public bool WaitBeforeRetry(TimeSpan delay)
    {
        lock (_gate)
        {
            if (_closed)
                return false;
            Monitor.Wait(_gate, delay);
            return true;
        }
    }

    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
            Monitor.PulseAll(_gate);
        }
    }
}
