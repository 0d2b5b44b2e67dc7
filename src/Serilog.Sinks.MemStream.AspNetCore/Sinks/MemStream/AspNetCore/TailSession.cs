using System.Buffers;
using System.Net.WebSockets;
using System.Threading.Channels;
using Serilog.Debugging;
using Serilog.Events;

namespace Serilog.Sinks.MemStream.AspNetCore;

/// <summary>
/// One WebSocket client of the live tail, once <see cref="TailHandshake"/> accepted it: the buffered events, then
/// live ones, from its own bounded subscription; each event is one message, or, for a client that asked for <c>batch=true</c>, the
/// events already waiting go together in one message (at most 256 events, about 64 KiB, or 20 ms
/// from the batch's first event while more keep arriving). The client's pace never reaches the application: a full queue drops
/// its oldest events (and the client is told), and a frame that cannot be sent within the send
/// timeout ends the connection. Incoming frames are read only to answer a close, or to refuse an
/// oversized one (1009). On application stopping, the client gets a 1001 close. A client that asked for
/// <c>status=true</c> also gets a status frame (<see cref="StatusFrames"/>) every <see cref="MemStreamEndpointOptions.StatusInterval"/>.
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
    long _statusDueAt;
    TailEnd? _end;
    long _filterFailures;
    long _reportedFilterFailures;
    long _filterNoticeAt = long.MinValue / 2;
    string? _filterError;

    internal TailSession(WebSocket socket, MemStreamEndpointOptions options, StatusFrames? statusFrames, CancellationToken stopping, CancellationToken aborted)
    {
        _socket = socket;
        _options = options;
        _statusFrames = statusFrames;
        _stopping = stopping;
        _ended = CancellationTokenSource.CreateLinkedTokenSource(stopping, aborted);
        _sendTimeout = CancellationTokenSource.CreateLinkedTokenSource(_ended.Token);
    }

    internal async Task RunAsync(MemStreamSubscription subscription, TailRequest request, EventFrames frames, List<ReadOnlyMemory<byte>> opening, FleetTailNotices? notices)
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
                    await SendAsync(frames.Notice(TailProtocol.DroppedNotice, dropped - reportedDrops));
                    reportedDrops = dropped;
                }
                while (notices?.TakeMissedBefore(next) is { } missed)
                {
                    batched = await SendBatchAsync(batch, batched);
                    await SendAsync(frames.Notice(TailProtocol.MissedNotice, missed.Count, missed.Message));
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
        _statusDueAt = Environment.TickCount64 + (long)_options.StatusInterval.TotalMilliseconds;
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
        await SendAsync(frames.Notice(TailProtocol.FilterFailedNotice, _filterFailures - _reportedFilterFailures, _filterError));
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
    sealed class SendTimeoutException : Exception;
}
