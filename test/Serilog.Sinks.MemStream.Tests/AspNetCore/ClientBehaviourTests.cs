using System.Diagnostics;
using System.Net.WebSockets;
using Serilog.Sinks.MemStream.Tests.Support;

namespace Serilog.Sinks.MemStream.Tests.AspNetCore;

/// <summary>Slow, stalled, greedy, abusive and vanishing clients.</summary>
public class ClientBehaviourTests
{
    static readonly string Kilobyte = new('x', 1024);

    [Test]
    public async Task AClientThatFallsBehindIsToldHowManyEventsItLost()
    {
        await using var server = await TailServer.StartAsync(options =>
        {
            options.ClientQueueCapacity = 16;
            options.SendTimeout = TimeSpan.FromSeconds(20);
        });
        using var client = await TailClient.ConnectAsync(server.WebSocketUri(), o => o.SetBuffer(4096, 4096));

        // Far more than the TCP buffers hold while the client is not reading, so the server's queue overflows.
        for (var i = 0; i < 20_000; i++)
            server.Logger.Information("event {Index} {Padding}", i, Kilobyte);
        server.Facade.Flush();

        var dropped = 0L;
        var received = 0;
        while (received + dropped < 20_000)
        {
            var frame = (await client.ReceiveAsync())!.Value;
            if (frame.Type() == "dropped")
                dropped += frame.GetProperty("count").GetInt64();
            else
                received++;
        }
        Assert.That(dropped, Is.GreaterThan(0));
        Assert.That(received + dropped, Is.EqualTo(20_000), "every event is either delivered or counted as dropped");
    }

    [Test]
    public async Task AClientThatStopsReadingIsDisconnectedAfterTheSendTimeout()
    {
        await using var server = await TailServer.StartAsync(options => options.SendTimeout = TimeSpan.FromMilliseconds(500));
        using var stalled = await TailClient.ConnectAsync(server.WebSocketUri(), o => o.SetBuffer(4096, 4096));
        await WaitUntil(() => server.Facade.Status().Subscribers == 1);

        var watch = Stopwatch.StartNew();
        while (server.Facade.Status().Subscribers > 0 && watch.Elapsed < TimeSpan.FromSeconds(30))
        {
            for (var i = 0; i < 500; i++)
                server.Logger.Information("event {Index} {Padding}", i, Kilobyte);
            await Task.Delay(50);
        }

        Assert.That(server.Facade.Status().Subscribers, Is.Zero, "the stalled client was disconnected and its subscription released");
        Assert.That(await ReadsToTheEnd(stalled), Is.True, "the connection ended: the client reads what was sent, then the end");
    }

    [Test]
    public async Task AStalledClientDoesNotSlowTheApplicationOrAnotherClient()
    {
        const int chunks = 20, chunkSize = 1000;
        await using var server = await TailServer.StartAsync(options => options.SendTimeout = TimeSpan.FromSeconds(60));

        // Logs in chunks the reading client's queue holds, so it never has to drop: the logging rate is
        // events per second of the logging thread's own CPU time (what logging costs the application,
        // free of the scheduling noise of two shared cores), the delivery rate is events per second of
        // wall time until the reader had them all.
        async Task<(double LogRate, double DeliveryRate)> Run(bool withStalledClient)
        {
            using var stalled = withStalledClient ? await TailClient.ConnectAsync(server.WebSocketUri("after=" + server.Facade.Status().LastSequence), o => o.SetBuffer(4096, 4096)) : null;
            if (stalled is not null)
            {
                // Fill the TCP buffers between the server and the stalled client, so that it is stalled, not just slow to start.
                for (var i = 0; i < 4000; i++)
                    server.Logger.Information("filler {Index} {Padding}", i, Kilobyte + Kilobyte);
                server.Facade.Flush();
                await Task.Delay(300);
            }
            using var reader = await TailClient.ConnectAsync(server.WebSocketUri("after=" + server.Facade.Status().LastSequence));
            await WaitUntil(() => server.Facade.Status().Subscribers == (withStalledClient ? 2 : 1));
            var received = 0;
            var dropped = 0L;
            var reading = Task.Run(async () =>
            {
                while (Volatile.Read(ref received) < chunks * chunkSize)
                {
                    var frame = (await reader.ReceiveAsync())!.Value;
                    if (frame.Type() == "event")
                        Interlocked.Increment(ref received);
                    else
                        dropped += frame.GetProperty("count").GetInt64();
                }
            });

            var total = Stopwatch.StartNew();
            var logging = TimeSpan.Zero;
            for (var chunk = 1; chunk <= chunks; chunk++)
            {
                var start = ThreadCpuClock.Now();
                for (var i = 0; i < chunkSize; i++)
                    server.Logger.Information("event {Index} {Padding}", i, Kilobyte[..200]);
                logging += ThreadCpuClock.Now() - start;
                while (Volatile.Read(ref received) < chunk * chunkSize && !reading.IsCompleted)
                    await Task.Yield();
            }
            await reading;
            Assert.That(dropped, Is.Zero, "the reading client kept up");
            return (chunks * chunkSize / logging.TotalSeconds, chunks * chunkSize / total.Elapsed.TotalSeconds);
        }

        await Run(false); // warm up
        await Run(true);
        var without = new List<(double, double)>();
        var with = new List<(double, double)>();
        for (var round = 0; round < 5; round++)
        {
            without.Add(await Run(false));
            with.Add(await Run(true));
        }

        var logRatio = Median(with.Select(r => r.Item1)) / Median(without.Select(r => r.Item1));
        var deliveryRatio = Median(with.Select(r => r.Item2)) / Median(without.Select(r => r.Item2));
        TestContext.Out.WriteLine($"with a stalled client / without, medians of 5 rounds: logging rate {logRatio:F2} ({Median(with.Select(r => r.Item1)):N0}/s), " +
            $"other client's delivery rate {deliveryRatio:F2} ({Median(with.Select(r => r.Item2)):N0}/s)");
        // If the stalled client could hold up the application or the others, these ratios would be below
        // 0.01: 20,000 events would wait out the 60 s send timeout. Medians measured on a shared 2-core
        // machine range from 0.57 to 1.7 from run to run (CI once failed at 0.57 against a line at 0.6),
        // so the line sits at 0.25, far above a blocking design and below the noise; bench/ measures the real ratio.
        Assert.That(logRatio, Is.GreaterThan(0.25), "the application's logging rate");
        Assert.That(deliveryRatio, Is.GreaterThan(0.25), "the other client's delivery rate");
    }

