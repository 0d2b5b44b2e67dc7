using Microsoft.AspNetCore.Http;
using Serilog.Sinks.MemStream.AspNetCore;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Puts an application's own endpoints behind MemStream's access rules.</summary>
public static class MemStreamEndpointConventionBuilderExtensions
{
    /// <summary>
    /// Answers the endpoints only as <c>MapMemStream</c> answers its own: loopback clients that address the
    /// app by a loopback name, unless the options allow remote clients or name an authorization policy. For
    /// endpoints that expose what the <c>MemStream</c> facade returns (snapshots, queries, status).
    /// </summary>
    /// <typeparam name="TBuilder">The endpoint or group builder.</typeparam>
    /// <param name="builder">The endpoints, such as the result of <c>MapGet</c> or <c>MapGroup</c>.</param>
    /// <param name="configure">The same access options as <c>MapMemStream</c>'s (<c>AllowRemoteClients</c>, <c>AllowedHosts</c>, <c>AuthorizationPolicy</c>).</param>
    /// <returns>The builder, for chaining.</returns>
    public static TBuilder RequireMemStreamAccess<TBuilder>(this TBuilder builder, Action<MemStreamEndpointOptions>? configure = null)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        // Checked now, so that a bad configure fails at start-up; the app-wide options join at the first request,
        // when the services are known (a convention builder has none).
        var configured = new MemStreamEndpointOptions();
        configure?.Invoke(configured);
        configured.Validate();
        MemStreamEndpointOptions? options = null;
        builder.AddEndpointFilter(async (invocation, next) =>
        {
            options ??= EndpointSetup.Options(invocation.HttpContext.RequestServices, configure);
            return await AccessGuard.AdmitAsync(invocation.HttpContext, options) ? await next(invocation) : Results.Empty;
        });
        if (configured.AuthorizationPolicy is { } policy)
            builder.RequireAuthorization(policy);
        return builder;
    }
}
