using System.Diagnostics;
using System.Globalization;
using Serilog.Sinks.MemStream.Bench.Support;

namespace Serilog.Sinks.MemStream.Bench.Quick;

/// <summary>
/// Comparison 5: peak working set and GC allocations for 1,000,000 events with the store on,
/// beside the same events logged to a sink that does nothing. Each runs in a fresh child process
/// so that peaks are its own, and logs in steps of 20,000 with a Flush after each, as a busy app
/// would over time; the working set after each quarter shows whether it grows with the count.
/// </summary>
internal static class MemoryComparison
{
    const int Step = 20_000;

    public static string Run(int events)
    {
        var table = new MarkdownTable($"Memory, {events:N0} events in fresh processes",
            "set-up", "peak working set MiB", "working set at 25% / 50% / 75% / 100% MiB", "GC allocated bytes/event", "dropped");
        foreach (var target in new[] { "nosink", "memstream" })
        {
            var line = RunChild(target, events).Split(';');
            table.Add(target == "nosink" ? "Serilog, a sink that does nothing" : "MemStream: buffer + store", double.Parse(line[0], CultureInfo.InvariantCulture),
                line[1], double.Parse(line[2], CultureInfo.InvariantCulture), long.Parse(line[3], CultureInfo.InvariantCulture));
        }
        return table.ToString();
    }

    /// <summary>The child's side: logs the events and prints <c>peak;quarters;bytesPerEvent;dropped</c>.</summary>
    public static void Child(string target, int events)
    {
        using var directory = new TempDirectory();
        const string name = "bench-memory";
        var configuration = new LoggerConfiguration().MinimumLevel.Information();
        configuration = target == "memstream"
            ? configuration.WriteTo.MemStream(name: name, storePath: Path.Combine(directory.Path, "store"))
            : configuration.WriteTo.Sink(new NullSink());
        var quarters = new List<string>();
        long dropped;
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        using (var logger = configuration.CreateLogger())
        {
            var memStream = MemStream.Named(name);
            var loggers = Workload.ContextualLoggers(logger);
            for (var i = 0; i < events; i++)
            {
                Workload.Log(loggers, i);
                if ((i + 1) % Step == 0)
                    memStream.Flush();
                if ((i + 1) % (events / 4) == 0)
                    quarters.Add(Mebibytes(Process.GetCurrentProcess().WorkingSet64).ToString("0", CultureInfo.InvariantCulture));
            }
            var status = memStream.Status();
            dropped = status.QueueOverflowed + status.StoreQueueOverflowed + status.StoreWriteFailures;
        }
        var perEvent = (double)(GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / events;
        var peak = Mebibytes(Process.GetCurrentProcess().PeakWorkingSet64);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{peak:0};{string.Join(" / ", quarters)};{perEvent:0};{dropped}"));
    }

    static double Mebibytes(long bytes) => bytes / 1024.0 / 1024.0;

    static string RunChild(string target, int events)
    {
        var self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
            start.ArgumentList.Add(typeof(MemoryComparison).Assembly.Location);
        foreach (var argument in new[] { "memory-child", target, events.ToString(CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(argument);
        using var child = Process.Start(start)!;
        var output = child.StandardOutput.ReadToEnd().Trim();
        child.WaitForExit();
        if (child.ExitCode != 0)
            throw new InvalidOperationException($"the memory child ({target}) failed with exit code {child.ExitCode}: {output}");
        return output.Split('\n')[^1];
    }
}
