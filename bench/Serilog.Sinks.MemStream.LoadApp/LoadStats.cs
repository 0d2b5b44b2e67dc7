using System.Diagnostics;

namespace Serilog.Sinks.MemStream.LoadApp;

/// <summary>What the benchmark reads from the app between runs of the load generator.</summary>
/// <remarks>
/// <c>CpuMilliseconds</c> is the process's user and system time (what /proc/&lt;pid&gt;/stat counts, all threads:
/// the app's, the sink's worker, RocksDB's); <c>WorkingSetBytes</c> is the resident set now, for memory at rest;
/// <c>StoreBytes</c> what the store's files take on disk now.
/// </remarks>
sealed record LoadStats(double GcPauseMilliseconds, long PeakWorkingSetBytes, long SinkQueueDrops, long StoreQueueDrops, long StoreWriteFailures, long StoredEvents,
    double CpuMilliseconds, long WorkingSetBytes, long StoreBytes)
{
    public static LoadStats Read(string storeFolder)
    {
        using var process = Process.GetCurrentProcess();
        var status = MemStream.Status();
        return new LoadStats(GC.GetTotalPauseDuration().TotalMilliseconds, process.PeakWorkingSet64,
            status.QueueOverflowed, status.StoreQueueOverflowed, status.StoreWriteFailures, status.EventsStored,
            process.TotalProcessorTime.TotalMilliseconds, process.WorkingSet64, FolderBytes(storeFolder));
    }

    static long FolderBytes(string folder)
    {
        if (!Directory.Exists(folder))
            return 0;
        long bytes = 0;
        foreach (var file in new DirectoryInfo(folder).EnumerateFiles())
        {
            try
            {
                bytes += file.Length;
            }
            catch (FileNotFoundException)
            {
                // A file RocksDB deleted between listing and reading (a compaction's input).
            }
        }
        return bytes;
    }
}

sealed record OrderAnswer(int Id, string Status);
