namespace Serilog.Sinks.MemStream.AspNetCore;

/// <summary>
/// What the fleet has to tell one tail client while its tail runs, beside its events: that events may be
/// missing (the stream lost the last event the client had read, an instance could not publish some, an
/// entry could not be read), with how many when that is known. Each notice is tied to the first event the
/// client gets after the gap, and the session sends it right before that event, where the gap is.
/// </summary>
public sealed class FleetTailNotices
{
    readonly Queue<(MemStreamEvent Before, string Message, long Count)> _missed = new();

    /// <summary>The count of a gap whose size is not known (a stream keeps no count of what it trimmed).</summary>
    public const long UnknownCount = TailProtocol.UnknownCount;

    /// <summary>Notes a gap of <paramref name="count"/> events (<see cref="UnknownCount"/>: unknown) just before <paramref name="before"/>, which the client is about to be given.</summary>
    public void Missed(MemStreamEvent before, string message, long count)
    {
        lock (_missed)
            _missed.Enqueue((before, message, count));
    }

    /// <summary>The next gap to tell the client about before sending <paramref name="next"/>, once; null when there is none (left).</summary>
    internal (string Message, long Count)? TakeMissedBefore(MemStreamEvent next)
    {
        lock (_missed)
            return _missed.TryPeek(out var missed) && ReferenceEquals(missed.Before, next) ? (missed.Message, _missed.Dequeue().Count) : null;
    }
}
