namespace Serilog.Sinks.MemStream.AspNetCore;

/// <summary>Counts the tail's connected clients against the limit, for one registration of the endpoint.</summary>
internal sealed class ClientLimiter(int maxClients)
{
    int _connected;

    public bool TryEnter()
    {
        if (Interlocked.Increment(ref _connected) <= maxClients)
            return true;
        Interlocked.Decrement(ref _connected);
        return false;
    }

    public void Exit() => Interlocked.Decrement(ref _connected);
}
