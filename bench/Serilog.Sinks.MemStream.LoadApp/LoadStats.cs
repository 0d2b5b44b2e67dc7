using System.Diagnostics;

namespace Serilog.Sinks.MemStream.LoadApp;

/// <summary>What the benchmark reads from the app between runs of the load generator.</summary>
/// <remarks>
/// <c>CpuMilliseconds</c> is the process's user and system time (what /proc/&lt;pid&gt;/stat counts, all threads:
/// the app's, the sink's worker, RocksDB's); <c>WorkingSetBytes</c> is the resident set now, for memory at rest.
/// </remarks>
sealed record LoadStats(double GcPauseMilliseconds, long PeakWorkingSetBytes, long SinkQueueDrops, long StoreQueueDrops, long StoreWriteFailures, long StoredEvents,
    double CpuMilliseconds, long WorkingSetBytes)
{
    public static LoadStats Read()
    {
        using var process = Process.GetCurrentProcess();
        var status = MemStream.Status();
        return new LoadStats(GC.GetTotalPauseDuration().TotalMilliseconds, process.PeakWorkingSet64,
            status.QueueOverflowed, status.StoreQueueOverflowed, status.StoreWriteFailures, status.EventsStored,
            process.TotalProcessorTime.TotalMilliseconds, process.WorkingSet64);
    }
}

sealed record OrderAnswer(int Id, string Status);
