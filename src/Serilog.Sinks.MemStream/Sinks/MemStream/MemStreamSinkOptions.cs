namespace Serilog.Sinks.MemStream;

/// <summary>
/// The validated settings of one sink. Each check names the configuration argument it rejects, so
/// a mistake in code or in appsettings.json fails at configuration time with a clear message.
/// </summary>
internal sealed class MemStreamSinkOptions
{
    public const int DefaultBufferSize = 16 * 1024;
    public const int DefaultQueueLimit = 65_536;
    public const int DefaultSubscriberCapacity = 1024;
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
        int subscriberCapacity = DefaultSubscriberCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bufferSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(queueLimit);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(subscriberCapacity);
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
    }

    public int BufferSize { get; }

    public bool Durable { get; }

    public string? StorePath { get; }

    public TimeSpan Retention { get; }

    public string CorrelationIdProperty { get; }

    public string? Name { get; }

    public int QueueLimit { get; }

    public int SubscriberCapacity { get; }
}
