using System.Collections.Concurrent;
using Serilog.Events;

namespace Serilog.Sinks.MemStream;

/// <summary>
/// The request paths of MemStream's own endpoints (each route exactly, so endpoints mapped at the app's root quiet
/// only themselves), per sink name: the events an ASP.NET Core host logs while it
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
    volatile string[] _paths = [];

    /// <summary>The quiet paths of the sink with this name (null: the default sink), shared by the sink and the endpoints.</summary>
    public static QuietRequestPaths For(string? sinkName) => BySink.GetOrAdd(sinkName ?? "", _ => new QuietRequestPaths());

    /// <summary>Quiets requests for <paramref name="paths"/> (such as <c>/memstream/status</c>; a trailing slash does not count) until the returned registration is disposed.</summary>
    public IDisposable Add(IEnumerable<string> paths)
    {
        var normalized = paths.Select(path => path.TrimEnd('/')).ToArray();
        lock (_changing)
            _paths = [.. _paths, .. normalized];
        return new Registration(this, normalized);
    }

    /// <summary>Whether the event was logged while serving a request for a quiet path.</summary>
    public bool Covers(LogEvent logEvent)
    {
        var paths = _paths;
        if (paths.Length == 0
            || !logEvent.Properties.TryGetValue(RequestPathProperty, out var value)
            || value is not ScalarValue { Value: string path })
            return false;
        var trimmed = path.AsSpan().TrimEnd('/');
        foreach (var quiet in paths)
        {
            // Routing ignores case, so /MemStream/status is served by /memstream's endpoints.
            if (trimmed.Equals(quiet, StringComparison.OrdinalIgnoreCase))
                return true;
        }
        return false;
    }

    void Remove(string[] removed)
    {
        lock (_changing)
        {
            var list = _paths.ToList();
            foreach (var path in removed)
                list.Remove(path);
            _paths = [.. list];
        }
    }

    sealed class Registration(QuietRequestPaths owner, string[] paths) : IDisposable
    {
        int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
                owner.Remove(paths);
        }
    }
}
