using Serilog.Events;
using Serilog.Formatting.Compact;
using Serilog.Sinks.MemStream.Tests.Support;
using Snapshooter.NUnit;

namespace Serilog.Sinks.MemStream.Tests.Rendering;

public class RenderedOutputTests
{
    static void LogSamples(ILogger logger)
    {
        var timestamp = Some.FixedTimestamp;
        logger.Write(Some.Event("Order {OrderId} placed by {Customer}", LogEventLevel.Information, timestamp: timestamp,
            properties: [("OrderId", 42), ("Customer", "Zoë"), ("CorrelationId", "req-1")]));
        logger.Write(Some.Event("Payment declined", LogEventLevel.Warning, timestamp: timestamp.AddMilliseconds(5),
            properties: [("CorrelationId", "req-1")]));
        logger.Write(Some.Event("Request failed", LogEventLevel.Error, new InvalidOperationException("inventory offline"),
            timestamp.AddMilliseconds(9), ("CorrelationId", "req-2")));
    }

    [Test]
    public void TheDefaultTextTemplate()
    {
        var name = Some.UniqueName();
        using (var logger = new LoggerConfiguration().WriteTo.MemStream(durable: false, name: name).CreateLogger())
        {
            LogSamples(logger);
            Snapshot.Match(MemStream.Named(name).Snapshot());
        }
    }

    [Test]
    public void CompactJson()
    {
        var name = Some.UniqueName();
        using (var logger = new LoggerConfiguration().WriteTo.MemStream(new CompactJsonFormatter(), durable: false, name: name).CreateLogger())
        {
            LogSamples(logger);
            Snapshot.Match(MemStream.Named(name).Snapshot());
        }
    }
}
