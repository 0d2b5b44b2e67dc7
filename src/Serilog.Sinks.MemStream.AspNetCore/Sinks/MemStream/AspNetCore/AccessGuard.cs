using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Serilog.Sinks.MemStream.AspNetCore;

/// <summary>
/// Decides who may read the logs: loopback clients only, unless the app requires authorization or
/// allows remote clients; and for WebSockets, browsers only from the app's own or an allowed origin.
/// </summary>
internal static class AccessGuard
{
    /// <summary>Null when the request may go on; otherwise the refusal has been written.</summary>
    public static async Task<bool> AdmitAsync(HttpContext context, MemStreamWebSocketOptions options)
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
                await Refuse(context, StatusCodes.Status401Unauthorized, "MemStream: sign in to read the logs.");
                return false;
            }
            if (authorization.Forbidden)
            {
                await Refuse(context, StatusCodes.Status403Forbidden, "MemStream: you are not allowed to read the logs.");
                return false;
            }
        }

        if (!IsRemoteAllowed(context, options) && !IsLoopback(context.Connection.RemoteIpAddress))
        {
            await Refuse(context, StatusCodes.Status403Forbidden,
                "MemStream answers only clients on this machine. To open it to others, require an authorization policy or set AllowRemoteClients.");
            return false;
        }

        if (context.WebSockets.IsWebSocketRequest && !IsOriginAllowed(context, options))
        {
            await Refuse(context, StatusCodes.Status403Forbidden,
                $"MemStream: WebSocket connections from the origin {context.Request.Headers.Origin} are not allowed; add it to AllowedOrigins if it should be.");
            return false;
        }

        return true;
    }

    static bool IsRemoteAllowed(HttpContext context, MemStreamWebSocketOptions options) =>
        options.AllowRemoteClients
        || options.AuthorizationPolicy is not null
        || context.GetEndpoint()?.Metadata.GetMetadata<IAuthorizeData>() is not null;

    // No address means an in-process or Unix-socket connection, which is local by nature.
    static bool IsLoopback(IPAddress? address) => address is null || IPAddress.IsLoopback(address);

    static bool IsOriginAllowed(HttpContext context, MemStreamWebSocketOptions options)
    {
        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length == 0)
            return true; // not a browser: browsers always send Origin on a WebSocket upgrade

        if (!Uri.TryCreate(origin, UriKind.Absolute, out var originUri))
            return false;
        if (string.Equals(originUri.Authority, context.Request.Host.Value, StringComparison.OrdinalIgnoreCase))
            return true;
        return options.AllowedOrigins.Any(allowed =>
            Uri.TryCreate(allowed, UriKind.Absolute, out var allowedUri)
            && Uri.Compare(allowedUri, originUri, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0);
    }

    static Task Refuse(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(message);
    }
}
