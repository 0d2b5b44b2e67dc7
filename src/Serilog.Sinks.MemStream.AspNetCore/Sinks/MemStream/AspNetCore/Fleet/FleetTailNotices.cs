namespace Serilog.Sinks.MemStream.AspNetCore;

/// <summary>
/// What the fleet has to tell one tail client while its tail runs, beside its events: that the stream lost
/// the last event the client had read (Redis restarted without it, or trimmed it before the client got
/// further), so events may be missing. Each notice is tied to the first event the client gets after the
/// loss, and the session sends it right before that event, where the loss is.
/// </summary>
internal sealed class FleetTailNotices
{
    readonly Queue<(MemStreamEvent Before, string Message)> _missed = new();

    /// <summary>Notes a loss just before <paramref name="before"/>, which the client is about to be given.</summary>
    public void Missed(MemStreamEvent before, string message)
    {
        lock (_missed)
            _missed.Enqueue((before, message));
    }

    /// <summary>The loss to tell the client about before sending <paramref name="next"/>, once; null when there is none.</summary>
    public string? TakeMissedBefore(MemStreamEvent next)
    {
        lock (_missed)
            return _missed.TryPeek(out var missed) && ReferenceEquals(missed.Before, next) ? _missed.Dequeue().Message : null;
    }
}
