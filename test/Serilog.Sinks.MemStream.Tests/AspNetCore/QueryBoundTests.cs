using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Serilog.Sinks.MemStream.Store;
using Serilog.Sinks.MemStream.Tests.Support;

namespace Serilog.Sinks.MemStream.Tests.AspNetCore;

/// <summary>
/// Every answer of stored events is bounded in bytes, however large the events: query pages stop at about
/// 4 MiB with a <c>next</c> to go on, a download streams page by page, and only a few heavy queries run at
/// once, so that the application's own requests keep being answered.
/// </summary>
[NonParallelizable]
public class QueryBoundTests
{
    const int EventBytes = 1024 * 1024;

    [Test]
    public async Task PagesOfLargeEventsStopAtTheByteBoundAndNextWalksThemAllOnce()
    {
        await using var server = await StartWithLargeEventsAsync(count: 20);
        using var http = new HttpClient();

        var seen = new List<int>();
        var pages = 0;
        long? after = 0;
        while (after is not null)
        {
            var body = await http.GetByteArrayAsync($"{server.BaseUrl}/memstream/query?correlationId=huge&limit=10000&after={after}");
            Assert.That(body.Length, Is.LessThanOrEqualTo(MemStreamQuery.MaxBytes), $"page {pages + 1} within the bound");
            var page = JsonDocument.Parse(body).RootElement;
            var events = page.GetProperty("events").EnumerateArray().ToList();
            Assert.That(events, Is.Not.Empty, "a page that says more follows has events");
            seen.AddRange(events.Select(e => e.GetProperty("clef").GetProperty("Index").GetInt32()));
            after = page.GetProperty("next").ValueKind == JsonValueKind.Number ? page.GetProperty("next").GetInt64() : null;
            pages++;
        }

        Assert.That(seen, Is.EqualTo(Enumerable.Range(0, 20)), "every event exactly once, in order");
        Assert.That(pages, Is.GreaterThanOrEqualTo(5), "about three 1 MB events a page");
    }

