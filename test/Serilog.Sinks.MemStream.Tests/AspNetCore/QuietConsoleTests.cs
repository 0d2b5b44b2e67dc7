using System.Net.Http;
using System.Text.Json;
using OpenQA.Selenium;
using Serilog.Sinks.MemStream.AspNetCore;
using Serilog.Sinks.MemStream.Tests.Support;

namespace Serilog.Sinks.MemStream.Tests.AspNetCore;

/// <summary>
/// The console observes without perturbing: in an app whose ASP.NET Core events go to the sink (as with Serilog),
/// serving MemStream's own endpoints puts nothing into the sink they serve, and the page learns the sink's status
/// from frames on its WebSocket instead of polling.
/// </summary>
public class QuietConsoleTests
{
    static readonly TimeSpan StatusInterval = TimeSpan.FromMilliseconds(300);

    [Test]
    public async Task AnIdleAppWithThePageOpenTakesNoEventsWhileStatusFramesKeepComing()
    {
        await using var server = await TailServer.StartAsync(configure: o => o.StatusInterval = StatusInterval, hostLogs: true);
        server.Logger.Information("before the page opened");
        server.Facade.Flush();
        var before = server.Facade.Status().LastSequence;

        using var chromium = new HeadlessChromium();
        chromium.Driver.Navigate().GoToUrl(server.BaseUrl + "/memstream/");
        chromium.WaitUntil(d => PageDriving.Shows(d, "before the page opened"), "the buffered event");
        chromium.WaitUntil(d => d.FindElement(By.Id("store")).Text == "store off", "the status from a status frame");
        using var client = await TailClient.ConnectAsync(server.WebSocketUri("status=true"));
        var statusFrames = 0;
        while (statusFrames < 5)
        {
            var frame = await client.ReceiveAsync();
            Assert.That(frame, Is.Not.Null, "the server closed the tail");
            if (frame!.Value.Type() == "status")
                statusFrames++;
        }
        using (var http = new HttpClient())
            Assert.That(await http.GetStringAsync(server.BaseUrl + "/memstream/snapshot"), Does.Contain("before the page opened"));
        server.Facade.Flush();

        Assert.That(server.Facade.Status().LastSequence, Is.EqualTo(before),
            "the page, its socket, five status intervals and a snapshot request took no event: " + server.Facade.Snapshot());
        Assert.That(server.Requests("/memstream/status") + server.Requests("/memstream/instances") + server.Requests("/favicon.ico"), Is.Zero,
            "the page polls nothing and asks for no icon");
    }

    [Test]
    public async Task TheAppsOwnRequestsAreStillLoggedAndLogOwnRequestsKeepsTheEndpointsToo()
    {
        await using var quiet = await TailServer.StartAsync(hostLogs: true);
        await using var logged = await TailServer.StartAsync(configure: o => o.LogOwnRequests = true, hostLogs: true);
        using var http = new HttpClient();

        foreach (var server in new[] { quiet, logged })
        {
            await http.GetStringAsync(server.BaseUrl + "/memstream/status");
            await http.GetStringAsync(server.BaseUrl + "/own/status");
            server.Facade.Flush();
        }

        Assert.That(RequestPaths(quiet), Does.Contain("/own/status").And.Not.Contain("/memstream/status"));
        Assert.That(RequestPaths(logged), Does.Contain("/own/status").And.Contain("/memstream/status"));
    }

    [Test]
    public async Task AStatusFrameCarriesTheSinksStatusAndComesOnlyToAClientThatAskedForIt()
    {
        await using var server = await TailServer.StartAsync(configure: o => o.StatusInterval = StatusInterval, durable: true);
        using var asking = await TailClient.ConnectAsync(server.WebSocketUri("status=true"));
        using var plain = await TailClient.ConnectAsync(server.WebSocketUri());

        var first = await asking.ReceiveAsync();
        server.Logger.Information("an event");
        var plainFrames = new List<JsonElement>();
        while (plainFrames.Count == 0 || plainFrames[^1].Type() != "event")
            plainFrames.Add((await plain.ReceiveAsync())!.Value);

        Assert.That(first!.Value.Type(), Is.EqualTo("status"));
        Assert.That(first.Value.GetProperty("sink").GetString(), Is.EqualTo(server.Name));
        Assert.That(first.Value.GetProperty("status").GetProperty("storeState").GetString(), Is.EqualTo("Open"));
        Assert.That(first.Value.TryGetProperty("fleet", out _), Is.False, "no fleet in this app");
        Assert.That(plainFrames.Select(f => f.Type()), Has.None.EqualTo("status"));
    }

    [Test]
    public async Task AStatusIntervalThatIsNotPositiveIsRefusedNamingIt()
    {
        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => TailServer.StartAsync(configure: o => o.StatusInterval = TimeSpan.Zero));
        Assert.That(error!.ParamName, Is.EqualTo(nameof(MemStreamEndpointOptions.StatusInterval)));
    }

    /// <summary>The request paths of the events the sink took (ASP.NET Core puts <c>RequestPath</c> on each event of a request).</summary>
    static List<string> RequestPaths(TailServer server) =>
        [.. server.Facade.SnapshotEvents().Select(e => e.LogEvent.Properties.TryGetValue("RequestPath", out var path) ? path.ToString().Trim('"') : "").Distinct()];
}
