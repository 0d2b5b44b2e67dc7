using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serilog;
using Serilog.Core;
using Serilog.Sinks.MemStream.AspNetCore;

namespace Serilog.Sinks.MemStream.Tests.Support;

/// <summary>
/// A real Kestrel app on 127.0.0.1 with a MemStream sink of its own and its endpoints. A request
/// with <c>X-Test-Remote-Address</c> is treated as coming from that address, and one with
/// <c>Authorization: Test ok</c> is signed in, when the server was started with authorization.
/// <c>/own/status</c> is an endpoint of the app's own behind <c>RequireMemStreamAccess</c>.
/// </summary>
sealed class TailServer : IAsyncDisposable
{
    public const string RemoteAddressHeader = "X-Test-Remote-Address";
    public const string Policy = "read-logs";
    readonly WebApplication _app;
    readonly TempFolder? _storeFolder;

    readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _requests;

    TailServer(WebApplication app, string name, Logger logger, TempFolder? storeFolder, System.Collections.Concurrent.ConcurrentDictionary<string, int> requests)
    {
        _requests = requests;
        _app = app;
        Name = name;
        Logger = logger;
        _storeFolder = storeFolder;
        BaseUrl = app.Urls.First();
    }

    public string Name { get; }

    public Logger Logger { get; }

    public MemStreamInstance Facade => MemStream.Named(Name);

    public string BaseUrl { get; }

    /// <summary>The app's services.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>How many requests (WebSocket upgrades included) the server received for <paramref name="path"/>.</summary>
    public int Requests(string path) => _requests.GetValueOrDefault(path);

    public Uri WebSocketUri(string query = "", string path = "/memstream/ws") =>
        new(BaseUrl.Replace("http://", "ws://") + path + (query.Length > 0 ? "?" + query : ""));

    public static async Task<TailServer> StartAsync(
        Action<MemStreamEndpointOptions>? configure = null,
        bool requireAuthorization = false,
        bool middleware = false,
        bool durable = false,
        int bufferSize = 1 << 20,
        string outputTemplate = "{Message:lj}{NewLine}",
        string url = "http://127.0.0.1:0",
        bool forwardedHeaders = false,
        IReadOnlyDictionary<string, string?>? appSettings = null,
        Action<IServiceCollection, string>? services = null,
        bool hostLogs = false)
    {
        var name = Some.UniqueName();
        var storeFolder = durable ? new TempFolder() : null;
        var logger = new LoggerConfiguration()
            .MinimumLevel.Verbose()
            // Kestrel's connection events (Debug) come before a request has a path: no sink can tell whose they are.
            .MinimumLevel.Override("Microsoft.AspNetCore.Server.Kestrel.Connections", Serilog.Events.LogEventLevel.Information)
            .MinimumLevel.Override("Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets", Serilog.Events.LogEventLevel.Information)
            .WriteTo.MemStream(outputTemplate: outputTemplate, bufferSize: bufferSize, durable: durable, storePath: storeFolder?.Path,
                name: name, queueLimit: 1_000_000)
            .CreateLogger();

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url);
        builder.Logging.ClearProviders();
        if (hostLogs)
            builder.Logging.AddSerilog(logger); // ASP.NET Core's own events (with each request's RequestPath) reach the sink, as in an app that uses Serilog
        if (appSettings is not null)
        {
            // App-wide endpoint options from configuration, as an app would bind them.
            builder.Configuration.AddInMemoryCollection(appSettings);
            builder.Services.Configure<MemStreamEndpointOptions>(builder.Configuration.GetSection("MemStream"));
        }
        services?.Invoke(builder.Services, name);
        builder.Services.AddAuthentication(TestAuthentication.SchemeName).AddScheme<AuthenticationSchemeOptions, TestAuthentication>(TestAuthentication.SchemeName, _ => { });
        builder.Services.AddAuthorization(options => options.AddPolicy(Policy, policy => policy.RequireAuthenticatedUser()));
        var app = builder.Build();
        if (forwardedHeaders)
            app.UseForwardedHeaders(new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.All });
        var requests = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        app.Use((context, next) =>
        {
            requests.AddOrUpdate(context.Request.Path.Value ?? "", 1, (_, count) => count + 1);
            if (context.Request.Headers.TryGetValue(RemoteAddressHeader, out var address))
                context.Connection.RemoteIpAddress = IPAddress.Parse(address.ToString());
            return next(context);
        });
        app.UseAuthentication();
        app.UseAuthorization();

        void Configure(MemStreamEndpointOptions options)
        {
            options.SinkName = name;
            configure?.Invoke(options);
        }

        if (middleware)
        {
            app.UseMemStreamWebSocket(configure: Configure);
        }
        else
        {
            app.UseWebSockets();
            var endpoints = app.MapMemStream(configure: Configure);
            if (requireAuthorization)
                endpoints.RequireAuthorization(Policy);
        }

        // An endpoint of the app's own that keeps MemStream's access rules.
        app.MapGet("/own/status", () => "own status").RequireMemStreamAccess();

        await app.StartAsync();
        return new TailServer(app, name, logger, storeFolder, requests);
    }

    public Task StopAsync() => _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
            await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
        Logger.Dispose();
        _storeFolder?.Dispose();
    }

    /// <summary>Signs in any request that carries <c>Authorization: Test ok</c>.</summary>
    sealed class TestAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string SchemeName = "Test";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync() =>
            Task.FromResult(Request.Headers.Authorization.ToString() == "Test ok"
                ? AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "operator")], SchemeName)), SchemeName))
                : AuthenticateResult.NoResult());
    }
}
