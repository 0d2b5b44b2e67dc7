using Serilog.Configuration;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Sinks.MemStream;
using Serilog.Sinks.MemStream.Rendering;
using Serilog.Sinks.MemStream.Store;

namespace Serilog;

/// <summary>Adds <c>WriteTo.MemStream()</c> to the logger configuration.</summary>
public static class MemStreamLoggerConfigurationExtensions
{
    /// <summary>The output template used when none is given.</summary>
    public const string DefaultOutputTemplate = "{Timestamp:yyyy-MM-dd HH:mm:ss.fff zzz} [{Level:u3}] {Message:lj}{NewLine}{Exception}";

    /// <summary>
    /// Writes events to a MemStream sink that renders them with a text output template: a bounded
    /// buffer of the newest output, live subscribers, and (when <paramref name="durable"/>) a store of
    /// every event that carries a correlation id. Read it through <see cref="Sinks.MemStream.MemStream"/>.
    /// </summary>
    /// <param name="writeTo">Logger sink configuration.</param>
    /// <param name="outputTemplate">A Serilog output template for the rendered text.</param>
    /// <param name="bufferSize">The most bytes of rendered text the buffer keeps (newest whole events). Default 16384.</param>
    /// <param name="durable">Keep events that carry a correlation id (or, with <paramref name="indexTraceId"/>, a trace id) in the on-disk store. Default true.</param>
    /// <param name="storePath">The store's directory; null for <c>&lt;temp&gt;/memstream/&lt;entry assembly name&gt;</c>.</param>
    /// <param name="retention">How long stored events live; null for 24 hours.</param>
    /// <param name="correlationIdProperty">The event property that holds the correlation id. Default <c>CorrelationId</c>.</param>
    /// <param name="restrictedToMinimumLevel">The minimum level for events passed through the sink; ignored when <paramref name="levelSwitch"/> is given.</param>
    /// <param name="levelSwitch">A switch that changes the sink's minimum level at run time.</param>
    /// <param name="formatProvider">Supplies culture-specific formatting information, or null.</param>
    /// <param name="name">The instance name for <c>MemStream.Named(name)</c>; null for the default instance.</param>
    /// <param name="queueLimit">The most events waiting between <c>Emit</c> and the sink's worker; beyond it events are dropped, counted and reported to SelfLog. Default 65536, at most 16777216 (the queue is allocated up front, 24 bytes an event).</param>
    /// <param name="subscriberCapacity">The default queue capacity of each subscription, in events. Default 1024.</param>
    /// <param name="retentionByLevel">Longer (or shorter) retention from a level up, e.g. Warning: 7 days. An event gets the retention of the highest listed level at or below its own, and <paramref name="retention"/> below them all.</param>
    /// <param name="maintenanceInterval">How often the store deletes undecodable entries and compacts to return the space of expired ones; null for 1 hour.</param>
    /// <param name="storeQueueLimit">The most events waiting to be written to the store; beyond it events are not stored, counted and reported to SelfLog. Default 100000.</param>
    /// <param name="moveDamagedStoreAside">When the store's files are damaged, move the directory aside (to <c>&lt;storePath&gt;.damaged-&lt;time&gt;</c>) and start a fresh store, instead of running in memory only; at opening, or when RocksDB finds the damage while the sink runs (queued events then go to the fresh store). Default false.</param>
    /// <param name="indexTraceId">Also keep, and find by its W3C trace id, every event logged inside an <c>Activity</c> (an ASP.NET Core request, for one), even without a correlation id. Default true. With false, only events with a correlation id are stored.</param>
    /// <param name="storeMemoryBudget">The most memory, in bytes, the store's database keeps for its write buffers and block cache together (RocksDB's write buffer manager charged to one cache), shared by every sink of its path and set by the first that opens it. Default 16777216 (16 MiB), at least 4194304 (4 MiB).</param>
    /// <returns>Configuration object allowing method chaining.</returns>
    public static LoggerConfiguration MemStream(
        this LoggerSinkConfiguration writeTo,
        string outputTemplate = DefaultOutputTemplate,
        int bufferSize = MemStreamSinkOptions.DefaultBufferSize,
        bool durable = true,
        string? storePath = null,
        TimeSpan? retention = null,
        string correlationIdProperty = MemStreamSinkOptions.DefaultCorrelationIdProperty,
        LogEventLevel restrictedToMinimumLevel = LevelAlias.Minimum,
        LoggingLevelSwitch? levelSwitch = null,
        IFormatProvider? formatProvider = null,
        string? name = null,
        int queueLimit = MemStreamSinkOptions.DefaultQueueLimit,
        int subscriberCapacity = MemStreamSinkOptions.DefaultSubscriberCapacity,
        Dictionary<LogEventLevel, TimeSpan>? retentionByLevel = null,
        TimeSpan? maintenanceInterval = null,
        int storeQueueLimit = MemStreamSinkOptions.DefaultStoreQueueLimit,
        bool moveDamagedStoreAside = false,
        bool indexTraceId = true,
        long storeMemoryBudget = StoreMemory.DefaultBudgetBytes)
    {
        ArgumentNullException.ThrowIfNull(writeTo);
        ArgumentNullException.ThrowIfNull(outputTemplate);
        var formatter = OutputTemplateFormatter.Create(outputTemplate, formatProvider);
        // A culture is data; any other format provider may run the user's code, which renders on the worker only.
        if (formatProvider is not null and not System.Globalization.CultureInfo)
            formatter = new WorkerOnlyFormatter(formatter);
        return writeTo.MemStream(formatter, bufferSize, durable, storePath, retention, correlationIdProperty,
            restrictedToMinimumLevel, levelSwitch, name, queueLimit, subscriberCapacity, retentionByLevel, maintenanceInterval, storeQueueLimit, moveDamagedStoreAside, indexTraceId, storeMemoryBudget);
    }

