using System.Text;
using Serilog.Events;

namespace Serilog.Sinks.MemStream;

/// <summary>
/// One log event as MemStream delivers it: the sink's sequence number, the original
/// <see cref="Events.LogEvent"/> and its rendering as UTF-8 text. (Not sealed so that the ASP.NET Core package can
/// tell a fleet's events apart, with where they came from; nothing outside MemStream's own packages can derive from it.)
/// </summary>
public class MemStreamEvent
{
    internal MemStreamEvent(long sequence, LogEvent logEvent, ReadOnlyMemory<byte> utf8)
    {
        Sequence = sequence;
        LogEvent = logEvent;
        Utf8 = utf8;
    }

    /// <summary>
    /// The sink's number for this event: 1 for the first event a sink accepts, then +1 per event,
    /// in delivery order. The buffer, subscribers and the store all use the same numbers, so a
    /// reader can resume after the last number it saw.
    /// </summary>
    public long Sequence { get; }

    /// <summary>The event as Serilog produced it.</summary>
    public LogEvent LogEvent { get; }

    /// <summary>The event rendered once by the sink's output template or formatter, as UTF-8 bytes.</summary>
    public ReadOnlyMemory<byte> Utf8 { get; }

    /// <summary>The rendered text, decoded from <see cref="Utf8"/> on each call.</summary>
    public string Text => Encoding.UTF8.GetString(Utf8.Span);

    /// <inheritdoc />
    public override string ToString() => $"#{Sequence} {Text}";
}
