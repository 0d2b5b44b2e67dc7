using Serilog.Events;
using Serilog.Sinks.MemStream.Tests.Support;

namespace Serilog.Sinks.MemStream.Tests;

[NonParallelizable]
public class MetricsTests
{
    [Test]
    public void TheSinkCountsEmittedEventsRenderedBytesEvictionsAndSubscriberDrops()
    {
        using var sink = TestSink.Create(bufferSize: 100);
        using var metrics = new MetricsRecorder(sink.Name);
        using var subscription = sink.Facade.Events(after: null, LogEventLevel.Verbose, capacity: 5);

        for (var i = 0; i < 50; i++)
            sink.Logger.Information("event {Index:D2}", i); // "event 00\n": 9 bytes
        sink.Facade.Flush();

        Assert.That(metrics.Total("memstream.events.emitted"), Is.EqualTo(50));
        Assert.That(metrics.Total("memstream.bytes.rendered"), Is.EqualTo(50 * 9));
        Assert.That(metrics.Total("memstream.buffer.evictions"), Is.EqualTo(sink.Facade.Status().BufferEvictions).And.EqualTo(50 - 11));
        Assert.That(metrics.Total("memstream.subscriber.drops"), Is.EqualTo(45));
        Assert.That(metrics.Total("memstream.queue.length"), Is.Zero);
    }

    [Test]
    public void AnEventKeptWithAMarkerIsCountedByReason()
    {
        using var sink = TestSink.Create();
        using var metrics = new MetricsRecorder(sink.Name);

        sink.Logger.Write(new LogEvent(DateTimeOffset.UtcNow, LogEventLevel.Information, null, new Serilog.Parsing.MessageTemplateParser().Parse("{Value}"),
            [new LogEventProperty("Value", new ScalarValue(new Unprintable()))]));
        sink.Logger.Information("fine");
        sink.Facade.Flush();

        Assert.That(metrics.Total("memstream.render.failures", reason: "render-failed"), Is.EqualTo(1));
        Assert.That(metrics.Total("memstream.render.failures", reason: "formatter-failed"), Is.Zero);
    }

    sealed class Unprintable
    {
        public override string ToString() => throw new InvalidOperationException("not today");
    }

    [Test]
    public void TheStoreCountsStoredEventsWriteTimesAndMaintenance()
    {
        using var folder = new TempFolder();
        using var sink = StoreSink.Open(folder.Path);
        using var metrics = new MetricsRecorder(sink.Name);

        for (var i = 0; i < 20; i++)
            sink.Log("m", $"stored {i}");
        sink.Facade.Flush();
        sink.Store.Database.Database.Put(Serilog.Sinks.MemStream.Store.StoreKey.Key(Serilog.Sinks.MemStream.Store.StoreKey.Prefix("m"), 999), new byte[] { 1, 2, 3 },
            sink.Store.Database.Family(new(86_400, 0), sink.Name).Index);
        sink.Store.RunMaintenance();

        Assert.That(metrics.Total("memstream.store.events.stored"), Is.EqualTo(20));
        Assert.That(metrics.Count("memstream.store.write.duration"), Is.GreaterThanOrEqualTo(1));
        Assert.That(metrics.Total("memstream.store.corrupt.removed"), Is.EqualTo(1));
        Assert.That(metrics.Total("memstream.store.queue.length"), Is.Zero);
        Assert.That(metrics.Total("memstream.store.drops"), Is.Zero);
    }

    [Test]
    public async Task TheTailCountsClientsConnectingAndLeavingByReason()
    {
        await using var server = await TailServer.StartAsync(options => options.MaxIncomingMessageBytes = 16);
        using var metrics = new MetricsRecorder(server.Name);

        using (var polite = await TailClient.ConnectAsync(server.WebSocketUri()))
            await polite.Socket.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
        using (var rude = await TailClient.ConnectAsync(server.WebSocketUri()))
        {
            await rude.SendTextAsync(new string('x', 100));
            await rude.ReceiveAsync();
        }

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (metrics.Total("memstream.websocket.disconnected") < 2 && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        Assert.That(metrics.Total("memstream.websocket.connected"), Is.EqualTo(2));
        Assert.That(metrics.Total("memstream.websocket.disconnected", "closed"), Is.EqualTo(1));
        Assert.That(metrics.Total("memstream.websocket.disconnected", "too-big"), Is.EqualTo(1));
    }
}
