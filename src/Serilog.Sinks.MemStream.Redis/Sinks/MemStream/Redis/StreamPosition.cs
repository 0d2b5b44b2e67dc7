using System.Globalization;
using StackExchange.Redis;

namespace Serilog.Sinks.MemStream.Redis;

/// <summary>A stream entry id, <c>&lt;milliseconds&gt;-&lt;sequence&gt;</c>, as two numbers so that ids compare in stream order.</summary>
internal readonly record struct StreamPosition(ulong Milliseconds, ulong Sequence) : IComparable<StreamPosition>
{
    /// <summary>Before every entry (Redis never gives an entry the id 0-0).</summary>
    public static readonly StreamPosition Start = new(0, 0);

    /// <summary>Reads an id as Redis gives it, or as the tail's <c>afterId</c> parameter was checked to be.</summary>
    public static StreamPosition Parse(RedisValue id)
    {
        var text = id.ToString();
        var dash = text.IndexOf('-');
        if (dash > 0 && ulong.TryParse(text.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds)
            && ulong.TryParse(text.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
            return new StreamPosition(milliseconds, sequence);
        throw new FormatException($"'{text}' is not a stream id");
    }

    public int CompareTo(StreamPosition other) =>
        Milliseconds != other.Milliseconds ? Milliseconds.CompareTo(other.Milliseconds) : Sequence.CompareTo(other.Sequence);

    public static bool operator <(StreamPosition left, StreamPosition right) => left.CompareTo(right) < 0;
    public static bool operator >(StreamPosition left, StreamPosition right) => left.CompareTo(right) > 0;
    public static bool operator <=(StreamPosition left, StreamPosition right) => left.CompareTo(right) <= 0;
    public static bool operator >=(StreamPosition left, StreamPosition right) => left.CompareTo(right) >= 0;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Milliseconds}-{Sequence}");
}
