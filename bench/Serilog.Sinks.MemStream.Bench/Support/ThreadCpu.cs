using System.Globalization;
using System.Runtime.InteropServices;

namespace Serilog.Sinks.MemStream.Bench.Support;

/// <summary>
/// CPU time of this process's threads whose name starts with a prefix (Linux truncates names to 15 characters), read
/// from <c>/proc/self/task/*/schedstat</c>: nanoseconds, where <c>stat</c> counts 10 ms ticks. For work that runs on
/// a thread of its own, such as the store's writer: its CPU is far steadier than wall time on a loaded machine, and
/// not diluted by the rest of the process. Null where there is no such file (not Linux). <see cref="OfCurrentThread"/>
/// reads the calling thread's CPU time directly, for timing a short piece of work on it.
/// </summary>
internal sealed class ThreadCpu
{
    const int ClockThreadCpuTime = 3; // Linux's CLOCK_THREAD_CPUTIME_ID
    readonly string _prefix;
    readonly Dictionary<int, long> _start;

    ThreadCpu(string prefix, Dictionary<int, long> start)
    {
        _prefix = prefix;
        _start = start;
    }

    /// <summary>Starts counting the matching threads' CPU (those that start later count from zero).</summary>
    public static ThreadCpu? Start(string prefix) => Read(prefix) is { } start ? new ThreadCpu(prefix, start) : null;

    /// <summary>The CPU the matching threads alive now used since <see cref="Start"/>.</summary>
    public TimeSpan Elapsed()
    {
        long nanoseconds = 0;
        foreach (var (thread, now) in Read(_prefix) ?? [])
            nanoseconds += now - _start.GetValueOrDefault(thread);
        return TimeSpan.FromTicks(nanoseconds / 100);
    }

    /// <summary>The calling thread's CPU time so far (nanosecond resolution); null where Linux's clock_gettime is not found.</summary>
    public static TimeSpan? OfCurrentThread()
    {
        if (!OperatingSystem.IsLinux())
            return null;
        try
        {
            return ClockGetTime(ClockThreadCpuTime, out var time) == 0 ? TimeSpan.FromTicks(time.Seconds * TimeSpan.TicksPerSecond + time.Nanoseconds / 100) : null;
        }
        catch (DllNotFoundException)
        {
            return null;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    // DllImport rather than LibraryImport, whose generated code needs unsafe blocks that the bench does not otherwise allow.
    [DllImport("libc", EntryPoint = "clock_gettime")]
    static extern int ClockGetTime(int clock, out TimeSpec time);

    static Dictionary<int, long>? Read(string prefix)
    {
        const string tasks = "/proc/self/task";
        if (!Directory.Exists(tasks))
            return null;
        var times = new Dictionary<int, long>();
        foreach (var task in Directory.EnumerateDirectories(tasks))
        {
            try
            {
                if (!System.IO.File.ReadAllText(Path.Combine(task, "comm")).StartsWith(prefix, StringComparison.Ordinal))
                    continue;
                var onCpu = System.IO.File.ReadAllText(Path.Combine(task, "schedstat")).Split(' ')[0];
                times[int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture)] = long.Parse(onCpu, CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // The thread ended while it was read: it no longer counts.
            }
        }
        return times;
    }
}
