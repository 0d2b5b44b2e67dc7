using Serilog.Events;
using Serilog.Sinks.MemStream.Tests.Support;

namespace Serilog.Sinks.MemStream.Tests.AspNetCore;

public class LiveTailTests
{
    [Test]
    public async Task ANewClientGetsTheSnapshotThenLiveEventsFromConcurrentWritersWithNoGap()
    {
        await using var server = await TailServer.StartAsync(options => options.ClientQueueCapacity = 10_000);
        for (var i = 0; i < 50; i++)
            server.Logger.Information("before {Index}", i);

        using var client = await TailClient.ConnectAsync(server.WebSocketUri());
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(() =>
        {
            for (var i = 0; i < 500; i++)
                server.Logger.Information("writer {Writer} event {Index}", w, i);
        })).ToArray();
        await Task.WhenAll(writers);

        var events = (await client.ReceiveEventsAsync(2050)).Events().ToList();
        Assert.That(events.Select(e => e.Seq()), Is.EqualTo(Enumerable.Range(1, 2050).Select(i => (long)i)));
        Assert.That(events[0].Text(), Is.EqualTo("before 0\n"));
    }

    [TestCase("minLevel=Error", new[] { "for order 8", "the end" })]
    [TestCase("minLevel=warning", new[] { "warning", "for order 8", "the end" })]
    [TestCase("filter=StatusCode%20%3E%3D%20500%20and%20RequestPath%20like%20'%2Fapi%2F%25'", new[] { "Request /api/orders answered 503" })]
    [TestCase("minLevel=Fatal&filter=StatusCode%20%3E%3D%20500", new string[0])]
    public async Task FiltersByMinimumLevelAndExpression(string query, string[] expected)
    {
        await using var server = await TailServer.StartAsync();
        server.Logger.Information("info");
        server.Logger.Warning("warning");
        server.Logger.ForContext("CorrelationId", "order-8").Error("for order 8");
        server.Logger.Information("Request {RequestPath} answered {StatusCode}", "/api/orders", 503);
        server.Logger.Information("Request {RequestPath} answered {StatusCode}", "/health", 503);
        server.Logger.Information("Request {RequestPath} answered {StatusCode}", "/api/orders", 200);
        server.Logger.Fatal("the end");

        using var client = await TailClient.ConnectAsync(server.WebSocketUri(query));
        var events = (await client.ReceiveEventsAsync(expected.Length)).Events().Select(e => e.Text().TrimEnd()).ToList();
        // A sentinel every filter lets through: the next frame must be it, or the filter let through more than expected.
        server.Logger.Fatal("Request {RequestPath} answered {StatusCode}", "/api/sentinel", 599);
        var next = await client.ReceiveAsync();

        Assert.That(events, Is.EqualTo(expected));
        Assert.That(next!.Value.Text(), Is.EqualTo("Request /api/sentinel answered 599\n"), "the filter let through more than expected");
    }

    [Test]
    public async Task ACorrelationIdFilterReceivesOnlyThatIdsEvents()
    {
        await using var server = await TailServer.StartAsync();
        server.Logger.ForContext("CorrelationId", "order-7").Information("for order 7");
        server.Logger.ForContext("CorrelationId", "order-8").Information("for order 8");
        server.Logger.ForContext("CorrelationId", "order-7").Warning("order 7 again");

        using var client = await TailClient.ConnectAsync(server.WebSocketUri("correlationId=order-7"));
        var events = (await client.ReceiveEventsAsync(2)).Events().ToList();

        Assert.That(events.Select(e => e.Text()), Is.EqualTo(new[] { "for order 7\n", "order 7 again\n" }));
        Assert.That(events.Select(e => e.GetProperty("correlationId").GetString()), Has.All.EqualTo("order-7"));
    }

    [Test]
    public async Task TextFramesCarryTheSinksRenderingAndClefFramesTheEventAsJson()
    {
        await using var server = await TailServer.StartAsync(outputTemplate: "[{Level:u3}] {Message:lj}{NewLine}");
        server.Logger.ForContext("CorrelationId", "c-1").Warning("Order {OrderId} is late", 42);

        using (var text = await TailClient.ConnectAsync(server.WebSocketUri("format=text")))
        {
            var frame = (await text.ReceiveEventsAsync(1))[0];
            Assert.That(frame.Text(), Is.EqualTo("[WRN] Order 42 is late\n"));
            Assert.That(frame.GetProperty("level").GetString(), Is.EqualTo("Warning"));
            Assert.That(frame.GetProperty("correlationId").GetString(), Is.EqualTo("c-1"));
            Assert.That(frame.TryGetProperty("clef", out _), Is.False);
        }

        using var clef = await TailClient.ConnectAsync(server.WebSocketUri("format=clef"));
        var clefFrame = (await clef.ReceiveEventsAsync(1))[0].GetProperty("clef");
        Assert.That(clefFrame.GetProperty("@mt").GetString(), Is.EqualTo("Order {OrderId} is late"));
        Assert.That(clefFrame.GetProperty("@l").GetString(), Is.EqualTo("Warning"));
        Assert.That(clefFrame.GetProperty("OrderId").GetInt32(), Is.EqualTo(42));
    }

    [Test]
    public async Task AClientResumesAfterTheLastSequenceItSaw()
    {
        await using var server = await TailServer.StartAsync();
        for (var i = 1; i <= 10; i++)
            server.Logger.Information("event {Index}", i);

        using var client = await TailClient.ConnectAsync(server.WebSocketUri("after=7"));
        var frames = await client.ReceiveEventsAsync(3);

        Assert.That(frames.Select(f => f.Type()), Has.None.EqualTo("missed"));
        Assert.That(frames.Events().Select(e => e.Seq()), Is.EqualTo(new long[] { 8, 9, 10 }));
    }

    [Test]
    public async Task AClientResumingAfterEvictedEventsIsToldHowManyItMissed()
    {
        await using var server = await TailServer.StartAsync(bufferSize: 40);
        for (var i = 1; i <= 10; i++)
            server.Logger.Information("event {Index:D2}", i); // 9 bytes each: the buffer keeps 4
        server.Facade.Flush();

        using var client = await TailClient.ConnectAsync(server.WebSocketUri("after=2"));
        var frames = await client.ReceiveEventsAsync(4);

        Assert.That(frames[0].Type(), Is.EqualTo("missed"));
        Assert.That(frames[0].GetProperty("count").GetInt64(), Is.EqualTo(4), "events 3 to 6 had left the buffer");
        Assert.That(frames.Events().Select(e => e.Seq()), Is.EqualTo(new long[] { 7, 8, 9, 10 }));
    }

    [Test]
    public async Task AResumePointBeyondTheNewestEventMeansARestartAndStartsOver()
    {
        await using var server = await TailServer.StartAsync();
        server.Logger.Information("after a restart");

        using var client = await TailClient.ConnectAsync(server.WebSocketUri("after=500"));
        var frames = await client.ReceiveEventsAsync(1);

        Assert.That(frames[0].Type(), Is.EqualTo("restarted"));
        Assert.That(frames.Events().Single().Text(), Is.EqualTo("after a restart\n"));
    }

    [Test]
    public async Task ABatchingClientGetsTheEventsAlreadyWaitingTogetherInOneMessageInOrder()
    {
        await using var server = await TailServer.StartAsync(options => options.ClientQueueCapacity = 10_000, bufferSize: 1 << 20);
        for (var i = 0; i < 1000; i++)
            server.Logger.Information("waiting {Index}", i);

        using var client = await TailClient.ConnectAsync(server.WebSocketUri("after=0&batch=true"));
        var messages = new List<int>();
        var events = new List<System.Text.Json.JsonElement>();
        while (events.Count < 1000)
        {
            var frame = (await client.ReceiveAsync())!.Value;
            Assert.That(frame.Type(), Is.EqualTo("events"));
            var batch = frame.GetProperty("events").EnumerateArray().ToList();
            messages.Add(batch.Count);
            events.AddRange(batch);
        }

        Assert.That(events.Select(e => e.Seq()), Is.EqualTo(Enumerable.Range(1, 1000).Select(i => (long)i)));
        Assert.That(events.Select(e => e.Type()), Is.All.EqualTo("event"));
        Assert.That(events[999].Text(), Is.EqualTo("waiting 999\n"));
        Assert.That(messages, Has.Some.GreaterThan(1), "the buffered events came one per message");
        Assert.That(messages, Has.All.InRange(1, 256));

        server.Logger.Information("live");
        var live = (await client.ReceiveAsync())!.Value;
        Assert.That(live.GetProperty("events").EnumerateArray().Single().Text(), Is.EqualTo("live\n"));
    }

    [TestCase("minLevel=Loud", "minLevel")]
    [TestCase("minLevel=3", "minLevel")]
    [TestCase("after=-1", "after")]
    [TestCase("after=soon", "after")]
    [TestCase("format=xml", "format")]
    [TestCase("batch=yes", "batch")]
    [TestCase("status=often", "status")]
    [TestCase("filter=StatusCode%20%3E%3D", "filter")]
    public async Task BadParametersGet400NamingTheParameter(string query, string parameter)
    {
        await using var server = await TailServer.StartAsync();
        using var http = new HttpClient();

        var status = await TailClient.RefusalStatusAsync(server.WebSocketUri(query));
        var response = await http.GetAsync(server.WebSocketUri(query).ToString().Replace("ws://", "http://"));

        Assert.That(status, Is.EqualTo(400));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain($"'{parameter}'").Or.Contain("WebSocket"));
    }

    [Test]
    public async Task AnErrorMessageForABadParameterNamesIt()
    {
        await using var server = await TailServer.StartAsync();
        using var http = new HttpClient();
        var request = new HttpRequestMessage(HttpMethod.Get, server.BaseUrl + "/memstream/ws?minLevel=Loud");
        request.Headers.Add("Connection", "Upgrade");
        request.Headers.Add("Upgrade", "websocket");
        request.Headers.Add("Sec-WebSocket-Version", "13");
        request.Headers.Add("Sec-WebSocket-Key", Convert.ToBase64String(new byte[16]));

        var response = await http.SendAsync(request);

        Assert.That((int)response.StatusCode, Is.EqualTo(400));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("'minLevel' must be one of Verbose, Debug, Information, Warning, Error, Fatal"));
    }

    [Test]
    public async Task TheMiddlewareServesTheTailOnItsOwn()
    {
        await using var server = await TailServer.StartAsync(middleware: true);
        server.Logger.Information("through the middleware");

        using var client = await TailClient.ConnectAsync(server.WebSocketUri());

        Assert.That((await client.ReceiveEventsAsync(1))[0].Text(), Is.EqualTo("through the middleware\n"));
    }

    [Test]
    public async Task TheMiddlewareLevelFilterUsesTheSameParameters()
    {
        await using var server = await TailServer.StartAsync(middleware: true);
        server.Logger.Debug("debug");
        server.Logger.Write(LogEventLevel.Error, "error");

        using var client = await TailClient.ConnectAsync(server.WebSocketUri("minLevel=Warning"));

        Assert.That((await client.ReceiveEventsAsync(1))[0].Text(), Is.EqualTo("error\n"));
    }
}
