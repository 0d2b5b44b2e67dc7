using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Serilog.Sinks.MemStream.Bench.Support;

namespace Serilog.Sinks.MemStream.Bench.Quick;

/// <summary>
/// What the store costs as it grows. The app-under-load comparison starts a fresh process for every
/// round, so its store never holds more than a few seconds of load, and RocksDB's compactions, whose cost grows with
/// what the store holds, are hardly seen there. Here one process of the default set-up serves <c>wrk</c> for
/// several intervals in a row, and each interval's row gives the process's CPU per request, split by thread (read
/// from /proc: the sink's worker, the store's writer, RocksDB's flush and compaction threads, the rest), and the
/// store's size on disk. File runs as long first, once, as the base of the ratio.
/// </summary>
internal static class StoreOverTimeComparison
{
    // Thread names as /proc shows them (Linux keeps a name's first 15 bytes): the sink names its worker and the store its
    // writer (MemStreamSink, RocksEventStore), RocksDB its flush (high priority) and compaction (low) threads.
    static readonly (string Prefix, string Label)[] ThreadGroups =
    [
        ("MemStream worke", "sink worker"),
        ("MemStream store", "store writer"),
        ("rocksdb:high", "RocksDB flush"),
        ("rocksdb:low", "RocksDB compaction"),
    ];

    public static async Task<string> Run(TimeSpan interval, int intervals)
    {
        if (!System.IO.File.Exists("/usr/bin/wrk"))
            return "### The store as it grows\n\nSkipped: Debian's `wrk` is not installed.\n";

        var file = await MeasureAsync("file", interval, intervals);
        var fileCpu = Stats.Median(file.Select(r => r.CpuPerRequest));
        var store = await MeasureAsync("memstream", interval, intervals);
        var table = new MarkdownTable($"The store as it grows (one process, wrk -t1 -c16, {intervals} intervals of {interval.TotalSeconds:0} s in a row; File's median CPU per request {fileCpu:0.0} µs)",
            ["after s", "requests/s", "CPU µs/request", "CPU × File", "p99 µs", .. ThreadGroups.Select(g => g.Label + " µs/request"), "rest µs/request", "store MiB on disk", "bytes on disk per stored event", "resident MiB"]);
        foreach (var row in store)
        {
            table.Add([row.ElapsedSeconds, row.RequestsPerSecond, row.CpuPerRequest, row.CpuPerRequest / fileCpu, row.P99Microseconds,
                .. row.ByGroup.Select(v => (object)v), row.CpuPerRequest - row.ByGroup.Sum(), row.StoreMiB, row.StoreMiB * 1024 * 1024 / Math.Max(1, row.Stored), row.ResidentMiB]);
        }
        return table.ToString();
    }

    sealed record Interval(double ElapsedSeconds, double RequestsPerSecond, double CpuPerRequest, double P99Microseconds, double[] ByGroup, double StoreMiB, long Stored, double ResidentMiB);

    static async Task<List<Interval>> MeasureAsync(string setup, TimeSpan interval, int intervals)
    {
        using var app = AppUnderLoadComparison.StartApp(setup, redis: null, out var baseUrl);
        using var http = new HttpClient();
        var rows = new List<Interval>();
        try
        {
            await AppUnderLoadComparison.Wrk($"{baseUrl}/orders/42", TimeSpan.FromSeconds(2));
            var elapsed = TimeSpan.Zero;
            for (var i = 0; i < intervals; i++)
            {
                var (before, totalBefore) = (ThreadTicks(app.Id), ProcessTicks(app.Id));
                var output = await AppUnderLoadComparison.Wrk($"{baseUrl}/orders/42", interval);
                var (after, totalAfter) = (ThreadTicks(app.Id), ProcessTicks(app.Id));
                var stats = (await http.GetFromJsonAsync<AppUnderLoadComparison.AppStats>($"{baseUrl}/stats"))!;
                elapsed += interval;
                var requests = Math.Max(1, AppUnderLoadComparison.RequestsIn(output));
                double PerRequest(Func<string, bool> which) =>
                    after.Where(t => which(t.Value.Name)).Sum(t => t.Value.Ticks - (before.TryGetValue(t.Key, out var b) ? b.Ticks : 0)) * TickMicroseconds / requests;
                rows.Add(new Interval(elapsed.TotalSeconds, requests / interval.TotalSeconds,
                    (totalAfter - totalBefore) * TickMicroseconds / requests,
                    AppUnderLoadComparison.LatencyMicroseconds(output, "99%"),
                    [.. ThreadGroups.Select(g => PerRequest(name => name.StartsWith(g.Prefix, StringComparison.Ordinal)))],
                    stats.StoreBytes / (1024.0 * 1024.0), stats.StoredEvents, stats.WorkingSetBytes / (1024.0 * 1024.0)));
            }
            return rows;
        }
        finally
        {
            await AppUnderLoadComparison.StopAsync(app);
        }
    }

    // /proc counts CPU time in clock ticks of 10 ms on Linux.
    const double TickMicroseconds = 10_000;

    /// <summary>Each thread's user and system ticks, by thread id, with its name (threads that ended are gone: <see cref="ProcessTicks"/> counts them).</summary>
    static Dictionary<int, (string Name, long Ticks)> ThreadTicks(int pid)
    {
        var result = new Dictionary<int, (string, long)>();
        foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            try
            {
                result[int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture)] = (System.IO.File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n'), Ticks(System.IO.File.ReadAllText(Path.Combine(task, "stat"))));
            }
            catch (IOException)
            {
                // The thread ended while being read.
            }
        }
        return result;
    }

    /// <summary>The whole process's ticks, which include threads that have ended.</summary>
    static long ProcessTicks(int pid) => Ticks(System.IO.File.ReadAllText($"/proc/{pid}/stat"));

    // utime and stime are fields 14 and 15; the name (field 2) is in parentheses and may hold spaces.
    static long Ticks(string stat)
    {
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }
}
