using System.Net.WebSockets;
using System.Text.Json;
using Spectre.Console;

namespace Serilog.Sinks.MemStream.Tool;

/// <summary>
/// <c>tail</c>: follows an application's MemStream WebSocket (or its fleet's, with <c>--fleet</c>),
/// printing events as they arrive, each labelled with its instance when there are several. When the
/// connection drops it reconnects after the last event it printed (<c>after</c>, or <c>afterId</c> on a
/// fleet), and says what was missed. Ends cleanly on Ctrl+C.
/// </summary>
sealed class TailCommand(TailSettings settings, EventPrinter printer)
{
    static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(10);
    readonly EventPrinter _printer = printer;
    long _lastSequence;
    string? _lastId;

    public async Task<int> RunAsync(CancellationToken cancel)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        var connectedOnce = false;
        while (!cancel.IsCancellationRequested)
        {
            using var socket = new ClientWebSocket();
            socket.Options.CollectHttpResponseDetails = true;
            socket.Options.SetRequestHeader("Origin", settings.Origin);
            foreach (var (name, value) in settings.Headers)
                socket.Options.SetRequestHeader(name, value);
            try
            {
                await socket.ConnectAsync(settings.WebSocketUri(_lastSequence, _lastId), cancel);
                if (connectedOnce)
                    Notice($"reconnected to {settings.Url}");
                connectedOnce = true;
                delay = TimeSpan.FromMilliseconds(250);
                await ReceiveAsync(socket, cancel);
                if (cancel.IsCancellationRequested)
                    break;
                Notice(socket.CloseStatus == WebSocketCloseStatus.EndpointUnavailable
                    ? "the application is stopping; waiting for it to come back"
                    : "the connection closed; reconnecting");
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is WebSocketException or HttpRequestException or IOException)
            {
                if (!connectedOnce)
                    throw await RefusalAsync(socket, ex, cancel);
                Notice($"connection lost ({ex.Message}); retrying in {delay.TotalSeconds:0.#} s");
            }

            try
            {
                await Task.Delay(delay, cancel);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
        }
        return ExitCodes.Success;
    }

