using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Serilog.Sinks.MemStream.AspNetCore;
using Serilog.Sinks.MemStream.Search;
using Serilog.Sinks.MemStream.Tests.Support;

namespace Serilog.Sinks.MemStream.Tests.AspNetCore;

/// <summary>What an attacker on the same machine, or a web page in its browser, can send: refused clearly, never a crash.</summary>
public class HostileInputTests
{
    static string Deep(char open, char close, int depth) => new string(open, depth) + "1" + new string(close, depth);

    static string[] Upgrade(params string[] more) => [.. RawHttp.WebSocketUpgrade, .. more];

    [Test]
    public async Task ADeeplyNestedFilterGets400AndNeverReachesTheParser()
    {
        await using var server = await TailServer.StartAsync();

        foreach (var filter in new[] { Deep('(', ')', 400) + " = 1", Deep('[', ']', 500), Deep('{', '}', 17), Deep('(', ')', 17) + " = 1", "if " + Deep('(', ')', 16) + " then 1 else 0" })
        {
            var response = await RawHttp.GetAsync(server.BaseUrl, "/memstream/ws?filter=" + Uri.EscapeDataString(filter), Upgrade());

            Assert.That(response.Status, Is.EqualTo(400), filter[..20]);
            Assert.That(response.Body, Does.Contain("'filter'").And.Contain("a filter may nest at most 16 deep"));
        }
        var tooLong = await RawHttp.GetAsync(server.BaseUrl, "/memstream/ws?filter=" + Uri.EscapeDataString(Deep('(', ')', 900) + " = 1"), Upgrade());
        Assert.That(tooLong.Status, Is.EqualTo(400));
    }

    [Test]
    public async Task AFilterNestedSixteenDeepOrWithBracketsInsideStringsIsAccepted()
    {
        await using var server = await TailServer.StartAsync();
        server.Logger.ForContext("Name", "((((((((((((((((((((").Information("matched");

        using var client = await TailClient.ConnectAsync(server.WebSocketUri("filter=" + Uri.EscapeDataString(Deep('(', ')', 15) + " = 1 and Name = '((((((((((((((((((((' and Name <> '''(((((((((((((((((((((((((('")));

        Assert.That((await client.ReceiveEventsAsync(1))[0].Text(), Is.EqualTo("matched\n"));
    }

    [Test]
    public async Task AnOverlongFilterGets400()
    {
        await using var server = await TailServer.StartAsync();
        var filter = string.Join(" or ", Enumerable.Repeat("A = 1", 300));

        var response = await RawHttp.GetAsync(server.BaseUrl, "/memstream/ws?filter=" + Uri.EscapeDataString(filter), Upgrade());

        Assert.That(response.Status, Is.EqualTo(400));
        Assert.That(response.Body, Does.Contain($"a filter may have at most {FilterExpression.MaxLength}"));
    }

    [TestCase("Foo(1)", "Foo")]
    [TestCase("IsMatch(@m, '[')", "filter")]
    [TestCase("StatusCode >", "Syntax error")]
    public async Task AFilterThatDoesNotCompileGets400NamingTheProblem(string filter, string named)
    {
        await using var server = await TailServer.StartAsync();

        var response = await RawHttp.GetAsync(server.BaseUrl, "/memstream/ws?filter=" + Uri.EscapeDataString(filter), Upgrade());

        Assert.That(response.Status, Is.EqualTo(400));
        Assert.That(response.Body, Does.Contain("The query parameter 'filter' is not a valid Serilog expression").And.Contain(named));
    }

    [Test]
    public async Task AnEventTheFilterFailsOnIsSkippedAndCountedAndTheClientStaysConnected()
    {
        await using var server = await TailServer.StartAsync();
        using var client = await TailClient.ConnectAsync(server.WebSocketUri("filter=" + Uri.EscapeDataString("Round(StatusCode, Digits) > 0")));

        server.Logger.Information("fails {StatusCode} {Digits}", 200, 30);
        server.Logger.Information("passes {StatusCode} {Digits}", 200, 0);

        var frames = new[] { (await client.ReceiveAsync())!.Value, (await client.ReceiveAsync())!.Value };
        var notice = frames.Single(f => f.Type() == "filter-failed");
        Assert.That(notice.GetProperty("count").GetInt64(), Is.EqualTo(1));
        Assert.That(notice.GetProperty("message").GetString(), Is.Not.Empty);
        Assert.That(frames.Events().Single().Text(), Does.StartWith("passes"));
        Assert.That(client.Socket.State, Is.EqualTo(WebSocketState.Open));
    }

