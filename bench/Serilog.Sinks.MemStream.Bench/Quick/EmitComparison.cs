using Serilog.Sinks.MemStream.Bench.Support;

namespace Serilog.Sinks.MemStream.Bench.Quick;

/// <summary>
/// Comparison 1: the cost of <c>Log.Information(...)</c> on the application's threads, and the
/// sustained rate until each set-up has finished its work, for every sink set-up side by side.
/// Rounds alternate between the set-ups so that drift on a shared machine hits them all alike.
/// </summary>
internal static class EmitComparison
{
    public static string Run(OutputFormat format, int threads, int burst = 50_000, int rounds = 7)
    {
        var subjects = Enum.GetValues<EmitTarget>().Select(t => new EmitSubject(t, format, queueLimit: 65_536)).ToList();
        try
        {
            var results = subjects.ToDictionary(s => s.Target, _ => new List<Round>());
            var counter = 0;
            for (var round = -1; round < rounds; round++) // round -1 warms up
            {
                foreach (var subject in subjects)
                {
                    var measured = Measure(subject, threads, burst, ref counter);
                    if (round >= 0)
                        results[subject.Target].Add(measured);
                }
            }

            var table = new MarkdownTable($"Emit path, {format}, {threads} thread{(threads == 1 ? "" : "s")} (medians of {rounds} bursts of {burst:N0})",
                "set-up", "app thread events/s", "× File", "× no sink", "sustained events/s", "× File", "× render floor", "bytes/event", "GC pause % of burst", "dropped");
            double AppRate(EmitTarget t) => Stats.Median(results[t].Select(r => r.AppRate));
            double Sustained(EmitTarget t) => Stats.Median(results[t].Select(r => r.SustainedRate));
            foreach (var subject in subjects)
            {
                var t = subject.Target;
                table.Add(Describe(t), AppRate(t), AppRate(t) / AppRate(EmitTarget.FileBuffered), AppRate(t) / AppRate(EmitTarget.NoSink),
                    Sustained(t), Sustained(t) / Sustained(EmitTarget.FileBuffered), Sustained(t) / Sustained(EmitTarget.RenderOnly),
                    Stats.Median(results[t].Select(r => r.BytesPerEvent)), Stats.Median(results[t].Select(r => r.GcPausePercent)), subject.Dropped);
            }
            return table.ToString();
        }
        finally
        {
            subjects.ForEach(s => s.Dispose());
        }
    }

    public static string Describe(EmitTarget target) => target switch
    {
        EmitTarget.NoSink => "Serilog, no sink (a sink that does nothing)",
        EmitTarget.RenderOnly => "render-only floor (formatter into a reused writer)",
        EmitTarget.FileBuffered => "Serilog.Sinks.File, buffered",
        EmitTarget.AsyncFileBuffered => "Serilog.Sinks.Async(File, buffered)",
        EmitTarget.MemStreamBuffer => "MemStream: buffer",
        EmitTarget.MemStreamSubscriber => "MemStream: buffer + subscriber",
        _ => "MemStream: buffer + subscriber + store",
    };

    static Round Measure(EmitSubject subject, int threads, int burst, ref int counter)
    {
        var start = counter;
        counter += burst;
        var loggers = subject.Loggers;
        var perThread = burst / threads;
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var pausedBefore = GC.GetTotalPauseDuration();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var appTime = ParallelRun.Time(threads, perThread, i => Workload.Log(loggers, start + i));
        var paused = GC.GetTotalPauseDuration() - pausedBefore;
        subject.WaitUntilDone();
        var sustained = watch.Elapsed;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var events = perThread * threads;
        return new Round(events / appTime.TotalSeconds, events / sustained.TotalSeconds, (double)allocated / events, 100 * paused / appTime);
    }

    readonly record struct Round(double AppRate, double SustainedRate, double BytesPerEvent, double GcPausePercent);
}