    async Task ReceiveAsync(ClientWebSocket socket, CancellationToken cancel)
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer, cancel);
            if (received.MessageType == WebSocketMessageType.Close)
                return;
            message.Write(buffer, 0, received.Count);
            if (!received.EndOfMessage)
                continue;
            Print(JsonDocument.Parse(message.ToArray()).RootElement);
            message.SetLength(0);
        }
    }

    void Print(JsonElement frame)
    {
        switch (frame.GetProperty(TailProtocol.Type).GetString())
        {
            case TailProtocol.EventsFrame:
                foreach (var element in frame.GetProperty(TailProtocol.Events).EnumerateArray())
                    Print(element);
                break;
            case TailProtocol.EventFrame:
                _lastSequence = frame.GetProperty(TailProtocol.Sequence).GetInt64();
                var instance = settings.Label;
                if (frame.TryGetProperty(TailProtocol.StreamId, out var id))
                {
                    _lastId = id.GetString();
                    instance = frame.GetProperty(TailProtocol.Instance).GetString();
                }
                // Asked as CLEF always: a line is the event's own time, level and message, not the app's rendering
                // of them (whose output template repeats the time and level).
                var clef = frame.GetProperty(TailProtocol.Clef).GetRawText();
                if (settings.Clef)
                    _printer.PrintJson(clef);
                else if (ClefEventReader.TryRead(clef, out var logEvent))
                    _printer.Print(logEvent!, instance, frame.TryGetProperty(TailProtocol.CorrelationId, out var tailId) ? tailId.GetString() : null);
                else
                    _printer.Print(frame.GetProperty(TailProtocol.Timestamp).GetDateTimeOffset(), frame.GetProperty(TailProtocol.Level).GetString()!, clef, instance);
                break;
            case TailProtocol.DroppedNotice:
                Notice($"{frame.GetProperty(TailProtocol.Count).GetInt64()} events dropped: this terminal fell behind the application");
                break;
            case TailProtocol.RestartedNotice:
                Notice("the application restarted; its output starts over");
                break;
            case TailProtocol.FilterFailedNotice:
                Notice($"the filter failed on {frame.GetProperty(TailProtocol.Count).GetInt64()} events, which were skipped: {frame.GetProperty(TailProtocol.Message).GetString()}");
                break;
            case TailProtocol.MissedNotice:
                // A message says what was missed where (a fleet's stream, an instance that could not publish); without one, this tail's own reconnection.
                Notice(frame.TryGetProperty(TailProtocol.Message, out var missed) && missed.ValueKind == JsonValueKind.String
                    ? missed.GetString()!
                    : $"{frame.GetProperty(TailProtocol.Count).GetInt64()} events were logged while disconnected and are no longer buffered");
                break;
        }
    }

    void Notice(string text) => _printer.Notice(settings.Label is null ? text : $"{settings.Label}: {text}");

    async Task<ToolException> RefusalAsync(ClientWebSocket socket, Exception failure, CancellationToken cancel) => (int)socket.HttpStatusCode switch
    {
        401 => new ToolException($"memstream: {settings.Url} requires authorization; pass --token or --header.", ExitCodes.Unreachable),
        403 => new ToolException($"memstream: {settings.Url} refused this client (403): {await ReasonAsync(cancel)}", ExitCodes.Unreachable),
        404 when settings.Fleet => new ToolException($"memstream: {settings.Url} has no fleet tail (404): {await ReasonAsync(cancel)}", ExitCodes.Unreachable),
        404 => new ToolException($"memstream: {settings.Url} has no MemStream WebSocket at {settings.WebSocketUri(0, null).AbsolutePath} (404). Does the app call app.MapMemStream() or app.UseMemStreamWebSocket()?", ExitCodes.Unreachable),
        400 => await BadRequestAsync(cancel),
        503 when settings.Fleet => new ToolException($"memstream: {settings.Url} cannot serve the fleet tail now (503): {await ReasonAsync(cancel)}", ExitCodes.Unreachable),
        503 => new ToolException($"memstream: {settings.Url} already has its limit of live-tail clients (503); try again later.", ExitCodes.Unreachable),
        _ => new ToolException($"memstream: cannot connect to {settings.Url}: {failure.InnerException?.Message ?? failure.Message}. Is the application running, and is the URL right?", ExitCodes.Unreachable),
    };

    async Task<ToolException> BadRequestAsync(CancellationToken cancel)
    {
        var reason = await ReasonAsync(cancel);
        return new ToolException(reason.Contains("'filter'", StringComparison.Ordinal)
            ? $"memstream: the filter is invalid: {reason}"
            : $"memstream: {settings.Url} rejected the request (400): {reason}", ExitCodes.BadInput);
    }

    /// <summary>
    /// Why the server refused: a WebSocket client cannot read the body of a refused upgrade, so the same
    /// URL is asked again as a plain GET, which the endpoint answers with the same refusal and its reason.
    /// </summary>
    async Task<string> ReasonAsync(CancellationToken cancel)
    {
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            using var request = new HttpRequestMessage(HttpMethod.Get, settings.HttpUri());
            request.Headers.TryAddWithoutValidation("Origin", settings.Origin);
            foreach (var (name, value) in settings.Headers)
                request.Headers.TryAddWithoutValidation(name, value);
            using var response = await http.SendAsync(request, cancel);
            var reason = (await response.Content.ReadAsStringAsync(cancel)).Trim();
            return TerminalText.Line(reason.Length <= 1000 ? reason : reason[..1000] + "…");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return "the server gave no reason";
        }
    }
}

/// <summary>What <c>tail</c> connects to and asks for; <see cref="Label"/> names the instance when several are tailed at once.</summary>
sealed record TailSettings(Uri Url, string? MinLevel, string? CorrelationId, string? TraceId, string? Filter, bool Clef, IReadOnlyList<(string Name, string Value)> Headers, bool Raw,
    bool Fleet = false, string? Label = null)
{
    /// <summary>The origin of the application's own URL, which the endpoint's cross-site check accepts.</summary>
    public string Origin => $"{(Url.Scheme is "wss" or "https" ? "https" : "http")}://{Url.Authority}";

    /// <summary>The WebSocket's URL with http(s): a plain GET of it says why an upgrade was refused.</summary>
    public Uri HttpUri()
    {
        var webSocket = WebSocketUri(0, null);
        return new UriBuilder(webSocket) { Scheme = webSocket.Scheme == "wss" ? "https" : "http", Port = webSocket.Port }.Uri;
    }

    public Uri WebSocketUri(long after, string? afterId)
    {
        var builder = new UriBuilder(Url) { Scheme = Url.Scheme is "https" or "wss" ? "wss" : "ws" };
        if (builder.Path is "" or "/")
            builder.Path = TailProtocol.DefaultWebSocketPath;
        var query = new List<string> { "format=clef", "batch=true" };
        if (MinLevel is not null) query.Add("minLevel=" + Uri.EscapeDataString(MinLevel));
        if (CorrelationId is not null) query.Add("correlationId=" + Uri.EscapeDataString(CorrelationId));
        if (TraceId is not null) query.Add("traceId=" + Uri.EscapeDataString(TraceId));
        if (Filter is not null) query.Add("filter=" + Uri.EscapeDataString(Filter));
        if (Fleet)
        {
            query.Add("fleet=true");
            if (afterId is not null) query.Add("afterId=" + Uri.EscapeDataString(afterId));
        }
        else if (after > 0)
            query.Add("after=" + after);
        builder.Query = string.Join("&", query);
        return builder.Uri;
    }
}
