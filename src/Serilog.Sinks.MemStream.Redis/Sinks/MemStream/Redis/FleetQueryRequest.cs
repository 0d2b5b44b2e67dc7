using System.Text.Json;
using Serilog.Events;

namespace Serilog.Sinks.MemStream.Redis;

/// <summary>A fleet query as it travels through Redis: who asks (the reply channel's id) and what.</summary>
internal sealed record FleetQueryRequest(string Request, string Id, LogEventLevel MinLevel, int Limit)
{
    const int MaxMessageBytes = 64 * 1024;
    const int MaxLimit = 10_000;
    const int MaxIdLength = 4096;

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(new Message(Request, Id, MinLevel.ToString(), Limit));

    /// <summary>
    /// Reads a request from the channel; null for anything else (another version's message, or garbage), never
    /// an exception. Its reply channel's id is a GUID's 32 hex digits, as MemStream makes it, so that a request
    /// cannot point the answers at a channel of its sender's choosing.
    /// </summary>
    public static FleetQueryRequest? TryRead(ReadOnlySpan<byte> json)
    {
        if (json.Length > MaxMessageBytes)
            return null;
        try
        {
            var message = JsonSerializer.Deserialize<Message>(json);
            if (message is not { Request.Length: 32, Id.Length: > 0 and <= MaxIdLength, Limit: > 0 } || !message.Request.All(char.IsAsciiHexDigitLower)
                || !Enum.TryParse<LogEventLevel>(message.MinLevel, ignoreCase: false, out var level) || !Enum.IsDefined(level))
                return null;
            return new FleetQueryRequest(message.Request, message.Id, level, Math.Min(message.Limit, MaxLimit));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // The id is asked as MemStream.Query asks it: a correlation id, or a trace id when it is one.
    sealed record Message(string Request, string Id, string MinLevel, int Limit);
}
