using System.Buffers;
using System.Net.WebSockets;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog.Debugging;
using Serilog.Events;

namespace Serilog.Sinks.MemStream.AspNetCore;

/// <summary>
/// One WebSocket client of the live tail: the buffered events, then live ones, from its own bounded
/// subscription; each event is one message, or, for a client that asked for <c>batch=true</c>, the
/// events already waiting go together in one message (at most 256 events, about 64 KiB, or 20 ms
/// from the batch's first event while more keep arriving). The client's pace never reaches the application: a full queue drops
/// its oldest events (and the client is told), and a frame that cannot be sent within the send
/// timeout ends the connection. Incoming frames are read only to answer a close, or to refuse an
/// oversized one (1009). On application stopping, the client gets a 1001 close.
/// </summary>
internal sealed class TailSession
{
    static readonly TimeSpan ClosingGrace = TimeSpan.FromSeconds(1);
    // A batch holds only events already waiting, so these bound its size, not its delay.
    const int BatchEvents = 256;
    const int BatchBytes = 64 * 1024;
    // With a narrow filter on a busy sink the queue may not empty for a while; a match still goes soon.
    const long BatchMilliseconds = 20;
    const long FilterNoticeMilliseconds = 1000;

    readonly WebSocket _socket;
    readonly MemStreamEndpointOptions _options;
    readonly CancellationTokenSource _ended;
    readonly CancellationTokenSource _sendTimeout;
    readonly CancellationToken _stopping;
    readonly StatusFrames? _statusFrames;
    readonly long _statusIntervalMilliseconds;
    long _statusDueAt;
    TailEnd? _end;
    long _filterFailures;
    long _reportedFilterFailures;
    long _filterNoticeAt = long.MinValue / 2;
    string? _filterError;

    TailSession(WebSocket socket, MemStreamEndpointOptions options, StatusFrames? statusFrames, CancellationToken stopping, CancellationToken aborted)
    {
        _socket = socket;
        _options = options;
        _statusFrames = statusFrames;
        _statusIntervalMilliseconds = (long)options.StatusInterval.TotalMilliseconds;
        _stopping = stopping;
        _ended = CancellationTokenSource.CreateLinkedTokenSource(stopping, aborted);
        _sendTimeout = CancellationTokenSource.CreateLinkedTokenSource(_ended.Token);
    }

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
            await RefuseNonWebSocketAsync(context);
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
                opening.Add(frames.Notice("restarted", 0).ToArray());
            if (after > 0 && subscription.Missed > 0)
                opening.Add(frames.Notice("missed", subscription.Missed).ToArray());
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
        var opening = tail.Missed is { } missed ? new List<ReadOnlyMemory<byte>> { frames.Notice("missed", -1, missed).ToArray() } : [];
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

    async Task RunAsync(MemStreamSubscription subscription, TailRequest request, EventFrames frames, List<ReadOnlyMemory<byte>> opening, FleetTailNotices? notices)
    {
        var receiving = ReceiveAsync();
        try
        {
            foreach (var notice in opening)
                await SendAsync(notice);
            await SendStatusIfDueAsync();
            await SendEventsAsync(subscription, request, frames, notices);
        }
        catch (OperationCanceledException) when (_ended.IsCancellationRequested)
        {
            // Shutdown, a close from the client, or the client is gone.
        }
        catch (SendTimeoutException)
        {
            _end = TailEnd.SendTimeout; // whatever else was under way: the client is cut off
            SelfLog.WriteLine("MemStream: a live-tail client took longer than {0} to accept a frame and was disconnected", _options.SendTimeout);
            _socket.Abort();
            _ended.Cancel();
        }
        catch (WebSocketException)
        {
            _ended.Cancel();
        }

        var end = _end ?? (_stopping.IsCancellationRequested ? TailEnd.Stopping : TailEnd.Gone);
        await CloseAsync(end);
        TailMetrics.Disconnect(end.Reason);
        if (await Task.WhenAny(receiving, Task.Delay(ClosingGrace)) != receiving)
            _socket.Abort(); // the client did not answer the close in time
        await receiving;
        _sendTimeout.Dispose();
        _ended.Dispose();
    }

    async Task SendEventsAsync(MemStreamSubscription subscription, TailRequest request, EventFrames frames, FleetTailNotices? notices)
    {
        var reader = subscription.Reader;
        var reportedDrops = 0L;
        var correlationIdProperty = frames.CorrelationIdProperty;
        var batch = request.Batch ? new ArrayBufferWriter<byte>(BatchBytes) : null;
        var batched = 0;
        var batchStarted = 0L;
        while (await WaitForEventsAsync(reader, frames))
        {
            while (reader.TryRead(out var next))
            {
                var dropped = subscription.Dropped;
                if (dropped > reportedDrops)
                {
                    batched = await SendBatchAsync(batch, batched);
                    await SendAsync(frames.Notice("dropped", dropped - reportedDrops));
                    reportedDrops = dropped;
                }
                if (notices?.TakeMissedBefore(next) is { } missed)
                {
                    batched = await SendBatchAsync(batch, batched);
                    await SendAsync(frames.Notice("missed", -1, missed)); // how many is unknown: a stream keeps no count of what it lost
                }
                if (request.MinLevel <= next.LogEvent.Level && Wants(request, next.LogEvent, correlationIdProperty))
                {
                    var frame = frames.Event(next, request.Clef);
                    if (batch is null)
                    {
                        await SendAsync(frame);
                        continue;
                    }
                    if (batched == 0)
                    {
                        EventFrames.StartBatch(batch);
                        batchStarted = Environment.TickCount64;
                    }
                    EventFrames.AddToBatch(batch, frame.Span, first: batched == 0);
                    batched++;
                }
                if (batched > 0 && (batched == BatchEvents || batch!.WrittenCount >= BatchBytes || Environment.TickCount64 - batchStarted >= BatchMilliseconds))
                    batched = await SendBatchAsync(batch, batched);
                if (batched == 0)
                    await SendStatusIfDueAsync(); // a busy sink's queue may not empty for a while
            }
            // Nothing more is waiting: what was gathered goes now, never held back for more.
            batched = await SendBatchAsync(batch, batched);
        }
    }

