using System.Globalization;

namespace Serilog.Sinks.MemStream.Search;

/// <summary>
/// A time given as how long ago: a whole number and a unit, <c>s</c>, <c>m</c>, <c>h</c> or <c>d</c> (<c>90s</c>,
/// <c>15m</c>, <c>1h</c>, <c>2d</c>), as the search endpoint's <c>from</c> and <c>to</c> and the tool's <c>--since</c> take it.
/// Bounded, so no amount overflows a date.
/// </summary>
internal static class RelativeTime
{
    /// <summary>The longest time ago that can be given: about ten years, far beyond any retention.</summary>
    public const int MaxDays = 3650;

    /// <summary>A time as the search's parameters and options take it: a time ago, or ISO 8601 (without an offset, UTC).</summary>
    public static bool TryParseTime(string text, DateTimeOffset now, out DateTimeOffset time) =>
        TryParse(text, now, out time)
        || (text.Length <= 64 && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out time));

    public static bool TryParse(string text, DateTimeOffset now, out DateTimeOffset time)
    {
        time = default;
        if (text.Length is < 2 or > 12)
            return false;
        var unit = text[^1] switch
        {
            's' => TimeSpan.FromSeconds(1),
            'm' => TimeSpan.FromMinutes(1),
            'h' => TimeSpan.FromHours(1),
            'd' => TimeSpan.FromDays(1),
            _ => TimeSpan.Zero,
        };
        if (unit == TimeSpan.Zero || !long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var amount)
            || amount > MaxDays * (TimeSpan.TicksPerDay / unit.Ticks))
            return false;
        time = now - amount * unit;
        return true;
    }
}
