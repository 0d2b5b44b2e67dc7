using Serilog.Events;

namespace Serilog.Sinks.MemStream.Store;

/// <summary>One stored entry as read from disk.</summary>
internal sealed record StoredEntry(string Family, byte[] IdForm, long Sequence, byte[] Value)
{
    public bool IsValid => StoredEventCodec.TryReadHeader(Value, out _, out _);

    /// <summary>True for a trace's entry that refers to its events (stored under their own keys).</summary>
    public bool IsReference => StoredReference.TryRead(Value, out _, out _);

    /// <summary>True for an entry keyed by a correlation id (not a trace's references, nor an event with no correlation id).</summary>
    public bool IsCorrelationKeyed => StoreKey.IsCorrelationIdForm(IdForm);

    public LogEventLevel Level => StoredEventCodec.TryReadHeader(Value, out var level, out _) ? level : LogEventLevel.Verbose;

    public bool IsLive => (StoredEventCodec.TryReadHeader(Value, out _, out var expiresAt) || StoredReference.TryRead(Value, out expiresAt, out _))
        && expiresAt > DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public bool TryDecode(out LogEvent? logEvent) => StoredEventCodec.TryDecode(Value, out logEvent);
}
