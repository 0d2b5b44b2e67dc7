using System.Diagnostics;

namespace Serilog.Sinks.MemStream.LoadApp;

/// <summary>What the benchmark reads from the app between runs of the load generator.</summary>
sealed record LoadStats(double GcPauseMilliseconds, long PeakWorkingSetBytes, long SinkQueueDrops, long StoreQueueDrops, long StoreWriteFailures, long StoredEvents)
{
    public static LoadStats Read()
    {
        using var process = Process.GetCurrentProcess();
        var status = MemStream.Status();
        return new LoadStats(GC.GetTotalPauseDuration().TotalMilliseconds, process.PeakWorkingSet64,
            status.QueueOverflowed, status.StoreQueueOverflowed, status.StoreWriteFailures, status.EventsStored);
    }
}

sealed record OrderAnswer(int Id, string Status);
