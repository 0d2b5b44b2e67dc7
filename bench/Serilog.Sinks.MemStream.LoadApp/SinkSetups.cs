using Serilog;

namespace Serilog.Sinks.MemStream.LoadApp;

/// <summary>The sink set-ups the benchmark compares, each as a user would configure it.</summary>
static class SinkSetups
{
    public static readonly string[] Names = ["none", "file", "async-file", "memstream-memory", "memstream", "memstream-no-trace-index", "memstream-fleet"];

    /// <summary>The environment variable that gives the fleet set-up its Redis (the benchmark starts one).</summary>
    public const string RedisVariable = "MEMSTREAM_BENCH_REDIS";

    public static LoggerConfiguration Configure(string setup, string folder, LoggerConfiguration configuration) => setup switch
    {
        "none" => configuration,
        "file" => configuration.WriteTo.File(Path.Combine(folder, "log.txt"), buffered: true),
        "async-file" => configuration.WriteTo.Async(a => a.File(Path.Combine(folder, "log.txt"), buffered: true)),
        "memstream-memory" => configuration.WriteTo.MemStream(durable: false),
        "memstream" or "memstream-fleet" => configuration.WriteTo.MemStream(storePath: Path.Combine(folder, "store")),
        "memstream-no-trace-index" => configuration.WriteTo.MemStream(storePath: Path.Combine(folder, "store"), indexTraceId: false),
        _ => throw new ArgumentException($"The set-up must be one of {string.Join(", ", Names)}; got '{setup}'.", nameof(setup)),
    };

    /// <summary>The fleet set-up joins a fleet as a user would: <c>AddMemStreamFleet</c> with the Redis the benchmark started.</summary>
    public static void AddServices(string setup, IServiceCollection services)
    {
        if (setup == "memstream-fleet")
            services.AddMemStreamFleet(Environment.GetEnvironmentVariable(RedisVariable) ?? throw new InvalidOperationException($"The fleet set-up needs {RedisVariable}, the Redis to use."),
                o => o.App = "loadapp-" + Guid.NewGuid().ToString("N"));
    }
}
