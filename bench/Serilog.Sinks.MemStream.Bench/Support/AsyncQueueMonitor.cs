using Serilog.Sinks.Async;

namespace Serilog.Sinks.MemStream.Bench.Support;

/// <summary>Sees into Serilog.Sinks.Async's queue: how many events wait, and how many it dropped.</summary>
internal sealed class AsyncQueueMonitor : IAsyncLogEventSinkMonitor
{
    IAsyncLogEventSinkInspector? _inspector;

    public long Dropped => _inspector?.DroppedMessagesCount ?? 0;

    public void StartMonitoring(IAsyncLogEventSinkInspector inspector) => _inspector = inspector;

    public void StopMonitoring(IAsyncLogEventSinkInspector inspector) => _inspector = null;

    /// <summary>Returns once the queue is empty: the worker has taken every event (it may still be writing the last).</summary>
    public void WaitUntilEmpty()
    {
        while (_inspector is { Count: > 0 })
            Thread.Yield();
    }
}
