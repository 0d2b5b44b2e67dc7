using System.Globalization;

namespace Serilog.Sinks.MemStream.Rendering;

/// <summary>
/// Writes an output template's {Timestamp} as Serilog does (its format, the format provider or else
/// the invariant culture), without the string Serilog allocates. The default template's format is
/// written digit by digit: .NET's general custom-format path costs several times the rest of a line.
/// </summary>
internal sealed class TimestampWriter
{
    const string DefaultFormat = "yyyy-MM-dd HH:mm:ss.fff zzz";
    readonly string? _format;
    readonly IFormatProvider _provider;
    readonly bool _writeDigits;

    public TimestampWriter(string? format, IFormatProvider? formatProvider)
    {
        _format = format;
        _provider = formatProvider ?? CultureInfo.InvariantCulture;
        // ':' in a custom format is the culture's time separator, and 'yyyy' counts in its calendar. Any
        // other provider would be asked for them at each rendering, on the worker's culture: left to .NET.
        _writeDigits = format == DefaultFormat
            && _provider is CultureInfo or DateTimeFormatInfo
            && DateTimeFormatInfo.GetInstance(_provider) is { TimeSeparator: ":", Calendar: GregorianCalendar };
    }

    public void Write(DateTimeOffset timestamp, TextWriter output)
    {
        Span<char> buffer = stackalloc char[64];
        if (_writeDigits)
            output.Write(buffer[..WriteDefaultFormat(timestamp, buffer)]);
        else if (timestamp.TryFormat(buffer, out var written, _format, _provider))
            output.Write(buffer[..written]);
        else
            output.Write(timestamp.ToString(_format, _provider));
    }

    static int WriteDefaultFormat(DateTimeOffset timestamp, Span<char> buffer)
    {
        var clock = timestamp.DateTime;
        var offset = timestamp.Offset;
        var (year, month, day) = clock;
        Digits(buffer[..4], year);
        buffer[4] = '-';
        Digits(buffer.Slice(5, 2), month);
        buffer[7] = '-';
        Digits(buffer.Slice(8, 2), day);
        buffer[10] = ' ';
        Digits(buffer.Slice(11, 2), clock.Hour);
        buffer[13] = ':';
        Digits(buffer.Slice(14, 2), clock.Minute);
        buffer[16] = ':';
        Digits(buffer.Slice(17, 2), clock.Second);
        buffer[19] = '.';
        Digits(buffer.Slice(20, 3), clock.Millisecond);
        buffer[23] = ' ';
        buffer[24] = offset < TimeSpan.Zero ? '-' : '+';
        Digits(buffer.Slice(25, 2), Math.Abs(offset.Hours));
        buffer[27] = ':';
        Digits(buffer.Slice(28, 2), Math.Abs(offset.Minutes));
        return 30;
    }

    static void Digits(Span<char> target, int value)
    {
        for (var i = target.Length - 1; i >= 0; i--)
        {
            target[i] = (char)('0' + value % 10);
            value /= 10;
        }
    }
}