    [Test]
    public async Task AnEventLargerThanThePageBoundIsReturnedAloneOnItsPage()
    {
        await using var server = await TailServer.StartAsync(durable: true);
        var huge = new string('x', MemStreamQuery.MaxBytes + 1024);
        server.Logger.ForContext("CorrelationId", "one").Information("big {Payload} {Index}", huge, 0);
        server.Logger.ForContext("CorrelationId", "one").Information("small {Index}", 1);
        server.Facade.Flush();
        using var http = new HttpClient();

        var first = JsonDocument.Parse(await http.GetStringAsync($"{server.BaseUrl}/memstream/query?correlationId=one")).RootElement;
        var next = first.GetProperty("next").GetInt64();
        var second = JsonDocument.Parse(await http.GetStringAsync($"{server.BaseUrl}/memstream/query?correlationId=one&after={next}")).RootElement;

        Assert.That(first.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("clef").GetProperty("Index").GetInt32()), Is.EqualTo(new[] { 0 }));
        Assert.That(second.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("clef").GetProperty("Index").GetInt32()), Is.EqualTo(new[] { 1 }));
        Assert.That(second.GetProperty("next").ValueKind, Is.EqualTo(JsonValueKind.Null));
    }

    [Test]
    public async Task ADownloadStreamsTheWholeHistoryAsClefLines()
    {
        await using var server = await StartWithLargeEventsAsync(count: 12);
        using var http = new HttpClient();

        using var response = await http.GetAsync($"{server.BaseUrl}/memstream/query?correlationId=huge&format=clef", HttpCompletionOption.ResponseHeadersRead);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/vnd.serilog.clef"));
        Assert.That(response.Content.Headers.ContentDisposition!.DispositionType, Is.EqualTo("attachment"));
        Assert.That(response.Content.Headers.ContentDisposition.FileName, Is.EqualTo("memstream-correlationId-huge.clef"));
        Assert.That(response.Headers.TransferEncodingChunked, Is.True, "streamed, not built whole first");
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var indexes = new List<int>();
        while (await reader.ReadLineAsync() is { } line)
            indexes.Add(JsonDocument.Parse(line).RootElement.GetProperty("Index").GetInt32());

        Assert.That(indexes, Is.EqualTo(Enumerable.Range(0, 12)));
    }

    /// <summary>
    /// With every place taken (four downloads whose readers stall, so each holds its place), 32 maximal queries
    /// at once are all refused at once with the reason, and the app's own endpoint keeps answering; once the
    /// downloads go, queries are answered again.
    /// </summary>
    [Test]
    public async Task QueriesBeyondTheLimitAreRefusedAtOnceWhileTheAppsOwnRequestsAreAnswered()
    {
        await using var server = await StartWithLargeEventsAsync(count: 20);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(120) };
        var stalled = new List<HttpResponseMessage>();
        for (var i = 0; i < 4; i++)
            stalled.Add(await http.GetAsync($"{server.BaseUrl}/memstream/query?correlationId=huge&format=clef", HttpCompletionOption.ResponseHeadersRead));
        Assert.That(stalled.Select(r => r.StatusCode), Has.All.EqualTo(HttpStatusCode.OK), "the downloads began (20 MB each: they cannot finish unread)");

        var clock = Stopwatch.StartNew();
        var refused = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => http.GetAsync($"{server.BaseUrl}/memstream/query?correlationId=huge&limit=10000")));
        var refusedWithin = clock.Elapsed;
        using var own = await http.GetAsync($"{server.BaseUrl}/own/status");

        Assert.That(refused.Select(r => r.StatusCode), Has.All.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(await refused[0].Content.ReadAsStringAsync(), Does.Contain("4 queries of stored events are under way"));
        Assert.That(refusedWithin, Is.LessThan(TimeSpan.FromSeconds(10)), "refused at once, not queued");
        Assert.That(own.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        foreach (var download in stalled)
            download.Dispose();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        HttpStatusCode again;
        while ((again = (await http.GetAsync($"{server.BaseUrl}/memstream/query?correlationId=huge")).StatusCode) != HttpStatusCode.OK && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        Assert.That(again, Is.EqualTo(HttpStatusCode.OK), "the places are given back when the downloads go");
    }

    /// <summary>
    /// 32 maximal queries at once (each a 4 MiB page of 1 MB events): each is answered or refused with 503, and
    /// the app's own endpoint keeps answering meanwhile. The bound (5 s) catches starvation, not slowness: on this
    /// 2-core machine the slowest probe took 170 ms when the limit was built, and 0.4-2.3 s on 2026-12-02 both
    /// before and after the store's own RocksDB binding (1 MB events, so the GC's large-object collections and the
    /// two cores decide it); a 2 s bound failed one CI run. How fast is for the benchmarks to say.
    /// </summary>
    [Test]
    public async Task ThirtyTwoConcurrentMaximalQueriesLeaveTheAppsOwnRequestsAnswered()
    {
        await using var server = await StartWithLargeEventsAsync(count: 20);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(120) };

        var queries = Enumerable.Range(0, 32)
            .Select(_ => http.GetAsync($"{server.BaseUrl}/memstream/query?correlationId=huge&limit=10000"))
            .ToList();
        var slowest = TimeSpan.Zero;
        var probes = 0;
        while (!queries.All(q => q.IsCompleted))
        {
            var clock = Stopwatch.StartNew();
            using var own = await http.GetAsync($"{server.BaseUrl}/own/status");
            Assert.That(own.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            slowest = clock.Elapsed > slowest ? clock.Elapsed : slowest;
            probes++;
            await Task.WhenAny(Task.WhenAll(queries), Task.Delay(20));
        }
        var answers = await Task.WhenAll(queries);

        TestContext.Out.WriteLine($"slowest own request {slowest.TotalMilliseconds:F0} ms over {probes} probes; answered {answers.Count(a => a.StatusCode == HttpStatusCode.OK)}, refused {answers.Count(a => a.StatusCode == HttpStatusCode.ServiceUnavailable)}");
        Assert.That(slowest, Is.LessThan(TimeSpan.FromSeconds(5)), $"the app's own request while queries ran ({probes} probes)");
        Assert.That(answers.Select(a => a.StatusCode), Has.All.AnyOf(HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable));
        Assert.That(answers.Count(a => a.StatusCode == HttpStatusCode.OK), Is.GreaterThanOrEqualTo(4), "at least the limit's worth answered");
    }

    [Test]
    public async Task TheQueryLimitIsValidated()
    {
        var failure = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => TailServer.StartAsync(o => o.MaxConcurrentQueries = 0));
        Assert.That(failure!.ParamName, Is.EqualTo("MaxConcurrentQueries"));
    }

    static async Task<TailServer> StartWithLargeEventsAsync(int count)
    {
        var server = await TailServer.StartAsync(durable: true);
        var payload = new string('p', EventBytes);
        for (var i = 0; i < count; i++)
            server.Logger.ForContext("CorrelationId", "huge").Information("large {Payload} {Index}", payload, i);
        server.Facade.Flush();
        return server;
    }
}
