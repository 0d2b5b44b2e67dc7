using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Serilog.Sinks.MemStream;

/// <summary>
/// The instruments of the <c>Serilog.Sinks.MemStream</c> meter (System.Diagnostics.Metrics), each
/// tagged with <c>sink</c> (the sink's name, or <c>default</c>). Adding to an instrument nobody
/// listens to costs a flag check, so the hot paths can afford them.
/// </summary>
internal static class MemStreamMetrics
{
    public const string MeterName = "Serilog.Sinks.MemStream";
    static readonly Meter Meter = new(MeterName);

    public static readonly Counter<long> EventsEmitted = Meter.CreateCounter<long>("memstream.events.emitted", "{event}", "Events accepted by Emit.");
    public static readonly Counter<long> QueueOverflows = Meter.CreateCounter<long>("memstream.queue.overflows", "{event}", "Events dropped because the sink's queue was full.");
    public static readonly Counter<long> BytesRendered = Meter.CreateCounter<long>("memstream.bytes.rendered", "By", "UTF-8 bytes of rendered text.");
    public static readonly Counter<long> RenderFailures = Meter.CreateCounter<long>("memstream.render.failures", "{event}", "Events kept with a marker in place of a value whose ToString threw (reason=render-failed), or with a fallback rendering because the formatter failed (reason=formatter-failed).");
    public static readonly Counter<long> BufferEvictions = Meter.CreateCounter<long>("memstream.buffer.evictions", "{event}", "Events pushed out of the bounded buffer by newer ones.");
    public static readonly Counter<long> SubscriberDrops = Meter.CreateCounter<long>("memstream.subscriber.drops", "{event}", "Events a subscriber lost because its queue was full.");
    public static readonly Counter<long> EventsStored = Meter.CreateCounter<long>("memstream.store.events.stored", "{event}", "Events written to the store.");
    public static readonly Counter<long> StoreDrops = Meter.CreateCounter<long>("memstream.store.drops", "{event}", "Events not stored: the store's queue was full (reason=queue-full) or a write failed (reason=write-failed).");
    public static readonly Histogram<double> StoreWriteDuration = Meter.CreateHistogram<double>("memstream.store.write.duration", "ms", "Time to write one batch to the store.");
    public static readonly Counter<long> ExpiredRemoved = Meter.CreateCounter<long>("memstream.store.expired.removed", "{entry}", "Expired entries removed by maintenance.");
    public static readonly Counter<long> CorruptRemoved = Meter.CreateCounter<long>("memstream.store.corrupt.removed", "{entry}", "Undecodable entries deleted by maintenance.");

    static MemStreamMetrics()
    {
        Meter.CreateObservableGauge("memstream.store.queue.length", () => Each(status => status.StoreQueuePending), "{event}", "Events waiting to be written to the store.");
        Meter.CreateObservableGauge("memstream.queue.length", () => Each(status => status.QueuePending), "{event}", "Events waiting between Emit and the sink's worker.");
    }

    public static KeyValuePair<string, object?> SinkTag(string? sinkName) => new("sink", sinkName ?? "default");

    static IEnumerable<Measurement<int>> Each(Func<MemStreamStatus, int> read) =>
        SinkRegistry.Live().Select(sink => new Measurement<int>(read(sink.Status()), SinkTag(sink.Name)));
}
