using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Sinks.MemStream.Tests.Support;

namespace Serilog.Sinks.MemStream.Tests.Fleet;

/// <summary>The fleet's live tail (<c>/ws?fleet=true</c>) over real instances and a real redis-server.</summary>
[NonParallelizable]
public class FleetTailTests : FleetTestBase
{
    Task<TailServer> StartInstanceAsync(string instanceId, Action<Serilog.Sinks.MemStream.AspNetCore.MemStreamEndpointOptions>? configure = null) =>
        Fleet.StartInstanceAsync(instanceId, durable: false, endpoints: configure);

    [Test]
    public async Task TheFleetTailCarriesEveryInstancesEventsEachInItsOrderThenLiveOnes()
    {
        await using var a = await StartInstanceAsync("a");
        await using var b = await StartInstanceAsync("b");
        await using var c = await StartInstanceAsync("c");
        foreach (var (server, name) in new[] { (a, "a"), (b, "b"), (c, "c") })
        {
            for (var i = 0; i < 20; i++)
                server.Logger.Information("{Instance} before {Index}", name, i);
        }
        await WaitForStreamLengthAsync(60);

        using var client = await TailClient.ConnectAsync(a.WebSocketUri("fleet=true&batch=true"));
        var replayed = Flatten(await ReceiveAsync(client, 60));
        foreach (var (server, name) in new[] { (a, "a"), (b, "b"), (c, "c") })
        {
            for (var i = 0; i < 10; i++)
                server.Logger.Information("{Instance} after {Index}", name, i);
        }
        var live = Flatten(await ReceiveAsync(client, 30));

        var all = replayed.Concat(live).ToList();
        foreach (var name in new[] { "a", "b", "c" })
        {
            var own = all.Where(e => e.GetProperty("instance").GetString() == name).ToList();
            Assert.That(own.Select(e => e.Seq()), Is.EqualTo(Enumerable.Range(1, 30).Select(i => (long)i)), $"{name}'s events, each once, in order");
            Assert.That(own[0].Text(), Is.EqualTo($"{name} before 0\n"), "the rendering as the instance made it");
        }
        Assert.That(all.Select(e => e.GetProperty("id").GetString()), Is.Unique);
    }

    [Test]
    public async Task AClientResumesAfterAStreamIdWithNoGapAndNoDuplicate()
    {
        await using var a = await StartInstanceAsync("a");
        await using var b = await StartInstanceAsync("b");
        for (var i = 0; i < 10; i++)
        {
            a.Logger.Information("a {Index}", i);
            b.Logger.Information("b {Index}", i);
        }
        await WaitForStreamLengthAsync(20);
        List<JsonElement> first;
        using (var client = await TailClient.ConnectAsync(a.WebSocketUri("fleet=true")))
            first = Flatten(await ReceiveAsync(client, 20));
        for (var i = 10; i < 25; i++)
        {
            a.Logger.Information("a {Index}", i);
            b.Logger.Information("b {Index}", i);
        }
        await WaitForStreamLengthAsync(50);

        using var resumed = await TailClient.ConnectAsync(b.WebSocketUri("fleet=true&afterId=" + first[^1].GetProperty("id").GetString()));
        var rest = Flatten(await ReceiveAsync(resumed, 30));

        var texts = first.Concat(rest).Select(e => e.Text()).ToList();
        Assert.That(texts, Is.Unique);
        Assert.That(texts.Order(), Is.EqualTo(Enumerable.Range(0, 25).SelectMany(i => new[] { $"a {i}\n", $"b {i}\n" }).Order()));
    }

