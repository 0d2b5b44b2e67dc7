using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace Serilog.Sinks.MemStream.Search;

/// <summary>
/// Compiled filters by their text, so that a search's every page (and every query naming the same filter) compiles
/// it once: compiling takes a thread of its own (<see cref="FilterExpression"/>). A compiled filter is immutable and
/// safe on any thread. Bounded: past <see cref="MaxEntries"/> filters it starts afresh.
/// </summary>
internal static class FilterCache
{
    const int MaxEntries = 256;
    static readonly ConcurrentDictionary<string, FilterExpression> Compiled = new(StringComparer.Ordinal);

    /// <summary>The filter compiled; false with <paramref name="problem"/> saying why the text is refused (refusals are not kept).</summary>
    public static bool TryGet(string text, [NotNullWhen(true)] out FilterExpression? filter, out string? problem)
    {
        problem = null;
        if (Compiled.TryGetValue(text, out filter))
            return true;
        filter = FilterExpression.TryCreate(text, out problem);
        if (filter is null)
            return false;
        if (Compiled.Count >= MaxEntries)
            Compiled.Clear();
        Compiled[text] = filter;
        return true;
    }

    /// <summary>A filter that a checked query holds: compiled already, or again if the cache started afresh since.</summary>
    public static FilterExpression Get(string text) =>
        TryGet(text, out var filter, out var problem) ? filter : throw new ArgumentException($"Filter {problem}.", nameof(MemStreamQuery.Filter));
}
