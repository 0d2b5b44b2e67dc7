using System.Diagnostics.Metrics;

namespace Serilog.Sinks.MemStream.AspNetCore;

/// <summary>The live tail's instruments, on a meter of the same name as the sink's (<c>Serilog.Sinks.MemStream</c>).</summary>
internal static class TailMetrics
{
    static readonly Meter Meter = new(MemStreamMetrics.MeterName);

    public static readonly Counter<long> Connected = Meter.CreateCounter<long>("memstream.websocket.connected", "{client}", "WebSocket clients accepted by the live tail.");

    public static readonly Counter<long> Disconnected = Meter.CreateCounter<long>("memstream.websocket.disconnected", "{client}",
        "WebSocket clients that left, by reason: closed (by the client), stopping, send-timeout, too-big, gone.");

    public static readonly Counter<long> FilterFailures = Meter.CreateCounter<long>("memstream.websocket.filter.failures", "{event}",
        "Events a client's filter could not be evaluated on (a bad argument, a regular expression timeout); they were skipped for that client.");

    public static void Disconnect(string reason) => Disconnected.Add(1, new KeyValuePair<string, object?>("reason", reason));
}
