using Serilog.Events;

namespace Serilog.Sinks.MemStream.Search;

/// <summary>
/// Events grouped by their message template, as the <c>memstream problems</c> command and the page's problems view show
/// them: how many, the first and last seen, the highest level and the newest one as a sample (with its sequence number).
/// Fed newest first (a search's order) or in any order.
/// </summary>
internal sealed class ProblemGroups
{
    readonly Dictionary<string, ProblemGroup> _groups = new(StringComparer.Ordinal);

    /// <summary>One template's events.</summary>
    public sealed record ProblemGroup(string Template, long Count, DateTimeOffset First, DateTimeOffset Last, LogEventLevel Level, LogEvent Sample, long SampleSequence);

    public long Events { get; private set; }

    public void Add(LogEvent logEvent, long sequence = 0)
    {
        Events++;
        var template = logEvent.MessageTemplate.Text;
        var time = logEvent.Timestamp;
        _groups[template] = _groups.TryGetValue(template, out var seen)
            ? seen with
            {
                Count = seen.Count + 1,
                First = time < seen.First ? time : seen.First,
                Last = time > seen.Last ? time : seen.Last,
                Level = logEvent.Level > seen.Level ? logEvent.Level : seen.Level,
                Sample = time > seen.Last ? logEvent : seen.Sample,
                SampleSequence = time > seen.Last ? sequence : seen.SampleSequence,
            }
            : new ProblemGroup(template, 1, time, time, logEvent.Level, logEvent, sequence);
    }

    /// <summary>The groups, most events first (then the most recent).</summary>
    public IReadOnlyList<ProblemGroup> Groups() =>
        [.. _groups.Values.OrderByDescending(g => g.Count).ThenByDescending(g => g.Last).ThenBy(g => g.Template, StringComparer.Ordinal)];
}
