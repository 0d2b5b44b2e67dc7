using Serilog.Debugging;
using Serilog.Events;

namespace Serilog.Sinks.MemStream.Pipeline;

/// <summary>
/// The hand-off between the application's threads and the sink's worker thread. Enqueueing takes
/// the next sequence number and stores a reference under one short lock, so sequence order is queue
/// order; everything else (rendering, fan-out, storage) runs on the worker. The queue holds at most
/// <c>capacity</c> unprocessed events; beyond that, events are counted as overflow and reported to
/// SelfLog once per burst, never waited for.
/// </summary>
internal sealed class IngestQueue : IDisposable
{
    readonly object _gate = new();
    readonly int _capacity;
    readonly Action<long, LogEvent> _process;
    readonly Thread _worker;
    Queue<PendingEvent> _incoming = new();
    Queue<PendingEvent> _draining = new();
    long _lastSequence;
    long _processedSequence;
    long _overflowed;
    long _overflowedInBurst;
    int _waiters;
    bool _workerIdle;
    bool _closed;

    public IngestQueue(int capacity, long initialSequence, Action<long, LogEvent> process, string threadName)
    {
        _capacity = capacity;
        _process = process;
        _lastSequence = initialSequence;
        _processedSequence = initialSequence;
        _worker = new Thread(Run) { IsBackground = true, Name = threadName };
        _worker.Start();
    }

    public long LastSequence
    {
        get { lock (_gate) return _lastSequence; }
    }

    public long Overflowed
    {
        get { lock (_gate) return _overflowed; }
    }

    public int Pending
    {
        get { lock (_gate) return (int)(_lastSequence - Volatile.Read(ref _processedSequence)); }
    }

    /// <summary>Queues the event under the next sequence number; false when it was not accepted.</summary>
    public bool TryEnqueue(LogEvent logEvent)
    {
        bool accepted;
        bool burstStarted = false;
        long burstEnded = 0;
        lock (_gate)
        {
            if (_closed)
                return false;

            accepted = _lastSequence - Volatile.Read(ref _processedSequence) < _capacity;
            if (accepted)
            {
                burstEnded = _overflowedInBurst;
                _overflowedInBurst = 0;
                _incoming.Enqueue(new PendingEvent(++_lastSequence, logEvent));
                if (_workerIdle)
                {
                    _workerIdle = false;
                    Monitor.PulseAll(_gate);
                }
            }
            else
            {
                _overflowed++;
                burstStarted = _overflowedInBurst++ == 0;
            }
        }

        if (burstStarted)
            SelfLog.WriteLine("MemStream: the sink's queue is full ({0} events waiting); events are dropped until it drains", _capacity);
        if (burstEnded > 0)
            SelfLog.WriteLine("MemStream: the sink's queue drained; {0} events were dropped while it was full", burstEnded);
        return accepted;
    }

    /// <summary>
    /// Returns once the worker has processed every event up to <paramref name="sequence"/>, or at
    /// once on the worker's own thread (where waiting would never end).
    /// </summary>
    public void WaitUntilProcessed(long sequence)
    {
        if (Thread.CurrentThread == _worker)
            return;

        lock (_gate)
        {
            _waiters++;
            try
            {
                while (Volatile.Read(ref _processedSequence) < sequence && _worker.IsAlive)
                    Monitor.Wait(_gate, TimeSpan.FromMilliseconds(100));
            }
            finally
            {
                _waiters--;
            }
        }
    }

    /// <summary>Stops accepting events, lets the worker process every queued one, and waits for it.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_closed)
                return;
            _closed = true;
            Monitor.PulseAll(_gate);
        }

        if (Thread.CurrentThread != _worker)
            _worker.Join();
    }

    void Run()
    {
        while (TakeBatch())
        {
            foreach (var pending in _draining)
            {
                try
                {
                    _process(pending.Sequence, pending.LogEvent);
                }
                catch (Exception ex)
                {
                    SelfLog.WriteLine("MemStream: processing event {0} failed: {1}", pending.Sequence, ex);
                }
                Volatile.Write(ref _processedSequence, pending.Sequence);
            }
            _draining.Clear();
        }
    }

    /// <summary>Swaps the incoming queue for the drained one; false once closed and empty.</summary>
    bool TakeBatch()
    {
        lock (_gate)
        {
            if (_waiters > 0)
                Monitor.PulseAll(_gate);

            while (_incoming.Count == 0)
            {
                if (_closed)
                    return false;
                _workerIdle = true;
                Monitor.Wait(_gate);
            }

            _workerIdle = false;
            (_incoming, _draining) = (_draining, _incoming);
            return true;
        }
    }

    readonly record struct PendingEvent(long Sequence, LogEvent LogEvent);
}
