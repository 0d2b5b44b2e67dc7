using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Serilog.Sinks.MemStream.Tests.Support;

namespace Serilog.Sinks.MemStream.Tests.AspNetCore;

/// <summary>
/// W3C trace ids on the live tail (frames carry them, <c>traceId=</c> filters by them) and the
/// <c>status</c> endpoint, against a real Kestrel host. Events are logged inside real <see cref="Activity"/>s,
/// as ASP.NET Core logs a request's events.
/// </summary>
public class TraceAndStatusTests
{
    [Test]
    public async Task ATraceIdFilterReceivesOnlyThatTracesEventsWithTheirTraceAndSpanIds()
    {
        await using var server = await TailServer.StartAsync();
        LogInActivity(server, "another request");
        server.Logger.Information("outside any request");
        var (wanted, wantedSpan) = LogInActivity(server, "checkout failed", "checkout retried");

        // Upper case, as some tools print trace ids: ids match in any case.
        using var client = await TailClient.ConnectAsync(server.WebSocketUri("traceId=" + wanted.ToUpperInvariant()));
        var events = (await client.ReceiveEventsAsync(2)).Events().ToList();

        Assert.That(events.Select(e => e.Text()), Is.EqualTo(new[] { "checkout failed\n", "checkout retried\n" }));
        Assert.That(events.Select(e => e.GetProperty("traceId").GetString()), Has.All.EqualTo(wanted));
        Assert.That(events.Select(e => e.GetProperty("spanId").GetString()), Has.All.EqualTo(wantedSpan));
        server.Logger.Information("later, outside any request");
        LogInActivity(server, "yet another request");
        using (new Activity("same trace, later").SetParentId(ActivityTraceId.CreateFromString(wanted), ActivitySpanId.CreateRandom()).Start())
            server.Logger.Information("sentinel");
        var next = (await client.ReceiveEventsAsync(1)).Events().Single();
        Assert.That(next.Text(), Is.EqualTo("sentinel\n"), "events of other traces or of none got through");
    }

    [Test]
    public async Task AnEventWithoutATraceHasNoTraceFields()
    {
        await using var server = await TailServer.StartAsync();
        server.Logger.Information("outside any request");

        using var client = await TailClient.ConnectAsync(server.WebSocketUri("format=clef"));
        var frame = (await client.ReceiveEventsAsync(1)).Events().Single();

        Assert.That(frame.TryGetProperty("traceId", out _), Is.False);
        Assert.That(frame.TryGetProperty("spanId", out _), Is.False);
    }

    [TestCase("traceId=abc")]
    [TestCase("traceId=00000000000000000000000000000000")]
    [TestCase("traceId=0af7651916cd43dd8448eb211c80319")]
    [TestCase("traceId=0af7651916cd43dd8448eb211c80319cc")]
    [TestCase("traceId=0af7651916cd43dd8448eb211c80319g")]
    [TestCase("traceId=%200af7651916cd43dd8448eb211c80319")]
    [TestCase("traceId=0af7651916cd43dd8448eb211c80319c&traceId=0af7651916cd43dd8448eb211c80319c")]
    public async Task ABadTraceIdIsRefusedNamingTheParameter(string query)
    {
        await using var server = await TailServer.StartAsync();

        Assert.That(await TailClient.RefusalStatusAsync(server.WebSocketUri(query)), Is.EqualTo(400));
        var reason = await RawHttp.GetAsync(server.BaseUrl, "/memstream/ws?" + query);
        Assert.That(reason.Status, Is.EqualTo(400));
        Assert.That(reason.Body, Does.Contain("'traceId'"));
    }

