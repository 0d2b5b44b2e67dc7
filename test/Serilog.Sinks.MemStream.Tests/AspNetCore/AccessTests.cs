using System.Net;
using Serilog.Sinks.MemStream.Tests.Support;

namespace Serilog.Sinks.MemStream.Tests.AspNetCore;

/// <summary>Who may read the logs: loopback only by default, authorization or an explicit opt-in otherwise, never a foreign origin.</summary>
public class AccessTests
{
    const string RemoteAddress = "203.0.113.7";

    static Action<System.Net.WebSockets.ClientWebSocketOptions> From(string? remoteAddress = null, string? origin = null, bool signedIn = false) => options =>
    {
        if (remoteAddress is not null)
            options.SetRequestHeader(TailServer.RemoteAddressHeader, remoteAddress);
        if (origin is not null)
            options.SetRequestHeader("Origin", origin);
        if (signedIn)
            options.SetRequestHeader("Authorization", "Test ok");
    };

    [Test]
    public async Task ARemoteClientIsRefusedByDefault()
    {
        await using var server = await TailServer.StartAsync();
        using var http = new HttpClient();

        Assert.That(await TailClient.RefusalStatusAsync(server.WebSocketUri(), From(RemoteAddress)), Is.EqualTo(403));
        // The fleet tail keeps the same rules, checked before anything else (this app has no fleet: 404 otherwise).
        Assert.That(await TailClient.RefusalStatusAsync(server.WebSocketUri("fleet=true&afterId=1764316800000-0"), From(RemoteAddress)), Is.EqualTo(403));
        // Status frames come only on an admitted tail: asking for them changes nothing.
        Assert.That(await TailClient.RefusalStatusAsync(server.WebSocketUri("status=true"), From(RemoteAddress)), Is.EqualTo(403));
        foreach (var path in new[] { "/memstream/", "/memstream/snapshot", "/memstream/correlation-ids", "/memstream/query?correlationId=a", "/memstream/query?correlationId=a&format=clef", "/memstream/query?traceId=0af7651916cd43dd8448eb211c80319c", "/memstream/status", "/memstream/instances", "/memstream/query?correlationId=a&fleet=true", "/memstream/search", "/memstream/search?minLevel=Error&from=1h", "/memstream/problems" })
        {
            var request = new HttpRequestMessage(HttpMethod.Get, server.BaseUrl + path);
            request.Headers.Add(TailServer.RemoteAddressHeader, RemoteAddress);
            var response = await http.SendAsync(request);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), path);
            Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("only clients on this machine"), path);
        }
    }

    [Test]
    public async Task ARemoteClientIsAnsweredWhenTheAppOptsIn()
    {
        await using var server = await TailServer.StartAsync(options => options.AllowRemoteClients = true);
        server.Logger.Information("for everyone");

        using var client = await TailClient.ConnectAsync(server.WebSocketUri(), From(RemoteAddress));

        Assert.That((await client.ReceiveEventsAsync(1))[0].Text(), Is.EqualTo("for everyone\n"));
    }

    [Test]
    public async Task ABrowserFromAnotherOriginIsRefused()
    {
        await using var server = await TailServer.StartAsync();

        Assert.That(await TailClient.RefusalStatusAsync(server.WebSocketUri(), From(origin: "https://evil.example")), Is.EqualTo(403));
        Assert.That(await TailClient.RefusalStatusAsync(server.WebSocketUri(), From(origin: "null")), Is.EqualTo(403));
        Assert.That(await TailClient.RefusalStatusAsync(server.WebSocketUri("fleet=true"), From(origin: "https://evil.example")), Is.EqualTo(403));
        Assert.That(await TailClient.RefusalStatusAsync(server.WebSocketUri("status=true"), From(origin: "https://evil.example")), Is.EqualTo(403));
    }

    [Test]
    public async Task ABrowserFromTheAppsOwnOriginOrAnAllowedOneIsAnswered()
    {
        await using var server = await TailServer.StartAsync(options => options.AllowedOrigins.Add("https://ops.example.com"));

        using var sameOrigin = await TailClient.ConnectAsync(server.WebSocketUri(), From(origin: server.BaseUrl));
        using var allowed = await TailClient.ConnectAsync(server.WebSocketUri(), From(origin: "https://ops.example.com"));

        Assert.That(sameOrigin.Socket.State, Is.EqualTo(System.Net.WebSockets.WebSocketState.Open));
        Assert.That(allowed.Socket.State, Is.EqualTo(System.Net.WebSockets.WebSocketState.Open));
    }

    [Test]
    public async Task WithRequireAuthorizationAnAnonymousClientGets401AndASignedInOneStreams()
    {
        await using var server = await TailServer.StartAsync(requireAuthorization: true);
        server.Logger.Information("for operators");
        using var http = new HttpClient();

        Assert.That(await TailClient.RefusalStatusAsync(server.WebSocketUri()), Is.EqualTo(401));
        Assert.That(await TailClient.RefusalStatusAsync(server.WebSocketUri("fleet=true")), Is.EqualTo(401));
        Assert.That(await TailClient.RefusalStatusAsync(server.WebSocketUri("status=true")), Is.EqualTo(401));
        Assert.That((await http.GetAsync(server.BaseUrl + "/memstream/snapshot")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        using var client = await TailClient.ConnectAsync(server.WebSocketUri(), From(RemoteAddress, signedIn: true));
        Assert.That((await client.ReceiveEventsAsync(1))[0].Text(), Is.EqualTo("for operators\n"), "authorized, so remote clients are answered");
    }

    [Test]
    public async Task TheAuthorizationPolicyOptionGuardsTheMiddlewareToo()
    {
        await using var server = await TailServer.StartAsync(options => options.AuthorizationPolicy = TailServer.Policy, middleware: true);
        server.Logger.Information("for operators");

        Assert.That(await TailClient.RefusalStatusAsync(server.WebSocketUri()), Is.EqualTo(401));
        using var client = await TailClient.ConnectAsync(server.WebSocketUri(), From(RemoteAddress, signedIn: true));
        Assert.That((await client.ReceiveEventsAsync(1))[0].Text(), Is.EqualTo("for operators\n"));
    }

    [Test]
    public async Task TheHttpEndpointsSendNoPermissiveCorsHeaders()
    {
        await using var server = await TailServer.StartAsync();
        using var http = new HttpClient();
        foreach (var path in new[] { "/memstream/snapshot", "/memstream/correlation-ids", "/memstream/query?correlationId=a", "/memstream/query?traceId=0af7651916cd43dd8448eb211c80319c", "/memstream/status", "/memstream/instances", "/memstream/query?correlationId=a&fleet=true", "/memstream/" })
        {
            var request = new HttpRequestMessage(HttpMethod.Get, server.BaseUrl + path);
            request.Headers.Add("Origin", "https://evil.example");
            var response = await http.SendAsync(request);

            Assert.That(response.Headers.Contains("Access-Control-Allow-Origin"), Is.False, path);
        }
    }

    [Test]
    public async Task ThePageIsServedWithAStrictContentSecurityPolicy()
    {
        await using var server = await TailServer.StartAsync();
        using var http = new HttpClient();

        var response = await http.GetAsync(server.BaseUrl + "/memstream/");
        var html = await response.Content.ReadAsStringAsync();

        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("text/html"));
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.That(policy, Does.Contain("default-src 'none'").And.Contain("frame-ancestors 'none'"));
        var nonce = policy.Split("'nonce-")[1].Split('\'')[0];
        Assert.That(html, Does.Contain($"<script nonce=\"{nonce}\">"));
        Assert.That(html, Does.Contain("const base = \"/memstream\";"));
        Assert.That(html, Does.Not.Contain("{{"));
    }
}
