using Microsoft.AspNetCore.Routing;
using Serilog.Sinks.MemStream;
using Serilog.Sinks.MemStream.AspNetCore;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the MemStream endpoints with endpoint routing.</summary>
public static class MemStreamEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps, under <paramref name="prefix"/>: <c>/ws</c> (the live tail, see <c>UseMemStreamWebSocket</c>),
    /// <c>/query</c> (stored events of one correlation id, JSON), <c>/search</c> (stored events of every id by level, time,
    /// filter and text, newest first, JSON), <c>/problems</c> (the same, grouped by message template, JSON), <c>/correlation-ids</c> (JSON),
    /// <c>/snapshot</c> (text), <c>/status</c> (the sink's status, JSON), <c>/instances</c> (a fleet's live instances,
    /// with Serilog.Sinks.MemStream.Redis) and <c>/</c> (the live-tail page). Call <c>app.UseWebSockets()</c> before.
    /// Loopback clients only, unless the returned builder gets <c>.RequireAuthorization(...)</c>, the options
    /// name an authorization policy, or they allow remote clients.
    /// </summary>
    /// <param name="endpoints">The application's endpoints.</param>
    /// <param name="prefix">The endpoints' common path. Default <c>/memstream</c>.</param>
    /// <param name="configure">Changes the options: sink name, access, limits, timeouts.</param>
    /// <returns>A builder for all the endpoints, for conventions such as <c>RequireAuthorization</c>.</returns>
    public static IEndpointConventionBuilder MapMemStream(this IEndpointRouteBuilder endpoints, string prefix = TailProtocol.DefaultPrefix, Action<MemStreamEndpointOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (string.IsNullOrEmpty(prefix) || prefix[0] != '/')
            throw new ArgumentException($"The prefix must start with '/', such as /memstream; got '{prefix}'.", nameof(prefix));

        var options = EndpointSetup.Options(endpoints.ServiceProvider, configure);
        EndpointSetup.QuietOwnRequests(endpoints.ServiceProvider, options, [prefix, .. TailProtocol.Routes.Select(route => prefix.TrimEnd('/') + route)]);
        var limiter = new ClientLimiter(options.MaxClients);
        var queries = new QueryGate(options.MaxConcurrentQueries);

        var group = endpoints.MapGroup(prefix);
        group.Map(TailProtocol.WebSocketRoute, context => TailHandshake.HandleAsync(context, options, limiter));
        group.MapGet(TailProtocol.QueryRoute, context => QueryEndpoints.QueryAsync(context, options, queries));
        group.MapGet(TailProtocol.SearchRoute, context => SearchEndpoint.SearchAsync(context, options, queries));
        group.MapGet(TailProtocol.ProblemsRoute, context => ProblemsEndpoint.ProblemsAsync(context, options, queries));
        group.MapGet(TailProtocol.CorrelationIdsRoute, context => QueryEndpoints.CorrelationIdsAsync(context, options, queries));
        group.MapGet(TailProtocol.SnapshotRoute, context => QueryEndpoints.SnapshotAsync(context, options));
        group.MapGet(TailProtocol.StatusRoute, context => QueryEndpoints.StatusAsync(context, options));
        group.MapGet(TailProtocol.InstancesRoute, context => QueryEndpoints.InstancesAsync(context, options));
        group.MapGet("/", context => LiveTailPage.ServeAsync(context, options, prefix));
        // Every answer of the group, refusals included, is for what it says it is: no content sniffing.
        ((IEndpointConventionBuilder)group).Add(endpoint =>
        {
            var inner = endpoint.RequestDelegate!;
            endpoint.RequestDelegate = context =>
            {
                context.Response.Headers.XContentTypeOptions = "nosniff";
                return inner(context);
            };
        });
        if (options.AuthorizationPolicy is { } policy)
            group.RequireAuthorization(policy);
        return group;
    }
}