    /// <summary>
    /// Writes events to a MemStream sink that renders them with <paramref name="formatter"/>, for
    /// example <c>new CompactJsonFormatter()</c>; otherwise the same as the output-template overload.
    /// </summary>
    /// <inheritdoc cref="MemStream(LoggerSinkConfiguration, string, int, bool, string?, TimeSpan?, string, LogEventLevel, LoggingLevelSwitch?, IFormatProvider?, string?, int, int, Dictionary{LogEventLevel, TimeSpan}?, TimeSpan?, int, bool, bool, long)" path="/param"/>
    /// <inheritdoc cref="MemStream(LoggerSinkConfiguration, string, int, bool, string?, TimeSpan?, string, LogEventLevel, LoggingLevelSwitch?, IFormatProvider?, string?, int, int, Dictionary{LogEventLevel, TimeSpan}?, TimeSpan?, int, bool, bool, long)" path="/returns"/>
    /// <param name="formatter">Renders each event to text. Serilog's formatters, Serilog.Expressions templates and CLEF may render on the logging threads when the sink's worker lags; any other formatter renders on the worker only.</param>
#pragma warning disable CS1573 // The other parameters' docs come from the output-template overload through <inheritdoc>, which the compiler does not read.
    public static LoggerConfiguration MemStream(
        this LoggerSinkConfiguration writeTo,
        ITextFormatter formatter,
        int bufferSize = MemStreamSinkOptions.DefaultBufferSize,
        bool durable = true,
        string? storePath = null,
        TimeSpan? retention = null,
        string correlationIdProperty = MemStreamSinkOptions.DefaultCorrelationIdProperty,
        LogEventLevel restrictedToMinimumLevel = LevelAlias.Minimum,
        LoggingLevelSwitch? levelSwitch = null,
        string? name = null,
        int queueLimit = MemStreamSinkOptions.DefaultQueueLimit,
        int subscriberCapacity = MemStreamSinkOptions.DefaultSubscriberCapacity,
        Dictionary<LogEventLevel, TimeSpan>? retentionByLevel = null,
        TimeSpan? maintenanceInterval = null,
        int storeQueueLimit = MemStreamSinkOptions.DefaultStoreQueueLimit,
        bool moveDamagedStoreAside = false,
        bool indexTraceId = true,
        long storeMemoryBudget = StoreMemory.DefaultBudgetBytes)
    {
        ArgumentNullException.ThrowIfNull(writeTo);
        ArgumentNullException.ThrowIfNull(formatter);
        // MemStreamSinkOptions holds the defaults and validates every argument, naming the one it rejects.
        var options = new MemStreamSinkOptions(bufferSize, durable, storePath, retention, correlationIdProperty,
            name, queueLimit, subscriberCapacity, retentionByLevel, maintenanceInterval, storeQueueLimit, moveDamagedStoreAside, indexTraceId, storeMemoryBudget);
        return writeTo.Sink(new MemStreamSink(options, formatter), restrictedToMinimumLevel, levelSwitch);
    }
#pragma warning restore CS1573
}