    [Test]
    public async Task EveryFilterOfTheTailWorksOnTheFleetTail()
    {
        await using var a = await StartInstanceAsync("a");
        await using var b = await StartInstanceAsync("b");
        using var client = await TailClient.ConnectAsync(a.WebSocketUri("fleet=true&format=clef&minLevel=Warning&correlationId=order-1&filter=" + Uri.EscapeDataString("StatusCode >= 500")));

        b.Logger.ForContext("CorrelationId", "order-1").Information("info {StatusCode}", 503);
        b.Logger.ForContext("CorrelationId", "order-2").Error("other order {StatusCode}", 503);
        b.Logger.ForContext("CorrelationId", "order-1").Error("client error {StatusCode}", 404);
        b.Logger.ForContext("CorrelationId", "order-1").Error("wanted {StatusCode}", 503);
        a.Logger.ForContext("CorrelationId", "order-1").Warning("wanted too {StatusCode}", 500);

        // Each instance publishes on its own: the stream orders them as they arrived, not as they were logged.
        var events = Flatten(await ReceiveAsync(client, 2)).OrderBy(e => e.GetProperty("instance").GetString()).ToList();
        Assert.That(events.Select(e => e.GetProperty("clef").GetProperty("@mt").GetString()), Is.EqualTo(new[] { "wanted too {StatusCode}", "wanted {StatusCode}" }));
        Assert.That(events.Select(e => e.GetProperty("instance").GetString()), Is.EqualTo(new[] { "a", "b" }));
        Assert.That(events[1].GetProperty("correlationId").GetString(), Is.EqualTo("order-1"));
        Assert.That(events[1].GetProperty("clef").GetProperty("StatusCode").GetInt32(), Is.EqualTo(503), "the CLEF as published");
        a.Logger.ForContext("CorrelationId", "order-1").Error("sentinel {StatusCode}", 599);
        var next = Flatten(await ReceiveAsync(client, 1)).Single();
        Assert.That(next.GetProperty("clef").GetProperty("@mt").GetString(), Is.EqualTo("sentinel {StatusCode}"), "nothing filtered out got through");
    }

    [Test]
    public async Task AStalledFleetClientLosesItsOldestAndSlowsNeitherTheOthersNorTheApp()
    {
        await using var a = await StartInstanceAsync("a", o => o.ClientQueueCapacity = 16);
        using var stalled = await TailClient.ConnectAsync(a.WebSocketUri("fleet=true"), o => o.SetBuffer(1024, 1024));
        using var reader = await TailClient.ConnectAsync(a.WebSocketUri("fleet=true&batch=true"));
        var padding = new string('x', 4000);

        var logging = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 2000; i++)
            a.Logger.Information("event {Index} {Padding}", i, padding);
        logging.Stop();

