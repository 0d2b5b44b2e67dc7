using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Display;
using Serilog.Parsing;

namespace Serilog.Sinks.MemStream.Rendering;

/// <summary>
/// Renders an output template exactly as Serilog's <see cref="MessageTemplateTextFormatter"/> does,
/// in about half the time: the template is taken apart once into one writer per token. Tokens with
/// a cheap exact rendering (literal text, timestamp, level, new line, the message) are written
/// directly; any other token is rendered by Serilog's own formatter for that token alone. A template
/// whose output depends on the whole template ({Properties}) or that pads a token is rendered by
/// Serilog's formatter throughout. Tests compare the two outputs event by event.
/// </summary>
internal sealed class OutputTemplateFormatter : ITextFormatter
{
    readonly Action<LogEvent, TextWriter>[] _writers;

    OutputTemplateFormatter(Action<LogEvent, TextWriter>[] writers)
    {
        _writers = writers;
    }

    /// <summary>The fastest formatter that renders this template exactly as Serilog does.</summary>
    public static ITextFormatter Create(string outputTemplate, IFormatProvider? formatProvider)
    {
        var tokens = new MessageTemplateParser().Parse(outputTemplate).Tokens.ToList();
        // {Properties} leaves out the properties the rest of the template shows, so it cannot be rendered alone.
        if (tokens.OfType<PropertyToken>().Any(t => t.Alignment is not null || t.PropertyName == "Properties")
            || formatProvider?.GetFormat(typeof(ICustomFormatter)) is not null)
            return new MessageTemplateTextFormatter(outputTemplate, formatProvider);

        return new OutputTemplateFormatter(tokens.Select(t => WriterFor(t, formatProvider)).ToArray());
    }

    public void Format(LogEvent logEvent, TextWriter output)
    {
        foreach (var write in _writers)
            write(logEvent, output);
    }

    static Action<LogEvent, TextWriter> WriterFor(MessageTemplateToken token, IFormatProvider? formatProvider)
    {
        if (token is not PropertyToken property)
        {
            var text = ((TextToken)token).Text;
            return (_, output) => output.Write(text);
        }

        switch (property.PropertyName)
        {
            case "Timestamp":
                var timestamp = new TimestampWriter(property.Format, formatProvider);
                return (logEvent, output) => timestamp.Write(logEvent.Timestamp, output);
            case "Level":
                var monikers = LevelMonikers(property.ToString(), formatProvider);
                var unusualLevel = new MessageTemplateTextFormatter(property.ToString(), formatProvider);
                return (logEvent, output) =>
                {
                    if ((uint)logEvent.Level < (uint)monikers.Length)
                        output.Write(monikers[(int)logEvent.Level]);
                    else
                        unusualLevel.Format(logEvent, output); // a level cast from a number outside the enum
                };
            case "NewLine":
                return (_, output) => output.Write(Environment.NewLine);
            case "Message":
                var message = new MessageWriter(property.Format, formatProvider);
                return message.Write;
            case "Exception":
                var exception = new MessageTemplateTextFormatter(property.ToString(), formatProvider);
                return (logEvent, output) =>
                {
                    if (logEvent.Exception is not null)
                        exception.Format(logEvent, output);
                };
            default:
                return new MessageTemplateTextFormatter(property.ToString(), formatProvider).Format;
        }
    }

    /// <summary>Each level's moniker in this token's format, as Serilog's formatter renders it.</summary>
    static string[] LevelMonikers(string levelToken, IFormatProvider? formatProvider)
    {
        var formatter = new MessageTemplateTextFormatter(levelToken, formatProvider);
        var empty = new MessageTemplate([]);
        return Enum.GetValues<LogEventLevel>().Select(level =>
        {
            var text = new StringWriter();
            formatter.Format(new LogEvent(DateTimeOffset.UnixEpoch, level, null, empty, []), text);
            return text.ToString();
        }).ToArray();
    }
}
