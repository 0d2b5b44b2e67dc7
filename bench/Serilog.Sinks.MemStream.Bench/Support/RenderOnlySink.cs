using System.Globalization;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

namespace Serilog.Sinks.MemStream.Bench.Support;

/// <summary>
/// The floor for rendering: the same formatter into one reused in-memory writer and nothing else.
/// Not thread-safe by design of a floor, so it takes a lock when several threads log.
/// </summary>
internal sealed class RenderOnlySink(ITextFormatter formatter) : ILogEventSink
{
    readonly StringWriter _writer = new(CultureInfo.InvariantCulture);

    public void Emit(LogEvent logEvent)
    {
        lock (_writer)
        {
            _writer.GetStringBuilder().Clear();
            formatter.Format(logEvent, _writer);
        }
    }
}
