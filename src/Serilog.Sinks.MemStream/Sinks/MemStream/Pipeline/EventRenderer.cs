using System.Buffers;
using System.Globalization;
using System.Text;
using Serilog.Debugging;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Sinks.MemStream.Rendering;

namespace Serilog.Sinks.MemStream.Pipeline;

/// <summary>
/// Renders events to UTF-8 with the sink's formatter, on the sink's worker and, when the worker lags,
/// on the threads that log (see <c>MemStreamSink</c>). Only formatters known to be safe on many threads
/// at once (<see cref="RendersOnCallingThread"/>: Serilog's own and the sink's) are used that way; any
/// other one renders on the worker alone. A value whose <c>ToString</c> throws does not lose the event:
/// it is replaced by a marker (<see cref="FailingValueMarker"/>) before rendering, and the marked event is
/// what the buffer, subscribers, store and fleet get. A formatter that throws all the same does not lose
/// it either: it is kept with a plain fallback rendering, and the failure goes to SelfLog.
/// </summary>
/// <remarks>
/// Why the threads that log help: a burst queued as <see cref="LogEvent"/>s outlives the first gen0
/// collections and the GC copies the whole backlog (measured: 33-63% of a burst in GC pauses, against
/// 5-13% for File). User code a formatter calls (a type's <c>ToString</c>, an expression template's
/// functions) may then run on several logging threads at once, as it does in any sink that renders
/// on the caller.
/// </remarks>
internal sealed class EventRenderer
{
    const int RetainedWriterCapacity = 64 * 1024;
    // Serilog's own formatters: immutable once built, so any number of threads may share them. (The sink's
    // own OutputTemplateFormatter is named below; its wrapper for custom format providers is not.)
    static readonly HashSet<string> ThreadSafeAssemblies = new(StringComparer.Ordinal)
    {
        "Serilog", "Serilog.Formatting.Compact", "Serilog.Expressions",
    };

    // One writer per thread, taken out while in use, so that a formatter that logs (and so renders again
    // on the same thread) gets a fresh writer rather than one half written.
    [ThreadStatic] static StringWriter? _spareWriter;
    [ThreadStatic] static int _renderingDepth;

    readonly ITextFormatter _formatter;

    public EventRenderer(ITextFormatter formatter)
    {
        _formatter = formatter;
        RendersOnCallingThread = formatter is OutputTemplateFormatter
            || ThreadSafeAssemblies.Contains(formatter.GetType().Assembly.GetName().Name ?? "");
    }

    /// <summary>Whether <see cref="Render"/> may run on the application's threads, concurrently.</summary>
    public bool RendersOnCallingThread { get; }

    /// <summary>Whether this thread is inside a rendering (a formatter that logs is rendering now).</summary>
    public static bool IsRenderingOnThisThread => _renderingDepth > 0;

    public RenderedEvent Render(LogEvent logEvent)
    {
        var writer = _spareWriter ?? NewWriter();
        _spareWriter = null;
        var text = writer.GetStringBuilder();
        text.Clear();
        var failure = RenderFailure.None;
        _renderingDepth++;
        try
        {
            // Inside the rendering: a ToString that logs is then treated as a formatter that logs.
            if (FailingValueMarker.Replace(logEvent) is { } marked)
            {
                logEvent = marked;
                failure = RenderFailure.ValueMarked;
            }
            _formatter.Format(logEvent, writer);
        }
        catch (Exception ex)
        {
            SelfLog.WriteLine("MemStream: the formatter failed on an event and a fallback rendering was kept: {0}", ex);
            text.Clear();
            text.Append(FallbackRendering(logEvent, ex));
            failure = RenderFailure.FormatterFailed;
        }
        finally
        {
            _renderingDepth--;
        }

        var bytes = Encode(text);
        // One huge event should not pin a huge builder for the thread's lifetime.
        if (text.Capacity <= RetainedWriterCapacity)
            _spareWriter = writer;
        return new RenderedEvent(logEvent, bytes, failure);
    }

    static byte[] Encode(StringBuilder text)
    {
        var chars = ArrayPool<char>.Shared.Rent(Math.Max(text.Length, 1));
        try
        {
            text.CopyTo(0, chars, 0, text.Length);
            var span = chars.AsSpan(0, text.Length);
            var bytes = new byte[Encoding.UTF8.GetByteCount(span)];
            Encoding.UTF8.GetBytes(span, bytes);
            return bytes;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    static string FallbackRendering(LogEvent logEvent, Exception formatterFailure) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{logEvent.Timestamp:O} [{logEvent.Level}] {logEvent.MessageTemplate.Text} (MemStream could not render this event: {formatterFailure.GetType().Name}: {formatterFailure.Message}){Environment.NewLine}");

    static StringWriter NewWriter() => new(new StringBuilder(256), CultureInfo.InvariantCulture);
}