    [Test]
    public async Task TheQueryEndpointFindsATracesStoredEventsWithOrWithoutACorrelationId()
    {
        await using var server = await TailServer.StartAsync(durable: true);
        LogInActivity(server, "another request");
        string wanted;
        using (var activity = new Activity("request").SetIdFormat(ActivityIdFormat.W3C).Start())
        {
            server.Logger.Information("request started");
            server.Logger.ForContext("CorrelationId", "order-5").Warning("payment declined");
            server.Logger.Information("request finished");
            wanted = activity.TraceId.ToHexString();
        }
        server.Facade.Flush();
        using var http = new HttpClient();

        var all = JsonDocument.Parse(await http.GetStringAsync(server.BaseUrl + "/memstream/query?traceId=" + wanted.ToUpperInvariant())).RootElement;
        var page = JsonDocument.Parse(await http.GetStringAsync(server.BaseUrl + "/memstream/query?traceId=" + wanted + "&limit=2")).RootElement;
        var warnings = JsonDocument.Parse(await http.GetStringAsync(server.BaseUrl + "/memstream/query?traceId=" + wanted + "&minLevel=Warning")).RootElement;

        Assert.That(all.GetProperty("traceId").GetString(), Is.EqualTo(wanted));
        var events = all.GetProperty("events").EnumerateArray().ToList();
        Assert.That(events.Select(e => e.GetProperty("clef").GetProperty("@mt").GetString()),
            Is.EqualTo(new[] { "request started", "payment declined", "request finished" }));
        Assert.That(events.Select(e => e.GetProperty("traceId").GetString()), Has.All.EqualTo(wanted));
        Assert.That(page.GetProperty("events").GetArrayLength(), Is.EqualTo(2));
        Assert.That(page.GetProperty("next").GetInt64(), Is.EqualTo(events[1].GetProperty("seq").GetInt64()));
        Assert.That(warnings.GetProperty("events").GetArrayLength(), Is.EqualTo(1));
    }

    [TestCase("", "correlationId' or 'traceId' is required")]
    [TestCase("correlationId=a&traceId=0af7651916cd43dd8448eb211c80319c", "were both given")]
    [TestCase("traceId=abc", "The query parameter 'traceId' must be a W3C trace id")]
    [TestCase("traceId=00000000000000000000000000000000", "The query parameter 'traceId' must be a W3C trace id")]
    [TestCase("traceId=0af7651916cd43dd8448eb211c80319c&traceId=0af7651916cd43dd8448eb211c80319c", "The query parameter 'traceId' is given more than once")]
    [TestCase("traceId=", "correlationId' or 'traceId' is required")]
    public async Task AQueryWithoutExactlyOneValidIdIsRefusedSayingWhy(string query, string reason)
    {
        await using var server = await TailServer.StartAsync(durable: true);

        var response = await RawHttp.GetAsync(server.BaseUrl, "/memstream/query?" + query);

        Assert.That(response.Status, Is.EqualTo(400));
        Assert.That(response.Body, Does.Contain(reason));
    }

    [Test]
    public async Task TheStatusEndpointAnswersTheSinksStatusAsJson()
    {
        await using var server = await TailServer.StartAsync(durable: true);
        server.Logger.ForContext("CorrelationId", "order-1").Information("one");
        server.Logger.Information("two");
        server.Facade.Flush();

        using var http = new HttpClient();
        var response = await http.GetAsync(server.BaseUrl + "/memstream/status");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/json"));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var status = json.RootElement.GetProperty("status");

        Assert.That(json.RootElement.GetProperty("sink").GetString(), Is.EqualTo(server.Name));
        Assert.That(status.GetProperty("lastSequence").GetInt64(), Is.EqualTo(2));
        Assert.That(status.GetProperty("storeState").GetString(), Is.EqualTo("Open"));
        Assert.That(status.GetProperty("eventsStored").GetInt64(), Is.EqualTo(1));
        Assert.That(status.GetProperty("queueOverflowed").GetInt64(), Is.Zero);
    }

    [Test]
    public async Task TheStatusEndpointSaysWhenNoSinkIsLive()
    {
        await using var server = await TailServer.StartAsync(options => options.SinkName = "no-such-sink");
        using var http = new HttpClient();

        using var json = JsonDocument.Parse(await http.GetStringAsync(server.BaseUrl + "/memstream/status"));

        Assert.That(json.RootElement.GetProperty("status").GetProperty("isAvailable").GetBoolean(), Is.False);
    }

    static (string TraceId, string SpanId) LogInActivity(TailServer server, params string[] messages)
    {
        using var activity = new Activity("test request").SetIdFormat(ActivityIdFormat.W3C).Start();
        foreach (var message in messages)
            server.Logger.Information(message);
        return (activity.TraceId.ToHexString(), activity.SpanId.ToHexString());
    }
}
