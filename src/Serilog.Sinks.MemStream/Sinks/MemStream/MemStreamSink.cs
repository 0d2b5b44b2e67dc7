using Serilog.Core;
using Serilog.Debugging;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Sinks.MemStream.Live;
using Serilog.Sinks.MemStream.Pipeline;
using Serilog.Sinks.MemStream.Store;

namespace Serilog.Sinks.MemStream;

/// <summary>
/// The MemStream sink. <see cref="Emit"/> numbers the event and queues it (rendering it first only while
/// the worker lags behind, and only with a formatter that is safe to share between threads); the sink's
/// worker thread renders what is not rendered yet and hands it to the bounded buffer, the live
/// subscribers and the store.
/// Created by <c>WriteTo.MemStream(...)</c>; read through the <see cref="MemStream"/> facade.
/// Events it has to drop (its queue full, or emitted after disposal) are counted, told to SelfLog, and
/// reported to Serilog's failure listener when one is set (<c>WriteTo.FallbackChain</c>), as
/// Serilog.Sinks.Async does.
/// Events a host logs while serving MemStream's own endpoints are not taken (<see cref="QuietRequestPaths"/>).
/// </summary>
public sealed class MemStreamSink : ILogEventSink, IDisposable, ISetLoggingFailureListener
{
    // Measured in the emit bench (256, 1,024 and 4,096 tried): below this backlog the worker renders
    // alone and the application pays only the hand-off; above it, the application's threads render too.
    const int DefaultRenderOnCallerAbove = 1024;
    readonly MemStreamSinkOptions _options;
    readonly EventRenderer _renderer;
    readonly LiveFeed _feed;
    readonly IEventStore _store;
    readonly IngestQueue _queue;
    readonly KeyValuePair<string, object?> _sinkTag;
    readonly QuietRequestPaths _quietRequests;
    int _disposed;
    int _lateEmitReported;
    long _renderedByCaller;
    long _renderFailures;
    ILoggingFailureListener? _failureListener;

    internal MemStreamSink(MemStreamSinkOptions options, ITextFormatter formatter)
    {
        _options = options;
        _sinkTag = MemStreamMetrics.SinkTag(options.Name);
        _quietRequests = QuietRequestPaths.For(options.Name);
        _renderer = new EventRenderer(formatter);
        _store = options.Durable ? StoreOpener.OpenOrExplain(options.StoreSettings()) : NullEventStore.Disabled;
        // The store's sequence continues across restarts, so the sink numbers its events after it.
        _feed = new LiveFeed(options.BufferSize, _store.LastSequence, _sinkTag);
        _queue = new IngestQueue(options.QueueLimit, _store.LastSequence, Process, $"MemStream worker ({options.Name ?? "default"})");
        SinkRegistry.Register(this);
    }

    /// <summary>The instance name given at configuration, or null for the default instance.</summary>
    public string? Name => _options.Name;

    /// <summary>Queues the event for the sink's worker. Never blocks on readers or the disk, never throws.</summary>
    public void Emit(LogEvent logEvent)
    {
        try
        {
            if (logEvent is null || _quietRequests.Covers(logEvent))
                return;
            var rendered = RenderHereIfWorkerLags(logEvent);
            if (_queue.TryEnqueue(rendered?.Event ?? logEvent, rendered?.Utf8))
            {
                if (rendered is not null)
                    Interlocked.Increment(ref _renderedByCaller);
                MemStreamMetrics.EventsEmitted.Add(1, _sinkTag);
                return;
            }
            if (Volatile.Read(ref _disposed) == 0)
            {
                MemStreamMetrics.QueueOverflows.Add(1, _sinkTag);
                _failureListener?.OnLoggingFailed(this, LoggingFailureKind.Permanent, "MemStream: the sink's queue was full; the event was dropped", [logEvent], exception: null);
                return;
            }

            if (Interlocked.Exchange(ref _lateEmitReported, 1) == 0)
                SelfLog.WriteLine("MemStream: an event was emitted to the sink {0} after it was disposed; it and later ones are ignored", Name ?? "(default)");
            _failureListener?.OnLoggingFailed(this, LoggingFailureKind.Final, "MemStream: the sink was disposed; the event was ignored", [logEvent], exception: null);
        }
        catch (Exception ex)
        {
            SelfLog.WriteLine("MemStream: Emit failed: {0}", ex);
        }
    }

    /// <summary>Reports the events this sink drops to <paramref name="failureListener"/> (Serilog calls this for fallback chains).</summary>
    /// <param name="failureListener">The listener; it is called on the thread that emitted the event.</param>
    public void SetFailureListener(ILoggingFailureListener failureListener) => _failureListener = failureListener;

    /// <summary>Processes every queued event, completes all subscriptions and closes the store.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;

