namespace Serilog.Sinks.MemStream.AspNetCore;

/// <summary>
/// How many requests that read this instance's stored events (a query page, a download, the list of correlation
/// ids, a search, problems) run at once (fleet queries have a limit of their own) for one registration of the endpoints. Each may decode and hold a few MiB; past the limit a
/// request is refused at once with 503 and the reason, rather than queued, so that a burst of heavy queries
/// cannot starve the application's own requests (or its health check) of threads and memory.
/// </summary>
internal sealed class QueryGate(int maxConcurrent)
{
    int _running;

    public int MaxConcurrent { get; } = maxConcurrent;

    /// <summary>A place, released when disposed; null when all are taken.</summary>
    Place? TryEnter()
    {
        if (Interlocked.Increment(ref _running) <= MaxConcurrent)
            return new Place(this);
        Interlocked.Decrement(ref _running);
        return null;
    }

    /// <summary>A place, released when disposed; null, with the request answered 503 and the reason, when all are taken.</summary>
    public async Task<Place?> EnterOrRefuseAsync(Microsoft.AspNetCore.Http.HttpContext context)
    {
        if (TryEnter() is { } place)
            return place;
        await PlainTextAnswer.WriteAsync(context, Microsoft.AspNetCore.Http.StatusCodes.Status503ServiceUnavailable, Refusal);
        return null;
    }

    public string Refusal => $"{MaxConcurrent} queries of stored events are under way, the most this application answers at once; try again in a moment.";

    public sealed class Place(QueryGate gate) : IDisposable
    {
        int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
                Interlocked.Decrement(ref gate._running);
        }
    }
}
