using Serilog.Events;

namespace Serilog.Sinks.MemStream;

/// <summary>
/// Reads the default MemStream sink (the one configured with <c>name: null</c>) from anywhere in the
/// process; <see cref="Named"/> reads a named one. With no live sink, every call answers empty
/// (an empty list, an empty string, a completed subscription) and never throws.
/// </summary>
public static class MemStream
{
    static readonly MemStreamInstance DefaultInstance = new(null);

    /// <summary>
    /// The name of the <see cref="System.Diagnostics.Metrics.Meter"/> whose instruments count what MemStream drops,
    /// stores and sends (and, with a fleet, publishes): pass it to <c>AddMeter</c> to collect them.
    /// </summary>
    public const string MeterName = MemStreamMetrics.MeterName;

    /// <summary>The operations for the default sink.</summary>
    public static MemStreamInstance Default => DefaultInstance;

    /// <summary>The operations for the sink configured with <c>name: <paramref name="name"/></c> (null: the default sink).</summary>
    public static MemStreamInstance Named(string? name) => name is null ? DefaultInstance : new MemStreamInstance(name);

    /// <inheritdoc cref="MemStreamInstance.Query(string, LogEventLevel)"/>
    public static IReadOnlyList<LogEvent> Query(string id, LogEventLevel minLevel = LogEventLevel.Verbose) =>
        DefaultInstance.Query(id, minLevel);

    /// <inheritdoc cref="MemStreamInstance.Query(string, LogEventLevel, long, int)"/>
    public static IReadOnlyList<LogEvent> Query(string id, LogEventLevel minLevel, long after, int limit) =>
        DefaultInstance.Query(id, minLevel, after, limit);

    /// <inheritdoc cref="MemStreamInstance.QueryPage"/>
    public static IReadOnlyList<MemStreamStoredEvent> QueryPage(string id, LogEventLevel minLevel = LogEventLevel.Verbose, long after = 0, int limit = MemStreamInstance.NoLimit) =>
        DefaultInstance.QueryPage(id, minLevel, after, limit);

    /// <inheritdoc cref="MemStreamInstance.Search(MemStreamQuery)"/>
    public static MemStreamSearchPage Search(MemStreamQuery query) => DefaultInstance.Search(query);

    /// <inheritdoc cref="MemStreamInstance.CorrelationIds"/>
    public static IReadOnlyList<string> CorrelationIds() => DefaultInstance.CorrelationIds();

    /// <inheritdoc cref="MemStreamInstance.Snapshot"/>
    public static string Snapshot() => DefaultInstance.Snapshot();

    /// <inheritdoc cref="MemStreamInstance.SnapshotEvents"/>
    public static IReadOnlyList<MemStreamEvent> SnapshotEvents(long after = 0) => DefaultInstance.SnapshotEvents(after);

    /// <inheritdoc cref="MemStreamInstance.Events(long?)"/>
    public static MemStreamSubscription Events(long? after = null) => DefaultInstance.Events(after);

    /// <inheritdoc cref="MemStreamInstance.Events(long?, LogEventLevel, int?)"/>
    public static MemStreamSubscription Events(long? after, LogEventLevel minLevel, int? capacity = null) =>
        DefaultInstance.Events(after, minLevel, capacity);

    /// <inheritdoc cref="MemStreamInstance.Flush"/>
    public static void Flush() => DefaultInstance.Flush();

    /// <inheritdoc cref="MemStreamInstance.Status"/>
    public static MemStreamStatus Status() => DefaultInstance.Status();
}
