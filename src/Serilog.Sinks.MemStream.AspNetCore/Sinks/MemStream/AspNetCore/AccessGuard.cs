using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Serilog.Sinks.MemStream.AspNetCore;

/// <summary>
/// Decides who may read the logs: loopback clients that address the app by a loopback name only,
/// unless the app requires authorization or allows remote clients; and for WebSockets, browsers only
/// from the app's own or an allowed origin.
/// </summary>
internal static class AccessGuard
{
    /// <summary>Null when the request may go on; otherwise the refusal has been written.</summary>
    public static async Task<bool> AdmitAsync(HttpContext context, MemStreamEndpointOptions options)
    {
        if (options.AuthorizationPolicy is { } policyName && context.GetEndpoint()?.Metadata.GetMetadata<IAuthorizeData>() is null)
        {
            // The middleware path: evaluate the policy here, as the authorization middleware would on an endpoint.
            var policy = await context.RequestServices.GetRequiredService<IAuthorizationPolicyProvider>().GetPolicyAsync(policyName)
                ?? throw new InvalidOperationException($"MemStream: the authorization policy '{policyName}' is not registered (AddAuthorization).");
            var evaluator = context.RequestServices.GetRequiredService<IPolicyEvaluator>();
            var authentication = await evaluator.AuthenticateAsync(policy, context);
            var authorization = await evaluator.AuthorizeAsync(policy, authentication, context, resource: null);
            if (authorization.Challenged)
            {
                await PlainTextAnswer.WriteAsync(context, StatusCodes.Status401Unauthorized, "MemStream: sign in to read the logs.");
                return false;
            }
            if (authorization.Forbidden)
            {
                await PlainTextAnswer.WriteAsync(context, StatusCodes.Status403Forbidden, "MemStream: you are not allowed to read the logs.");
                return false;
            }
        }

        if (!IsRemoteAllowed(context, options))
        {
            if (!IsLoopback(context.Connection.RemoteIpAddress))
            {
                await PlainTextAnswer.WriteAsync(context, StatusCodes.Status403Forbidden,
                    "MemStream answers only clients on this machine. To open it to others, require an authorization policy or set AllowRemoteClients.");
                return false;
            }
            // A page on a rebinding domain reaches 127.0.0.1 under its own name: a loopback client, but a stranger's page.
            // UseForwardedHeaders may have replaced Host with X-Forwarded-Host, which a page can set:
            // the Host the client really sent is then kept in X-Original-Host, and must pass too.
            var originalHost = context.Request.Headers["X-Original-Host"].ToString();
            var refusedHost = !IsHostAllowed(context.Request.Host, options) ? context.Request.Host.Value
                : originalHost.Length > 0 && !IsHostAllowed(new HostString(originalHost), options) ? originalHost
                : null;
            if (refusedHost is not null)
            {
                await PlainTextAnswer.WriteAsync(context, StatusCodes.Status403Forbidden,
                    $"MemStream answers only requests addressed to this machine by a loopback name (localhost, 127.0.0.1, [::1]); '{refusedHost}' is not one. Add it to AllowedHosts if it is this machine's own name.");
                return false;
            }
        }

        if (context.WebSockets.IsWebSocketRequest && !IsOriginAllowed(context, options))
        {
            await PlainTextAnswer.WriteAsync(context, StatusCodes.Status403Forbidden,
                $"MemStream: WebSocket connections from the origin {context.Request.Headers.Origin} are not allowed; add it to AllowedOrigins if it should be.");
            return false;
        }

        return true;
    }

    static bool IsRemoteAllowed(HttpContext context, MemStreamEndpointOptions options) =>
        options.AllowRemoteClients
        || options.AuthorizationPolicy is not null
        || context.GetEndpoint()?.Metadata.GetMetadata<IAuthorizeData>() is not null;

    // No address means an in-process or Unix-socket connection, which is local by nature.
    static bool IsLoopback(IPAddress? address) => address is null || IPAddress.IsLoopback(address);

    static bool IsOriginAllowed(HttpContext context, MemStreamEndpointOptions options)
    {
        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length == 0)
            return true; // not a browser: browsers always send Origin on a WebSocket upgrade

        if (!Uri.TryCreate(origin, UriKind.Absolute, out var originUri))
            return false;
        // The app's own origin is its scheme, host and port, all three: https://host is not http://host.
        if (Uri.TryCreate($"{context.Request.Scheme}://{context.Request.Host}", UriKind.Absolute, out var own) && SameOrigin(own, originUri))
            return true;
        return options.AllowedOrigins.Any(allowed => Uri.TryCreate(allowed, UriKind.Absolute, out var allowedUri) && SameOrigin(allowedUri, originUri));
    }

    static bool SameOrigin(Uri a, Uri b) =>
        Uri.Compare(a, b, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;

    /// <summary>Loopback names (<c>localhost</c>, <c>*.localhost</c>, <c>127.x.x.x</c>, <c>[::1]</c>), which no DNS answer can point elsewhere, or a host the app allows.</summary>
    static bool IsHostAllowed(HostString host, MemStreamEndpointOptions options)
    {
        if (!host.HasValue)
            return false;
        var name = host.Host.TrimEnd('.');
        if (name.Equals("localhost", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
            return true;
        if (IPAddress.TryParse(name.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address))
            return true;
        return options.AllowedHosts.Any(allowed => string.Equals(allowed, name, StringComparison.OrdinalIgnoreCase));
    }
}
