using System.Net.Sockets;
using System.Text;

namespace Serilog.Sinks.MemStream.Tests.Support;

/// <summary>
/// Sends a request exactly as written (any Host, any broken upgrade) over a plain TCP connection and
/// reads the status, headers and body. HttpClient and ClientWebSocket would fix such requests up first.
/// </summary>
static class RawHttp
{
    public sealed record Response(int Status, string Head, string Body);

    /// <summary>The headers of a well-formed WebSocket upgrade (RFC 6455's sample key).</summary>
    public static readonly string[] WebSocketUpgrade =
        ["Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Version: 13", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="];

    /// <summary>
    /// A GET of <paramref name="pathAndQuery"/> with <paramref name="headers"/> ("Name: value" lines); Host is
    /// the server's own unless given. The answer is read up to the end of its body (by Content-Length or the
    /// last chunk); a 101 up to its headers, and the connection is dropped.
    /// </summary>
    public static Task<Response> GetAsync(string baseUrl, string pathAndQuery, params string[] headers) =>
        SendAsync(baseUrl, pathAndQuery, body: null, headers);

    /// <summary>A GET as <see cref="GetAsync"/>, with a body (and its Content-Length) when <paramref name="body"/> is not null.</summary>
    public static async Task<Response> SendAsync(string baseUrl, string pathAndQuery, string? body, params string[] headers)
    {
        var server = new Uri(baseUrl);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port, timeout.Token);
        var stream = tcp.GetStream();

        var request = new StringBuilder($"GET {pathAndQuery} HTTP/1.1\r\n");
        if (!headers.Any(h => h.StartsWith("Host:", StringComparison.OrdinalIgnoreCase)))
            request.Append($"Host: {server.Authority}\r\n");
        foreach (var header in headers)
            request.Append(header).Append("\r\n");
        if (!headers.Any(h => h.StartsWith("Connection:", StringComparison.OrdinalIgnoreCase)))
            request.Append("Connection: close\r\n");
        if (body is not null)
            request.Append($"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n");
        request.Append("\r\n").Append(body);
        await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()), timeout.Token);

        var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var bytes = received.ToArray();
            var headEnd = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
            if (headEnd >= 0)
            {
                var head = Encoding.ASCII.GetString(bytes, 0, headEnd);
                var status = int.Parse(head.Split(' ')[1]);
                var answer = bytes[(headEnd + 4)..];
                if (status == 101 || (ContentLength(head) is { } length && answer.Length >= length))
                    return new Response(status, head, Encoding.UTF8.GetString(answer));
                if (head.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase) && Dechunk(answer) is { } whole)
                    return new Response(status, head, whole);
            }
            var read = await stream.ReadAsync(buffer, timeout.Token);
            Assert.That(read, Is.Not.Zero, $"the server closed the connection before a whole answer; it sent: {Encoding.UTF8.GetString(bytes)}");
            received.Write(buffer, 0, read);
        }
    }

    static int? ContentLength(string head) =>
        head.Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)) is { } line
            ? int.Parse(line["Content-Length:".Length..].Trim())
            : null;

    /// <summary>The body of a chunked answer, or null while its last chunk has not arrived.</summary>
    static string? Dechunk(byte[] body)
    {
        var text = new MemoryStream();
        var at = 0;
        while (true)
        {
            var lineEnd = body.AsSpan(at).IndexOf("\r\n"u8);
            if (lineEnd < 0)
                return null;
            var size = Convert.ToInt32(Encoding.ASCII.GetString(body, at, lineEnd), 16);
            if (size == 0)
                return Encoding.UTF8.GetString(text.ToArray());
            var dataStart = at + lineEnd + 2;
            if (dataStart + size + 2 > body.Length)
                return null;
            text.Write(body, dataStart, size);
            at = dataStart + size + 2;
        }
    }
}