        SinkRegistry.Unregister(this);
        _queue.Dispose();
        _feed.Complete();
        _store.Dispose();
    }

    /// <summary>The worker's backlog from which <see cref="Emit"/> renders on the calling thread (tests lower it).</summary>
    internal int RenderOnCallerAbove { get; set; } = DefaultRenderOnCallerAbove;

    /// <summary>How many events were rendered on the application's threads rather than by the worker.</summary>
    internal long RenderedByCaller => Interlocked.Read(ref _renderedByCaller);

    internal string CorrelationIdProperty => _options.CorrelationIdProperty;

    internal long LastSequence => _queue.LastSequence;

    internal bool IsDisposed => Volatile.Read(ref _disposed) == 1;

    internal string Snapshot()
    {
        WaitForEmitted();
        return _feed.SnapshotText();
    }

    internal IReadOnlyList<MemStreamEvent> SnapshotEvents(long after = 0)
    {
        WaitForEmitted();
        return _feed.SnapshotEvents(after);
    }

    internal MemStreamSubscription Events(long? after, LogEventLevel minLevel, int? capacity)
    {
        if (after is < 0)
            throw new ArgumentOutOfRangeException(nameof(after), after, "A sequence number to resume after is 0 or more.");
        if (capacity is <= 0)
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "A subscription's capacity must be at least 1 event.");

        return _feed.Subscribe(after ?? _queue.LastSequence, minLevel, capacity ?? _options.SubscriberCapacity);
    }

    internal void Flush()
    {
        WaitForEmitted();
        _store.Flush();
    }

    internal MemStreamSearchPage Search(MemStreamQuery query) => _store.Search(query);

    /// <summary>Every event up to this sequence number is in the store, if the store takes it: where a search and a live tail meet.</summary>
    internal long StoredThrough => Math.Min(LastSequence, _store.WrittenThrough);

    internal IReadOnlyList<string> CorrelationIds() => _store.CorrelationIds();

    internal MemStreamStatus Status()
    {
        var buffer = _feed.BufferStatistics();
        var store = _store.Statistics();
        return new MemStreamStatus
        {
            IsAvailable = !IsDisposed,
            LastSequence = LastSequence,
            QueuePending = _queue.Pending,
            QueueCapacity = _options.QueueLimit,
            QueueOverflowed = _queue.Overflowed,
            BufferedEvents = buffer.Events,
            BufferedBytes = buffer.Bytes,
            BufferEvictions = buffer.Evictions,
            OldestBufferedSequence = buffer.OldestSequence,
            Subscribers = _feed.SubscriberCount,
            StoreState = store.State,
            StoreMessage = store.Message,
            StorePath = store.Path,
            StoreQueuePending = store.QueuePending,
            StoreQueueCapacity = store.QueueCapacity,
            StoreQueueOverflowed = store.QueueOverflowed,
            EventsStored = store.EventsStored,
            StoreWriteFailures = store.WriteFailures,
            ExpiredRemoved = store.ExpiredRemoved,
            CorruptRemoved = store.CorruptRemoved,
            RenderFailures = Interlocked.Read(ref _renderFailures),
        };
    }

    internal IEventStore Store => _store;

    /// <summary>
    /// The worker renders while it keeps up. Once it lags, the application's threads render their own
    /// events (if the formatter may be shared), so a burst is queued with its renderings done, the
    /// worker catches up, and the queued <see cref="LogEvent"/>s die young instead of being copied by the GC.
    /// Not when the queue is full (the event is about to be dropped: dropping must stay cheap), and not
    /// for an event logged from inside a rendering on this thread (a formatter that logs must not recurse).
    /// </summary>
    RenderedEvent? RenderHereIfWorkerLags(LogEvent logEvent)
    {
        if (!_renderer.RendersOnCallingThread || EventRenderer.IsRenderingOnThisThread)
            return null;
        var threshold = RenderOnCallerAbove;
        if ((threshold > 0 && !_queue.HasBacklogOf(threshold)) || _queue.HasBacklogOf(_options.QueueLimit))
            return null;
        return Render(logEvent);
    }

    /// <summary>Renders on this thread; an event kept with a marker or a fallback rendering is counted here, once.</summary>
    RenderedEvent Render(LogEvent logEvent)
    {
        var rendered = _renderer.Render(logEvent);
        if (rendered.Failure != RenderFailure.None)
            CountRenderFailure(rendered.Failure);
        return rendered;
    }

    void CountRenderFailure(RenderFailure failure)
    {
        if (Interlocked.Increment(ref _renderFailures) == 1)
            SelfLog.WriteLine("MemStream: an event of the sink {0} had a value whose ToString threw, or a formatter that failed; it was kept with a marker in the value's place (said once; Status().RenderFailures counts them)", Name ?? "(default)");
        MemStreamMetrics.RenderFailures.Add(1, _sinkTag, new KeyValuePair<string, object?>("reason",
            failure == RenderFailure.ValueMarked ? "render-failed" : "formatter-failed"));
    }

    void WaitForEmitted() => _queue.WaitUntilProcessed(_queue.LastSequence);

    /// <summary>
    /// Delivers one event. One rendered by its caller comes already marked (<see cref="EventRenderer"/>);
    /// any other is marked and rendered here, so every reader gets the same event.
    /// </summary>
    void Process(long sequence, LogEvent logEvent, byte[]? rendering)
    {
        if (rendering is null)
            (logEvent, rendering, _) = Render(logEvent);
        var rendered = new MemStreamEvent(sequence, logEvent, rendering);
        MemStreamMetrics.BytesRendered.Add(rendered.Utf8.Length, _sinkTag);
        _feed.Publish(rendered);
        _store.Add(rendered);
    }
}
