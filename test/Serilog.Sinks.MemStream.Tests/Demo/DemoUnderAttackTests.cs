using System.Net.WebSockets;
using System.Text.Json;
using CsCheck;
using Serilog.Sinks.MemStream.Tests.Support;

namespace Serilog.Sinks.MemStream.Tests.Demo;

/// <summary>
/// The demo as a process of its own, attacked as issue reports described: whatever arrives, it answers
/// (never 500) and stays alive. A stack overflow cannot be caught, so only a separate process can show
/// that none happened.
/// </summary>
[NonParallelizable]
public class DemoUnderAttackTests
{
    DemoProcess _demo = null!;

    [OneTimeSetUp]
    public void StartTheDemo() => _demo = DemoProcess.Start();

    [OneTimeTearDown]
    public void StopTheDemo() => _demo.Dispose();

    static readonly string[] Upgrade = RawHttp.WebSocketUpgrade;

    void AssertAlive()
    {
        Assert.That(_demo.HasExited, Is.False, $"the demo died: {_demo.Errors}");
    }

    [Test]
    public async Task DeeplyNestedFiltersLeaveTheDemoRunning()
    {
        foreach (var filter in new[] { new string('(', 900) + "1" + new string(')', 900) + " = 1", new string('[', 900) + "1" + new string(']', 900), new string('(', 300) + "1" + new string(')', 300) + " = 1" })
        {
            var escaped = Uri.EscapeDataString(filter);
            var upgrade = await RawHttp.GetAsync(_demo.BaseUrl, "/memstream/ws?filter=" + escaped, Upgrade);
            var plain = await RawHttp.GetAsync(_demo.BaseUrl, "/memstream/ws?filter=" + escaped);
            Assert.That(upgrade.Status, Is.EqualTo(400));
            Assert.That(plain.Status, Is.EqualTo(400), "the page asks the same URL by GET to learn why");
        }

        // No brackets at all, but 1,023 characters of chained operators and indexers: deep trees for the compiler.
        foreach (var chain in new[] { string.Join("+", Enumerable.Repeat("1", 510)) + "=1", "A" + string.Concat(Enumerable.Repeat("[?]", 340)) + "=1", string.Join("^", Enumerable.Repeat("2", 511)) })
        {
            var response = await RawHttp.GetAsync(_demo.BaseUrl, "/memstream/ws?filter=" + Uri.EscapeDataString(chain), Upgrade);
            Assert.That(response.Status, Is.EqualTo(101), chain[..10]);
        }

        // A stack overflow ends the process a moment after its answer was refused: give it that moment, no more.
        Assert.That(_demo.ExitsWithin(TimeSpan.FromMilliseconds(500)), Is.False, $"the demo died: {_demo.Errors}");
        Assert.That((await RawHttp.GetAsync(_demo.BaseUrl, "/memstream/snapshot")).Status, Is.EqualTo(200));
    }

