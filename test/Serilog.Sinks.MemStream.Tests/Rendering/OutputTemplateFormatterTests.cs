using System.Globalization;
using Serilog.Events;
using Serilog.Formatting.Display;
using Serilog.Parsing;
using Serilog.Sinks.MemStream.Rendering;

namespace Serilog.Sinks.MemStream.Tests.Rendering;

/// <summary>
/// MemStream renders output templates with its own faster formatter; these tests hold it to Serilog's
/// <see cref="MessageTemplateTextFormatter"/>, character for character, across templates, cultures,
/// timestamps and property values.
/// </summary>
public class OutputTemplateFormatterTests
{
    static readonly string[] Templates =
    [
        MemStreamLoggerConfigurationExtensions.DefaultOutputTemplate,
        "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}{Exception}",
        "{Timestamp} {Level} {Message}",
        "{Timestamp:o} {Level:w3} {Message:j} {SourceContext} {Customer:u} {Missing}{NewLine}{Exception}",
        "{Timestamp:yyyy-MM-dd HH:mm:ss.fff zzz}|{Level:t4}|{Message:l}|{CorrelationId}|{Exception}",
        "{Level,-5} {Message:lj}",
        "{Message:lj} {Properties:j}",
    ];

    static readonly string?[] Cultures = [null, "", "de-DE", "fi-FI", "th-TH", "fr-FR", "ar-SA"];

    static readonly string[] MessageTemplates =
    [
        "Order {OrderId} shipped to {Customer} in {Elapsed} ms",
        "Plain text with no properties",
        "Numbers {Long} {Negative} {Big} {Tiny} {NaN} {Infinity} {NegativeZero} {Money}",
        "Formatted {OrderId:D6} {Elapsed:0.00} {Long:N0} {When:yyyy}",
        "Padded {OrderId,8} and {Customer,-12}|",
        "Values {Quoted} {Null} {Flag} {When} {Id} {Letter} {Level}",
        "Structured {@Cart} {Items} {Lookup} {$Stringified}",
        "Missing {Absent} and {Customer}",
        "Positional {0} {1}",
    ];

    static readonly DateTimeOffset[] Timestamps =
    [
        new(2026, 11, 24, 9, 5, 7, 42, TimeSpan.Zero),
        new(2026, 1, 2, 23, 59, 59, 999, TimeSpan.FromHours(5.5)),
        new(1999, 12, 31, 0, 0, 0, 0, TimeSpan.FromHours(-8)),
        new(999, 3, 4, 5, 6, 7, 8, TimeSpan.FromMinutes(-30)),
        new DateTimeOffset(2026, 6, 30, 12, 0, 0, TimeSpan.FromHours(14)).AddTicks(1234567),
    ];

    [Test]
    public void RendersEveryTemplateExactlyAsSerilogDoes()
    {
        var compared = 0;
        foreach (var template in Templates)
            foreach (var culture in Cultures)
            {
                var provider = culture is null ? null : CultureInfo.GetCultureInfo(culture);
                var serilogs = new MessageTemplateTextFormatter(template, provider);
                var ours = OutputTemplateFormatter.Create(template, provider);
                foreach (var logEvent in Events())
                {
                    Assert.That(Render(ours, logEvent), Is.EqualTo(Render(serilogs, logEvent)),
                        $"template '{template}', culture '{culture ?? "(none)"}', message '{logEvent.MessageTemplate.Text}', timestamp {logEvent.Timestamp:O}");
                    compared++;
                }
            }
        Assert.That(compared, Is.EqualTo(Templates.Length * Cultures.Length * MessageTemplates.Length * Timestamps.Length * LogEventLevels.Length));
    }

    [Test]
    public void TakesTheFastPathForTheDefaultTemplate()
    {
        Assert.That(OutputTemplateFormatter.Create(MemStreamLoggerConfigurationExtensions.DefaultOutputTemplate, null), Is.TypeOf<OutputTemplateFormatter>());
        Assert.That(OutputTemplateFormatter.Create(MemStreamLoggerConfigurationExtensions.DefaultOutputTemplate, CultureInfo.GetCultureInfo("de-DE")), Is.TypeOf<OutputTemplateFormatter>());
    }