    [Test]
    public async Task ALoopbackRequestForAnotherHostNameIsRefused()
    {
        await using var server = await TailServer.StartAsync();
        var port = new Uri(server.BaseUrl).Port;

        foreach (var path in new[] { "/memstream/", "/memstream/snapshot", "/memstream/correlation-ids", "/memstream/query?correlationId=a", "/memstream/query?traceId=0af7651916cd43dd8448eb211c80319c", "/memstream/status", "/memstream/instances", "/memstream/query?correlationId=a&fleet=true" })
        {
            var response = await RawHttp.GetAsync(server.BaseUrl, path, $"Host: rebind.evil.example:{port}");
            Assert.That(response.Status, Is.EqualTo(403), path);
            Assert.That(response.Body, Does.Contain("loopback name").And.Contain("rebind.evil.example"), path);
        }
        var upgrade = await RawHttp.GetAsync(server.BaseUrl, "/memstream/ws", Upgrade($"Host: rebind.evil.example:{port}", $"Origin: http://rebind.evil.example:{port}"));
        Assert.That(upgrade.Status, Is.EqualTo(403));
    }

    [TestCase("localhost")]
    [TestCase("127.0.0.1")]
    [TestCase("127.8.9.10")]
    [TestCase("[::1]")]
    [TestCase("app.localhost")]
    public async Task LoopbackHostNamesAreAnswered(string host)
    {
        await using var server = await TailServer.StartAsync();
        var port = new Uri(server.BaseUrl).Port;

        var response = await RawHttp.GetAsync(server.BaseUrl, "/memstream/snapshot", $"Host: {host}:{port}");
        var upgrade = await RawHttp.GetAsync(server.BaseUrl, "/memstream/ws", Upgrade($"Host: {host}:{port}", $"Origin: http://{host}:{port}"));

        Assert.That(response.Status, Is.EqualTo(200));
        Assert.That(upgrade.Status, Is.EqualTo(101));
    }

    [Test]
    public async Task AHostTheAppAllowsIsAnswered()
    {
        await using var server = await TailServer.StartAsync(options => options.AllowedHosts.Add("myapp.internal"));

        var response = await RawHttp.GetAsync(server.BaseUrl, "/memstream/snapshot", "Host: myapp.internal");

        Assert.That(response.Status, Is.EqualTo(200));
        Assert.That(() => new MemStreamEndpointOptions { AllowedHosts = { "http://x:1/" } }.Validate(), Throws.ArgumentException.With.Message.Contains("AllowedHosts"));
    }

    [Test]
    public async Task AllowedHostsBoundFromConfigurationApplyToEveryEndpoint()
    {
        await using var server = await TailServer.StartAsync(appSettings: new Dictionary<string, string?> { ["MemStream:AllowedHosts:0"] = "myapp.internal" });

        Assert.That((await RawHttp.GetAsync(server.BaseUrl, "/memstream/snapshot", "Host: myapp.internal")).Status, Is.EqualTo(200));
        Assert.That((await RawHttp.GetAsync(server.BaseUrl, "/own/status", "Host: myapp.internal")).Status, Is.EqualTo(200));
        Assert.That((await RawHttp.GetAsync(server.BaseUrl, "/memstream/snapshot", "Host: other.internal")).Status, Is.EqualTo(403));
    }

    [Test]
    public async Task AnOriginWithAnotherSchemeOrPortIsNotTheAppsOwn()
    {
        await using var server = await TailServer.StartAsync();
        var port = new Uri(server.BaseUrl).Port;

        foreach (var origin in new[] { $"https://127.0.0.1:{port}", $"http://127.0.0.1:{port + 1}", "http://127.0.0.1" })
        {
            var upgrade = await RawHttp.GetAsync(server.BaseUrl, "/memstream/ws", Upgrade($"Origin: {origin}"));
            Assert.That(upgrade.Status, Is.EqualTo(403), origin);
        }
        Assert.That((await RawHttp.GetAsync(server.BaseUrl, "/memstream/ws", Upgrade($"Origin: http://127.0.0.1:{port}"))).Status, Is.EqualTo(101));
    }

