using Serilog.Sinks.MemStream.Tests.Support;

namespace Serilog.Sinks.MemStream.Tests.Store;

/// <summary>A process that logs and is killed with SIGKILL at a random point, again and again, on one store.</summary>
[NonParallelizable]
public class CrashLoopTests
{
    [Test]
    public void TwentyKillsLoseNothingFlushedAndNeverReuseASequenceNumber()
    {
        const int cycles = 20;
        using var folder = new TempFolder();
        var random = new Random(2026);
        var confirmed = new int[cycles];

        for (var cycle = 0; cycle < cycles; cycle++)
        {
            var killAfter = 250 * random.Next(1, 9); // after one of the first 8 flushes
            using var child = ChildProcess.Start("log", folder.Path, cycle.ToString());
            string? line;
            do
                line = child.ReadLine();
            while (line is not null && line != $"flushed {killAfter}");
            Assert.That(line, Is.Not.Null, $"cycle {cycle}: the child ended before flushing");
            child.Kill();
            confirmed[cycle] = killAfter;
        }

        using var logger = new LoggerConfiguration().WriteTo.MemStream(storePath: folder.Path).CreateLogger();
        var stored = Enumerable.Range(0, 10).SelectMany(c => MemStream.QueryPage($"c{c}")).ToList();
        var sequences = stored.Select(s => s.Sequence).ToList();
        Assert.That(sequences, Is.Unique, "no sequence number was used twice");
        for (var cycle = 0; cycle < cycles; cycle++)
        {
            var ofCycle = stored.Where(s => s.LogEvent.Properties["Cycle"].ToString() == cycle.ToString()).ToList();
            var numbers = ofCycle.Select(s => int.Parse(s.LogEvent.Properties["N"].ToString())).ToHashSet();
            var missing = Enumerable.Range(1, confirmed[cycle]).Count(n => !numbers.Contains(n));
            Assert.That(missing, Is.Zero, $"cycle {cycle}: {missing} of the {confirmed[cycle]} flushed events are missing");
            if (cycle > 0)
            {
                var earlier = stored.Where(s => int.Parse(s.LogEvent.Properties["Cycle"].ToString()) < cycle).Max(s => s.Sequence);
                Assert.That(ofCycle.Min(s => s.Sequence), Is.GreaterThan(earlier), $"cycle {cycle} numbered on after every earlier cycle");
            }
        }
        TestContext.Out.WriteLine($"{cycles} SIGKILL cycles: {stored.Count} events stored, {confirmed.Sum()} confirmed by Flush, none missing");
    }
}
