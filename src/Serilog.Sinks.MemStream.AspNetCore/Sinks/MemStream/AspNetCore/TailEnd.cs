using System.Net.WebSockets;

namespace Serilog.Sinks.MemStream.AspNetCore;

/// <summary>
/// Why a live-tail connection ended: the one fact from which its close frame (status and description,
/// or none when the connection is cut) and its <c>memstream.websocket.disconnected</c> reason follow.
/// </summary>
internal sealed record TailEnd(string Reason, WebSocketCloseStatus? CloseStatus, string? Description)
{
    /// <summary>The client closed; its close is answered.</summary>
    public static readonly TailEnd Closed = new("closed", WebSocketCloseStatus.NormalClosure, "closing as asked");

    /// <summary>The application is stopping: 1001, so that clients know to come back.</summary>
    public static readonly TailEnd Stopping = new("stopping", WebSocketCloseStatus.EndpointUnavailable, "the application is stopping");

    /// <summary>A frame could not be sent within the send timeout: the connection is cut, with no close frame.</summary>
    public static readonly TailEnd SendTimeout = new("send-timeout", null, null);

    /// <summary>The client vanished.</summary>
    public static readonly TailEnd Gone = new("gone", null, null);

    /// <summary>The client sent a message over the limit: 1009.</summary>
    public static TailEnd TooBig(int maxBytes) =>
        new("too-big", WebSocketCloseStatus.MessageTooBig, $"messages larger than {maxBytes} bytes are not accepted");
}
