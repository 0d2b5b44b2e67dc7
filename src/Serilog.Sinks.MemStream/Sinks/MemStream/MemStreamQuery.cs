using Serilog.Events;
using Serilog.Sinks.MemStream.Search;

namespace Serilog.Sinks.MemStream;

/// <summary>
/// What to find among a sink's stored events, for <see cref="MemStreamInstance.Search"/>, the <c>search</c> endpoint
/// and the <c>memstream search</c> tool. Every criterion given must hold; none given finds every stored event. Without
/// <see cref="Id"/>, events of every id are searched newest first, a page at a time (<see cref="Before"/>); with it,
/// the id's history is read in write order (<see cref="After"/>), as <see cref="MemStreamInstance.Query(string, LogEventLevel)"/>
/// does. A search examines at most <see cref="ScanBudget"/> events and runs for about <see cref="TimeBudget"/> at most;
/// its page then says where to go on (<see cref="MemStreamSearchPage.Next"/>).
/// </summary>
public sealed record MemStreamQuery
{
    /// <summary>The page size when none is given: 100 events.</summary>
    public const int DefaultLimit = 100;

    /// <summary>The largest page: 10,000 events (and about <see cref="MaxBytes"/>).</summary>
    public const int MaxLimit = 10_000;

    /// <summary>About how many bytes of stored events a page holds at most, whatever its limit: 4 MiB (an event larger than that is alone on its page).</summary>
    public const int MaxBytes = 4 * 1024 * 1024;

    /// <summary>How many events a search examines when none is given: 100,000.</summary>
    public const int DefaultScanBudget = 100_000;

    /// <summary>The longest <see cref="Filter"/>: 1,024 characters.</summary>
    public const int MaxFilterLength = FilterExpression.MaxLength;

    /// <summary>The longest <see cref="Text"/>: 1,024 characters.</summary>
    public const int MaxTextLength = 1024;

    /// <summary>The longest <see cref="Template"/>: 4,096 characters.</summary>
    public const int MaxTemplateLength = 4096;

    /// <summary>About how long one search runs at most before it returns what it found and where to go on: 250 ms.</summary>
    public static readonly TimeSpan TimeBudget = TimeSpan.FromMilliseconds(250);

    /// <summary>Only events of this correlation id (any string, the empty one too) or W3C trace id (32 hexadecimal digits); null: events of every id.</summary>
    public string? Id { get; init; }

    /// <summary>Only events at or above this level (Verbose by default). At Warning and above a search reads the store's index of problems, not every event.</summary>
    public LogEventLevel MinLevel { get; init; } = LogEventLevel.Verbose;

    /// <summary>Only events whose timestamp is at or after this.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Only events whose timestamp is at or before this.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Only events that match this Serilog.Expressions filter, such as <c>StatusCode &gt;= 500</c> (at most 1,024 characters, nested at most 16 deep).</summary>
    public string? Filter { get; init; }

    /// <summary>Only events whose message, as the page shows it (strings unquoted), contains this text, ignoring case (at most <see cref="MaxTextLength"/> characters).</summary>
    public string? Text { get; init; }

    /// <summary>Only events logged with exactly this message template (its text, as <c>@mt</c> holds it), such as a problem group's (at most <see cref="MaxTemplateLength"/> characters).</summary>
    public string? Template { get; init; }

    /// <summary>With <see cref="Id"/>: only events after this sequence number (the id's next page).</summary>
    public long After { get; init; }

    /// <summary>Without <see cref="Id"/>: only events before this sequence number (the next page of a search: its <see cref="MemStreamSearchPage.Next"/>).</summary>
    public long? Before { get; init; }

    /// <summary>At most this many events on a page: 1 to <see cref="MaxLimit"/>, <see cref="DefaultLimit"/> by default.</summary>
    public int Limit { get; init; } = DefaultLimit;

    /// <summary>At most this many stored events examined by one search (at least 1; <see cref="DefaultScanBudget"/> by default).</summary>
    public int ScanBudget { get; init; } = DefaultScanBudget;

    /// <summary>About how many bytes of stored events a page holds: <see cref="MaxBytes"/>; less only in tests of the bound.</summary>
    internal long PageBytes { get; init; } = MaxBytes;

    /// <summary>
    /// Whether the query is valid, its filter compiled (and kept, for the searches and pages that use it); else
    /// <paramref name="problem"/> says what is wrong, naming the property. <see cref="MemStreamInstance.Search"/> checks
    /// every query itself: this is for callers that take queries from elsewhere (a fleet's engine, say).
    /// </summary>
    public bool IsValid([System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? problem)
    {
        var valid = TryCheck(out _, out var message);
        problem = valid ? null : message;
        return valid;
    }

    /// <summary>
    /// Checks the query; an <see cref="ArgumentException"/> naming the property says what is wrong. Every search checks
    /// its query first, so a bad one is refused before any store is read.
    /// </summary>
    internal void Check()
    {
        if (!TryCheck(out var property, out var problem))
            throw new ArgumentException(problem, property);
    }

    /// <summary>The query checked and its filter compiled; else false, with the property at fault and what is wrong with it.</summary>
    internal bool TryCheck(out string property, out string problem)
    {
        (property, problem) = Problem() ?? ("", "");
        if (problem.Length > 0)
            return false;
        if (Filter is not { Length: > 0 } filter || FilterCache.TryGet(filter, out _, out var error))
            return true;
        (property, problem) = (nameof(Filter), $"Filter {error}.");
        return false;
    }

    (string Property, string Message)? Problem()
    {
        if (Limit is < 1 or > MaxLimit)
            return (nameof(Limit), $"Limit must be from 1 to {MaxLimit}; got {Limit}.");
        if (ScanBudget < 1)
            return (nameof(ScanBudget), $"ScanBudget must be at least 1; got {ScanBudget}.");
        if (After < 0)
            return (nameof(After), $"After must be a sequence number (0 or more); got {After}.");
        if (Before is < 1)
            return (nameof(Before), $"Before must be a sequence number above 0; got {Before}.");
        if (!Enum.IsDefined(MinLevel))
            return (nameof(MinLevel), $"MinLevel must be a LogEventLevel; got {(int)MinLevel}.");
        if (From is { } from && To is { } to && from > to)
            return (nameof(From), $"From ({from:O}) is later than To ({to:O}).");
        if (Text is { Length: > MaxTextLength })
            return (nameof(Text), $"Text may have at most {MaxTextLength} characters; got {Text.Length}.");
        if (Template is { Length: > MaxTemplateLength })
            return (nameof(Template), $"Template may have at most {MaxTemplateLength} characters; got {Template.Length}.");
        return null;
    }
}
