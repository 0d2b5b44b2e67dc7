using Serilog.Sinks.MemStream;
using Serilog.Sinks.MemStream.AspNetCore;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds the MemStream live tail to the middleware pipeline.</summary>
public static class MemStreamApplicationBuilderExtensions
{
    /// <summary>
    /// Serves the MemStream live tail as a WebSocket at <paramref name="path"/>: the buffered events,
    /// then every new one, one JSON frame each. Query string: <c>minLevel</c>, <c>correlationId</c>,
    /// <c>filter</c> (a Serilog expression), <c>format</c> (<c>text</c> or <c>clef</c>), <c>after</c>
    /// (resume after a sequence number). Adds the WebSocket middleware itself. Answers loopback clients
    /// only unless <paramref name="configure"/> sets an authorization policy or allows remote clients.
    /// </summary>
    /// <param name="app">The application's pipeline.</param>
    /// <param name="path">The WebSocket's path. Default <c>/memstream/ws</c>.</param>
    /// <param name="configure">Changes the options: sink name, access, limits, timeouts.</param>
    /// <returns>The pipeline, for chaining.</returns>
    public static IApplicationBuilder UseMemStreamWebSocket(this IApplicationBuilder app, string path = TailProtocol.DefaultWebSocketPath, Action<MemStreamEndpointOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (string.IsNullOrEmpty(path) || path[0] != '/')
            throw new ArgumentException($"The path must start with '/', such as /memstream/ws; got '{path}'.", nameof(path));

        var options = EndpointSetup.Options(app.ApplicationServices, configure);
        EndpointSetup.QuietOwnRequests(app.ApplicationServices, options, path);
        var limiter = new ClientLimiter(options.MaxClients);
        return app.Map(path, branch =>
        {
            branch.UseWebSockets();
            branch.Run(context => TailHandshake.HandleAsync(context, options, limiter));
        });
    }
}
