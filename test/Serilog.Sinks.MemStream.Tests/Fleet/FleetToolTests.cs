using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Sinks.MemStream.Tests.Support;
using Serilog.Sinks.MemStream.Tests.Tool;

namespace Serilog.Sinks.MemStream.Tests.Fleet;

/// <summary>The memstream tool across instances: a fleet through one of them (real redis-server), or several URLs merged on the client.</summary>
[NonParallelizable]
public class FleetToolTests : FleetTestBase
{
    Task<TailServer> StartInstanceAsync(string instanceId) => Fleet.StartInstanceAsync(instanceId);

    [Test]
    public async Task TailWithFleetPrintsEveryInstancesEventsLabelledWithIt()
    {
        await using var a = await StartInstanceAsync("a");
        await using var b = await StartInstanceAsync("b");
        using var stop = new CancellationTokenSource();

        var (run, exit) = ToolRun.Start(stop.Token, "tail", a.BaseUrl, "--fleet");
        // Whether logged before or after the tool connects: the fleet tail replays the stream's newest, then follows.
        a.Logger.Information("hello from a");
        b.Logger.Warning("hello from b");
        await run.WaitForOutputAsync("hello from a");
        await run.WaitForOutputAsync("hello from b");
        stop.Cancel();

        Assert.That(await exit.WaitAsync(TimeSpan.FromSeconds(10)), Is.Zero);
        Assert.That(run.Printed, Does.Contain(" a INF hello from a").And.Contain(" b WRN hello from b"));
    }

    [Test]
    public async Task QueryNamesEachUnreadableEventOfAnAnswerPrintsTheRestAndExitsWith4()
    {
        // Not MemStream: a server whose fleet answer holds what MemStream never writes (as a forged one could).
        var clef = "{\"@t\":\"2026-11-28T08:00:00Z\",\"@mt\":\"the good one\"}";
        var answer = "{\"id\":\"order-1\",\"events\":["
            + $"{{\"instance\":\"a\",\"seq\":1,\"timestamp\":\"2026-11-28T08:00:00Z\",\"level\":\"Information\",\"clef\":{clef}}},"
            + "{\"instance\":\"b\",\"seq\":\"x\",\"clef\":\"just a string\"},"
            + "{\"instance\":\"c\",\"seq\":2},"
            + "7],\"next\":null,\"instances\":{\"answered\":[\"a\",\"b\",\"c\"],\"truncated\":[],\"missing\":[]}}";
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var server = builder.Build();
        Microsoft.AspNetCore.Builder.EndpointRouteBuilderExtensions.MapGet(server, "/memstream/query", () => Microsoft.AspNetCore.Http.Results.Text(answer, "application/json"));
        await server.StartAsync();

        var run = await ToolRun.RunAsync("query", "--url", server.Urls.First(), "--fleet", "order-1");

        var printed = run.Printed + run.Error;
        Assert.That(run.ExitCode, Is.EqualTo(4), printed);
        Assert.That(printed, Does.Contain("the good one"), "the readable event printed");
        Assert.That(printed, Does.Contain("an unreadable event from b").And.Contain("an unreadable event from c").And.Contain("an unreadable event: 7"));
    }

    [Test]
    public async Task TailOfSeveralUrlsMergesTheirEventsLabelledByInstanceWithoutRedis()
    {
        await using var one = await TailServer.StartAsync();
        await using var two = await TailServer.StartAsync();
        one.Logger.Information("buffered on one");
        using var stop = new CancellationTokenSource();

        var (run, exit) = ToolRun.Start(stop.Token, "tail", one.BaseUrl, two.BaseUrl);
        await run.WaitForOutputAsync("buffered on one");
        two.Logger.Information("live on two");
        await run.WaitForOutputAsync("live on two");
        stop.Cancel();

        Assert.That(await exit.WaitAsync(TimeSpan.FromSeconds(10)), Is.Zero);
        Assert.That(run.Printed, Does.Contain($" {new Uri(one.BaseUrl).Authority} INF buffered on one").And.Contain($" {new Uri(two.BaseUrl).Authority} INF live on two"));
    }

