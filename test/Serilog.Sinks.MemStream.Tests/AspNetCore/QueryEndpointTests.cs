using System.Net;
using System.Text.Json;
using Serilog.Events;
using Serilog.Sinks.MemStream.Tests.Support;

namespace Serilog.Sinks.MemStream.Tests.AspNetCore;

public class QueryEndpointTests
{
    [Test]
    public async Task QueryReturnsStoredEventsAsClefWithSequenceNumbersAndPages()
    {
        await using var server = await TailServer.StartAsync(durable: true);
        for (var i = 0; i < 5; i++)
            server.Logger.ForContext("CorrelationId", "order:1").Write(i % 2 == 0 ? LogEventLevel.Information : LogEventLevel.Warning, "step {Step}", i);
        server.Logger.ForContext("CorrelationId", "order:1:extra").Information("someone else");
        server.Facade.Flush();
        using var http = new HttpClient();

        var first = JsonDocument.Parse(await http.GetStringAsync(server.BaseUrl + "/memstream/query?correlationId=order%3A1&limit=2")).RootElement;
        var events = first.GetProperty("events").EnumerateArray().ToList();
        Assert.That(events.Select(e => e.GetProperty("clef").GetProperty("Step").GetInt32()), Is.EqualTo(new[] { 0, 1 }));
        Assert.That(events.Select(e => e.GetProperty("seq").GetInt64()), Is.EqualTo(new long[] { 1, 2 }));
        Assert.That(first.GetProperty("next").GetInt64(), Is.EqualTo(2));

        var rest = JsonDocument.Parse(await http.GetStringAsync(server.BaseUrl + "/memstream/query?correlationId=order%3A1&after=2&minLevel=Warning")).RootElement;
        Assert.That(rest.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("clef").GetProperty("Step").GetInt32()), Is.EqualTo(new[] { 3 }));
        Assert.That(rest.GetProperty("next").ValueKind, Is.EqualTo(JsonValueKind.Null));

        var ids = JsonDocument.Parse(await http.GetStringAsync(server.BaseUrl + "/memstream/correlation-ids")).RootElement;
        Assert.That(ids.GetProperty("correlationIds").EnumerateArray().Select(id => id.GetString()), Is.EqualTo(new[] { "order:1", "order:1:extra" }));
        Assert.That(ids.GetProperty("next").ValueKind, Is.EqualTo(JsonValueKind.Null));
    }

    [Test]
    public async Task EveryAnswerForbidsContentSniffingAndThePageForbidsFraming()
    {
        await using var server = await TailServer.StartAsync(durable: true);
        using var http = new HttpClient();
        var paths = new[]
        {
            "/memstream/query?correlationId=x", "/memstream/query?correlationId=x&format=clef", "/memstream/query", "/memstream/correlation-ids",
            "/memstream/snapshot", "/memstream/status", "/memstream/instances", "/memstream/ws", "/memstream/", "/memstream/search", "/memstream/search?limit=0", "/memstream/problems",
        };

        foreach (var path in paths)
        {
            using var response = await http.GetAsync(server.BaseUrl + path);
            Assert.That(response.Headers.TryGetValues("X-Content-Type-Options", out var values) ? values.Single() : null, Is.EqualTo("nosniff"),
                $"{path} ({(int)response.StatusCode})");
        }
        using var remote = new HttpRequestMessage(HttpMethod.Get, server.BaseUrl + "/memstream/status") { Headers = { { TailServer.RemoteAddressHeader, "203.0.113.9" } } };
        using var refused = await http.SendAsync(remote);
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(refused.Headers.GetValues("X-Content-Type-Options").Single(), Is.EqualTo("nosniff"), "refusals too");
        using var page = await http.GetAsync(server.BaseUrl + "/memstream/");
        Assert.That(page.Headers.GetValues("X-Frame-Options").Single(), Is.EqualTo("DENY"));
    }

    [Test]
    public async Task SnapshotReturnsTheBufferAsText()
    {
        await using var server = await TailServer.StartAsync();
        server.Logger.Information("one");
        server.Logger.Information("two");
        using var http = new HttpClient();

        var response = await http.GetAsync(server.BaseUrl + "/memstream/snapshot");

        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("text/plain"));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("one\ntwo\n"));
    }

    [TestCase("", "correlationId")]
    [TestCase("correlationId=a&minLevel=Chatty", "minLevel")]
    [TestCase("correlationId=a&after=-3", "after")]
    [TestCase("correlationId=a&after=1e3", "after")]
    [TestCase("correlationId=a&limit=0", "limit")]
    [TestCase("correlationId=a&limit=99999999999", "limit")]
    public async Task BadQueryParametersGet400NamingTheParameter(string query, string parameter)
    {
        await using var server = await TailServer.StartAsync();
        using var http = new HttpClient();

        var response = await http.GetAsync(server.BaseUrl + "/memstream/query?" + query);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain($"'{parameter}'"));
    }
}