    [Test]
    public async Task BehindForwardedHeadersTheHostTheClientSentMustPassToo()
    {
        await using var server = await TailServer.StartAsync(forwardedHeaders: true);
        var port = new Uri(server.BaseUrl).Port;

        var rebound = await RawHttp.GetAsync(server.BaseUrl, "/memstream/snapshot", $"Host: rebind.evil.example:{port}", "X-Forwarded-Host: localhost");
        var own = await RawHttp.GetAsync(server.BaseUrl, "/own/status", $"Host: rebind.evil.example:{port}", "X-Forwarded-Host: localhost");
        var proxied = await RawHttp.GetAsync(server.BaseUrl, "/memstream/snapshot", $"Host: localhost:{port}", "X-Forwarded-Host: localhost");

        Assert.That(rebound.Status, Is.EqualTo(403));
        Assert.That(rebound.Body, Does.Contain("rebind.evil.example"));
        Assert.That(own.Status, Is.EqualTo(403));
        Assert.That(proxied.Status, Is.EqualTo(200));
    }

    [TestCase("Upgrade: websocket|Connection: Upgraded|Sec-WebSocket-Version: 13|Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", null, "Connection header")]
    [TestCase("Upgrade: notwebsocket|Connection: Upgrade|Sec-WebSocket-Version: 13|Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", null, "Upgrade header")]
    [TestCase("Upgrade: websocket|Connection: Upgrade|Sec-WebSocket-Version: 13|Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "{}", "no body")]
    public async Task AnUpgradeWithLookAlikeHeadersOrABodyGets400(string headers, string? body, string named)
    {
        await using var server = await TailServer.StartAsync();

        var response = await RawHttp.SendAsync(server.BaseUrl, "/memstream/ws", body, headers.Split('|'));

        Assert.That(response.Status, Is.EqualTo(400));
        Assert.That(response.Body, Does.Contain(named));
    }

    [Test]
    public async Task AFilterFailureNoticeGoesOutEvenWhenNoFurtherEventComes()
    {
        await using var server = await TailServer.StartAsync();
        using var client = await TailClient.ConnectAsync(server.WebSocketUri("filter=" + Uri.EscapeDataString("Round(StatusCode, Digits) > 0")));

        server.Logger.Information("fails {StatusCode} {Digits}", 200, 30);
        var first = (await client.ReceiveAsync())!.Value;
        server.Logger.Information("fails again {StatusCode} {Digits}", 200, 30);
        var second = (await client.ReceiveAsync(TimeSpan.FromSeconds(5)))!.Value;

        Assert.That(first.Type(), Is.EqualTo("filter-failed"));
        Assert.That(second.Type(), Is.EqualTo("filter-failed"), "the second failure is announced within a second, with nothing else logged");
        Assert.That(second.GetProperty("count").GetInt64(), Is.EqualTo(1));
    }

    [Test]
    public async Task AMalformedUpgradeGets400NamingWhatIsMissing()
    {
        await using var server = await TailServer.StartAsync();

        var onlyUpgrade = await RawHttp.GetAsync(server.BaseUrl, "/memstream/ws", "Upgrade: websocket");
        var version8 = await RawHttp.GetAsync(server.BaseUrl, "/memstream/ws", "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Version: 8", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==");
        var badKey = await RawHttp.GetAsync(server.BaseUrl, "/memstream/ws", "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Version: 13", "Sec-WebSocket-Key: short");
        var plain = await RawHttp.GetAsync(server.BaseUrl, "/memstream/ws");

        Assert.That(onlyUpgrade.Status, Is.EqualTo(400));
        Assert.That(onlyUpgrade.Body, Does.Contain("Connection header"));
        Assert.That(version8.Status, Is.EqualTo(400));
        Assert.That(version8.Body, Does.Contain("Sec-WebSocket-Version must be 13"));
        Assert.That(version8.Head, Does.Contain("Sec-WebSocket-Version: 13"));
        Assert.That(badKey.Status, Is.EqualTo(400));
        Assert.That(badKey.Body, Does.Contain("Sec-WebSocket-Key"));
        Assert.That(plain.Status, Is.EqualTo(426), "a plain GET of a valid tail URL");
    }

    [TestCase("")]
    [TestCase("TRUE")]
    [TestCase("1")]
    [TestCase("true&status=false")]
    [TestCase("%00")]
    [TestCase("tr%C3%BCe")]
    [TestCase("%FF%FE")]
    [TestCase("long")]
    public async Task AHostileStatusParameterIsAcceptedAsTrueOrFalseOrRefusedNamingItNeverA500(string value)
    {
        await using var server = await TailServer.StartAsync();
        using var http = new HttpClient();
        var query = "status=" + (value == "long" ? new string('t', 100_000) : value);

        // A plain GET of the tail's URL answers what an upgrade would get: 400 for a bad parameter, 426 otherwise.
        var response = await http.GetAsync(server.BaseUrl + "/memstream/ws?" + query);
        var body = await response.Content.ReadAsStringAsync();

        Assert.That((int)response.StatusCode, Is.AnyOf(400, 426, 414, 431), body);
        if (response.StatusCode == HttpStatusCode.BadRequest)
            Assert.That(body, Does.Contain("'status'"));
        Assert.That((await http.GetAsync(server.BaseUrl + "/memstream/status")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "the app lives on");
    }

    [TestCase("/memstream/query?correlationId=a&minLevel=%205", "minLevel")]
    [TestCase("/memstream/query?correlationId=a&minLevel=Debug,Error", "minLevel")]
    [TestCase("/memstream/query?correlationId=a&minLevel=4", "minLevel")]
    [TestCase("/memstream/query?correlationId=a&minLevel=Debug&minLevel=Error", "minLevel")]
    [TestCase("/memstream/query?correlationId=a&correlationId=b", "correlationId")]
    [TestCase("/memstream/correlation-ids?limit=1&limit=2", "limit")]
    [TestCase("/memstream/ws?minLevel=Warning&minLevel=Error", "minLevel")]
    [TestCase("/memstream/ws?filter=A&filter=B", "filter")]
    [TestCase("/memstream/ws?minLevel=%20Error", "minLevel")]
    public async Task LevelsAreNamesOnlyAndARepeatedParameterGets400(string pathAndQuery, string parameter)
    {
        await using var server = await TailServer.StartAsync();

        var response = await RawHttp.GetAsync(server.BaseUrl, pathAndQuery, Upgrade());

        Assert.That(response.Status, Is.EqualTo(400));
        Assert.That(response.Body, Does.Contain($"'{parameter}'"));
    }

    [TestCase("limit=0", "limit")]
    [TestCase("limit=-1", "limit")]
    [TestCase("limit=10001", "limit")]
    [TestCase("limit=99999999999999999999", "limit")]
    [TestCase("limit=%2010", "limit")]
    [TestCase("limit=ten", "limit")]
    [TestCase("after=a&after=b", "after")]
    public async Task BadCorrelationIdPagingGets400NamingTheParameter(string query, string parameter)
    {
        await using var server = await TailServer.StartAsync(durable: true);

        var response = await RawHttp.GetAsync(server.BaseUrl, "/memstream/correlation-ids?" + query);

        Assert.That(response.Status, Is.EqualTo(400));
        Assert.That(response.Body, Does.Contain($"The query parameter '{parameter}'"));
    }

    [TestCase("")]
    [TestCase("%00%1B%5B2J")]
    [TestCase("%EF%BF%BF%EF%BF%BF")]
    [TestCase("%F0%9F%92%A9")]
    public async Task AnyAfterIsAPlaceInTheOrderNotAnError(string after)
    {
        await using var server = await TailServer.StartAsync(durable: true);
        server.Logger.ForContext("CorrelationId", "a").Information("one");
        server.Facade.Flush();

        var response = await RawHttp.GetAsync(server.BaseUrl, "/memstream/correlation-ids?after=" + after);

        Assert.That(response.Status, Is.EqualTo(200));
        Assert.That(System.Text.Json.JsonDocument.Parse(response.Body).RootElement.GetProperty("next").ValueKind, Is.EqualTo(System.Text.Json.JsonValueKind.Null));
    }

    [Test]
    public async Task PagedCorrelationIdsKeepTheAccessRules()
    {
        await using var server = await TailServer.StartAsync(durable: true);
        var port = new Uri(server.BaseUrl).Port;

        var remote = await RawHttp.GetAsync(server.BaseUrl, "/memstream/correlation-ids?limit=5&after=a", $"{TailServer.RemoteAddressHeader}: 203.0.113.7");
        var rebound = await RawHttp.GetAsync(server.BaseUrl, "/memstream/correlation-ids?limit=5&after=a", $"Host: rebind.evil.example:{port}");

        Assert.That(remote.Status, Is.EqualTo(403));
        Assert.That(rebound.Status, Is.EqualTo(403));
    }

    [Test]
    public async Task LevelNamesAreAcceptedInAnyCase()
    {
        await using var server = await TailServer.StartAsync();
        server.Logger.Warning("a warning");
        server.Logger.Information("information");

        using var client = await TailClient.ConnectAsync(server.WebSocketUri("minLevel=wARNING"));

        Assert.That((await client.ReceiveEventsAsync(1))[0].Text(), Is.EqualTo("a warning\n"));
    }

    [Test]
    public async Task AFragmentedMessageIsCountedWhole()
    {
        await using var server = await TailServer.StartAsync(options => options.MaxIncomingMessageBytes = 4096);
        using var client = await TailClient.ConnectAsync(server.WebSocketUri());
        var fragment = new byte[4000];

        await client.Socket.SendAsync(fragment, WebSocketMessageType.Binary, endOfMessage: false, CancellationToken.None);
        await client.Socket.SendAsync(fragment, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);

        while (await client.ReceiveAsync() is not null)
        {
            // the buffered events, if any, until the close
        }
        Assert.That(client.Socket.CloseStatus, Is.EqualTo(WebSocketCloseStatus.MessageTooBig));
    }

    [Test]
    public async Task SmallFragmentsUnderTheLimitAreFine()
    {
        await using var server = await TailServer.StartAsync(options => options.MaxIncomingMessageBytes = 4096);
        using var client = await TailClient.ConnectAsync(server.WebSocketUri());

        for (var i = 0; i < 5; i++)
        {
            await client.Socket.SendAsync(new byte[1000], WebSocketMessageType.Binary, endOfMessage: false, CancellationToken.None);
            await client.Socket.SendAsync(new byte[1000], WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
        }
        server.Logger.Information("still here");

        Assert.That((await client.ReceiveEventsAsync(1))[0].Text(), Is.EqualTo("still here\n"));
    }

    [Test]
    public async Task CorrelationIdsArePagedByCountAndBySize()
    {
        await using var server = await TailServer.StartAsync(durable: true);
        for (var i = 0; i < 25; i++)
            server.Logger.ForContext("CorrelationId", $"id-{i:D2}").Information("short");
        var longIds = Enumerable.Range(0, 60).Select(i => $"long-{i:D2}-" + new string('x', 30_000)).ToList();
        foreach (var id in longIds)
            server.Logger.ForContext("CorrelationId", id).Information("long");
        server.Facade.Flush();
        using var http = new HttpClient();

        async Task<(List<string> Ids, string? Next)> Page(string query)
        {
            var page = JsonDocument.Parse(await http.GetStringAsync(server.BaseUrl + "/memstream/correlation-ids" + query)).RootElement;
            var next = page.GetProperty("next");
            return (page.GetProperty("correlationIds").EnumerateArray().Select(e => e.GetString()!).ToList(), next.ValueKind == JsonValueKind.Null ? null : next.GetString());
        }

        var first = await Page("?limit=10");
        Assert.That(first.Ids, Is.EqualTo(Enumerable.Range(0, 10).Select(i => $"id-{i:D2}")));
        Assert.That(first.Next, Is.EqualTo("id-09"));
        var second = await Page("?limit=10&after=id-09");
        Assert.That(second.Ids[0], Is.EqualTo("id-10"));

        var all = new List<string>();
        var pages = 0;
        string? after = null;
        do
        {
            var page = await Page(after is null ? "" : "?after=" + Uri.EscapeDataString(after));
            Assert.That(page.Ids.Sum(id => id.Length), Is.LessThanOrEqualTo(1 << 20), "a page holds about 1 MiB of ids at most");
            all.AddRange(page.Ids);
            after = page.Next;
            pages++;
        } while (after is not null);
        Assert.That(pages, Is.GreaterThanOrEqualTo(2));
        Assert.That(all, Is.EqualTo(longIds.Concat(Enumerable.Range(0, 25).Select(i => $"id-{i:D2}")).Order(StringComparer.Ordinal)));
    }

    [Test]
    public async Task AnAppsOwnEndpointsCanKeepMemStreamsAccessRules()
    {
        await using var server = await TailServer.StartAsync();
        var port = new Uri(server.BaseUrl).Port;

        var local = await RawHttp.GetAsync(server.BaseUrl, "/own/status");
        var rebound = await RawHttp.GetAsync(server.BaseUrl, "/own/status", $"Host: rebind.evil.example:{port}");
        var remote = await RawHttp.GetAsync(server.BaseUrl, "/own/status", $"{TailServer.RemoteAddressHeader}: 203.0.113.7");

        Assert.That(local.Status, Is.EqualTo(200));
        Assert.That(local.Body, Is.EqualTo("own status"));
        Assert.That(rebound.Status, Is.EqualTo(403));
        Assert.That(remote.Status, Is.EqualTo(403));
    }
}
