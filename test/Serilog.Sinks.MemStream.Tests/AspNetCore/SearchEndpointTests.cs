using System.Text.Json;
using Serilog.Events;
using Serilog.Sinks.MemStream.Tests.Support;

namespace Serilog.Sinks.MemStream.Tests.AspNetCore;

/// <summary><c>GET /memstream/search</c>: stored events of every id by level, time, filter and text, newest first, paged by <c>next</c>; every bad parameter a 400 naming it.</summary>
public class SearchEndpointTests
{

    [Test]
    public async Task SearchFindsEventsOfEveryIdNewestFirstAndPagesByNext()
    {
        await using var server = await TailServer.StartAsync(durable: true);
        for (var i = 0; i < 12; i++)
            server.Logger.ForContext("CorrelationId", $"order-{i % 4}").Write(i % 3 == 0 ? LogEventLevel.Error : LogEventLevel.Information, "step {Step} of {Path}", i, i < 6 ? "/cart" : "/pay");
        server.Facade.Flush();
        using var http = new HttpClient();

        var first = await GetAsync(http, server, "minLevel=Information&limit=5");
        Assert.That(Steps(first), Is.EqualTo(new[] { 11, 10, 9, 8, 7 }));
        Assert.That(first.GetProperty("events")[0].GetProperty("clef").GetProperty("CorrelationId").GetString(), Is.EqualTo("order-3"), "events as query gives them");
        Assert.That(first.GetProperty("scanned").GetInt64(), Is.GreaterThanOrEqualTo(5));
        var next = first.GetProperty("next").GetInt64();
        var second = await GetAsync(http, server, $"limit=5&before={next}");
        Assert.That(Steps(second), Is.EqualTo(new[] { 6, 5, 4, 3, 2 }));
        var last = await GetAsync(http, server, $"limit=5&before={second.GetProperty("next").GetInt64()}");
        Assert.That(Steps(last), Is.EqualTo(new[] { 1, 0 }));
        Assert.That(last.GetProperty("next").ValueKind, Is.EqualTo(JsonValueKind.Null));

        Assert.That(Steps(await GetAsync(http, server, "minLevel=error&from=1h")), Is.EqualTo(new[] { 9, 6, 3, 0 }), "errors in the last hour");
        Assert.That(Steps(await GetAsync(http, server, "filter=" + Uri.EscapeDataString("Path = '/pay' and Step > 8"))), Is.EqualTo(new[] { 11, 10, 9 }));
        Assert.That(Steps(await GetAsync(http, server, "text=" + Uri.EscapeDataString("STEP 1 "))), Is.EqualTo(new[] { 1 }));
        Assert.That(Steps(await GetAsync(http, server, "limit=3&template=" + Uri.EscapeDataString("step {Step} of {Path}"))), Is.EqualTo(new[] { 11, 10, 9 }), "exactly a template");
        Assert.That(Steps(await GetAsync(http, server, "template=" + Uri.EscapeDataString("step {Step}"))), Is.Empty, "only exactly");
        Assert.That(Steps(await GetAsync(http, server, "to=" + Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(-1).ToString("O")))), Is.Empty, "nothing before an hour ago");
        Assert.That(Steps(await GetAsync(http, server, "from=" + Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(-5).ToString("O")) + "&to=0s&minLevel=Error")), Is.EqualTo(new[] { 9, 6, 3, 0 }));
    }

    [Test]
    public async Task ProblemsGroupsWarningsAndAboveByTemplateAndSaysThroughWhichEventItCounted()
    {
        await using var server = await TailServer.StartAsync(durable: true);
        for (var i = 0; i < 5; i++)
            server.Logger.ForContext("CorrelationId", $"order-{i}").Write(i < 3 ? LogEventLevel.Error : LogEventLevel.Information, "step {Step} failed", i);
        server.Logger.ForContext("CorrelationId", "order-9").Warning("slow {Step}", 9);
        server.Logger.ForContext("CorrelationId", "order-9").Information("no problem");
        server.Facade.Flush();
        using var http = new HttpClient();

        var answer = JsonDocument.Parse(await http.GetStringAsync(server.BaseUrl + "/memstream/problems?from=1h")).RootElement;
        var errors = JsonDocument.Parse(await http.GetStringAsync(server.BaseUrl + "/memstream/problems?minLevel=Error&filter=Step%20%3E%200")).RootElement;

        var groups = answer.GetProperty("groups").EnumerateArray().ToList();
        Assert.That(groups.Select(g => (g.GetProperty("template").GetString(), g.GetProperty("count").GetInt64(), g.GetProperty("level").GetString())),
            Is.EqualTo(new[] { ("step {Step} failed", 3L, "Error"), ("slow {Step}", 1L, "Warning") }));
        Assert.That(groups[0].GetProperty("sample").GetProperty("clef").GetProperty("Step").GetInt32(), Is.EqualTo(2), "the newest as the sample");
        Assert.That(answer.GetProperty("events").GetInt64(), Is.EqualTo(4));
        Assert.That(answer.GetProperty("complete").GetBoolean(), Is.True);
        Assert.That(answer.GetProperty("through").GetInt64(), Is.EqualTo(server.Facade.LastSequence), "every event up to the newest when asked");
        Assert.That(errors.GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("count").GetInt64()), Is.EqualTo(new[] { 2L }));

        // Not waited for: counted if and only if the store had written it, which 'through' says.
        server.Logger.ForContext("CorrelationId", "order-10").Error("step {Step} failed", 10);
        var sequence = server.Facade.LastSequence;
        var racing = JsonDocument.Parse(await http.GetStringAsync(server.BaseUrl + "/memstream/problems?minLevel=Error")).RootElement;
        var counted = racing.GetProperty("groups")[0].GetProperty("count").GetInt64() == 4;
        Assert.That(counted, Is.EqualTo(racing.GetProperty("through").GetInt64() >= sequence), "counted exactly when at or below through");
    }

    [TestCase("problems?minLevel=Loud", "minLevel")]
    [TestCase("problems?from=soon", "from")]
    [TestCase("problems?filter=%28", "filter")]
    [TestCase("problems?before=5", "before")]
    [TestCase("problems?limit=5", "limit")]
    [TestCase("problems?fleet=true", "fleet")]
    public async Task ABadProblemsParameterGets400NamingIt(string pathAndQuery, string parameter)
    {
        await using var server = await TailServer.StartAsync(durable: true);
        var response = await RawHttp.GetAsync(server.BaseUrl, "/memstream/" + pathAndQuery);

        Assert.That(response.Status, Is.EqualTo(400), response.Body);
        Assert.That(response.Body, Does.Contain($"'{parameter}'"));
    }

    [TestCase("minLevel=Loud", "minLevel")]
    [TestCase("minLevel=1", "minLevel")]
    [TestCase("from=yesterday", "from")]
    [TestCase("from=99999999999d", "from")]
    [TestCase("from=3651d", "from")]
    [TestCase("from=-1h", "from")]
    [TestCase("to=1h&from=0s", "from")]
    [TestCase("to=10000-01-01T00:00:00Z", "to")]
    [TestCase("limit=0", "limit")]
    [TestCase("limit=10001", "limit")]
    [TestCase("fleet=maybe", "fleet")]
    [TestCase("limit=99999999999999999999", "limit")]
    [TestCase("before=0", "before")]
    [TestCase("before=-5", "before")]
    [TestCase("before=1&before=2", "before")]
    [TestCase("filter=Step%20%3E", "filter")]
    [TestCase("filter=Nope(1)", "filter")]
    public async Task ABadParameterGets400NamingIt(string query, string parameter)
    {
        await using var server = await TailServer.StartAsync(durable: true);
        var response = await RawHttp.GetAsync(server.BaseUrl, "/memstream/search?" + query);

        Assert.That(response.Status, Is.EqualTo(400), response.Body);
        Assert.That(response.Body, Does.Contain($"'{parameter}'"));
    }

    [Test]
    public async Task HostileValuesAreRefusedOrBoundedNeverA500()
    {
        await using var server = await TailServer.StartAsync(durable: true);
        server.Logger.ForContext("CorrelationId", "a").Information("one");
        server.Facade.Flush();

        foreach (var route in new[] { "search", "problems" })
        {
            foreach (var parameter in new[] { "text", "template", "filter" })
            {
                // 5,000 characters: past every bound, and short of Kestrel's 8 KiB request line (which answers 414 before us).
                var tooLong = await RawHttp.GetAsync(server.BaseUrl, $"/memstream/{route}?{parameter}=" + new string('x', 5_000));
                Assert.That(tooLong.Status, Is.EqualTo(400), $"{route} {parameter}");
                Assert.That(tooLong.Body, Does.Contain($"'{parameter}'"), $"{route} {parameter}");
            }
        }
        var alive = await RawHttp.GetAsync(server.BaseUrl, "/memstream/search?text=one");
        Assert.That(alive.Status, Is.EqualTo(200), "the process answers on after all of it");
        Assert.That(alive.Body, Does.Contain("\"one\"").Or.Contain("one"));
        var deep = await RawHttp.GetAsync(server.BaseUrl, "/memstream/search?filter=" + Uri.EscapeDataString(new string('(', 400) + "1" + new string(')', 400)));
        Assert.That(deep.Status, Is.EqualTo(400));
        Assert.That(deep.Body, Does.Contain("'filter'"));
        var huge = await RawHttp.GetAsync(server.BaseUrl, "/memstream/search?from=3650d&to=0s&minLevel=Verbose");
        Assert.That(huge.Status, Is.EqualTo(200), "a ten-year range is only a range");
        var unicode = await RawHttp.GetAsync(server.BaseUrl, "/memstream/search?text=" + Uri.EscapeDataString("\u0000\uFFFF🙂"));
        Assert.That(unicode.Status, Is.EqualTo(200));
        Assert.That(JsonDocument.Parse(unicode.Body).RootElement.GetProperty("events").GetArrayLength(), Is.Zero);
    }

    [Test]
    public async Task WithoutAStoreASearchAnswersEmpty()
    {
        await using var server = await TailServer.StartAsync();
        server.Logger.ForContext("CorrelationId", "a").Information("kept only in the buffer");
        using var http = new HttpClient();

        var answer = await GetAsync(http, server, "");

        Assert.That(answer.GetProperty("events").GetArrayLength(), Is.Zero);
        Assert.That(answer.GetProperty("next").ValueKind, Is.EqualTo(JsonValueKind.Null));
    }

    static async Task<JsonElement> GetAsync(HttpClient http, TailServer server, string query) =>
        JsonDocument.Parse(await http.GetStringAsync(server.BaseUrl + "/memstream/search?" + query)).RootElement;

    static List<int> Steps(JsonElement answer) =>
        answer.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("clef").GetProperty("Step").GetInt32()).ToList();
}
