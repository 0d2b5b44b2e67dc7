using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Serilog.Sinks.MemStream.Tests.Support;

/// <summary>A real WebSocket client of the live tail that reads its JSON frames.</summary>
sealed class TailClient : IDisposable
{
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    readonly byte[] _buffer = new byte[1 << 20];

    TailClient(ClientWebSocket socket) => Socket = socket;

    public ClientWebSocket Socket { get; }

    public static async Task<TailClient> ConnectAsync(Uri uri, Action<ClientWebSocketOptions>? configure = null)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        configure?.Invoke(socket.Options);
        using var timeout = new CancellationTokenSource(Patience);
        await socket.ConnectAsync(uri, timeout.Token);
        return new TailClient(socket);
    }

    /// <summary>The HTTP status of a refused upgrade.</summary>
    public static async Task<int> RefusalStatusAsync(Uri uri, Action<ClientWebSocketOptions>? configure = null)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        configure?.Invoke(socket.Options);
        Assert.That(async () => await socket.ConnectAsync(uri, CancellationToken.None), Throws.InstanceOf<WebSocketException>(), "the upgrade was accepted");
        return (int)socket.HttpStatusCode;
    }

    /// <summary>The next frame, or null when the server closed the connection.</summary>
    public async Task<JsonElement?> ReceiveAsync(TimeSpan? patience = null)
    {
        using var timeout = new CancellationTokenSource(patience ?? Patience);
        var length = 0;
        while (true)
        {
            var result = await Socket.ReceiveAsync(_buffer.AsMemory(length), timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close)
                return null;
            length += result.Count;
            if (result.EndOfMessage)
                return JsonDocument.Parse(_buffer.AsMemory(0, length)).RootElement.Clone();
        }
    }

    /// <summary>Frames until <paramref name="count"/> events have arrived; notices are kept too.</summary>
    public async Task<List<JsonElement>> ReceiveEventsAsync(int count)
    {
        var frames = new List<JsonElement>();
        var events = 0;
        while (events < count)
        {
            var frame = await ReceiveAsync();
            Assert.That(frame, Is.Not.Null, "the server closed the connection early");
            frames.Add(frame!.Value);
            if (frame.Value.Type() == "event")
                events++;
        }
        return frames;
    }

    public Task SendTextAsync(string text) =>
        Socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    public void Dispose() => Socket.Dispose();
}

static class Frames
{
    public static string Type(this JsonElement frame) => frame.GetProperty("type").GetString()!;

    public static long Seq(this JsonElement frame) => frame.GetProperty("seq").GetInt64();

    public static string Text(this JsonElement frame) => frame.GetProperty("text").GetString()!;

    public static IEnumerable<JsonElement> Events(this IEnumerable<JsonElement> frames) => frames.Where(f => f.Type() == "event");
}
