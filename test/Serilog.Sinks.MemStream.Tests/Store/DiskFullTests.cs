using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Serilog.Sinks.MemStream.Tests.AspNetCore;
using Serilog.Sinks.MemStream.Tests.Support;

namespace Serilog.Sinks.MemStream.Tests.Store;

/// <summary>The store on a real, small tmpfs that fills up and then gets its space back.</summary>
[NonParallelizable]
public class DiskFullTests
{
    const int StoreQueueLimit = 2_000;

    [Test]
    public async Task WhenTheDiskFillsTheAppKeepsLoggingNothingIsLostSilentlyAndWritingResumes()
    {
        using var mount = TmpfsMount.Create(megabytes: 40);
        using var selfLog = new SelfLogCapture();
        var name = Some.UniqueName();
        using var logger = new LoggerConfiguration()
            .WriteTo.MemStream(outputTemplate: "{Message}{NewLine}", storePath: Path.Combine(mount.Path, "store"), name: name, storeQueueLimit: StoreQueueLimit)
            .CreateLogger();
        var facade = MemStream.Named(name);
        void Log(string correlationId, int count)
        {
            for (var i = 0; i < count; i++)
                logger.ForContext("CorrelationId", correlationId).Information("{Id:l} event {Index}", correlationId, i);
        }

        Log("before", 500);
        facade.Flush();

        var filler = mount.Fill();
        var during = 0;
        var watch = Stopwatch.StartNew();
        while (facade.Status().StoreState != MemStreamStoreState.Failing)
        {
            Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)), "writes to a full disk never failed");
            Log("during", 50);
            during += 50;
            Thread.Sleep(10);
        }
        Log("during", StoreQueueLimit * 2); // more than the store's queue holds
        during += StoreQueueLimit * 2;
        facade.Flush(); // returns at once while writes fail, once the sink's worker has taken every event

        var full = facade.Status();
        var health = await HealthCheckTests.Check(name);
        Assert.Multiple(() =>
        {
            Assert.That(full.StoreMessage, Does.Contain("No space left"), "the status says why");
            Assert.That(health.Status, Is.EqualTo(HealthStatus.Degraded), "the health check says the store is failing");
            Assert.That(health.Description, Does.Contain("No space left"));
            Assert.That(full.StoreQueueOverflowed, Is.GreaterThan(0), "the overflow is counted");
            Assert.That(full.StoreQueueCapacity, Is.EqualTo(StoreQueueLimit), "the queue's capacity is still reported while writes fail");
            Assert.That(facade.Snapshot(), Does.Contain($"during event {StoreQueueLimit * 2 - 1}"), "the app keeps logging to the buffer");
            Assert.That(facade.Query("before"), Has.Count.EqualTo(500), "what was stored can still be read");
            Assert.That(selfLog.Lines.Count(l => l.Contains("store's queue is full")), Is.EqualTo(1), "the overflow is reported once");
            Assert.That(selfLog.Lines.Count(l => l.Contains("failed; events wait")), Is.EqualTo(1), "the failure is reported once");
        });

        File.Delete(filler);
        watch.Restart();
        while (facade.Status() is var status && (status.StoreState != MemStreamStoreState.Open || status.StoreQueuePending > 0))
        {
            Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(60)), "writing never resumed after the space came back");
            Thread.Sleep(100);
        }
        Log("after", 100);
        facade.Flush();

        var recovered = facade.Status();
        TestContext.Out.WriteLine($"{during:N0} events logged while the disk was full, {recovered.StoreQueueOverflowed:N0} overflowed the store's queue, resumed {watch.Elapsed.TotalSeconds:0.0} s after space returned");
        Assert.Multiple(() =>
        {
            Assert.That(facade.Query("before"), Has.Count.EqualTo(500), "nothing stored before the disk filled was lost");
            Assert.That(facade.Query("during"), Has.Count.EqualTo(during - recovered.StoreQueueOverflowed), "every event the queue took was stored once space returned");
            Assert.That(facade.Query("after"), Has.Count.EqualTo(100), "new events are stored again");
            Assert.That(recovered.StoreWriteFailures, Is.Zero, "no queued event was given up");
            // RocksDB may free a little space of its own (an obsolete log file) and take one more batch
            // before failing again, so an outage can be several; each is reported once at each end.
            var failures = selfLog.Lines.Count(l => l.Contains("failed; events wait"));
            Assert.That(selfLog.Lines.Count(l => l.Contains("works again")), Is.EqualTo(failures).And.GreaterThan(0),
                "each failure and each recovery are reported once:\n" + string.Join("\n", selfLog.Lines));
        });
    }
}