    [Test]
    public async Task TailOfSeveralUrlsSaysAtOnceWhenOneOfThemRefuses()
    {
        await using var one = await TailServer.StartAsync();
        await using var guarded = await TailServer.StartAsync(requireAuthorization: true);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var (run, exit) = ToolRun.Start(stop.Token, "tail", one.BaseUrl, guarded.BaseUrl);
        var finished = await Task.WhenAny(exit, Task.Delay(TimeSpan.FromSeconds(10)));

        Assert.That(finished, Is.SameAs(exit), "the refusal ends the command without waiting for Ctrl+C");
        Assert.That(await exit, Is.EqualTo(3));
        Assert.That(run.Error, Does.Contain(guarded.BaseUrl).And.Contain("requires authorization"));
    }

    [Test]
    public async Task QueryByUrlAsksOneInstanceOrWithFleetEveryOne()
    {
        await using var a = await StartInstanceAsync("a");
        await using var b = await StartInstanceAsync("b");
        a.Logger.ForContext("CorrelationId", "order-8").Information("placed on a");
        await Task.Delay(20);
        b.Logger.ForContext("CorrelationId", "order-8").Error("failed on b");
        a.Facade.Flush();
        b.Facade.Flush();
        await WaitForInstancesAsync(a, 2);

        var own = await ToolRun.RunAsync("query", "--url", a.BaseUrl, "order-8");
        var fleet = await ToolRun.RunAsync("query", "--url", a.BaseUrl, "--fleet", "order-8");
        var json = await ToolRun.RunAsync("query", "--url", a.BaseUrl, "--fleet", "--json", "--min-level", "Error", "order-8");

        Assert.That(own.ExitCode, Is.Zero, own.Error);
        Assert.That(own.Printed, Does.Contain("INF order-8 placed on a").And.Not.Contain("failed on b"));
        Assert.That(fleet.ExitCode, Is.Zero, fleet.Error);
        Assert.That(fleet.Printed.IndexOf(" a INF order-8 placed on a", StringComparison.Ordinal), Is.GreaterThanOrEqualTo(0).And.LessThan(fleet.Printed.IndexOf(" b ERR order-8 failed on b", StringComparison.Ordinal)), fleet.Printed);
        Assert.That(json.Printed.Trim().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(json.Printed, Does.Contain("\"@mt\":\"failed on b\""));
    }

    [TestCase(new string[0], "give --store <directory> (read the store) or --url")]
    [TestCase(new[] { "--store", "/tmp", "--url", "http://127.0.0.1:1" }, "one of them")]
    [TestCase(new[] { "--store", "/tmp", "--fleet" }, "use it with --url")]
    [TestCase(new[] { "--url", "http://127.0.0.1:1", "--sink", "audit" }, "--sink names a sink in a store directory")]
    public async Task QueryNeedsExactlyOneSource(string[] options, string message)
    {
        var run = await ToolRun.RunAsync(["query", .. options, "order-1"]);

        Assert.That(run.ExitCode, Is.EqualTo(2));
        Assert.That(run.Error, Does.Contain(message));
    }

    [Test]
    public async Task AFleetQueryOfAnAppWithoutAFleetSaysWhy()
    {
        await using var server = await TailServer.StartAsync();

        var run = await ToolRun.RunAsync("query", "--url", server.BaseUrl, "--fleet", "x");

        Assert.That(run.ExitCode, Is.EqualTo(3));
        Assert.That(run.Error, Does.Contain("404").And.Contain("AddMemStreamFleet"));
    }

    static async Task WaitForInstancesAsync(TailServer server, int count)
    {
        using var http = new HttpClient();
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(server.BaseUrl + "/memstream/instances")).RootElement.GetProperty("instances").GetArrayLength() < count)
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "the instances never all beat");
            await Task.Delay(50);
        }
    }
}
