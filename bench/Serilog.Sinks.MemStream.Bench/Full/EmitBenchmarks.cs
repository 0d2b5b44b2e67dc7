using BenchmarkDotNet.Attributes;
using Serilog.Sinks.MemStream.Bench.Support;

namespace Serilog.Sinks.MemStream.Bench.Full;

/// <summary>
/// The emit path under BenchmarkDotNet: a burst of events per operation on 1 or 4 threads, for each
/// sink set-up, with allocations per event. The sink's work is waited for after each iteration,
/// outside the measurement, so every burst fits the queue (as in the quick comparison).
/// </summary>
[MemoryDiagnoser]
public class EmitBenchmarks
{
    const int Burst = 20_000;
    EmitSubject _subject = null!;
    int _counter;

    [Params(OutputFormat.Text, OutputFormat.Clef)]
    public OutputFormat Format { get; set; }

    [Params(EmitTarget.NoSink, EmitTarget.RenderOnly, EmitTarget.FileBuffered, EmitTarget.AsyncFileBuffered, EmitTarget.MemStreamBuffer, EmitTarget.MemStreamSubscriber, EmitTarget.MemStreamSubscriberStore)]
    public EmitTarget Target { get; set; }

    [Params(1, 4)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup() => _subject = new EmitSubject(Target, Format, queueLimit: 65_536);

    [GlobalCleanup]
    public void Cleanup()
    {
        Console.WriteLine($"// {Target} dropped {_subject.Dropped} events");
        _subject.Dispose();
    }

    [IterationCleanup]
    public void WaitForTheSink() => _subject.WaitUntilDone();

    [Benchmark(OperationsPerInvoke = Burst)]
    public void Log()
    {
        var loggers = _subject.Loggers;
        var start = _counter;
        _counter += Burst;
        if (Threads == 1)
        {
            for (var i = 0; i < Burst; i++)
                Workload.Log(loggers, start + i);
        }
        else
        {
            ParallelRun.Time(Threads, Burst / Threads, i => Workload.Log(loggers, start + i));
        }
    }
}
