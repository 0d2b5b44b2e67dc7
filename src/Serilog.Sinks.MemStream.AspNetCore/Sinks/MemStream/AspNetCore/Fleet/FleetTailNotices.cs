namespace Serilog.Sinks.MemStream.AspNetCore;

/// <summary>
/// What the fleet has to tell one tail client while its tail runs, beside its events: that the stream lost
/// events the client had not read yet (Redis restarted without them, or trimmed them before they were read).
/// The session sends it before the next event it sends.
/// </summary>
internal sealed class FleetTailNotices
{
    string? _missed;

    /// <summary>Notes a loss; a second one before the first is sent replaces it (the client is told once).</summary>
    public void Missed(string message) => Volatile.Write(ref _missed, message);

    /// <summary>The loss to tell the client about, once; null when there is none.</summary>
    public string? TakeMissed() => Interlocked.Exchange(ref _missed, null);
}
