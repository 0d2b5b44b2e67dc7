using System.Collections.Concurrent;
using Serilog.Events;

namespace Serilog.Sinks.MemStream;

/// <summary>
/// The request paths of MemStream's own endpoints, per sink name: the events an ASP.NET Core host logs while it
/// serves them (request started and finished, routing, a page that asks for status) are not taken by the sink
/// they serve, so a console left open shows and stores nothing it caused itself. An event is recognised by the
/// <c>RequestPath</c> property that ASP.NET Core's request scope (and Serilog.AspNetCore's request logging)
/// puts on every event of a request. Registered by <c>MapMemStream</c> and <c>UseMemStreamWebSocket</c> for
/// as long as their app runs; <c>MemStreamEndpointOptions.LogOwnRequests</c> turns it off.
/// </summary>
internal sealed class QuietRequestPaths
{
    const string RequestPathProperty = "RequestPath";
    static readonly ConcurrentDictionary<string, QuietRequestPaths> BySink = new(StringComparer.Ordinal);

    readonly Lock _changing = new();
    volatile string[] _prefixes = [];

    /// <summary>The quiet paths of the sink with this name (null: the default sink), shared by the sink and the endpoints.</summary>
    public static QuietRequestPaths For(string? sinkName) => BySink.GetOrAdd(sinkName ?? "", _ => new QuietRequestPaths());

    /// <summary>Quiets requests under <paramref name="prefix"/> (such as <c>/memstream</c>) until the returned registration is disposed.</summary>
    public IDisposable Add(string prefix)
    {
        var normalized = prefix.TrimEnd('/');
        lock (_changing)
            _prefixes = [.. _prefixes, normalized];
        return new Registration(this, normalized);
    }

    /// <summary>Whether the event was logged while serving a request under a quiet prefix.</summary>
    public bool Covers(LogEvent logEvent)
    {
        var prefixes = _prefixes;
        if (prefixes.Length == 0
            || !logEvent.Properties.TryGetValue(RequestPathProperty, out var value)
            || value is not ScalarValue { Value: string path })
            return false;
        foreach (var prefix in prefixes)
        {
            // Routing ignores case, so /MemStream/status is served by /memstream's endpoints.
            if (path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && (path.Length == prefix.Length || path[prefix.Length] == '/'))
                return true;
        }
        return false;
    }

    void Remove(string prefix)
    {
        lock (_changing)
        {
            var list = _prefixes.ToList();
            list.Remove(prefix);
            _prefixes = [.. list];
        }
    }

    sealed class Registration(QuietRequestPaths paths, string prefix) : IDisposable
    {
        int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
                paths.Remove(prefix);
        }
    }
}