        var received = 0;
        var dropped = 0L;
        while (received < 2000 - dropped)
        {
            var frame = (await reader.ReceiveAsync())!.Value;
            if (frame.Type() == "dropped")
                dropped += frame.GetProperty("count").GetInt64();
            else
                received += frame.Type() == "events" ? frame.GetProperty("events").GetArrayLength() : 1;
        }
        Assert.That(received + dropped, Is.EqualTo(2000), "every event reached the reading client or was counted as dropped");
        Assert.That(logging.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)), "logging did not wait for any client");
        var stalledFrame = await stalled.ReceiveAsync();
        Assert.That(stalledFrame, Is.Not.Null, "the stalled client is still served what it can take");
    }

    [Test]
    public async Task AClientThatFellFarBehindCatchesUpWithEverythingTheStreamStillHolds()
    {
        await using var a = await StartInstanceAsync("a", o =>
        {
            o.ClientQueueCapacity = 16;
            o.SendTimeout = TimeSpan.FromSeconds(60);
        });
        using var slow = await TailClient.ConnectAsync(a.WebSocketUri("fleet=true&batch=true"));
        var padding = new string('x', 1000);

        // Far more than the follower's window of 4,096 and the sockets' buffers: the client is read for on its own later.
        const int count = 20_000;
        for (var i = 0; i < count; i++)
        {
            a.Logger.Information("event {Index} {Padding}", i, padding);
            if (i % 2000 == 1999)
                await WaitForStreamLengthAsync(i + 1); // paced, so that the publisher's queue drops nothing
        }

        var frames = await ReceiveAsync(slow, count);
        Assert.That(frames.Select(f => f.Type()).Distinct(), Is.EqualTo(new[] { "events" }), "no dropped or missed notice");
        Assert.That(Flatten(frames).Select(e => e.Seq()), Is.EqualTo(Enumerable.Range(1, count).Select(i => (long)i)), "every event, once, in order");
    }

    [Test]
    public async Task ALiveClientIsToldWhenRedisRestartedWithoutTheLastEventItRead()
    {
        await using var a = await StartInstanceAsync("a");
        var fleet = a.Services.GetRequiredService<Serilog.Sinks.MemStream.Redis.MemStreamFleet>();
        using var client = await TailClient.ConnectAsync(a.WebSocketUri("fleet=true"));
        a.Logger.Information("before");
        Assert.That(Flatten(await ReceiveAsync(client, 1)).Single().Text(), Is.EqualTo("before\n"));

        Fleet.Redis.Kill();
        await WaitUntilAsync(() => !fleet.Status().IsConnected, "the fleet noticing Redis is gone");
        a.Logger.Information("during");
        await WaitUntilAsync(() => fleet.Status().NotSent == 1, "the event not sent, counted");
        Fleet.Redis.StartAgain(); // without persistence: the stream is gone
        await WaitUntilAsync(() => fleet.Status().IsConnected, "the reconnection");
        a.Logger.Information("after");

        var notice = (await client.ReceiveAsync(TimeSpan.FromSeconds(15)))!.Value;
        Assert.That(notice.Type(), Is.EqualTo("missed"), "told before the next event");
        Assert.That(notice.GetProperty("count").GetInt64(), Is.EqualTo(-1), "how many is unknown");
        Assert.That(notice.GetProperty("message").GetString(), Does.Contain("no longer holds the last event this tail read"));
        var gap = (await client.ReceiveAsync(TimeSpan.FromSeconds(15)))!.Value;
        Assert.That(gap.Type(), Is.EqualTo("missed"), "and the instance's own gap, recorded in the stream");
        Assert.That(gap.GetProperty("count").GetInt64(), Is.EqualTo(1));
        Assert.That(gap.GetProperty("message").GetString(), Does.Contain("a could not publish 1 events"));
        var next = (await client.ReceiveAsync(TimeSpan.FromSeconds(15)))!.Value;
        Assert.That(next.Text(), Is.EqualTo("after\n"));
    }

    static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!condition())
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), $"timed out waiting for {what}");
            await Task.Delay(20);
        }
    }

    [Test]
    public async Task FleetTailParametersAreCheckedAndAFleetlessAppSaysSo()
    {
        await using var fleetless = await TailServer.StartAsync();
        await using var a = await StartInstanceAsync("a");

        var noFleet = await RawHttp.GetAsync(fleetless.BaseUrl, "/memstream/ws?fleet=true");
        var after = await RawHttp.GetAsync(a.BaseUrl, "/memstream/ws?fleet=true&after=5");
        var afterIdAlone = await RawHttp.GetAsync(a.BaseUrl, "/memstream/ws?afterId=1-0");
        var badId = await RawHttp.GetAsync(a.BaseUrl, "/memstream/ws?fleet=true&afterId=yesterday");
        var fine = await RawHttp.GetAsync(a.BaseUrl, "/memstream/ws?fleet=true&afterId=1764316800000-0");
        var fineEvent = await RawHttp.GetAsync(a.BaseUrl, "/memstream/ws?fleet=true&afterId=1764316800000-0-12");
        // Event ids as a frame never carries them: each a 400 that names the parameter, never a 500.
        var hostile = new List<RawHttp.Response>();
        foreach (var id in new[] { "1-0-x", "1-0-2147483647", "1-0--1", "1-2-3-4", "1--0", "-1-0", "99999999999999999999-0", "1-0-99999999999", new string('1', 70) + "-0" })
            hostile.Add(await RawHttp.GetAsync(a.BaseUrl, "/memstream/ws?fleet=true&afterId=" + Uri.EscapeDataString(id)));

        Assert.That((noFleet.Status, noFleet.Body.Contains("AddMemStreamFleet", StringComparison.Ordinal)), Is.EqualTo((404, true)));
        Assert.That((after.Status, after.Body.Contains("'after'", StringComparison.Ordinal)), Is.EqualTo((400, true)));
        Assert.That((afterIdAlone.Status, afterIdAlone.Body.Contains("'afterId'", StringComparison.Ordinal)), Is.EqualTo((400, true)));
        Assert.That((badId.Status, badId.Body.Contains("'afterId'", StringComparison.Ordinal)), Is.EqualTo((400, true)));
        Assert.That(fine.Status, Is.EqualTo(426), "a plain GET of a valid fleet tail URL");
        Assert.That(fineEvent.Status, Is.EqualTo(426), "an event's id, as frames carry it");
        Assert.That(hostile.Select(r => (r.Status, r.Body.Contains("'afterId'", StringComparison.Ordinal))), Has.All.EqualTo((400, true)));
        Assert.That((await RawHttp.GetAsync(a.BaseUrl, "/memstream/status")).Status, Is.EqualTo(200), "the app lives on");
    }

    [Test]
    public async Task WithRedisDownTheFleetTailIsRefusedWithTheReasonAndTheOwnTailWorks()
    {
        await using var a = await StartInstanceAsync("a");
        var fleet = a.Services.GetRequiredService<Serilog.Sinks.MemStream.Redis.MemStreamFleet>();
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!fleet.Status().IsConnected && DateTime.UtcNow < deadline)
            await Task.Delay(50); // the fleet connects in the background
        Fleet.Redis.Kill();
        while (fleet.Status().IsConnected && DateTime.UtcNow < deadline)
            await Task.Delay(50);

        var refused = await RawHttp.GetAsync(a.BaseUrl, "/memstream/ws?fleet=true", RawHttp.WebSocketUpgrade);
        using var own = await TailClient.ConnectAsync(a.WebSocketUri());
        a.Logger.Information("still here");

        Assert.That(refused.Status, Is.EqualTo(503));
        Assert.That(refused.Body, Does.Contain("Redis is unreachable"));
        Assert.That(Flatten(await ReceiveAsync(own, 1)).Single().Text(), Is.EqualTo("still here\n"));
    }

    [Test]
    public async Task EntriesMemStreamDidNotWriteAreSkippedOnReplayAndLive()
    {
        await using var a = await StartInstanceAsync("a");
        using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(Fleet.Redis.Configuration);
        var key = Fleet.EventsKey;
        var garbage = new[]
        {
            "{\"@t\":\"2026-11-28T08:00:00Z\",\"@l\":3}", "{\"@t\":\"2026-11-28T08:00:00Z\",\"@mt\":5}", "{\"@t\":\"2026-11-28T08:00:00Z\",\"@x\":{}}",
            "{\"@t\":\"2026-11-28T08:00:00Z\",\"@l\":\"99\"}", "{\"@t\":\"2026-11-28T08:00:00Z\",\"A\":{\"$type\":1}}", "not json", "[1,2]", new string('[', 5000),
        };
        // And entries of the current version whose events do not read: a record whose encoding is no event, a cut-off
        // record, bytes that are no record, no events at all.
        var notAnEvent = new System.Buffers.ArrayBufferWriter<byte>();
        MemStreamEventCodec.WriteRecord(notAnEvent, 1, "rogue\n"u8, [1, 2, 3, 4, 5]);
        var damaged = new[] { notAnEvent.WrittenSpan.ToArray(), notAnEvent.WrittenSpan[..^2].ToArray(), new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF } };
        async Task AddGarbageAsync()
        {
            foreach (var clef in garbage)
                await redis.GetDatabase().StreamAddAsync(key, [new("instance", "rogue"), new("seq", 1), new("text", "rogue\n"), new("clef", clef)]);
            await redis.GetDatabase().StreamAddAsync(key, [new("instance", "rogue"), new("seq", "x")]);
            foreach (var events in damaged)
                await redis.GetDatabase().StreamAddAsync(key, [new("v", 2), new("instance", "rogue"), new("events", events)]);
            await redis.GetDatabase().StreamAddAsync(key, [new("v", 2), new("instance", "rogue")]);
        }
        a.Logger.Information("before");
        await WaitForStreamLengthAsync(1);
        await AddGarbageAsync();
        using var client = await TailClient.ConnectAsync(a.WebSocketUri("fleet=true"));
        await AddGarbageAsync();
        a.Logger.Information("after");

        // Every one of them is skipped (entries of the first, pre-release format among them); nothing throws.
        var expected = new[] { "before\n", "after\n" }.ToList();
        var texts = Flatten(await ReceiveAsync(client, expected.Count)).Select(e => e.Text()).ToList();

        Assert.That(texts, Is.EqualTo(expected), "the replay and the live tail went on past what does not read");
        using var again = await TailClient.ConnectAsync(a.WebSocketUri("fleet=true"));
        Assert.That(Flatten(await ReceiveAsync(again, expected.Count)).Select(e => e.Text()), Is.EqualTo(expected), "a new client's replay too");
    }

    [Test]
    public async Task AnEntryOverTheCapIsSkippedWithANoticeToEveryTailAndNotKept()
    {
        await using var a = await StartInstanceAsync("a");
        var clients = new List<TailClient>();
        for (var i = 0; i < 3; i++)
            clients.Add(await TailClient.ConnectAsync(a.WebSocketUri("fleet=true")));
        a.Logger.Information("before");
        foreach (var client in clients)
            Assert.That(Flatten(await ReceiveAsync(client, 1)).Single().Text(), Is.EqualTo("before\n"));
        GC.Collect();
        var before = System.Diagnostics.Process.GetCurrentProcess().WorkingSet64;

        // 60 MB in one entry, written from another process (so that only the fleet's reading counts here): with
        // three tails open this once took the process from 212 MB to 1.7 GB.
        var forger = new System.Diagnostics.ProcessStartInfo("/usr/bin/redis-cli") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { "-p", Fleet.Redis.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-x", "XADD", Fleet.EventsKey, "*", "v", "2", "instance", "forger", "events" })
            forger.ArgumentList.Add(argument);
        using (var cli = System.Diagnostics.Process.Start(forger)!)
        {
            await cli.StandardInput.BaseStream.WriteAsync(new byte[60 << 20]);
            cli.StandardInput.Close();
            Assert.That(await cli.StandardOutput.ReadToEndAsync(), Does.Match(@"^\d+-\d+"), "the entry added");
            await cli.WaitForExitAsync();
        }
        a.Logger.Information("after");

        clients.Add(await TailClient.ConnectAsync(a.WebSocketUri("fleet=true"))); // its replay reads past it too
        foreach (var client in clients)
        {
            var frames = await ReceiveAsync(client, client == clients[^1] ? 2 : 1);
            var notice = frames.Single(f => f.Type() == "missed");
            Assert.That(notice.GetProperty("message").GetString(), Does.Contain("over the 1048576 bytes"));
            Assert.That(Flatten(frames).Select(e => e.Text()).Last(), Is.EqualTo("after\n"), "the tail goes on past it");
            client.Dispose();
        }
        GC.Collect();
        var grown = System.Diagnostics.Process.GetCurrentProcess().WorkingSet64 - before;
        // The entry never leaves Redis: a script reads the stream and leaves entries over the cap there. Read
        // (a copy per client, parsed), it grew the process by 1.5 GB.
        Assert.That(grown, Is.LessThan(64L << 20), $"the process grew by {grown >> 20} MiB");
    }

    [Test]
    public async Task WhereRedisRefusesScriptsTheFleetTailReadsWithXrangeAndSaysSoOnce()
    {
        using var selfLog = new SelfLogCapture();
        using (var admin = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(Fleet.Redis.Configuration))
            await admin.GetDatabase().ExecuteAsync("ACL", "SETUSER", "noscript", "on", ">secret", "~*", "&*", "+@all", "-@scripting");
        await using var a = await Fleet.StartInstanceAsync("a", durable: false, redisConfiguration: Fleet.Redis.Configuration + ",user=noscript,password=secret");
        a.Logger.Information("one");
        await WaitForStreamLengthAsync(1);

        using var client = await TailClient.ConnectAsync(a.WebSocketUri("fleet=true"));
        Assert.That(Flatten(await ReceiveAsync(client, 1)).Single().Text(), Is.EqualTo("one\n"), "the replay, read with XREVRANGE");
        a.Logger.Information("two");
        Assert.That(Flatten(await ReceiveAsync(client, 1)).Single().Text(), Is.EqualTo("two\n"), "live, read with XRANGE");
        Assert.That(selfLog.Lines.Count(l => l.Contains("refuses scripts", StringComparison.Ordinal)), Is.EqualTo(1), string.Join("\n", selfLog.Lines));
    }

    [Test]
    public async Task AfterAnOutageOfAPersistentRedisTheTailSaysHowManyEventsAnInstanceCouldNotPublish()
    {
        using var persistent = TestFleet.Start(appendOnly: true);
        await using var a = await persistent.StartInstanceAsync("a", durable: false);
        var fleet = a.Services.GetRequiredService<Serilog.Sinks.MemStream.Redis.MemStreamFleet>();
        using var client = await TailClient.ConnectAsync(a.WebSocketUri("fleet=true"));
        a.Logger.Information("before");
        Assert.That(Flatten(await ReceiveAsync(client, 1)).Single().Text(), Is.EqualTo("before\n"));

        persistent.Redis.Kill();
        await WaitUntilAsync(() => !fleet.Status().IsConnected, "the fleet noticing Redis is gone");
        for (var i = 0; i < 5; i++)
            a.Logger.Information("during {Index}", i);
        await WaitUntilAsync(() => fleet.Status().NotSent == 5, "the events not sent, counted");
        persistent.Redis.StartAgain(); // with its append-only file: the stream is as it was
        await WaitUntilAsync(() => fleet.Status().IsConnected, "the reconnection");
        a.Logger.Information("after");

        var notice = (await client.ReceiveAsync(TimeSpan.FromSeconds(15)))!.Value;
        Assert.That(notice.Type(), Is.EqualTo("missed"), "told where the gap is, before the next event");
        Assert.That(notice.GetProperty("count").GetInt64(), Is.EqualTo(5));
        Assert.That(notice.GetProperty("message").GetString(), Does.Contain("a could not publish 5 events"));
        var next = (await client.ReceiveAsync(TimeSpan.FromSeconds(15)))!.Value;
        Assert.That(next.Text(), Is.EqualTo("after\n"));
    }

    [Test]
    public async Task ResumingAfterAnEventTheStreamTrimmedSaysSo()
    {
        await using var small = await Fleet.StartInstanceAsync("small", o => o.StreamLength = 10, durable: false);
        small.Logger.Information("the first");
        await WaitForStreamLengthAsync(1);
        string firstId;
        using (var client = await TailClient.ConnectAsync(small.WebSocketUri("fleet=true")))
            firstId = Flatten(await ReceiveAsync(client, 1)).Single().GetProperty("id").GetString()!;
        // Redis trims approximately, whole nodes of 100 entries: events a few at a time make entries enough.
        var firstEntry = firstId[..firstId.LastIndexOf('-')];
        using (var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(Fleet.Redis.Configuration))
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            for (var i = 0; (await redis.GetDatabase().StreamRangeAsync(Fleet.EventsKey, firstEntry, firstEntry)).Length > 0; i++)
            {
                Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "the stream never trimmed its first event");
                small.Logger.Information("more {Index}", i);
                await Task.Delay(2);
            }
        }

        using var resumed = await TailClient.ConnectAsync(small.WebSocketUri("fleet=true&afterId=" + firstId));
        var notice = (await resumed.ReceiveAsync())!.Value;

        Assert.That(notice.Type(), Is.EqualTo("missed"));
        Assert.That(notice.GetProperty("count").GetInt64(), Is.EqualTo(-1));
        Assert.That(notice.GetProperty("message").GetString(), Does.Contain(firstId));
    }

    [Test]
    public async Task AnAppWhoseRedisIsUnreachableStartsAtOnceAndSaysSo()
    {
        int closedPort;
        using (var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            listener.Start();
            closedPort = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        }
        var started = System.Diagnostics.Stopwatch.StartNew();
        await using var server = await TailServer.StartAsync(services: (services, sinkName) => services.AddMemStreamFleet($"127.0.0.1:{closedPort},connectTimeout=5000", o =>
        {
            o.App = Fleet.App;
            o.SinkName = sinkName;
        }));
        started.Stop();

        var instances = await RawHttp.GetAsync(server.BaseUrl, "/memstream/instances");
        server.Logger.Information("logging on");

        Assert.That(started.Elapsed, Is.LessThan(TimeSpan.FromSeconds(3)), "the host started without waiting for Redis");
        Assert.That(instances.Status, Is.EqualTo(503));
        Assert.That(instances.Body, Does.Contain("Redis"));
        Assert.That(server.Facade.Snapshot(), Does.Contain("logging on"));
    }

    Task WaitForStreamLengthAsync(int events) => Fleet.WaitForStreamEventsAsync(events);

    [Test]
    public async Task ATailResumedAfterAnIdAheadOfTheStreamIsToldSoAndGoesOnWithNewEvents()
    {
        await using var a = await StartInstanceAsync("a");
        a.Logger.Information("before");
        await WaitForStreamLengthAsync(1);

        using var resumed = await TailClient.ConnectAsync(a.WebSocketUri("fleet=true&afterId=99999999999999-0"));
        var notice = (await resumed.ReceiveAsync())!.Value;
        a.Logger.Information("after");
        var events = Flatten(await ReceiveAsync(resumed, 1));

        Assert.That(notice.Type(), Is.EqualTo("missed"));
        Assert.That(notice.GetProperty("message").GetString(), Does.Contain("ahead of the newest"));
        Assert.That(events.Select(e => e.Text()), Is.EqualTo(new[] { "after\n" }), "new events arrive; the one before is not replayed");
    }

    /// <summary>Frames until <paramref name="count"/> events arrived, single or batched.</summary>
    static async Task<List<JsonElement>> ReceiveAsync(TailClient client, int count)
    {
        var frames = new List<JsonElement>();
        while (Flatten(frames).Count < count)
        {
            var frame = await client.ReceiveAsync();
            Assert.That(frame, Is.Not.Null, "the server closed the connection early");
            frames.Add(frame!.Value);
        }
        return frames;
    }

    static List<JsonElement> Flatten(IEnumerable<JsonElement> frames) =>
        frames.SelectMany(f => f.Type() switch
        {
            "events" => f.GetProperty("events").EnumerateArray().ToList(),
            "event" => [f],
            _ => [],
        }).ToList();
}
