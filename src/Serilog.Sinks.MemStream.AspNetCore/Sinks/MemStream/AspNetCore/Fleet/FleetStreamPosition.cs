using System.Globalization;

namespace Serilog.Sinks.MemStream.AspNetCore;

/// <summary>
/// A place in a fleet's stream: an entry's id, <c>&lt;milliseconds&gt;-&lt;sequence&gt;</c>, and an event's index
/// in that entry (an entry carries a batch of events). Written <c>&lt;milliseconds&gt;-&lt;sequence&gt;-&lt;index&gt;</c>
/// for an event, the form fleet frames carry in <c>id</c> and a tail resumes after; the bare entry id means
/// after the whole entry. The one parser of stream ids: the endpoints check <c>afterId</c> with it, the
/// fleet reads Redis's ids with it. Positions compare in stream order.
/// </summary>
/// <param name="Milliseconds">The entry id's first part (Redis's milliseconds).</param>
/// <param name="Sequence">The entry id's second part.</param>
/// <param name="Index">The event's index in the entry, <see cref="EntryEnd"/> for after the whole entry, <see cref="EntryStart"/> for before it.</param>
public readonly record struct FleetStreamPosition(ulong Milliseconds, ulong Sequence, int Index) : IComparable<FleetStreamPosition>
{
    /// <summary>The index of a position after every event of its entry.</summary>
    public const int EntryEnd = int.MaxValue;

    /// <summary>The index of a position before the first event of its entry.</summary>
    public const int EntryStart = -1;

    /// <summary>Before every entry (Redis never gives an entry the id 0-0).</summary>
    public static readonly FleetStreamPosition Start = new(0, 0, EntryEnd);

    /// <summary>The entry's id, as Redis takes it in a range.</summary>
    public string EntryId => string.Create(CultureInfo.InvariantCulture, $"{Milliseconds}-{Sequence}");

    /// <summary>After every event of this position's entry.</summary>
    public FleetStreamPosition AtEntryEnd => this with { Index = EntryEnd };

    /// <summary>Whether the other position is in the same entry.</summary>
    public bool SameEntry(FleetStreamPosition other) => Milliseconds == other.Milliseconds && Sequence == other.Sequence;

    /// <summary>Reads an entry id as Redis gives it, or an event's id as a frame carried it; false for anything else.</summary>
    public static bool TryParse(string? text, out FleetStreamPosition position)
    {
        position = default;
        if (string.IsNullOrEmpty(text) || text.Length > 64)
            return false;
        var parts = text.Split('-');
        if (parts.Length is not (2 or 3)
            || !ulong.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds)
            || !ulong.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
            return false;
        var index = EntryEnd;
        if (parts.Length == 3 && (!int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out index) || index == EntryEnd))
            return false;
        position = new FleetStreamPosition(milliseconds, sequence, index);
        return true;
    }

    /// <summary>Reads an id Redis gave (never anything else): throws when it is not one.</summary>
    public static FleetStreamPosition Parse(string? text) =>
        TryParse(text, out var position) ? position : throw new FormatException($"'{text}' is not a stream id");

    /// <summary>Compares in stream order: by entry id, then by the event's index in the entry.</summary>
    public int CompareTo(FleetStreamPosition other) =>
        Milliseconds != other.Milliseconds ? Milliseconds.CompareTo(other.Milliseconds)
        : Sequence != other.Sequence ? Sequence.CompareTo(other.Sequence)
        : Index.CompareTo(other.Index);

    /// <summary>Whether <paramref name="left"/> comes before <paramref name="right"/> in the stream.</summary>
    public static bool operator <(FleetStreamPosition left, FleetStreamPosition right) => left.CompareTo(right) < 0;
    /// <summary>Whether <paramref name="left"/> comes after <paramref name="right"/> in the stream.</summary>
    public static bool operator >(FleetStreamPosition left, FleetStreamPosition right) => left.CompareTo(right) > 0;
    /// <summary>Whether <paramref name="left"/> is <paramref name="right"/> or comes before it.</summary>
    public static bool operator <=(FleetStreamPosition left, FleetStreamPosition right) => left.CompareTo(right) <= 0;
    /// <summary>Whether <paramref name="left"/> is <paramref name="right"/> or comes after it.</summary>
    public static bool operator >=(FleetStreamPosition left, FleetStreamPosition right) => left.CompareTo(right) >= 0;

    /// <summary>
    /// The entry id for a position at an entry's end, else <c>&lt;milliseconds&gt;-&lt;sequence&gt;-&lt;index&gt;</c>: what
    /// <see cref="TryParse"/> reads, except for a position at <see cref="EntryStart"/>, which is never sent to a client.
    /// </summary>
    public override string ToString() =>
        Index == EntryEnd ? EntryId : string.Create(CultureInfo.InvariantCulture, $"{Milliseconds}-{Sequence}-{Index}");
}
