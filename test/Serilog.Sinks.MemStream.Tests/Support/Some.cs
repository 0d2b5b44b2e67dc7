using Serilog.Events;
using Serilog.Parsing;

namespace Serilog.Sinks.MemStream.Tests.Support;

/// <summary>Builds log events for tests.</summary>
static class Some
{
    static readonly MessageTemplateParser Parser = new();

    public static readonly DateTimeOffset FixedTimestamp = new(2026, 11, 23, 14, 5, 6, 789, TimeSpan.FromHours(1));

    public static LogEvent Event(
        string messageTemplate = "Hello {Name}",
        LogEventLevel level = LogEventLevel.Information,
        Exception? exception = null,
        DateTimeOffset? timestamp = null,
        params (string Name, object? Value)[] properties)
    {
        var eventProperties = properties
            .Select(p => new LogEventProperty(p.Name, new ScalarValue(p.Value)))
            .ToList();
        if (messageTemplate.Contains("{Name}") && eventProperties.All(p => p.Name != "Name"))
            eventProperties.Add(new LogEventProperty("Name", new ScalarValue("world")));
        return new LogEvent(timestamp ?? FixedTimestamp, level, exception, Parser.Parse(messageTemplate), eventProperties);
    }

    /// <summary>An event whose default rendering is exactly the given text (plus a newline).</summary>
    public static LogEvent Text(string text, LogEventLevel level = LogEventLevel.Information) =>
        new(FixedTimestamp, level, null, Parser.Parse(text.Replace("{", "{{").Replace("}", "}}")), []);

    public static string UniqueName() => "test-" + Guid.NewGuid().ToString("N")[..12];
}
