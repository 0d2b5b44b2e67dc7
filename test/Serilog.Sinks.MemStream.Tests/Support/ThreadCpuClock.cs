using System.Runtime.InteropServices;

namespace Serilog.Sinks.MemStream.Tests.Support;

/// <summary>
/// CPU time used by the calling thread (Linux, CLOCK_THREAD_CPUTIME_ID): what a piece of code costs
/// its caller, without the noise of other threads competing for two shared cores.
/// </summary>
static class ThreadCpuClock
{
    const int ClockThreadCpuTimeId = 3;

    public static TimeSpan Now()
    {
        if (clock_gettime(ClockThreadCpuTimeId, out var time) != 0)
            throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
        return TimeSpan.FromTicks(time.Seconds * TimeSpan.TicksPerSecond + time.Nanoseconds / 100);
    }

    [StructLayout(LayoutKind.Sequential)]
    struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    static extern int clock_gettime(int clockId, out Timespec time);
}
