using System.Reflection;

namespace Serilog.Sinks.MemStream.Redis;

/// <summary>
/// How an instance takes part in its app's fleet. Set in <c>AddMemStreamFleet(..., o => ...)</c> or bound
/// from configuration (<c>services.Configure&lt;MemStreamFleetOptions&gt;(section)</c>); checked when the app
/// starts, with errors that name the option.
/// </summary>
public sealed class MemStreamFleetOptions
{
    /// <summary>The fleet's name: instances with the same name share one stream. Default: the entry assembly's name.</summary>
    public string? App { get; set; }

    /// <summary>This instance's name in the fleet. Default: the machine name and the process id (<c>web-1/4242</c>).</summary>
    public string? InstanceId { get; set; }

    /// <summary>Which sink the fleet publishes and queries: its <c>name</c>, or null for the default sink.</summary>
    public string? SinkName { get; set; }

    /// <summary>About how many events the stream keeps: it is trimmed in entries (one per publish batch), each instance sizing the trim by the events its entries carried of late. Default 100,000.</summary>
    public int StreamLength { get; set; } = 100_000;

    /// <summary>How long a fleet query waits for the instances' answers. Default 2 s.</summary>
    public TimeSpan QueryTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often an instance says it is alive; it leaves <c>/instances</c> after three missed heartbeats. Default 5 s.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The most events waiting to be published; beyond it the oldest are dropped and counted. Default 10,000.</summary>
    public int PublishQueueCapacity { get; set; } = 10_000;

    /// <summary>A checked copy with the defaults filled in.</summary>
    internal MemStreamFleetOptions Resolve()
    {
        var app = App ?? Assembly.GetEntryAssembly()?.GetName().Name ?? "app";
        var instance = InstanceId ?? $"{Environment.MachineName}/{Environment.ProcessId}";
        Require(nameof(App), app);
        Require(nameof(InstanceId), instance);
        if (StreamLength < 1)
            throw new ArgumentOutOfRangeException(nameof(StreamLength), StreamLength, "The stream length must be at least 1 event.");
        if (PublishQueueCapacity < 1)
            throw new ArgumentOutOfRangeException(nameof(PublishQueueCapacity), PublishQueueCapacity, "The publish queue capacity must be at least 1 event.");
        if (QueryTimeout <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(QueryTimeout), QueryTimeout, "The query timeout must be a positive time span, such as \"00:00:02\".");
        if (HeartbeatInterval < TimeSpan.FromMilliseconds(100))
            throw new ArgumentOutOfRangeException(nameof(HeartbeatInterval), HeartbeatInterval, "The heartbeat interval must be at least 100 ms, such as \"00:00:05\".");
        return new MemStreamFleetOptions
        {
            App = app,
            InstanceId = instance,
            SinkName = SinkName,
            StreamLength = StreamLength,
            QueryTimeout = QueryTimeout,
            HeartbeatInterval = HeartbeatInterval,
            PublishQueueCapacity = PublishQueueCapacity,
        };
    }

    /// <summary>Names become parts of Redis keys and are shown on pages: printable, without braces, of a sensible length.</summary>
    internal static bool IsValidName(string? value) =>
        value is { Length: > 0 and <= 200 } && !value.Any(c => char.IsControl(c) || c is '{' or '}' || char.IsWhiteSpace(c));

    static void Require(string option, string value)
    {
        if (!IsValidName(value))
            throw new ArgumentException($"The fleet's {option} must be 1 to 200 printable characters without spaces or braces; got '{value}'.", option);
    }
}
