using Serilog.Core;
using Serilog.Events;
using Serilog.Sinks.MemStream.Tests.Support;

namespace Serilog.Sinks.MemStream.Tests.Facade;

[NonParallelizable]
public class MemStreamFacadeTests
{
    static Logger DefaultLogger() =>
        new LoggerConfiguration().WriteTo.MemStream(outputTemplate: TestSink.MessageOnly, durable: false).CreateLogger();

    [Test]
    public async Task WithNoLiveSinkEveryCallAnswersEmpty()
    {
        Assert.That(MemStream.Default.IsAvailable, Is.False, "another test left a default sink alive");

        Assert.That(MemStream.Query("anything"), Is.Empty);
        Assert.That(MemStream.Query("anything", LogEventLevel.Error, after: 5, limit: 10), Is.Empty);
        Assert.That(MemStream.CorrelationIds(), Is.Empty);
        Assert.That(MemStream.Snapshot(), Is.Empty);
        Assert.That(MemStream.SnapshotEvents(), Is.Empty);
        Assert.DoesNotThrow(MemStream.Flush);
        Assert.That(MemStream.Status().IsAvailable, Is.False);
        using var subscription = MemStream.Events(after: 0);
        await subscription.Reader.Completion.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Test]
    public void ANameNoSinkHasAnswersEmpty()
    {
        var unknown = MemStream.Named(Some.UniqueName());

        Assert.That(unknown.Snapshot(), Is.Empty);
        Assert.That(unknown.Status().IsAvailable, Is.False);
        Assert.That(unknown.Events().Reader.Completion.IsCompleted, Is.True);
    }

    [Test]
    public void ServesTheNewestDefaultSinkAndFallsBackWhenItIsDisposed()
    {
        using var older = DefaultLogger();
        older.Information("from the older sink");
        var newer = DefaultLogger();
        newer.Information("from the newer sink");

        Assert.That(MemStream.Snapshot(), Is.EqualTo("from the newer sink\n"));

        newer.Dispose();

        Assert.That(MemStream.Snapshot(), Is.EqualTo("from the older sink\n"));
    }

    [Test]
    public void NamedSinksAreKeptApartFromTheDefaultOne()
    {
        using var defaultLogger = DefaultLogger();
        using var audit = TestSink.Create();
        defaultLogger.Information("default");
        audit.Logger.Information("audit");

        Assert.That(MemStream.Snapshot(), Is.EqualTo("default\n"));
        Assert.That(MemStream.Named(audit.Name).Snapshot(), Is.EqualTo("audit\n"));
    }

    [Test]
    public void AnInstanceKeptBeforeTheSinkExistedFollowsItOnceCreated()
    {
        var name = Some.UniqueName();
        var instance = MemStream.Named(name);
        Assert.That(instance.IsAvailable, Is.False);

        using var logger = new LoggerConfiguration().WriteTo.MemStream(durable: false, name: name, outputTemplate: "{Message}").CreateLogger();
        logger.Information("now it exists");

        Assert.That(instance.Snapshot(), Is.EqualTo("now it exists"));
    }

    [Test]
    public void FlushReturnsOnceEveryEarlierEventIsDelivered()
    {
        using var sink = TestSink.Create();
        using var subscription = sink.Facade.Events();
        for (var i = 0; i < 10_000; i++)
            sink.Logger.Information("event {Index}", i);

        sink.Facade.Flush();

        Assert.That(subscription.Reader.Count, Is.EqualTo(1024));
        Assert.That(subscription.Dropped + subscription.Reader.Count, Is.EqualTo(10_000));
    }

    [Test]
    public void BadArgumentsAreRejectedNamingTheArgument()
    {
        using var sink = TestSink.Create();

        Assert.That(() => sink.Facade.Query(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("id"));
        Assert.That(() => sink.Facade.Query("a", LogEventLevel.Verbose, after: -1, limit: 5), Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("after"));
        Assert.That(() => sink.Facade.Query("a", LogEventLevel.Verbose, after: 0, limit: 0), Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("limit"));
        Assert.That(() => sink.Facade.Events(after: -1), Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("after"));
        Assert.That(() => sink.Facade.Events(null, LogEventLevel.Verbose, capacity: 0), Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("capacity"));
    }
}
