using Serilog.Events;
using Serilog.Formatting;

namespace Serilog.Sinks.MemStream.Rendering;

/// <summary>
/// Marks a formatter that must render on the sink's worker only, never on the logging threads: one
/// built around a user's format provider, whose custom formatter may not be safe on many threads.
/// </summary>
internal sealed class WorkerOnlyFormatter(ITextFormatter inner) : ITextFormatter
{
    public void Format(LogEvent logEvent, TextWriter output) => inner.Format(logEvent, output);
}
