using Microsoft.Extensions.Diagnostics.HealthChecks;
using Serilog.Sinks.MemStream.AspNetCore;
using Serilog.Sinks.MemStream.Tests.Support;

namespace Serilog.Sinks.MemStream.Tests.AspNetCore;

[NonParallelizable]
public class HealthCheckTests
{
    internal static Task<HealthCheckResult> Check(string? sinkName) =>
        new MemStreamHealthCheck(sinkName).CheckHealthAsync(new HealthCheckContext
        {
            Registration = new HealthCheckRegistration("memstream", new MemStreamHealthCheck(sinkName), null, null),
        });

    [Test]
    public async Task AnOpenStoreIsHealthy()
    {
        using var folder = new TempFolder();
        using var sink = StoreSink.Open(folder.Path);

        var result = await Check(sink.Name);

        Assert.That(result.Status, Is.EqualTo(HealthStatus.Healthy));
        Assert.That(result.Data["storeState"], Is.EqualTo("Open"));
    }

    [Test]
    public async Task AStoreThatCouldNotOpenIsDegradedAndSaysWhy()
    {
        using var folder = new TempFolder();
        var aFile = folder.Combine("a-file");
        File.WriteAllText(aFile, "");
        using var sink = StoreSink.Open(Path.Combine(aFile, "store"));

        var result = await Check(sink.Name);

        Assert.That(result.Status, Is.EqualTo(HealthStatus.Degraded));
        Assert.That(result.Description, Does.Contain("memory only").And.Contain("cannot be created"));
    }

    [Test]
    public async Task ANearlyFullQueueIsDegraded()
    {
        var gate = new ManualResetEventSlim();
        var formatter = new BlockingFormatter(gate);
        using var sink = TestSink.Create(formatter, queueLimit: 10);
        for (var i = 0; i < 9; i++)
            sink.Logger.Information("waiting {Index}", i);

        var result = await Check(sink.Name);
        gate.Set();

        Assert.That(result.Status, Is.EqualTo(HealthStatus.Degraded));
        Assert.That(result.Description, Does.Contain("queue is 90% full"));
    }

    [Test]
    public async Task NoLiveSinkIsUnhealthy()
    {
        var result = await Check(Some.UniqueName());

        Assert.That(result.Status, Is.EqualTo(HealthStatus.Unhealthy));
    }

    sealed class BlockingFormatter(ManualResetEventSlim gate) : Serilog.Formatting.ITextFormatter
    {
        public void Format(Serilog.Events.LogEvent logEvent, TextWriter output)
        {
            gate.Wait(TimeSpan.FromSeconds(30));
            output.Write(logEvent.RenderMessage());
        }
    }
}
