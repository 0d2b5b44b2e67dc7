using Serilog;

namespace Serilog.Sinks.MemStream.LoadApp;

/// <summary>The sink set-ups the benchmark compares, each as a user would configure it.</summary>
static class SinkSetups
{
    public static readonly string[] Names = ["none", "file", "async-file", "memstream-memory", "memstream", "memstream-no-trace-index"];

    public static LoggerConfiguration Configure(string setup, string folder, LoggerConfiguration configuration) => setup switch
    {
        "none" => configuration,
        "file" => configuration.WriteTo.File(Path.Combine(folder, "log.txt"), buffered: true),
        "async-file" => configuration.WriteTo.Async(a => a.File(Path.Combine(folder, "log.txt"), buffered: true)),
        "memstream-memory" => configuration.WriteTo.MemStream(durable: false),
        "memstream" => configuration.WriteTo.MemStream(storePath: Path.Combine(folder, "store")),
        "memstream-no-trace-index" => configuration.WriteTo.MemStream(storePath: Path.Combine(folder, "store"), indexTraceId: false),
        _ => throw new ArgumentException($"The set-up must be one of {string.Join(", ", Names)}; got '{setup}'.", nameof(setup)),
    };
}