    [Test]
    public async Task ClientsBeyondTheLimitAreRefusedWith503()
    {
        await using var server = await TailServer.StartAsync(options => options.MaxClients = 2);
        using var first = await TailClient.ConnectAsync(server.WebSocketUri());
        using var second = await TailClient.ConnectAsync(server.WebSocketUri());

        Assert.That(await TailClient.RefusalStatusAsync(server.WebSocketUri()), Is.EqualTo(503));

        first.Socket.Abort();
        await WaitUntil(() => server.Facade.Status().Subscribers == 1);
        using var third = await TailClient.ConnectAsync(server.WebSocketUri());
        Assert.That(third.Socket.State, Is.EqualTo(WebSocketState.Open), "a freed place can be taken");
    }

    [Test]
    public async Task AnOversizedIncomingFrameClosesTheConnectionWith1009()
    {
        await using var server = await TailServer.StartAsync(options => options.MaxIncomingMessageBytes = 1024);
        using var client = await TailClient.ConnectAsync(server.WebSocketUri());

        await client.SendTextAsync("small frames are ignored");
        await client.SendTextAsync(new string('z', 5000));

        Assert.That(await client.ReceiveAsync(), Is.Null);
        Assert.That(client.Socket.CloseStatus, Is.EqualTo(WebSocketCloseStatus.MessageTooBig));
    }

    [Test]
    public async Task AClientsCloseIsAnswered()
    {
        await using var server = await TailServer.StartAsync();
        using var client = await TailClient.ConnectAsync(server.WebSocketUri());

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await client.Socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token);

        Assert.That(client.Socket.State, Is.EqualTo(WebSocketState.Closed));
        await WaitUntil(() => server.Facade.Status().Subscribers == 0);
    }

    [Test]
    public async Task ClientsThatVanishLeaveNoSubscriptionBehind()
    {
        await using var server = await TailServer.StartAsync();
        var clients = new List<TailClient>();
        for (var i = 0; i < 10; i++)
            clients.Add(await TailClient.ConnectAsync(server.WebSocketUri()));
        await WaitUntil(() => server.Facade.Status().Subscribers == 10);

        foreach (var client in clients)
        {
            client.Socket.Abort();
            client.Dispose();
        }
        for (var i = 0; i < 100; i++)
            server.Logger.Information("nobody is listening {Index}", i);

        await WaitUntil(() => server.Facade.Status().Subscribers == 0);
        using var survivor = await TailClient.ConnectAsync(server.WebSocketUri("after=99"));
        Assert.That((await survivor.ReceiveEventsAsync(1))[0].Seq(), Is.EqualTo(100), "the server still serves");
    }

    [Test]
    public async Task StoppingTheApplicationClosesEveryClientWith1001Promptly()
    {
        var server = await TailServer.StartAsync();
        var clients = new List<TailClient>();
        for (var i = 0; i < 5; i++)
            clients.Add(await TailClient.ConnectAsync(server.WebSocketUri()));

        var watch = Stopwatch.StartNew();
        await server.StopAsync();
        watch.Stop();

        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)));
        foreach (var client in clients)
        {
            Assert.That(await client.ReceiveAsync(TimeSpan.FromSeconds(5)), Is.Null);
            Assert.That(client.Socket.CloseStatus, Is.EqualTo(WebSocketCloseStatus.EndpointUnavailable));
            client.Dispose();
        }
        await server.DisposeAsync();
    }

    static async Task<bool> ReadsToTheEnd(TailClient client)
    {
        try
        {
            while (await client.ReceiveAsync(TimeSpan.FromSeconds(10)) is not null) { }
            return true;
        }
        catch (WebSocketException)
        {
            return true; // aborted without a close frame: the frame could not be sent, which is the point
        }
    }

    static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    static async Task WaitUntil(Func<bool> condition)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(20)), "the condition never became true");
            await Task.Delay(20);
        }
    }
}