    [Test]
    public async Task AFailingOrdersProblemDetailsLeadToItsRequestsStoredEvents()
    {
        using var http = new HttpClient();
        var response = await http.GetAsync(_demo.BaseUrl + "/api/orders/26");
        Assert.That((int)response.StatusCode, Is.EqualTo(502));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/problem+json"));
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var traceparent = problem.GetProperty("traceId").GetString()!;
        Assert.That(traceparent, Does.Match("^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$"), "ASP.NET Core's own form");

        // As a user would: the traceId pasted as shown, and the logs link the demo adds.
        // The request's last event is logged as its response completes, and the store writes in the background: poll.
        JsonElement pasted;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            pasted = JsonDocument.Parse(await http.GetStringAsync(_demo.BaseUrl + "/memstream/query?traceId=" + traceparent)).RootElement;
            if (pasted.GetProperty("events").GetArrayLength() >= 3 || DateTime.UtcNow > deadline)
                break;
            await Task.Delay(50);
        }
        var link = problem.GetProperty("logs").GetString()!;
        Assert.That(link, Is.EqualTo("/memstream/?traceId=" + traceparent[3..35]));
        var templates = pasted.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("clef").GetProperty("@mt").GetString()).ToList();
        Assert.That(templates, Is.EqualTo(new[] { "Looking up order {OrderId}", "Order {OrderId} could not be looked up", "HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0000} ms" }),
            "the request's events, the request log's included, in order");
        Assert.That(pasted.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("traceId").GetString()), Has.All.EqualTo(traceparent[3..35]));
        var home = await http.GetStringAsync(_demo.BaseUrl + "/");
        Assert.That(home, Does.Match("/memstream/\\?traceId=[0-9a-f]{32}\""), "the home page links to its own trace's history");
    }

    [Test]
    public async Task ANonAsciiCorrelationHeaderIsReplacedNotEchoed()
    {
        var response = await RawHttp.GetAsync(_demo.BaseUrl, "/api/orders/42", "X-Correlation-ID: caf\u00e9-\u4e2d");

        Assert.That(response.Status, Is.EqualTo(200));
        Assert.That(response.Head, Does.Match("X-Correlation-ID: web-[0-9a-f]{8}"));
    }

    [Test]
    public async Task TheDemosFacadeEndpointsKeepTheAccessRules()
    {
        var port = new Uri(_demo.BaseUrl).Port;
        foreach (var path in new[] { "/snapshot", "/status", "/correlation-ids", "/query/req-1" })
        {
            Assert.That((await RawHttp.GetAsync(_demo.BaseUrl, path)).Status, Is.EqualTo(200), path);
            Assert.That((await RawHttp.GetAsync(_demo.BaseUrl, path, $"Host: rebind.evil.example:{port}")).Status, Is.EqualTo(403), path);
        }
    }

    [Test]
    public async Task HealthSaysWhy()
    {
        var response = await RawHttp.GetAsync(_demo.BaseUrl, "/health");
        var check = JsonDocument.Parse(response.Body).RootElement.GetProperty("checks").GetProperty("memstream");

        Assert.That(check.GetProperty("status").GetString(), Is.EqualTo("Healthy"));
        Assert.That(check.GetProperty("description").GetString(), Does.Contain("store"));
    }

    [Test]
    public async Task HealthSaysWhyWhenTheStoreIsUnavailable()
    {
        using var notADirectory = new TempFolder();
        var file = notADirectory.Combine("a-file");
        await File.WriteAllTextAsync(file, "not a store");
        using var demo = DemoProcess.Start(storePath: file);

        var response = await RawHttp.GetAsync(demo.BaseUrl, "/health");
        var check = JsonDocument.Parse(response.Body).RootElement.GetProperty("checks").GetProperty("memstream");

        Assert.That(response.Status, Is.EqualTo(200), "Degraded still answers 200 by default");
        Assert.That(check.GetProperty("status").GetString(), Is.EqualTo("Degraded"));
        Assert.That(check.GetProperty("description").GetString(), Does.Contain(file));
        Assert.That(demo.Errors, Does.Contain("MemStream"), "SelfLog says why on standard error");
    }

    /// <summary>
    /// Filters built from the expression language's own pieces, nested at random, some far too deep; at
    /// most 2,000 characters, so that the URL stays within Kestrel's request-line limit.
    /// </summary>
    static readonly Gen<string> Filter = Gen.Recursive<string>((depth, inner) =>
        depth > 6
            ? Gen.OneOf("1", "@l", "StatusCode", "'it''s'", "null", "true", "@p['a']", "[1, 2]", "{a: 1}")
            : Gen.OneOf(
                Gen.OneOf("1", "@m", "StatusCode", "'x'", "Elapsed", "@x", "'('", "?"),
                inner.Select(x => $"({x})"),
                inner.Select(x => $"[{x}]"),
                inner.Select(x => $"{{a: {x}}}"),
                Gen.Select(inner, inner, (a, b) => $"{a} and {b}"),
                Gen.Select(inner, inner, (a, b) => $"{a} = {b}"),
                Gen.Select(inner, inner, inner, (a, b, c) => $"if {a} then {b} else {c}"),
                Gen.Select(Gen.OneOf("Round", "Substring", "IsMatch", "Foo", "Length", "ToString", "IndexOf", "Coalesce"), inner, inner,
                    (name, a, b) => $"{name}({a}, {b})"),
                inner.Select(x => $"IsMatch(@m, '{x.Replace("'", "''")}')"),
                Gen.Select(Gen.OneOf('(', '[', '{', ')'), Gen.Int[1, 2000], inner, (c, n, x) => new string(c, n) + x),
                Gen.String[0, 40])).Select(filter => filter.Length <= 2000 ? filter : filter[..2000]);

    static readonly Gen<string> QueryValue = Gen.OneOf(
        Gen.String[0, 30],
        Gen.OneOf("Verbose", "error", " 5", "Debug,Error", "-1", "1e3", "99999999999999999999", "%", "%00", "\u0000", "true", "clef"),
        Gen.OneOf(new string('0', 32), "0AF7651916CD43DD8448EB211C80319C", "0af7651916cd43dd8448eb211c80319c0", "0af7651916cd43dd8448eb211c80319\u00e9",
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-0", "ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));

    [Test]
    public async Task GeneratedFiltersAndQueryStringsGetAnAnswerNeverA500()
    {
        var answered = new Dictionary<int, int>();
        var accepted = new List<string>();
        await Gen.Select(Filter, QueryValue, QueryValue, Gen.OneOf("minLevel", "after", "limit", "correlationId", "format", "batch", "filter", "traceId")).SampleAsync(async (filter, value, other, name) =>
        {
            var filterQuery = "filter=" + Uri.EscapeDataString(filter);
            var tail = await RawHttp.GetAsync(_demo.BaseUrl, "/memstream/ws?" + filterQuery);
            var query = await RawHttp.GetAsync(_demo.BaseUrl, $"/memstream/query?correlationId={Uri.EscapeDataString(value)}&{name}={Uri.EscapeDataString(other)}&{name}={Uri.EscapeDataString(value)}");
            var single = await RawHttp.GetAsync(_demo.BaseUrl, $"/memstream/query?correlationId=a&{name}={Uri.EscapeDataString(other)}");
            var trace = await RawHttp.GetAsync(_demo.BaseUrl, $"/memstream/query?traceId={Uri.EscapeDataString(value)}&{name}={Uri.EscapeDataString(other)}");
            var ids = await RawHttp.GetAsync(_demo.BaseUrl, $"/memstream/correlation-ids?{name}={Uri.EscapeDataString(value)}");
            var tailParameter = await RawHttp.GetAsync(_demo.BaseUrl, $"/memstream/ws?{name}={Uri.EscapeDataString(value)}");
            var status = await RawHttp.GetAsync(_demo.BaseUrl, $"/memstream/status?{name}={Uri.EscapeDataString(value)}");
            foreach (var answer in new[] { tail.Status, query.Status, single.Status, trace.Status, ids.Status, tailParameter.Status, status.Status })
                answered[answer] = answered.GetValueOrDefault(answer) + 1;
            if (tail.Status == 426 && accepted.Count < 25)
                accepted.Add(filter);
            return tail.Status is 400 or 426 && query.Status is 200 or 400 && single.Status is 200 or 400 && trace.Status is 200 or 400 && ids.Status is 200 or 400
                && tailParameter.Status is 400 or 426 && status.Status == 200 && !_demo.HasExited;
        }, iter: 300, threads: 1);

        // Filters the endpoint accepted run against the demo's live events: skipped and counted when they fail, never a dropped connection.
        foreach (var filter in accepted)
        {
            using var socket = new ClientWebSocket();
            await socket.ConnectAsync(new Uri(_demo.BaseUrl.Replace("http://", "ws://") + "/memstream/ws?after=0&filter=" + Uri.EscapeDataString(filter)), CancellationToken.None);
            using var linger = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            try
            {
                var buffer = new byte[1 << 16];
                while (true)
                {
                    var received = await socket.ReceiveAsync(buffer, linger.Token);
                    Assert.That(received.MessageType, Is.Not.EqualTo(WebSocketMessageType.Close), $"the server closed the tail for {filter}");
                }
            }
            catch (OperationCanceledException)
            {
                // Listened long enough: the connection held.
            }
        }

        AssertAlive();
        TestContext.Out.WriteLine($"answers by status: {string.Join(", ", answered.OrderBy(a => a.Key).Select(a => $"{a.Key}: {a.Value}"))}; filters run live: {accepted.Count}");
        Assert.That(answered.Keys, Has.Member(400).And.Member(426), "both refused and accepted filters were generated");
    }

    /// <summary>
    /// Large stored events (notes of 0.5 to 2 MB and one of 5 MB, over a page's bound) under one id, then generated
    /// queries of every shape, four at a time: every answer is 200 or 503 (too many at once), a JSON page stays within
    /// the bound unless it holds the one event larger than it, pages follow on from <c>after</c> in order, a download is
    /// valid CLEF, and the demo stays healthy.
    /// </summary>
    [Test]
    public async Task GeneratedQueriesOverLargeStoredEventsStayBoundedAndTheDemoHealthy()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(120) };
        var id = "notes-" + Guid.NewGuid().ToString("N")[..8];
        int[] sizes = [512 * 1024, 1024 * 1024, 2 * 1024 * 1024, 5 * 1024 * 1024, 1024 * 1024, 2 * 1024 * 1024, 512 * 1024, 1024 * 1024];
        foreach (var size in sizes)
        {
            using var post = new HttpRequestMessage(HttpMethod.Post, _demo.BaseUrl + "/api/orders/7/notes") { Content = new StringContent(new string('n', size)) };
            post.Headers.Add("X-Correlation-ID", id);
            Assert.That((int)(await http.SendAsync(post)).StatusCode, Is.EqualTo(202));
        }
        var all = await WalkAsync(http, id, expectedNotes: sizes.Length);
        Assert.That(all.Count(e => e.Note), Is.EqualTo(sizes.Length), "every note stored and found once by walking next");

        var answered = new Dictionary<int, int>();
        var maxSequence = all.Max(e => e.Sequence);
        await Gen.Select(Gen.Long[0, maxSequence], Gen.Int[1, 10_000], Gen.OneOf("Verbose", "Information", "Warning"), Gen.OneOf("json", "clef")).SampleAsync(async (after, limit, minLevel, format) =>
        {
            var response = await http.GetAsync($"{_demo.BaseUrl}/memstream/query?correlationId={id}&after={after}&limit={limit}&minLevel={minLevel}&format={format}");
            var body = await response.Content.ReadAsByteArrayAsync();
            lock (answered)
                answered[(int)response.StatusCode] = answered.GetValueOrDefault((int)response.StatusCode) + 1;
            if (response.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable)
                return System.Text.Encoding.UTF8.GetString(body).Contains("under way");
            if (response.StatusCode != System.Net.HttpStatusCode.OK)
                return false;
            if (format == "clef")
                return System.Text.Encoding.UTF8.GetString(body).Split('\n', StringSplitOptions.RemoveEmptyEntries).All(line => JsonDocument.Parse(line).RootElement.TryGetProperty("@t", out _));
            var page = JsonDocument.Parse(body).RootElement;
            var sequences = page.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("seq").GetInt64()).ToList();
            var withinBound = body.Length <= MemStreamQuery.MaxBytes || sequences.Count == 1;
            var next = page.GetProperty("next");
            return withinBound && sequences.Count <= limit && sequences.All(s => s > after) && sequences.SequenceEqual(sequences.Order())
                && (next.ValueKind == JsonValueKind.Null || next.GetInt64() == sequences[^1]);
        }, iter: 60, threads: 4);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var health = await http.GetAsync(_demo.BaseUrl + "/health");
        Assert.That((int)health.StatusCode, Is.EqualTo(200));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)), "health answers promptly afterwards");
        AssertAlive();
        TestContext.Out.WriteLine($"answers by status: {string.Join(", ", answered.OrderBy(a => a.Key).Select(a => $"{a.Key}: {a.Value}"))}");
    }

    /// <summary>Every stored event of the id, walking <c>next</c> from the start, once the expected notes are all stored (30 s at most).</summary>
    async Task<List<(long Sequence, bool Note)>> WalkAsync(HttpClient http, string id, int expectedNotes)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var events = new List<(long Sequence, bool Note)>();
            long? after = 0;
            while (after is not null)
            {
                var body = await http.GetByteArrayAsync($"{_demo.BaseUrl}/memstream/query?correlationId={id}&after={after}");
                Assert.That(body.Length, Is.LessThanOrEqualTo(MemStreamQuery.MaxBytes + 6 * 1024 * 1024), "a page holds at most one event over the bound");
                var page = JsonDocument.Parse(body).RootElement;
                events.AddRange(page.GetProperty("events").EnumerateArray()
                    .Select(e => (e.GetProperty("seq").GetInt64(), e.GetProperty("clef").TryGetProperty("Note", out _))));
                after = page.GetProperty("next").ValueKind == JsonValueKind.Number ? page.GetProperty("next").GetInt64() : null;
            }
            Assert.That(events.Select(e => e.Sequence), Is.Unique.And.Ordered, "each event once, in write order");
            if (events.Count(e => e.Note) >= expectedNotes || DateTime.UtcNow > deadline)
                return events;
            await Task.Delay(100);
        }
    }
}
