using Serilog.Events;
using Serilog.Sinks.MemStream.Tests.Support;

namespace Serilog.Sinks.MemStream.Tests.Tool;

[NonParallelizable]
public class StoreCommandTests
{
    TempFolder _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = new TempFolder();

    [TearDown]
    public void DeleteFolder() => _folder.Dispose();

    /// <summary>A store written by a child process that was then killed with SIGKILL.</summary>
    int WriteStoreAndKillTheWriter()
    {
        using var child = ChildProcess.Start("log", _folder.Path);
        string? line;
        do
            line = child.ReadLine();
        while (line is not null && line != "flushed 500");
        child.Kill();
        return 500;
    }

    [Test]
    public async Task QueryPrintsOneIdsEventsInOrderFromAStoreWhoseWriterWasKilled()
    {
        WriteStoreAndKillTheWriter();

        var run = await ToolRun.RunAsync("query", "--store", _folder.Path, "c3");

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        var numbers = run.Printed.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => int.Parse(l.Split("event ")[1])).ToList();
        Assert.That(numbers.Take(50), Is.EqualTo(Enumerable.Range(0, 50).Select(i => 3 + 10 * i)), "c3's events, in write order");
        Assert.That(run.Printed, Does.Contain(" INF c3 event 3"), "the time, the level, the correlation id, the message");
    }

    [Test]
    public async Task ATemplateChoosesEachLinesFormInTheStoreAndThroughTheApp()
    {
        await using var server = await TailServer.StartAsync(durable: true);
        server.Logger.ForContext("CorrelationId", "order-9").Warning("payment for {OrderId} declined by {Bank}", 9, "Northwind");
        server.Facade.Flush();
        const string template = "{Level:u3}|{CorrelationId}|{OrderId}|{Message:lj}";

        var fromStore = await ToolRun.RunAsync("query", "--store", server.Facade.Status().StorePath!, "--sink", server.Name, "order-9", "--template", template);
        var fromApp = await ToolRun.RunAsync("query", "--url", server.BaseUrl, "order-9", "--template", template);

        foreach (var run in new[] { fromStore, fromApp })
        {
            Assert.That(run.ExitCode, Is.Zero, run.Error);
            Assert.That(run.Printed.Trim(), Is.EqualTo("WRN|order-9|9|payment for 9 declined by Northwind"), "the template, not the time-level-message line");
        }
    }

    [Test]
    public async Task QueryByAWholeTraceparentFindsItsTraceInTheStoreAndThroughTheApp()
    {
        await using var server = await TailServer.StartAsync(durable: true);
        System.Diagnostics.ActivityTraceId trace;
        using (var activity = new System.Diagnostics.Activity("request").SetIdFormat(System.Diagnostics.ActivityIdFormat.W3C).Start())
        {
            trace = activity.TraceId;
            server.Logger.Information("in the request");
            var traceparent = activity.Id!;
            server.Facade.Flush();

            var viaUrl = await ToolRun.RunAsync("query", "--url", server.BaseUrl, traceparent);
            var viaStore = await ToolRun.RunAsync("query", "--store", server.Facade.Status().StorePath!, "--sink", server.Name, traceparent);

            Assert.That(traceparent, Does.StartWith("00-" + trace.ToHexString()), "a whole traceparent, as ProblemDetails show it");
            Assert.That(viaUrl.ExitCode, Is.Zero, viaUrl.Error);
            Assert.That(viaUrl.Printed, Does.Contain($"INF {trace.ToHexString()[..8]} in the request"), "the start of the trace id, as the page shows it");
            Assert.That(viaStore.ExitCode, Is.Zero, viaStore.Error);
            Assert.That(viaStore.Printed, Does.Contain($"INF {trace.ToHexString()[..8]} in the request"));
        }
    }

    [Test]
    public async Task QueryCanPrintClefAndFilterByLevel()
    {
        string name;
        using (var sink = StoreSink.Open(_folder.Path))
        {
            name = sink.Name;
            sink.Log("order-1", "placed", LogEventLevel.Information);
            sink.Log("order-1", "payment declined", LogEventLevel.Warning);
        }

        var run = await ToolRun.RunAsync("query", "--store", _folder.Path, "--sink", name, "--min-level", "Warning", "--json", "order-1");

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        var lines = run.Printed.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(1));
        Assert.That(lines[0], Does.StartWith("{\"@t\":").And.Contain("\"@mt\":\"payment declined\"").And.Contain("\"@l\":\"Warning\""));
    }

    [Test]
    public async Task IdsShowsALongIdWholeUnderTheSinksOwnCorrelationIdProperty()
    {
        var name = Some.UniqueName();
        var longId = "order-" + new string('x', 2_000);
        using (var logger = new LoggerConfiguration()
                   .WriteTo.MemStream(storePath: _folder.Path, name: name, correlationIdProperty: "RequestId")
                   .CreateLogger())
            logger.ForContext("RequestId", longId).Information("placed");

        var named = await ToolRun.RunAsync("ids", "--store", _folder.Path, "--sink", name, "--correlation-id-property", "RequestId");
        var unnamed = await ToolRun.RunAsync("ids", "--store", _folder.Path, "--sink", name);

        Assert.That(named.ExitCode, Is.Zero, named.Error);
        // The table wraps a long cell across lines between the other columns: count the id's characters instead.
        Assert.That(named.Printed.Count(c => c == 'x'), Is.EqualTo(2_000), "the whole id");
        Assert.That(unnamed.Printed.Count(c => c == 'x'), Is.LessThan(2_000), "without the property, the key's shortened form");
    }

    [Test]
    public async Task ExpiredEntriesAreLeftOutAndCountedAsAwaitingCompaction()
    {
        var name = Some.UniqueName();
        using (var sink = StoreSink.Open(_folder.Path, retention: TimeSpan.FromSeconds(1), name: name,
                   retentionByLevel: new() { [LogEventLevel.Error] = TimeSpan.FromHours(1) }))
        {
            sink.Log("short", "gone soon", LogEventLevel.Information);
            sink.Log("long", "kept an hour", LogEventLevel.Error);
        }
        Thread.Sleep(TimeSpan.FromSeconds(2.2)); // TTLs count whole seconds: nothing to await

        var query = await ToolRun.RunAsync("query", "--store", _folder.Path, "--sink", name, "short");
        var ids = await ToolRun.RunAsync("ids", "--store", _folder.Path, "--sink", name);
        var stats = await ToolRun.RunAsync("stats", "--store", _folder.Path, "--sink", name);

        Assert.That(query.Printed, Does.Contain("No live events for short"));
        Assert.That(ids.Printed, Does.Contain("long").And.Not.Contain("short"));
        Assert.That(stats.Printed, Does.Match($@"ttl-1s@{name}\s*│\s*00:00:01\s*│\s*0\s*│\s*1\s"), stats.Printed);
        Assert.That(stats.Printed, Does.Match($@"ttl-3600s@{name}\s*│\s*01:00:00\s*│\s*1\s*│\s*0\s"), stats.Printed);
    }

    [Test]
    public async Task IdsListsEveryIdWithItsCount()
    {
        var flushed = WriteStoreAndKillTheWriter();

        var run = await ToolRun.RunAsync("ids", "--store", _folder.Path);

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        for (var c = 0; c < 10; c++)
            Assert.That(run.Printed, Does.Match($@"│ c{c}\s+│ \d+"));
        Assert.That(run.Printed, Does.Contain("10 correlation ids"));
        var counts = run.Printed.Split('\n').Where(l => l.StartsWith("│ c")).Sum(l => int.Parse(l.Split('│')[2]));
        Assert.That(counts, Is.GreaterThanOrEqualTo(flushed));
    }

    [Test]
    public async Task TheStoreCanBeReadWhileTheApplicationHoldsItAndIsNotChanged()
    {
        using var sink = StoreSink.Open(_folder.Path);
        sink.Log("live", "written by the running app");
        sink.Facade.Flush();
        var filesBefore = Directory.GetFiles(_folder.Path).Select(f => (f, File.GetLastWriteTimeUtc(f))).ToList();

        var run = await ToolRun.RunAsync("query", "--store", _folder.Path, "--sink", sink.Name, "live");

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        Assert.That(run.Printed, Does.Contain("written by the running app"));
        Assert.That(Directory.GetFiles(_folder.Path).Select(f => (f, File.GetLastWriteTimeUtc(f))), Is.EquivalentTo(filesBefore), "read-only: nothing written");
    }

    [Test]
    public async Task AMissingDirectoryIsExplainedInOneLine()
    {
        var run = await ToolRun.RunAsync("query", "--store", _folder.Combine("nope"), "x");

        Assert.That(run.ExitCode, Is.EqualTo(2));
        Assert.That(run.Error.TrimEnd(), Does.Not.Contain("\n").And.Contain("does not exist").And.Contain("storePath"));
    }

    [Test]
    public async Task ADirectoryThatIsNotAStoreIsExplainedInOneLine()
    {
        var run = await ToolRun.RunAsync("stats", "--store", _folder.Path);

        Assert.That(run.ExitCode, Is.EqualTo(2));
        Assert.That(run.Error.TrimEnd(), Does.Not.Contain("\n").And.Contain("is not a MemStream store"));
    }

    [Test]
    public async Task HelpDescribesEveryCommand()
    {
        var run = await ToolRun.RunAsync("--help");

        Assert.That(run.ExitCode, Is.Zero);
        Assert.That(run.Printed, Does.Contain("tail <url>").And.Contain("query <id>").And.Contain("ids").And.Contain("stats"));
    }
}
