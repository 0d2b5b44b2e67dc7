using System.Text.Json;
using Serilog.Sinks.MemStream.Store;

namespace Serilog.Sinks.MemStream.Tool;

/// <summary>Where <c>search</c> and <c>problems</c> read pages from: a store directory, or a running application's search endpoint.</summary>
abstract class SearchSource : IDisposable
{
    /// <summary>
    /// One page of the query: its events newest first, the next page's <c>before</c> (null at the end), how many events
    /// in the answer did not read, and what the answer said of a fleet's instances (empty otherwise).
    /// </summary>
    public abstract Task<(IReadOnlyList<FoundEvent> Events, long? Next, int Unreadable, IReadOnlyList<string> Notices)> PageAsync(MemStreamQuery query, CancellationToken cancel);

    public virtual void Dispose()
    {
    }

    /// <summary>A store directory, read-only.</summary>
    public sealed class FromStore(ReadOnlyStore store) : SearchSource
    {
        public override Task<(IReadOnlyList<FoundEvent>, long?, int, IReadOnlyList<string>)> PageAsync(MemStreamQuery query, CancellationToken cancel)
        {
            var page = store.Search(query);
            return Task.FromResult<(IReadOnlyList<FoundEvent>, long?, int, IReadOnlyList<string>)>(([.. page.Events.Select(e => new FoundEvent(e.LogEvent, null, null))], page.Next, 0, []));
        }

        public override void Dispose() => store.Dispose();
    }

    /// <summary>A running application's <c>search</c> endpoint; with <paramref name="fleet"/>, every instance's (one page, merged newest first).</summary>
    public sealed class FromUrl(Uri url, IReadOnlyList<(string Name, string Value)> headers, bool fleet) : SearchSource
    {
        readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

        public override async Task<(IReadOnlyList<FoundEvent>, long?, int, IReadOnlyList<string>)> PageAsync(MemStreamQuery query, CancellationToken cancel)
        {
            var answer = await UrlQueryCommand.GetAsync(_http, SearchUri(query), headers, cancel);
            var found = new List<FoundEvent>();
            var unreadable = 0;
            foreach (var frame in answer.GetProperty(TailProtocol.Events).EnumerateArray())
            {
                if (frame.ValueKind == JsonValueKind.Object && frame.TryGetProperty(TailProtocol.Clef, out var clef) && clef.ValueKind == JsonValueKind.Object
                    && ClefEventReader.TryRead(clef.GetRawText(), out var logEvent))
                    found.Add(new FoundEvent(logEvent!, clef.GetRawText(), StringOf(frame, TailProtocol.CorrelationId), StringOf(frame, TailProtocol.Instance)));
                else
                    unreadable++;
            }
            var next = answer.TryGetProperty("next", out var nextElement) && nextElement.ValueKind == JsonValueKind.Number ? nextElement.GetInt64() : (long?)null;
            var notices = new List<string>();
            if (answer.TryGetProperty("instances", out var instances) && instances.ValueKind == JsonValueKind.Object)
            {
                if (Strings(instances, "missing") is { Count: > 0 } missing)
                    notices.Add($"these instances did not answer in time: {string.Join(", ", missing)}");
                if (Strings(instances, "truncated") is { Count: > 0 } truncated)
                    notices.Add($"these instances had more matches than one page ({query.Limit:N0} events or about 4 MiB): {string.Join(", ", truncated)}");
            }
            return (found, next, unreadable, notices);
        }

        static string? StringOf(JsonElement frame, string name) =>
            frame.ValueKind == JsonValueKind.Object && frame.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

        static List<string> Strings(JsonElement instances, string name) =>
            instances.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array
                ? [.. list.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.String).Select(i => i.GetString()!)]
                : [];

        Uri SearchUri(MemStreamQuery query)
        {
            var builder = UrlQueryCommand.EndpointAddress(url, TailProtocol.SearchRoute);
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
            if (fleet)
                parameters.Add("fleet=true");
            builder.Query = string.Join('&', parameters);
            return builder.Uri;
        }

        public override void Dispose() => _http.Dispose();
    }
}
