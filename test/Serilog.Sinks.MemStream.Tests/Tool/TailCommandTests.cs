using Serilog.Sinks.MemStream.Tests.Support;

namespace Serilog.Sinks.MemStream.Tests.Tool;

public class TailCommandTests
{
    [Test]
    public async Task TailPrintsTheSnapshotThenLiveEventsAndStopsOnCtrlC()
    {
        await using var server = await TailServer.StartAsync();
        server.Logger.Information("already buffered");
        using var stop = new CancellationTokenSource();

        var (run, exit) = ToolRun.Start(stop.Token, "tail", server.BaseUrl);
        await run.WaitForOutputAsync("already buffered");
        server.Logger.Warning("logged while tailing");
        await run.WaitForOutputAsync("logged while tailing");
        stop.Cancel();

        Assert.That(await exit.WaitAsync(TimeSpan.FromSeconds(10)), Is.Zero);
        Assert.That(run.Printed, Does.Contain(" WRN logged while tailing"));
    }

    [Test]
    public async Task ALineShowsTheTimeLevelAndIdsOnceAndStringsAsTheyAreInTailAndQuery()
    {
        // The app's own output template repeats the time and level: the tool must not print them twice.
        await using var server = await TailServer.StartAsync(durable: true, outputTemplate: "{Timestamp:HH:mm:ss.fff} [{Level:u3}] {Message}{NewLine}");
        server.Logger.ForContext("CorrelationId", "order-13").Warning("Order {OrderId} for {Customer} failed", 13, "alice");
        server.Facade.Flush();
        using var stop = new CancellationTokenSource();

        var (tail, exit) = ToolRun.Start(stop.Token, "tail", server.BaseUrl);
        await tail.WaitForOutputAsync("failed");
        stop.Cancel();
        await exit.WaitAsync(TimeSpan.FromSeconds(10));
        var query = await ToolRun.RunAsync("query", "--url", server.BaseUrl, "order-13");

        foreach (var (command, printed) in new[] { ("tail", tail.Printed), ("query", query.Printed) })
        {
            var line = printed.Split('\n').Single(l => l.Contains("failed"));
            Assert.That(line, Does.Match(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} WRN order-13 Order 13 for alice failed$"), $"{command}: one time, one level, the id, the string as it is");
        }
    }

    [Test]
    public async Task TailAppliesTheEndpointsFilters()
    {
        await using var server = await TailServer.StartAsync();
        server.Logger.Information("information");
        server.Logger.ForContext("CorrelationId", "a").Error("error for a");
        server.Logger.ForContext("CorrelationId", "b").Error("error for b");
        using var stop = new CancellationTokenSource();

        var (run, exit) = ToolRun.Start(stop.Token, "tail", server.BaseUrl, "--min-level", "Error", "--correlation-id", "b");
        await run.WaitForOutputAsync("error for b");
        server.Logger.ForContext("CorrelationId", "b").Fatal("the end");
        await run.WaitForOutputAsync("the end");
        stop.Cancel();
        await exit;

        Assert.That(run.Printed, Does.Not.Contain("information").And.Not.Contain("error for a"));
    }

    [Test]
    public async Task TailFollowsOneTraceId()
    {
        await using var server = await TailServer.StartAsync();
        string wanted;
        using (var request = new System.Diagnostics.Activity("request").SetIdFormat(System.Diagnostics.ActivityIdFormat.W3C).Start())
        {
            wanted = request.TraceId.ToHexString();
            server.Logger.Information("in the wanted trace");
        }
        using (new System.Diagnostics.Activity("another").SetIdFormat(System.Diagnostics.ActivityIdFormat.W3C).Start())
            server.Logger.Information("in another trace");
        server.Logger.Information("in no trace");
        using var stop = new CancellationTokenSource();

        var (run, exit) = ToolRun.Start(stop.Token, "tail", server.BaseUrl, "--trace-id", wanted);
        await run.WaitForOutputAsync("in the wanted trace");
        using (new System.Diagnostics.Activity("later").SetParentId(System.Diagnostics.ActivityTraceId.CreateFromString(wanted), System.Diagnostics.ActivitySpanId.CreateRandom()).Start())
            server.Logger.Information("the end");
        await run.WaitForOutputAsync("the end");
        stop.Cancel();
        await exit;

        Assert.That(run.Printed, Does.Not.Contain("in another trace").And.Not.Contain("in no trace"));
    }

    [Test]
    public async Task ABadTraceIdIsExplainedWithExitCode2()
    {
        await using var server = await TailServer.StartAsync();

        var run = await ToolRun.RunAsync("tail", server.BaseUrl, "--trace-id", "not-a-trace");

        Assert.That(run.ExitCode, Is.EqualTo(2));
        Assert.That(run.Error, Does.Contain("'traceId' must be a W3C trace id"));
        var zeros = await ToolRun.RunAsync("tail", server.BaseUrl, "--trace-id", new string('0', 32));
        Assert.That(zeros.ExitCode, Is.EqualTo(2));
    }

    [Test]
    public async Task TailReconnectsWhenTheApplicationRestarts()
    {
        var first = await TailServer.StartAsync();
        var url = first.BaseUrl;
        first.Logger.Information("first life");
        using var stop = new CancellationTokenSource();
        var (run, exit) = ToolRun.Start(stop.Token, "tail", url);
        await run.WaitForOutputAsync("first life");

        await first.DisposeAsync();
        await using var second = await TailServer.StartAsync(url: url);
        await run.WaitForOutputAsync("reconnected");
        second.Logger.Information("second life");

        await run.WaitForOutputAsync("second life");
        stop.Cancel();
        Assert.That(await exit.WaitAsync(TimeSpan.FromSeconds(10)), Is.Zero);
    }

    [Test]
    public async Task AnAppRequiringAuthorizationIsExplainedAndATokenHeaderGetsIn()
    {
        await using var server = await TailServer.StartAsync(requireAuthorization: true);
        server.Logger.Information("for operators");

        var refused = await ToolRun.RunAsync("tail", server.BaseUrl);
        Assert.That(refused.ExitCode, Is.EqualTo(3));
        Assert.That(refused.Error, Does.Contain("requires authorization"));

        using var stop = new CancellationTokenSource();
        var (run, exit) = ToolRun.Start(stop.Token, "tail", server.BaseUrl, "--header", "Authorization: Test ok");
        await run.WaitForOutputAsync("for operators");
        stop.Cancel();
        await exit;
    }

    [Test]
    public async Task AUrlThatDoesNotAnswerIsExplainedInOneLine()
    {
        var run = await ToolRun.RunAsync("tail", "http://127.0.0.1:9");

        Assert.That(run.ExitCode, Is.EqualTo(3));
        Assert.That(run.Error.TrimEnd(), Does.Not.Contain("\n").And.Contain("cannot connect to http://127.0.0.1:9/").And.Contain("Is the application running"));
    }

    [Test]
    public async Task ANonsenseUrlIsExplainedInOneLine()
    {
        var run = await ToolRun.RunAsync("tail", "not a url");

        Assert.That(run.ExitCode, Is.EqualTo(2));
        Assert.That(run.Error, Does.Contain("is not an http(s) or ws(s) URL"));
    }
}
