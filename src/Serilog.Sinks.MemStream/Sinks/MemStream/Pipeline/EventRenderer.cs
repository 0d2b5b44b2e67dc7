using System.Buffers;
using System.Globalization;
using System.Text;
using Serilog.Debugging;
using Serilog.Events;
using Serilog.Formatting;

namespace Serilog.Sinks.MemStream.Pipeline;

/// <summary>
/// Renders events to UTF-8 with the sink's formatter, reusing one writer. Used only by the sink's
/// worker thread. A formatter that throws does not lose the event: it is kept with a plain
/// fallback rendering, and the failure goes to SelfLog.
/// </summary>
internal sealed class EventRenderer
{
    const int RetainedWriterCapacity = 64 * 1024;
    readonly ITextFormatter _formatter;
    StringWriter _writer = NewWriter();

    public EventRenderer(ITextFormatter formatter)
    {
        _formatter = formatter;
    }

    public byte[] Render(LogEvent logEvent)
    {
        var text = _writer.GetStringBuilder();
        text.Clear();
        try
        {
            _formatter.Format(logEvent, _writer);
        }
        catch (Exception ex)
        {
            SelfLog.WriteLine("MemStream: the formatter failed on an event and a fallback rendering was kept: {0}", ex);
            text.Clear();
            text.Append(FallbackRendering(logEvent, ex));
        }

        var bytes = Encode(text);
        // One huge event should not pin a huge builder for the sink's lifetime.
        if (text.Capacity > RetainedWriterCapacity)
            _writer = NewWriter();
        return bytes;
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