    [Test]
    public void LeavesTemplatesThatDependOnTheWholeTemplateOrOnPaddingToSerilog()
    {
        Assert.That(OutputTemplateFormatter.Create("{Message} {Properties}", null), Is.TypeOf<MessageTemplateTextFormatter>());
        Assert.That(OutputTemplateFormatter.Create("{Level,5} {Message}", null), Is.TypeOf<MessageTemplateTextFormatter>());
        Assert.That(OutputTemplateFormatter.Create("{Message}", new UpperCaseFormatter()), Is.TypeOf<MessageTemplateTextFormatter>());
    }

    static readonly LogEventLevel[] LogEventLevels = [.. Enum.GetValues<LogEventLevel>(), (LogEventLevel)42];

    static IEnumerable<LogEvent> Events()
    {
        var parser = new MessageTemplateParser();
        var properties = new List<LogEventProperty>
        {
            new("OrderId", new ScalarValue(42)),
            new("Customer", new ScalarValue("Zoë \"the\" customer")),
            new("Elapsed", new ScalarValue(12.5)),
            new("Long", new ScalarValue(-9_876_543_210L)),
            new("Negative", new ScalarValue(-7)),
            new("Big", new ScalarValue(1e21)),
            new("Tiny", new ScalarValue(1.0 / 3)),
            new("NaN", new ScalarValue(double.NaN)),
            new("Infinity", new ScalarValue(double.PositiveInfinity)),
            new("NegativeZero", new ScalarValue(-0.0)),
            new("Money", new ScalarValue(1234.50m)),
            new("Quoted", new ScalarValue("say \"hi\"\n")),
            new("Null", new ScalarValue(null)),
            new("Flag", new ScalarValue(true)),
            new("When", new ScalarValue(new DateTime(2026, 11, 24, 1, 2, 3, DateTimeKind.Utc))),
            new("Id", new ScalarValue(Guid.Parse("6f9619ff-8b86-d011-b42d-00cf4fc964ff"))),
            new("Letter", new ScalarValue('q')),
            new("Level", new ScalarValue(LogEventLevel.Warning)),
            new("Cart", new StructureValue([new("Total", new ScalarValue(9.99)), new("Sku", new ScalarValue("A-1"))], "Cart")),
            new("Items", new SequenceValue([new ScalarValue(1), new ScalarValue("two")])),
            new("Lookup", new DictionaryValue([new(new ScalarValue("k"), new ScalarValue(3))])),
            new("Stringified", new ScalarValue("System.Object")),
            new("0", new ScalarValue("first")),
            new("1", new ScalarValue(2)),
            new("SourceContext", new ScalarValue("Shop.Orders")),
            new("CorrelationId", new ScalarValue("order-00042")),
        };
        var exception = new InvalidOperationException("inventory offline");
        foreach (var messageTemplate in MessageTemplates)
            foreach (var timestamp in Timestamps)
                foreach (var level in LogEventLevels)
                    yield return new LogEvent(timestamp, level, level >= LogEventLevel.Error ? exception : null, parser.Parse(messageTemplate), properties);
    }

    /// <summary>The rendering, or the exception's type where a culture cannot render the date (Serilog throws too).</summary>
    static string Render(Formatting.ITextFormatter formatter, LogEvent logEvent)
    {
        var output = new StringWriter(CultureInfo.InvariantCulture);
        try
        {
            formatter.Format(logEvent, output);
        }
        catch (ArgumentOutOfRangeException ex)
        {
            return $"threw {ex.GetType().Name}";
        }
        return output.ToString();
    }

    sealed class UpperCaseFormatter : IFormatProvider, ICustomFormatter
    {
        public object? GetFormat(Type? formatType) => formatType == typeof(ICustomFormatter) ? this : null;

        public string Format(string? format, object? arg, IFormatProvider? formatProvider) => arg?.ToString()?.ToUpperInvariant() ?? "";
    }
}
