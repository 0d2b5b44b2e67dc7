using Serilog.Core;
using Serilog.Formatting;
using Serilog.Formatting.Display;

namespace Serilog.Sinks.MemStream.Tests.Support;

/// <summary>
/// A sink under test, created through <c>WriteTo.MemStream</c> with a unique name and no store,
/// read through the facade as users read it. Disposing it disposes the logger and so the sink.
/// </summary>
sealed class TestSink : IDisposable
{
    public const string MessageOnly = "{Message:lj}{NewLine}";

    TestSink(string name, Logger logger)
    {
        Name = name;
        Logger = logger;
        Facade = MemStream.Named(name);
    }

    public string Name { get; }

    public Logger Logger { get; }

    public MemStreamInstance Facade { get; }

    /// <summary>The sink itself, for its internal knobs and counters.</summary>
    public MemStreamSink Sink => SinkRegistry.Resolve(Name) ?? throw new InvalidOperationException($"The sink {Name} is not live.");

    public static TestSink Create(int bufferSize = 16384, int queueLimit = 65536, int subscriberCapacity = 1024, string outputTemplate = MessageOnly) =>
        Create(new MessageTemplateTextFormatter(outputTemplate), bufferSize, queueLimit, subscriberCapacity);

    public static TestSink Create(ITextFormatter formatter, int bufferSize = 16384, int queueLimit = 65536, int subscriberCapacity = 1024)
    {
        var name = Some.UniqueName();
        var logger = new LoggerConfiguration()
            .MinimumLevel.Verbose()
            .WriteTo.MemStream(formatter, bufferSize: bufferSize, durable: false, name: name,
                queueLimit: queueLimit, subscriberCapacity: subscriberCapacity)
            .CreateLogger();
        return new TestSink(name, logger);
    }

    public void Dispose() => Logger.Dispose();
}
