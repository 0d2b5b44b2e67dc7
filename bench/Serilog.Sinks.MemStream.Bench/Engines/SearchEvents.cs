using Serilog.Events;
using Serilog.Parsing;

namespace Serilog.Sinks.MemStream.Bench.Engines;

/// <summary>
/// The search comparison's events, each built from its index alone so that every engine gets the same ones: requests
/// of ten events (eight in flight at a time, so their events interleave as a busy app's do), about 9% Debug, 0.7%
/// Warning, 0.3% Error (with an exception), the rest Information; RequestMethod, RequestPath, StatusCode and Elapsed
/// on each. StatusCode is 500 on errors and 503 on 0.2% of Information events, so <c>StatusCode &gt;= 500</c> matches
/// about 0.5%. Timestamps are spread evenly over the <see cref="Span"/> before <paramref name="end"/> and increase
/// with the index: a search stops at the first batch written before its <c>From</c>, which assumes events are
/// written in time order and never ahead of the clock.
/// </summary>
internal sealed class SearchEvents(int count, DateTimeOffset end)
{
    public static readonly TimeSpan Span = TimeSpan.FromHours(2);
    public const string CorrelationIdProperty = "CorrelationId";
    const int EventsPerRequest = 10;
    const int RequestsInFlight = 8;

    static readonly MessageTemplateParser Parser = new();
    static readonly MessageTemplate Served = Parser.Parse("HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0000} ms");
    static readonly MessageTemplate Detail = Parser.Parse("Loaded {RequestPath} from the cache in {Elapsed} ms ({StatusCode})");
    static readonly MessageTemplate Slow = Parser.Parse("Slow request {RequestMethod} {RequestPath}: {Elapsed} ms, status {StatusCode}");
    static readonly MessageTemplate Failed = Parser.Parse("Request {RequestMethod} {RequestPath} failed with {StatusCode} after {Elapsed} ms");

    public int Count => count;

    public DateTimeOffset End => end;

    /// <summary>The request an event belongs to: blocks of eight requests whose events take turns.</summary>
    public static string CorrelationId(int index) =>
        $"req-{index / (EventsPerRequest * RequestsInFlight) * RequestsInFlight + index % RequestsInFlight:D7}";

    public LogEvent Event(int index)
    {
        var roll = Mix(index) % 1000;
        var (level, template, status) = roll switch
        {
            < 3 => (LogEventLevel.Error, Failed, 500),
            < 10 => (LogEventLevel.Warning, Slow, 429),
            < 12 => (LogEventLevel.Information, Served, 503),
            < 102 => (LogEventLevel.Debug, Detail, 200),
            _ => (LogEventLevel.Information, Served, index % 7 == 0 ? 201 : 200),
        };
        var timestamp = new DateTimeOffset(end.UtcTicks - Span.Ticks + Span.Ticks * index / count, TimeSpan.Zero);
        var exception = level == LogEventLevel.Error ? new InvalidOperationException($"Order {index} could not be read") : null;
        return new LogEvent(timestamp, level, exception, template,
        [
            new LogEventProperty("RequestMethod", new ScalarValue(index % 3 == 0 ? "POST" : "GET")),
            new LogEventProperty("RequestPath", new ScalarValue($"/api/orders/{index / EventsPerRequest % 1000}")),
            new LogEventProperty("StatusCode", new ScalarValue(status)),
            new LogEventProperty("Elapsed", new ScalarValue(Mix(index + 1) % 5000 / 10.0)),
            new LogEventProperty(CorrelationIdProperty, new ScalarValue(CorrelationId(index))),
        ]);
    }

    /// <summary>A cheap, well-spread hash of the index (levels must not follow the requests' pattern).</summary>
    static uint Mix(int index)
    {
        var x = (uint)index * 0x9E3779B1u;
        x ^= x >> 15;
        x *= 0x85EBCA77u;
        x ^= x >> 13;
        x *= 0xC2B2AE3Du;
        return x ^ (x >> 16);
    }
}
