using Serilog.Core;
using Serilog.Events;

namespace Serilog.Sinks.MemStream.Bench.Support;

/// <summary>Takes every event and does nothing: Serilog's own cost, the baseline "no sink".</summary>
internal sealed class NullSink : ILogEventSink
{
    public void Emit(LogEvent logEvent)
    {
    }
}
