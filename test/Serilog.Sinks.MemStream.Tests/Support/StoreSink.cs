using Serilog.Core;
using Serilog.Events;
using Serilog.Sinks.MemStream.Store;

namespace Serilog.Sinks.MemStream.Tests.Support;

/// <summary>A named sink with its store at a given path, read through the facade.</summary>
sealed class StoreSink : IDisposable
{
    StoreSink(string name, Logger logger)
    {
        Name = name;
        Logger = logger;
        Facade = MemStream.Named(name);
    }

    public string Name { get; }

    public Logger Logger { get; }

    public MemStreamInstance Facade { get; }

    public static StoreSink Open(string storePath, TimeSpan? retention = null, Dictionary<LogEventLevel, TimeSpan>? retentionByLevel = null, string? name = null,
        bool moveDamagedStoreAside = false)
    {
        name ??= Some.UniqueName();
        var logger = new LoggerConfiguration()
            .MinimumLevel.Verbose()
            .WriteTo.MemStream(outputTemplate: "{Message}{NewLine}", storePath: storePath, name: name,
                retention: retention, retentionByLevel: retentionByLevel, moveDamagedStoreAside: moveDamagedStoreAside)
            .CreateLogger();
        return new StoreSink(name, logger);
    }

    public RocksEventStore Store => (RocksEventStore)SinkRegistry.Resolve(Name)!.Store;

    public void Log(string correlationId, string message, LogEventLevel level = LogEventLevel.Information) =>
        Logger.ForContext("CorrelationId", correlationId).Write(level, message);

    public List<string> Messages(string correlationId, LogEventLevel minLevel = LogEventLevel.Verbose) =>
        Facade.Query(correlationId, minLevel).Select(e => e.RenderMessage()).ToList();

    public void Dispose() => Logger.Dispose();
}
