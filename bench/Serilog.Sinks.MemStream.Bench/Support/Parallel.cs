using System.Diagnostics;

namespace Serilog.Sinks.MemStream.Bench.Support;

/// <summary>Runs the same loop on N dedicated threads that start together; times the whole.</summary>
internal static class ParallelRun
{
    public static TimeSpan Time(int threads, int iterationsPerThread, Action<int> body)
    {
        using var ready = new Barrier(threads + 1);
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            ready.SignalAndWait();
            var offset = t * iterationsPerThread;
            for (var i = 0; i < iterationsPerThread; i++)
                body(offset + i);
            ready.SignalAndWait();
        })
        { IsBackground = true, Name = $"bench writer {t}" }).ToList();
        workers.ForEach(w => w.Start());

        ready.SignalAndWait();
        var watch = Stopwatch.StartNew();
        ready.SignalAndWait();
        watch.Stop();
        workers.ForEach(w => w.Join());
        return watch.Elapsed;
    }
}
