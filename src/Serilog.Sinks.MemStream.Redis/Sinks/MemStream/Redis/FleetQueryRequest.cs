using System.Globalization;
using System.Text.Json;
using Serilog.Events;

namespace Serilog.Sinks.MemStream.Redis;

/// <summary>A fleet query as it travels through Redis: who asks (the reply channel's id) and what (every criterion of the query record).</summary>
internal sealed record FleetQueryRequest(string Request, MemStreamQuery Query)
{
    const int MaxMessageBytes = 64 * 1024;
    const int MaxIdLength = 4096;

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(new Message(Request, Query.Id, Query.MinLevel.ToString(), Query.Limit,
        Query.From?.ToString("O", CultureInfo.InvariantCulture), Query.To?.ToString("O", CultureInfo.InvariantCulture), Query.Filter, Query.Text, Query.Template));

    /// <summary>
    /// Reads a request from the channel; null for anything else (another version's message, or garbage), never an
    /// exception. Its reply channel's id is a GUID's 32 hex digits, as MemStream makes it, so that a request cannot point
    /// the answers at a channel of its sender's choosing. Its lengths are bounded here; the rest of the query (its filter
    /// compiled) is checked when it is answered, off Redis's thread, and a query that does not check gets no answer.
    /// </summary>
    public static FleetQueryRequest? TryRead(ReadOnlySpan<byte> json)
    {
        if (json.Length > MaxMessageBytes)
            return null;
        try
        {
            var message = JsonSerializer.Deserialize<Message>(json);
            if (message is not { Request.Length: 32, Limit: > 0 } || message.Id is { Length: 0 or > MaxIdLength } || !message.Request.All(char.IsAsciiHexDigitLower)
                || !Enum.TryParse<LogEventLevel>(message.MinLevel, ignoreCase: false, out var level) || !Enum.IsDefined(level)
                || !TryReadTime(message.From, out var from) || !TryReadTime(message.To, out var to)
                || message.Filter is { Length: > MemStreamQuery.MaxFilterLength } || message.Text is { Length: > MemStreamQuery.MaxTextLength }
                || message.Template is { Length: > MemStreamQuery.MaxTemplateLength })
                return null;
            return new FleetQueryRequest(message.Request, new MemStreamQuery
            {
                Id = message.Id,
                MinLevel = level,
                Limit = Math.Min(message.Limit, MemStreamQuery.MaxLimit),
                From = from,
                To = to,
                Filter = message.Filter,
                Text = message.Text,
                Template = message.Template,
            });
        }
        catch (JsonException)
        {
            return null;
        }
    }

    static bool TryReadTime(string? text, out DateTimeOffset? time)
    {
        time = null;
        if (text is null)
            return true;
        if (text.Length > 64 || !DateTimeOffset.TryParseExact(text, "O", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
            return false;
        time = parsed;
        return true;
    }

    // The id is asked as MemStream.Search asks it: a correlation id, or a trace id when it is one; none for a search of every id.
    sealed record Message(string Request, string? Id, string MinLevel, int Limit, string? From = null, string? To = null, string? Filter = null, string? Text = null,
        string? Template = null);
}
