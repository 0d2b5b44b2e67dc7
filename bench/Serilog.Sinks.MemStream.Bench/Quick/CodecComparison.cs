using System.Diagnostics;
using Serilog.Events;
using Serilog.Parsing;
using Serilog.Sinks.MemStream.Bench.Support;
using Serilog.Sinks.MemStream.Store;

namespace Serilog.Sinks.MemStream.Bench.Quick;

/// <summary>
/// What encoding one event for the store costs the sink's worker: an event as the load app logs it (its scope's
/// properties, a correlation id, a trace and span id), encoded into the worker's scratch buffer, with its trace-index
/// key. Medians of 5 rounds of 1,000,000 on one thread.
/// </summary>
internal static class CodecComparison
{
    const int PerRound = 1_000_000;

    public static string Run()
    {
        var logEvent = new LogEvent(DateTimeOffset.Now, LogEventLevel.Information, null,
            new MessageTemplateParser().Parse("Order {OrderId} has {Lines} lines worth {Total:0.00}"),
            [
                new LogEventProperty("OrderId", new ScalarValue(42)), new LogEventProperty("Lines", new ScalarValue(3)),
                new LogEventProperty("Total", new ScalarValue(42.5m)), new LogEventProperty("SourceContext", new ScalarValue("Program")),
                new LogEventProperty("RequestId", new ScalarValue("0HNQH0AUV88ED:0000003E")), new LogEventProperty("RequestPath", new ScalarValue("/orders/1")),
                new LogEventProperty("ConnectionId", new ScalarValue("0HNQH0AUV88ED")), new LogEventProperty("CorrelationId", new ScalarValue("req-1000")),
            ],
            ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom());
        var expires = DateTimeOffset.UtcNow.AddDays(1);
        var bytes = StoredEventCodec.EncodeToScratch(logEvent, expires).Length;
        var rounds = new List<double>();
        Span<byte> key = stackalloc byte[StoreKey.MaxKeyBytes];
        for (var round = 0; round < 6; round++)
        {
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < PerRound; i++)
            {
                StoredEventCodec.EncodeToScratch(logEvent, expires);
                StoreKey.WriteTrace(key, logEvent.TraceId!.Value, i);
            }
            if (round > 0) // the first warms the JIT up
                rounds.Add(watch.Elapsed.TotalMicroseconds / PerRound);
        }
        var table = new MarkdownTable("Encoding an event for the store on the sink's worker (a load-app event and its trace key, medians of 5 rounds of 1,000,000)",
            "what", "µs per event", "bytes");
        table.Add("StoredEventCodec.EncodeToScratch + StoreKey.WriteTrace", Stats.Median(rounds), bytes);
        return table.ToString();
    }
}
