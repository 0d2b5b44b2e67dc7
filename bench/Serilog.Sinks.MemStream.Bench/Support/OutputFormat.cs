using Serilog.Formatting;
using Serilog.Formatting.Compact;
using Serilog.Formatting.Display;

namespace Serilog.Sinks.MemStream.Bench.Support;

/// <summary>The two renderings compared: MemStream's default output template, and CLEF JSON.</summary>
public enum OutputFormat
{
    Text,
    Clef,
}

internal static class OutputFormats
{
    public static ITextFormatter Formatter(this OutputFormat format) => format switch
    {
        OutputFormat.Text => new MessageTemplateTextFormatter(MemStreamLoggerConfigurationExtensions.DefaultOutputTemplate),
        _ => new CompactJsonFormatter(),
    };
}
