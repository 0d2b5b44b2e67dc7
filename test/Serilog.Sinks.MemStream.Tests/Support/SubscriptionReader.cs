namespace Serilog.Sinks.MemStream.Tests.Support;

static class SubscriptionReader
{
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>Reads exactly <paramref name="count"/> events, failing the test if they do not arrive in time.</summary>
    public static async Task<List<MemStreamEvent>> ReadAsync(this MemStreamSubscription subscription, int count)
    {
        using var timeout = new CancellationTokenSource(Patience);
        var events = new List<MemStreamEvent>(count);
        while (events.Count < count)
            events.Add(await subscription.Reader.ReadAsync(timeout.Token));
        return events;
    }

    /// <summary>Everything the subscription holds right now, without waiting.</summary>
    public static List<MemStreamEvent> Drain(this MemStreamSubscription subscription)
    {
        var events = new List<MemStreamEvent>();
        while (subscription.Reader.TryRead(out var next))
            events.Add(next);
        return events;
    }
}
