using System.Globalization;
using Serilog.Events;
using Serilog.Formatting.Display;
using Serilog.Formatting.Json;
using Serilog.Parsing;

namespace Serilog.Sinks.MemStream.Rendering;

/// <summary>
/// Writes an output template's {Message} as Serilog does: <c>l</c> writes strings unquoted, <c>j</c>
/// writes values without a format of their own as JSON, a missing property as its raw token. Strings
/// and finite numbers are written directly; every other value by Serilog's own rendering, and a
/// message that pads a property by Serilog's formatter.
/// </summary>
internal sealed class MessageWriter
{
    static readonly JsonValueFormatter Json = new("$type");
    readonly bool _literal;
    readonly bool _json;
    readonly IFormatProvider? _formatProvider;
    readonly MessageTemplateTextFormatter _serilogs;

    public MessageWriter(string? format, IFormatProvider? formatProvider)
    {
        _literal = format?.Contains('l') == true;
        _json = format?.Contains('j') == true;
        _formatProvider = formatProvider;
        _serilogs = new MessageTemplateTextFormatter(format is null ? "{Message}" : $"{{Message:{format}}}", formatProvider);
    }

    public void Write(LogEvent logEvent, TextWriter output)
    {
        var tokens = logEvent.MessageTemplate.Tokens as MessageTemplateToken[] ?? logEvent.MessageTemplate.Tokens.ToArray();
        if (HasPadding(tokens))
        {
            _serilogs.Format(logEvent, output);
            return;
        }

        foreach (var token in tokens)
        {
            if (token is TextToken text)
                output.Write(text.Text);
            else if (token is PropertyToken property)
                WriteProperty(property, logEvent.Properties, output);
        }
    }

    void WriteProperty(PropertyToken property, IReadOnlyDictionary<string, LogEventPropertyValue> properties, TextWriter output)
    {
        if (!properties.TryGetValue(property.PropertyName, out var value))
        {
            output.Write(property.ToString());
            return;
        }

        if (_literal && value is ScalarValue { Value: string literal })
            output.Write(literal);
        else if (_json && property.Format is null)
        {
            if (!TryWriteNumber(value, output, format: null))
                Json.Format(value, output);
        }
        else if (_formatProvider is not null || !TryWriteNumber(value, output, property.Format))
            value.Render(output, property.Format, _formatProvider);
    }

    /// <summary>
    /// Writes an integer or a finite double in the invariant culture, as Serilog does with no format
    /// provider; false for any other value, and for a format too long for the buffer.
    /// </summary>
    static bool TryWriteNumber(LogEventPropertyValue value, TextWriter output, string? format)
    {
        if (value is not ScalarValue scalar)
            return false;
        Span<char> buffer = stackalloc char[64];
        var written = 0;
        var done = scalar.Value switch
        {
            int number => number.TryFormat(buffer, out written, format, CultureInfo.InvariantCulture),
            long number => number.TryFormat(buffer, out written, format, CultureInfo.InvariantCulture),
            double number => double.IsFinite(number) && number.TryFormat(buffer, out written, format, CultureInfo.InvariantCulture),
            _ => false,
        };
        if (done)
            output.Write(buffer[..written]);
        return done;
    }

    static bool HasPadding(MessageTemplateToken[] tokens)
    {
        foreach (var token in tokens)
        {
            if (token is PropertyToken { Alignment: not null })
                return true;
        }
        return false;
    }
}
