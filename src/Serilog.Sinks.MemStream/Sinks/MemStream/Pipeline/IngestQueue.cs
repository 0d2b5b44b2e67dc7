using System.Runtime.InteropServices;
using Serilog.Debugging;
using Serilog.Events;

namespace Serilog.Sinks.MemStream.Pipeline;

/// <summary>
/// The hand-off between the application's threads and the sink's worker thread: a ring of slots
/// without locks. <see cref="TryEnqueue"/> claims the next sequence number with one compare-and-swap
/// and publishes the event in that number's slot; the worker processes slots strictly in sequence
/// order, so sequence order is processing order. At most <c>capacity</c> events wait; beyond that,
/// events are counted as overflow and reported to SelfLog once per burst, never waited for.
/// </summary>
/// <remarks>
/// A lock here made the application pay for the worker: measured with a worker that did nothing,
/// <c>Log.Information</c> ran at half the speed of a sink that does nothing, mostly in lock hand-offs
/// and wake-ups. The worker therefore polls while events keep coming and only blocks after a quiet
/// spell, so a busy application never pays for a wake-up.
/// </remarks>
internal sealed class IngestQueue : IDisposable
{
    const long ClosedBit = 1L << 62;
    static readonly TimeSpan QuietBeforeBlocking = TimeSpan.FromMilliseconds(20);

    readonly Slot[] _slots;
    readonly long _mask;
    readonly int _capacity;
    readonly Action<long, LogEvent, byte[]?> _process;
    readonly Thread _worker;
    readonly ManualResetEventSlim _wake = new(false);
    // What the application's threads write and what the worker writes sit on cache lines of their own:
    // on one line (as before), each event moved that line between the two cores twice.
    ProducerSide _producers;
    WorkerSide _progress;
    readonly OverflowReporter _overflow;