    /// <summary>
    /// Waits for the next events, and meanwhile sends what falls due: a held-back filter-failure notice (at most one a
    /// second) and the periodic status frame, so that they go out even when no further event comes.
    /// </summary>
    async Task<bool> WaitForEventsAsync(ChannelReader<MemStreamEvent> reader, EventFrames frames)
    {
        while (true)
        {
            await ReportFilterFailuresAsync(frames);
            await SendStatusIfDueAsync();
            var filterNoticeDue = _filterFailures == _reportedFilterFailures ? long.MaxValue : _filterNoticeAt + FilterNoticeMilliseconds;
            var statusDue = _statusFrames is null ? long.MaxValue : _statusDueAt;
            var due = Math.Min(filterNoticeDue, statusDue);
            if (due == long.MaxValue)
                return await reader.WaitToReadAsync(_ended.Token);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(_ended.Token);
            wait.CancelAfter(TimeSpan.FromMilliseconds(Math.Max(1, due - Environment.TickCount64)));
            try
            {
                return await reader.WaitToReadAsync(wait.Token);
            }
            catch (OperationCanceledException) when (!_ended.IsCancellationRequested)
            {
                // A notice or a status frame is due: loop to send it.
            }
        }
    }

    /// <summary>Sends a status frame to a client that asked for them, when the interval since the last one has passed.</summary>
    async Task SendStatusIfDueAsync()
    {
        if (_statusFrames is null || Environment.TickCount64 < _statusDueAt)
            return;
        await SendAsync(await _statusFrames.NextAsync(_ended.Token));
        _statusDueAt = Environment.TickCount64 + _statusIntervalMilliseconds;
    }

    /// <summary>Whether the client wants the event; an event its filter fails on is skipped and counted, and the client stays connected.</summary>
    bool Wants(TailRequest request, LogEvent logEvent, string correlationIdProperty)
    {
        try
        {
            return request.Wants(logEvent, correlationIdProperty);
        }
        catch (Exception ex)
        {
            _filterFailures++;
            _filterError ??= ex.Message;
            TailMetrics.FilterFailures.Add(1);
            return false;
        }
    }

    /// <summary>Tells the client about events its filter failed on, at most once a second, so a filter that always fails does not flood it.</summary>
    async Task ReportFilterFailuresAsync(EventFrames frames)
    {
        if (_filterFailures == _reportedFilterFailures || Environment.TickCount64 - _filterNoticeAt < FilterNoticeMilliseconds)
            return;
        await SendAsync(frames.Notice("filter-failed", _filterFailures - _reportedFilterFailures, _filterError));
        _reportedFilterFailures = _filterFailures;
        _filterNoticeAt = Environment.TickCount64;
        _filterError = null;
    }

    /// <summary>Sends the gathered events as one message, if there are any; the new count of gathered events (0).</summary>
    async Task<int> SendBatchAsync(ArrayBufferWriter<byte>? batch, int batched)
    {
        if (batch is null || batched == 0)
            return 0;
        EventFrames.EndBatch(batch);
        await SendAsync(batch.WrittenMemory);
        return 0;
    }

    async Task SendAsync(ReadOnlyMemory<byte> frame)
    {
        // One source for every send, re-armed each time: a new linked source and timer per frame
        // cost more than the frame itself once a sink has many clients.
        _sendTimeout.CancelAfter(_options.SendTimeout);
        try
        {
            await _socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, _sendTimeout.Token);
            _sendTimeout.CancelAfter(Timeout.InfiniteTimeSpan);
        }
        catch (OperationCanceledException) when (!_ended.IsCancellationRequested)
        {
            throw new SendTimeoutException();
        }
    }

    async Task ReceiveAsync()
    {
        var buffer = new byte[Math.Min(_options.MaxIncomingMessageBytes + 1, 64 * 1024)];
        var messageBytes = 0;
        try
        {
            while (true)
            {
                // Not cancellable on purpose: cancelling a receive aborts the socket, and the close frame could not be sent.
                var received = await _socket.ReceiveAsync(buffer, CancellationToken.None);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    RequestClose(TailEnd.Closed);
                    return;
                }

                // A message may come in fragments: the limit is on the whole message.
                messageBytes += received.Count;
                if (messageBytes > _options.MaxIncomingMessageBytes)
                {
                    RequestClose(TailEnd.TooBig(_options.MaxIncomingMessageBytes));
                    return;
                }
                if (received.EndOfMessage)
                    messageBytes = 0;
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            _ended.Cancel();
        }
    }

    void RequestClose(TailEnd end)
    {
        _end = end;
        _ended.Cancel();
    }

    async Task CloseAsync(TailEnd end)
    {
        if (end.CloseStatus is not { } status || _socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
            return;

        using var grace = new CancellationTokenSource(ClosingGrace);
        try
        {
            await _socket.CloseOutputAsync(status, end.Description, grace.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            _socket.Abort();
        }
    }

    /// <summary>
    /// A request that is not a WebSocket upgrade the server can accept: a plain GET (426), an upgrade
    /// that lacks what RFC 6455 requires (400, naming it), or one that no WebSocket middleware saw, which
    /// is the application's mistake (500).
    /// </summary>
    static Task RefuseNonWebSocketAsync(HttpContext context)
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

    sealed class SendTimeoutException : Exception;
}
