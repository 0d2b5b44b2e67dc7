using System.Collections.Concurrent;
using Serilog.Debugging;

namespace Serilog.Sinks.MemStream.Tests.Support;

/// <summary>Collects SelfLog output while it is alive. SelfLog is process-wide: tests that use this do not run in parallel.</summary>
sealed class SelfLogCapture : IDisposable
{
    readonly ConcurrentQueue<string> _lines = new();

    public SelfLogCapture()
    {
        SelfLog.Enable(line => _lines.Enqueue(line));
    }

    public IReadOnlyList<string> Lines => [.. _lines];

    public void Dispose() => SelfLog.Disable();
}