    /// <param name="capacity">At most this many events wait; more are turned away and counted.</param>
    /// <param name="initialSequence">The number after which this queue numbers events.</param>
    /// <param name="process">Called on the worker for each event, in sequence order.</param>
    /// <param name="threadName">The worker thread's name.</param>
    public IngestQueue(int capacity, long initialSequence, Action<long, LogEvent, byte[]?> process, string threadName)
    {
        _capacity = capacity;
        _overflow = new OverflowReporter(
            $"MemStream: the sink's queue is full ({capacity} events waiting); events are dropped until it drains",
            "MemStream: the sink's queue drained; {0} events were dropped while it was full");
        // MemStreamSinkOptions caps the capacity at 2^24, so the rounded size always fits.
        _slots = new Slot[(int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)capacity)];
        _mask = _slots.Length - 1;
        _process = process;
        _producers.Claimed = initialSequence;
        _producers.ProcessedSeen = initialSequence;
        _progress.Processed = initialSequence;
        _worker = new Thread(Run) { IsBackground = true, Name = threadName };
        _worker.Start();
    }

    public long LastSequence => Volatile.Read(ref _producers.Claimed) & ~ClosedBit;

    public long Overflowed => _overflow.Total;

    public int Pending => (int)(LastSequence - Volatile.Read(ref _progress.Processed));

    /// <summary>Whether at least <paramref name="events"/> events wait for the worker (cheap: see <see cref="ProcessedAtLeast"/>).</summary>
    public bool HasBacklogOf(int events)
    {
        var claimed = LastSequence;
        return claimed - ProcessedAtLeast(claimed, events) >= events;
    }

    /// <summary>
    /// Queues the event, with its rendering when the caller made it, under the next sequence number;
    /// false when it was not accepted.
    /// </summary>
    public bool TryEnqueue(LogEvent logEvent, byte[]? rendered)
    {
        long sequence;
        while (true)
        {
            var claimed = Volatile.Read(ref _producers.Claimed);
            if ((claimed & ClosedBit) != 0)
                return false;
            if (claimed - ProcessedAtLeast(claimed, _capacity) >= _capacity)
            {
                _overflow.Overflowed();
                return false;
            }
            sequence = claimed + 1;
            if (Interlocked.CompareExchange(ref _producers.Claimed, sequence, claimed) == claimed)
                break;
        }

        ref var slot = ref _slots[sequence & _mask];
        slot.Event = logEvent;
        slot.Rendered = rendered;
        // Publishing the number is a full fence, so the sleeping flag below is read after it.
        Interlocked.Exchange(ref slot.Sequence, sequence);
        if (Volatile.Read(ref _producers.WorkerSleeping) != 0 && Interlocked.Exchange(ref _producers.WorkerSleeping, 0) != 0)
            _wake.Set();

        _overflow.Accepted();
        return true;
    }

    /// <summary>
    /// Returns once the worker has processed every event up to <paramref name="sequence"/>, or at
    /// once on the worker's own thread (where waiting would never end).
    /// </summary>
    public void WaitUntilProcessed(long sequence)
    {
        if (Thread.CurrentThread == _worker)
            return;

        var spinner = new SpinWait();
        while (Volatile.Read(ref _progress.Processed) < sequence && _worker.IsAlive)
            spinner.SpinOnce();
    }

    /// <summary>Stops accepting events, lets the worker process every queued one, and waits for it.</summary>
    public void Dispose()
    {
        if ((Interlocked.Or(ref _producers.Claimed, ClosedBit) & ClosedBit) != 0)
            return;
        _wake.Set();
        if (Thread.CurrentThread != _worker)
            _worker.Join();
    }

    void Run()
    {
        var quietSince = 0L;
        var spinner = new SpinWait();
        while (true)
        {
            var next = _progress.Processed + 1;
            ref var slot = ref _slots[next & _mask];
            if (Volatile.Read(ref slot.Sequence) == next)
            {
                var logEvent = slot.Event!;
                var rendered = slot.Rendered;
                slot.Event = null;
                slot.Rendered = null;
                try
                {
                    _process(next, logEvent, rendered);
                }
                catch (Exception ex)
                {
                    SelfLog.WriteLine("MemStream: processing event {0} failed: {1}", next, ex);
                }
                Volatile.Write(ref _progress.Processed, next);
                quietSince = 0;
                spinner.Reset();
                continue;
            }

            var claimed = Volatile.Read(ref _producers.Claimed);
            if ((claimed & ClosedBit) != 0 && (claimed & ~ClosedBit) < next)
                return;

            // Nothing to do: spin briefly, then poll, and only after a quiet spell block until an
            // event (or Dispose) wakes the worker. A number that is claimed but not yet published is
            // moments away (its producer is between two statements), so the worker polls for it.
            if (quietSince == 0)
                quietSince = Environment.TickCount64;
            if (!spinner.NextSpinWillYield)
                spinner.SpinOnce();
            else if (Environment.TickCount64 - quietSince < QuietBeforeBlocking.TotalMilliseconds || claimed > next - 1)
                Thread.Sleep(1);
            else
                Sleep(next);
        }
    }

    void Sleep(long next)
    {
        _wake.Reset();
        Interlocked.Exchange(ref _producers.WorkerSleeping, 1);
        // Checked again after raising the flag: an event published before it would never wake us.
        if (Volatile.Read(ref _slots[next & _mask].Sequence) != next && (Volatile.Read(ref _producers.Claimed) & ClosedBit) == 0)
            _wake.Wait();
        Interlocked.Exchange(ref _producers.WorkerSleeping, 0);
    }

    /// <summary>
    /// A lower bound of the worker's progress for a producer: the last value a producer read, read
    /// afresh from the worker's cache line only once that bound shows a backlog of <paramref name="backlog"/>
    /// events. While the worker keeps up, the application's threads then touch its line once per
    /// <paramref name="backlog"/> events instead of once per event. A stale bound only errs towards "fuller".
    /// </summary>
    long ProcessedAtLeast(long claimed, int backlog)
    {
        var seen = Volatile.Read(ref _producers.ProcessedSeen);
        if (claimed - seen < backlog)
            return seen;
        seen = Volatile.Read(ref _progress.Processed);
        Volatile.Write(ref _producers.ProcessedSeen, seen);
        return seen;
    }

    /// <summary>Written by the application's threads (the worker only raises and lowers its sleeping flag).</summary>
    [StructLayout(LayoutKind.Explicit, Size = 192)]
    struct ProducerSide
    {
        [FieldOffset(64)] public long Claimed;          // the last sequence number handed out, with ClosedBit once closed
        [FieldOffset(72)] public long ProcessedSeen;    // a lower bound of WorkerSide.Processed
        [FieldOffset(80)] public int WorkerSleeping;
    }

    /// <summary>Written by the worker alone.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 136)]
    struct WorkerSide
    {
        [FieldOffset(64)] public long Processed;        // the last sequence number the worker finished
    }

    struct Slot
    {
        public LogEvent? Event;
        public byte[]? Rendered;
        public long Sequence;
    }
}
