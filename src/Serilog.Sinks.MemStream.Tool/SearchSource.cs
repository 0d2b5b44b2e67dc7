using System.Text.Json;
using Serilog.Events;
using Serilog.Sinks.MemStream.Store;

namespace Serilog.Sinks.MemStream.Tool;

/// <summary>One event a search found: the event, and as an endpoint sent it, its CLEF and the correlation id it named.</summary>
sealed record FoundEvent(LogEvent LogEvent, string? Clef, string? CorrelationId);

/// <summary>Where <c>search</c> and <c>problems</c> read pages from: a store directory, or a running application's search endpoint.</summary>
abstract class SearchSource : IDisposable
{
    /// <summary>One page of the query: its events newest first and the next page's <c>before</c> (null at the end).</summary>
    public abstract Task<(IReadOnlyList<FoundEvent> Events, long? Next, int Unreadable)> PageAsync(MemStreamQuery query, CancellationToken cancel);

    public virtual void Dispose()
    {
    }

    /// <summary>A store directory, read-only.</summary>
    public sealed class FromStore(ReadOnlyStore store) : SearchSource
    {
        public override Task<(IReadOnlyList<FoundEvent>, long?, int)> PageAsync(MemStreamQuery query, CancellationToken cancel)
        {
            var page = store.Search(query);
            return Task.FromResult<(IReadOnlyList<FoundEvent>, long?, int)>(([.. page.Events.Select(e => new FoundEvent(e.LogEvent, null, null))], page.Next, 0));
        }

        public override void Dispose() => store.Dispose();
    }

    /// <summary>A running application's <c>search</c> endpoint.</summary>
    public sealed class FromUrl(Uri url, IReadOnlyList<(string Name, string Value)> headers) : SearchSource
    {
        readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

        public override async Task<(IReadOnlyList<FoundEvent>, long?, int)> PageAsync(MemStreamQuery query, CancellationToken cancel)
        {
            var answer = await UrlQueryCommand.GetAsync(_http, SearchUri(query), headers, cancel);
            var found = new List<FoundEvent>();
            var unreadable = 0;
            foreach (var frame in answer.GetProperty(TailProtocol.Events).EnumerateArray())
            {
                if (frame.ValueKind == JsonValueKind.Object && frame.TryGetProperty(TailProtocol.Clef, out var clef) && clef.ValueKind == JsonValueKind.Object
                    && ClefEventReader.TryRead(clef.GetRawText(), out var logEvent))
                    found.Add(new FoundEvent(logEvent!, clef.GetRawText(),
                        frame.TryGetProperty(TailProtocol.CorrelationId, out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null));
                else
                    unreadable++;
            }
            var next = answer.TryGetProperty("next", out var nextElement) && nextElement.ValueKind == JsonValueKind.Number ? nextElement.GetInt64() : (long?)null;
            return (found, next, unreadable);
        }

        Uri SearchUri(MemStreamQuery query)
        {
            var builder = new UriBuilder(url) { Scheme = url.Scheme is "https" or "wss" ? "https" : "http" };
            builder.Path = builder.Path is "" or "/" ? TailProtocol.DefaultPrefix + TailProtocol.SearchRoute : builder.Path.TrimEnd('/') + TailProtocol.SearchRoute;
            var parameters = new List<string> { $"minLevel={query.MinLevel}", $"limit={query.Limit}" };
            if (query.From is { } from)
                parameters.Add("from=" + Uri.EscapeDataString(from.ToString("O")));
            if (query.To is { } to)
                parameters.Add("to=" + Uri.EscapeDataString(to.ToString("O")));
            if (!string.IsNullOrEmpty(query.Filter))
                parameters.Add("filter=" + Uri.EscapeDataString(query.Filter));
            if (!string.IsNullOrEmpty(query.Text))
                parameters.Add("text=" + Uri.EscapeDataString(query.Text));
            if (query.Before is { } before)
                parameters.Add($"before={before}");
            builder.Query = string.Join('&', parameters);
            return builder.Uri;
        }

        public override void Dispose() => _http.Dispose();
    }
}
