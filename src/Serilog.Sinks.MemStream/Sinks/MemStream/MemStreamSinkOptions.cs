using Serilog.Events;
using Serilog.Sinks.MemStream.Store;

namespace Serilog.Sinks.MemStream;

/// <summary>
/// The validated settings of one sink: the one home of their defaults and checks (the public
/// <c>WriteTo.MemStream</c> overloads document them). Each check names the configuration argument it
/// rejects, so a mistake in code or in appsettings.json fails at configuration time with a clear message.
/// </summary>
internal sealed class MemStreamSinkOptions
{
    public const int DefaultBufferSize = 16 * 1024;
    public const int DefaultQueueLimit = 65_536;
    /// <summary>The sink's queue is a ring allocated up front (24 bytes a slot), so its size has a ceiling.</summary>
    public const int MaxQueueLimit = 1 << 24;
    public const int DefaultSubscriberCapacity = 1024;
    public const int DefaultStoreQueueLimit = 100_000;
    public static readonly TimeSpan DefaultMaintenanceInterval = TimeSpan.FromHours(1);
    public const string DefaultCorrelationIdProperty = "CorrelationId";
    public static readonly TimeSpan DefaultRetention = TimeSpan.FromHours(24);

    public MemStreamSinkOptions(
        int bufferSize = DefaultBufferSize,
        bool durable = true,
        string? storePath = null,
        TimeSpan? retention = null,
        string correlationIdProperty = DefaultCorrelationIdProperty,
        string? name = null,
        int queueLimit = DefaultQueueLimit,
        int subscriberCapacity = DefaultSubscriberCapacity,
        IReadOnlyDictionary<LogEventLevel, TimeSpan>? retentionByLevel = null,
        TimeSpan? maintenanceInterval = null,
        int storeQueueLimit = DefaultStoreQueueLimit,
        bool moveDamagedStoreAside = false,
        bool indexTraceId = true,
        long storeMemoryBudget = StoreMemory.DefaultBudgetBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bufferSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(queueLimit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(queueLimit, MaxQueueLimit);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(subscriberCapacity);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(storeQueueLimit);
        if (storeMemoryBudget is < StoreMemory.MinBudgetBytes or > StoreMemory.MaxBudgetBytes)
            throw new ArgumentOutOfRangeException(nameof(storeMemoryBudget), storeMemoryBudget,
                $"The store's memory budget is in bytes, from {StoreMemory.MinBudgetBytes} (4 MiB) to {StoreMemory.MaxBudgetBytes} (64 GiB); the default is {StoreMemory.DefaultBudgetBytes} (16 MiB).");
        if (maintenanceInterval is { } interval && interval <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(maintenanceInterval), interval, "The maintenance interval must be a positive time span, such as \"01:00:00\".");
        foreach (var (level, levelRetention) in retentionByLevel ?? new Dictionary<LogEventLevel, TimeSpan>())
        {
            if (levelRetention <= TimeSpan.Zero)
                throw new ArgumentOutOfRangeException(nameof(retentionByLevel), levelRetention, $"The retention for {level} must be a positive time span.");
        }
        if (retention is { } given && given <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(retention), given, "The retention must be a positive time span, such as \"1.00:00:00\" for one day.");
        if (storePath is not null && string.IsNullOrWhiteSpace(storePath))
            throw new ArgumentException("The store path must name a directory; pass null for the default location.", nameof(storePath));
        ArgumentException.ThrowIfNullOrWhiteSpace(correlationIdProperty);
        if (name is not null && string.IsNullOrWhiteSpace(name))
            throw new ArgumentException("A sink name must contain text; pass null for the default instance.", nameof(name));

        BufferSize = bufferSize;
        Durable = durable;
        StorePath = storePath;
        Retention = retention ?? DefaultRetention;
        CorrelationIdProperty = correlationIdProperty;
        Name = name;
        QueueLimit = queueLimit;
        SubscriberCapacity = subscriberCapacity;
        RetentionByLevel = retentionByLevel;
        MaintenanceInterval = maintenanceInterval ?? DefaultMaintenanceInterval;
        StoreQueueLimit = storeQueueLimit;
        MoveDamagedStoreAside = moveDamagedStoreAside;
        IndexTraceId = indexTraceId;
        StoreMemoryBudget = storeMemoryBudget;
    }

    public int BufferSize { get; }

    public bool Durable { get; }

    public string? StorePath { get; }

    public TimeSpan Retention { get; }

    public string CorrelationIdProperty { get; }

    public string? Name { get; }

    public int QueueLimit { get; }

    public int SubscriberCapacity { get; }

    public IReadOnlyDictionary<LogEventLevel, TimeSpan>? RetentionByLevel { get; }

    public TimeSpan MaintenanceInterval { get; }

    public int StoreQueueLimit { get; }

    public bool MoveDamagedStoreAside { get; }

    public bool IndexTraceId { get; }

    public long StoreMemoryBudget { get; }

    /// <summary>The store's part of these settings, with the default path resolved.</summary>
    public StoreSettings StoreSettings() => new(
        StorePath ?? StoreDirectory.DefaultPath(),
        Name,
        CorrelationIdProperty,
        new RetentionPolicy(Retention, RetentionByLevel),
        StoreQueueLimit,
        MaintenanceInterval,
        MoveDamagedStoreAside,
        IndexTraceId,
        StoreMemoryBudget);
}
