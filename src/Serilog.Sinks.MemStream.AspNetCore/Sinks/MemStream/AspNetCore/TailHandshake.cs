using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Serilog.Sinks.MemStream.AspNetCore;

/// <summary>
/// The live tail's handshake: access, parameters, the fleet's availability, the upgrade itself and the client limit,
/// each refused with an HTTP answer that says why (so a plain GET of the URL explains a refused upgrade); then the
/// subscription (taken before the upgrade, so nothing logged meanwhile is missed), the opening notices, and the
/// <see cref="TailSession"/> that sends.
/// </summary>
internal static class TailHandshake
{
    /// <summary>Admits, checks and accepts one client, then runs its <see cref="TailSession"/>; every refusal before the upgrade is an HTTP answer that says why.</summary>
    public static async Task HandleAsync(HttpContext context, MemStreamEndpointOptions options, ClientLimiter limiter)
    {
        if (!await AccessGuard.AdmitAsync(context, options))
            return;
        // Parameters first, so that a plain GET of the same URL tells a browser page or the tool why an upgrade was refused.
        if (TailRequest.Parse(context.Request.Query, out var error) is not { } request)
        {
            await PlainTextAnswer.WriteAsync(context, StatusCodes.Status400BadRequest, error!);
            return;
        }
        if (request.Fleet && context.RequestServices.GetService<IMemStreamFleet>() is var fleet)
        {
            // Before the upgrade check, so that a plain GET of the URL says why a fleet tail is refused.
            if (fleet is null || fleet.Unavailable is not null)
            {
                await PlainTextAnswer.WriteAsync(context, fleet is null ? StatusCodes.Status404NotFound : StatusCodes.Status503ServiceUnavailable,
                    fleet?.Unavailable ?? IMemStreamFleet.NoFleet);
                return;
            }
        }
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await WebSocketUpgradeRefusal.WriteAsync(context);
            return;
        }
        if (!limiter.TryEnter())
        {
            await PlainTextAnswer.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, $"MemStream: the live tail already has its limit of {options.MaxClients} clients; try again later.");
            return;
        }

        try
        {
            if (request.Fleet)
            {
                await HandleFleetAsync(context, options, request);
                return;
            }
            var instance = MemStream.Named(options.SinkName);
            // A resume point beyond the sink's newest event means the application restarted with a fresh
            // sequence (no durable store): start over from the buffer rather than wait for that number.
            var restarted = request.After > instance.LastSequence;
            var after = restarted ? 0 : request.After ?? 0;
            // Subscribing before the handshake means nothing logged meanwhile is missed.
            using var subscription = instance.Events(after, request.MinLevel, options.ClientQueueCapacity);
            var frames = new EventFrames(instance.CorrelationIdProperty);
            var opening = new List<ReadOnlyMemory<byte>>();
            if (restarted)
                opening.Add(frames.Notice(TailProtocol.RestartedNotice, 0).ToArray());
            if (after > 0 && subscription.Missed > 0)
                opening.Add(frames.Notice(TailProtocol.MissedNotice, subscription.Missed).ToArray());
            await AcceptAndRunAsync(context, options, subscription, request with { After = after }, frames, opening);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            // The client vanished during the handshake or the close: nothing to tell it.
        }
        finally
        {
            limiter.Exit();
        }
    }

    /// <summary>
    /// A fleet tail (<c>fleet=true</c>): the fleet's stream, every instance's events, with the same queue,
    /// filters, notices and send timeout as this instance's own tail; 503 before the upgrade when its
    /// Redis cannot be reached (and 404 without a fleet, from the parameter checks).
    /// </summary>
    static async Task HandleFleetAsync(HttpContext context, MemStreamEndpointOptions options, TailRequest request)
    {
        var fleet = context.RequestServices.GetRequiredService<IMemStreamFleet>();
        FleetTail tail;
        try
        {
            tail = await fleet.OpenTailAsync(request.AfterId, request.MinLevel, options.ClientQueueCapacity, context.RequestAborted);
        }
        catch (FleetUnavailableException ex)
        {
            await PlainTextAnswer.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, ex.Message);
            return;
        }
        using var subscription = tail.Subscription;
        var frames = new EventFrames(MemStream.Named(options.SinkName).CorrelationIdProperty);
        // How many is unknown: the stream keeps no count of what it trimmed.
        var opening = tail.Missed is { } missed ? new List<ReadOnlyMemory<byte>> { frames.Notice(TailProtocol.MissedNotice, TailProtocol.UnknownCount, missed).ToArray() } : [];
        await AcceptAndRunAsync(context, options, subscription, request, frames, opening, tail.Notices);
    }

    static async Task AcceptAndRunAsync(HttpContext context, MemStreamEndpointOptions options, MemStreamSubscription subscription, TailRequest request,
        EventFrames frames, List<ReadOnlyMemory<byte>> opening, FleetTailNotices? notices = null)
    {
        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { KeepAliveInterval = options.KeepAliveInterval });
        var stopping = context.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        var statusFrames = request.Status ? new StatusFrames(options.SinkName, context.RequestServices.GetService<IMemStreamFleet>()) : null;
        var session = new TailSession(socket, options, statusFrames, stopping, context.RequestAborted);
        TailMetrics.Connected.Add(1);
        await session.RunAsync(subscription, request, frames, opening, notices);
    }
}
