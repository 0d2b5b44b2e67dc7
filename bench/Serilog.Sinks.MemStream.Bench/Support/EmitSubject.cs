using System.Threading.Channels;
using Serilog.Core;

namespace Serilog.Sinks.MemStream.Bench.Support;

/// <summary>What the emit comparison logs to: one of the sink set-ups, with a way to wait for its work to finish.</summary>
public enum EmitTarget
{
    NoSink,
    RenderOnly,
    FileBuffered,
    AsyncFileBuffered,
    MemStreamBuffer,
    MemStreamSubscriber,
    MemStreamSubscriberStore,
}

internal sealed class EmitSubject : IDisposable
{
    static int _instances;
    readonly Logger _logger;
    readonly TempDirectory _directory = new();
    readonly MemStreamInstance? _memStream;
    readonly AsyncQueueMonitor _asyncMonitor = new();
    readonly MemStreamSubscription? _subscription;
    readonly Thread? _subscriberThread;
    long _received;

    public EmitSubject(EmitTarget target, OutputFormat format, int queueLimit)
    {
        Target = target;
        var name = $"bench-{Interlocked.Increment(ref _instances)}";
        var configuration = new LoggerConfiguration().MinimumLevel.Information();
        configuration = target switch
        {
            EmitTarget.NoSink => configuration.WriteTo.Sink(new NullSink()),
            EmitTarget.RenderOnly => configuration.WriteTo.Sink(new RenderOnlySink(format.Formatter())),
            EmitTarget.FileBuffered => configuration.WriteTo.File(format.Formatter(), Path.Combine(_directory.Path, "log.txt"), buffered: true),
            // Serilog.Sinks.Async's default: a bounded queue that drops when full, so the application never waits.
            EmitTarget.AsyncFileBuffered => configuration.WriteTo.Async(a => a.File(format.Formatter(), Path.Combine(_directory.Path, "log.txt"), buffered: true),
                bufferSize: queueLimit, monitor: _asyncMonitor),
            _ => configuration.WriteTo.MemStream(format.Formatter(), name: name, queueLimit: queueLimit, storeQueueLimit: queueLimit,
                durable: target == EmitTarget.MemStreamSubscriberStore, storePath: Path.Combine(_directory.Path, "store")),
        };
        _logger = configuration.CreateLogger();
        Loggers = Workload.ContextualLoggers(_logger);

        if (target >= EmitTarget.MemStreamBuffer)
            _memStream = MemStream.Named(name);
        if (target >= EmitTarget.MemStreamSubscriber)
        {
            _subscription = _memStream!.Events(after: null, Serilog.Events.LogEventLevel.Verbose, capacity: queueLimit);
            _subscriberThread = new Thread(() => Read(_subscription.Reader)) { IsBackground = true, Name = "bench subscriber" };
            _subscriberThread.Start();
        }
    }

    public EmitTarget Target { get; }

    public ILogger[] Loggers { get; }

    /// <summary>Events the set-up did not keep: sink queue, store queue and subscriber overflow.</summary>
    public long Dropped
    {
        get
        {
            if (_memStream is null)
                return _asyncMonitor.Dropped;
            var status = _memStream.Status();
            return status.QueueOverflowed + status.StoreQueueOverflowed + status.StoreWriteFailures + (_subscription?.Dropped ?? 0);
        }
    }

    /// <summary>Returns when every event logged so far is rendered, buffered, delivered and (with a store) durable.</summary>
    public void WaitUntilDone()
    {
        if (Target == EmitTarget.AsyncFileBuffered)
            _asyncMonitor.WaitUntilEmpty();
        if (_memStream is null)
            return;
        if (Target == EmitTarget.MemStreamSubscriberStore)
            _memStream.Flush();
        else
            _memStream.SnapshotEvents(after: long.MaxValue);
        if (_subscription is not null)
        {
            var last = _memStream.Status().LastSequence;
            while (Interlocked.Read(ref _received) + _subscription.Dropped < last)
                Thread.Yield();
        }
    }

    public void Dispose()
    {
        _logger.Dispose();
        _subscription?.Dispose();
        _subscriberThread?.Join();
        _directory.Dispose();
    }

    void Read(ChannelReader<MemStreamEvent> reader)
    {
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (reader.TryRead(out _))
                Interlocked.Increment(ref _received);
        }
    }
}
