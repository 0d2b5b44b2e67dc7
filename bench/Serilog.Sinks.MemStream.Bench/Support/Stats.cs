namespace Serilog.Sinks.MemStream.Bench.Support;

internal static class Stats
{
    public static double Median(IEnumerable<double> values) => Percentile(values, 0.5);

    /// <summary>The nearest-rank percentile (0..1) of the values.</summary>
    public static double Percentile(IEnumerable<double> values, double fraction)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
            return double.NaN;
        var rank = (int)Math.Ceiling(fraction * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }
}
