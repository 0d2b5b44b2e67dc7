using BenchmarkDotNet.Running;
using Serilog.Sinks.MemStream.Bench.Quick;
using Serilog.Sinks.MemStream.Bench.Support;

namespace Serilog.Sinks.MemStream.Bench;

/// <summary>
/// <c>quick</c>: every comparison once, side by side, as markdown tables with ratios (a few minutes).
/// <c>load</c>: the app-under-load comparison alone, longer (10 s rounds, 5 of them, by default).
/// <c>growth</c>: one app under load for a while, the store's cost per request as it grows (15 s intervals, 8 of them).
/// <c>full</c>: the BenchmarkDotNet suites (pass BenchmarkDotNet's own arguments after it).
/// </summary>
internal static class Program
{
    const string Usage = "usage: dotnet run -c Release --project bench/Serilog.Sinks.MemStream.Bench -- quick [emit|codec|store|trace|search|tail|fleet|memory|load|growth ...] | load [seconds per round] [rounds] | growth [seconds per interval] [intervals] | fleet [seconds per round] | full [BenchmarkDotNet arguments]";

    static async Task<int> Main(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "quick":
                await Quick(args.Skip(1).ToHashSet(StringComparer.OrdinalIgnoreCase));
                return 0;
            case "load":
                // load [seconds] [rounds] [set-up,set-up,…]: File always runs too, as the ratios' base.
                Print(await AppUnderLoadComparison.Run(TimeSpan.FromSeconds(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10),
                    args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 5,
                    args.Length > 3 ? args[3].Split(',') : null));
                return 0;
            case "growth":
                // growth [seconds per interval] [intervals]: one process of the default set-up under load, its store growing.
                Print(await StoreOverTimeComparison.Run(TimeSpan.FromSeconds(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 15),
                    args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 8));
                return 0;
            case "fleet":
                // The longer form, for a profiler to attach to while the 10-client round runs.
                Print(await FleetComparison.Run(TimeSpan.FromSeconds(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10)));
                return 0;
            case "full":
                BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args.Skip(1).ToArray());
                return 0;
            case "memory-child":
                MemoryComparison.Child(args[1], int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture));
                return 0;
            default:
                Console.Error.WriteLine(Usage);
                return 2;
        }
    }

    static async Task Quick(HashSet<string> only)
    {
        bool Runs(string part) => only.Count == 0 || only.Contains(part);
        Console.WriteLine($"## MemStream quick benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        Console.WriteLine();
        Console.WriteLine($"{Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}, " +
                          $"{(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC");
        Console.WriteLine();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        if (Runs("emit"))
        {
            foreach (var format in new[] { OutputFormat.Text, OutputFormat.Clef })
                foreach (var threads in new[] { 1, 4 })
                    Print(EmitComparison.Run(format, threads));
        }
        if (Runs("codec"))
            Print(CodecComparison.Run());
        if (Runs("store"))
            Print(StoreComparison.Run(events: 1_000_000));
        if (Runs("trace"))
            Print(TraceIndexComparison.Run(events: 200_000));
        if (Runs("search"))
            Print(SearchComparison.Run(events: 1_000_000));
        if (Runs("tail"))
            Print(await LiveTailComparison.Run(TimeSpan.FromSeconds(3)));
        if (Runs("fleet"))
            Print(await FleetComparison.Run(TimeSpan.FromSeconds(3)));
        if (Runs("memory"))
            Print(MemoryComparison.Run(events: 1_000_000));
        if (Runs("load"))
            Print(await AppUnderLoadComparison.Run(TimeSpan.FromSeconds(5), rounds: 3));
        if (Runs("growth"))
            Print(await StoreOverTimeComparison.Run(TimeSpan.FromSeconds(10), intervals: 6));
        Console.WriteLine($"(ran in {watch.Elapsed.TotalSeconds:0} s)");
    }

    static void Print(string table)
    {
        Console.WriteLine(table);
        Console.Out.Flush();
    }
}
