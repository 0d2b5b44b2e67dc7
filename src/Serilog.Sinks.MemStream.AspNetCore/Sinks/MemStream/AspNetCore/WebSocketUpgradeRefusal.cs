using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Serilog.Debugging;

namespace Serilog.Sinks.MemStream.AspNetCore;

/// <summary>The answer to a request for the live tail that is not a WebSocket upgrade it can accept: what is wrong with it, as an operator can act on.</summary>
internal static class WebSocketUpgradeRefusal
{
    public static Task WriteAsync(HttpContext context)
    {
        var headers = context.Request.Headers;
        var upgrade = headers.Upgrade.ToString();
        if (upgrade.Length == 0)
        {
            context.Response.Headers.Upgrade = "websocket";
            return PlainTextAnswer.WriteAsync(context, StatusCodes.Status426UpgradeRequired, "MemStream: this endpoint is a WebSocket; connect with ws:// or wss:// (the page at the endpoints' prefix does).");
        }
        // The WebSocket middleware offers its feature on every request it sees; without it, nothing could accept an upgrade.
        if (context.Features.Get<IHttpWebSocketFeature>() is null && HasToken(upgrade, "websocket"))
        {
            SelfLog.WriteLine("MemStream: a WebSocket upgrade reached the live tail without the WebSocket middleware; call app.UseWebSockets() before MapMemStream");
            return PlainTextAnswer.WriteAsync(context, StatusCodes.Status500InternalServerError, "MemStream: the application did not enable WebSockets (app.UseWebSockets() must come before MapMemStream).");
        }
        context.Response.Headers.SecWebSocketVersion = "13";
        return PlainTextAnswer.WriteAsync(context, StatusCodes.Status400BadRequest, $"MemStream: not a valid WebSocket upgrade: {UpgradeProblem(context.Request)}.");
    }

    static string UpgradeProblem(HttpRequest request)
    {
        var headers = request.Headers;
        if (!HttpMethods.IsGet(request.Method))
            return $"the method must be GET, not {request.Method}";
        if (!HasToken(headers.Upgrade.ToString(), "websocket"))
            return "the Upgrade header must be 'websocket'";
        if (!HasToken(headers.Connection.ToString(), "upgrade"))
            return "the Connection header must include 'Upgrade'";
        if (headers.SecWebSocketVersion.ToString() != "13")
            return $"Sec-WebSocket-Version must be 13, not '{headers.SecWebSocketVersion}'";
        if (!IsWebSocketKey(headers.SecWebSocketKey.ToString()))
            return "Sec-WebSocket-Key must be 16 bytes in base64";
        if (request.ContentLength > 0 || headers.TransferEncoding.Count > 0)
            return "an upgrade request has no body";
        return "the server cannot accept it (is the request HTTP/1.1?)";
    }

    /// <summary>Whether a comma-separated header value holds <paramref name="token"/> (case-insensitive), as Connection and Upgrade do.</summary>
    static bool HasToken(string value, string token) =>
        value.Split(',').Any(part => part.Trim().Equals(token, StringComparison.OrdinalIgnoreCase));

    static bool IsWebSocketKey(string key)
    {
        Span<byte> bytes = stackalloc byte[18];
        return key.Length == 24 && Convert.TryFromBase64String(key, bytes, out var written) && written == 16;
    }
}
