using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Serilog.Sinks.MemStream.Bench.Support;

namespace Serilog.Sinks.MemStream.Bench.Quick;

/// <summary>
/// Comparison 5: what a sink costs a real web app. The LoadApp project runs as a process of its own per
/// set-up (Kestrel on 127.0.0.1, 4 events per request with a correlation id and a trace id), and
/// Debian's <c>wrk</c> drives it from outside (<c>-t1 -c16</c>). Rounds alternate between the set-ups so
/// that drift on a shared machine hits them alike; each figure is the median of its rounds. Besides the
/// rate and latency: the process's CPU per request (all its threads, steadier than requests/s on a shared
/// machine), and its memory at rest: the resident set after it started and answered 2,000 requests one
/// at a time, then idled a second, before the load. The fleet set-up publishes to a redis-server the
/// comparison starts on this machine (it shares the two cores with the app and <c>wrk</c>, as a sidecar would).
/// </summary>
internal static partial class AppUnderLoadComparison
{
    static readonly (string Setup, string Label)[] Setups =
    [
        ("none", "Serilog, no sink"),
        ("file", "Serilog.Sinks.File, buffered"),
        ("async-file", "Serilog.Sinks.Async(File, buffered)"),
        ("memstream-memory", "MemStream, no store (durable: false)"),
        ("memstream", "MemStream, default (with store)"),
        ("memstream-no-trace-index", "MemStream, with store, indexTraceId: false"),
        ("memstream-fleet", "MemStream, default + AddMemStreamFleet (redis-server on this machine)"),
    ];

    public static async Task<string> Run(TimeSpan duration, int rounds, IReadOnlyCollection<string>? only = null)
    {
        if (!System.IO.File.Exists("/usr/bin/wrk"))
            return "### App under HTTP load\n\nSkipped: Debian's `wrk` is not installed (`apt-get install -y wrk`; `.ci/run` installs it).\n";

        var setups = Setups.Where(s => (only is null || s.Setup == "file" || only.Contains(s.Setup))
            && (s.Setup != "memstream-fleet" || System.IO.File.Exists(RedisProcess.Executable))).ToArray();
        using var redis = setups.Any(s => s.Setup == "memstream-fleet") ? RedisProcess.Start() : null;
        var results = setups.ToDictionary(s => s.Setup, _ => new List<Round>());
        for (var round = 0; round < rounds; round++)
        {
            foreach (var (setup, _) in setups)
                results[setup].Add(await MeasureAsync(setup, duration, redis));
        }

        var table = new MarkdownTable($"App under HTTP load (wrk -t1 -c16, {rounds} alternating rounds of {duration.TotalSeconds:0} s, medians)",
            "set-up", "requests/s", "× File", "CPU µs/request", "CPU × File", "p50 µs", "p99 µs", "p99 × File", "GC pause ms/s", "peak working set MiB", "+ MiB over File",
            "at rest MiB", "at rest + MiB over File", "events stored", "dropped (sink / store queue)");
        double Median(string setup, Func<Round, double> figure) => Stats.Median(results[setup].Select(figure));
        foreach (var (setup, label) in setups)
        {
            table.Add(label, Median(setup, r => r.RequestsPerSecond), Median(setup, r => r.RequestsPerSecond) / Median("file", r => r.RequestsPerSecond),
                Median(setup, r => r.CpuMicrosecondsPerRequest), Median(setup, r => r.CpuMicrosecondsPerRequest) / Median("file", r => r.CpuMicrosecondsPerRequest),
                Median(setup, r => r.P50Microseconds), Median(setup, r => r.P99Microseconds), Median(setup, r => r.P99Microseconds) / Median("file", r => r.P99Microseconds),
                Median(setup, r => r.GcPauseMsPerSecond), Median(setup, r => r.PeakWorkingSetMiB), Median(setup, r => r.PeakWorkingSetMiB) - Median("file", r => r.PeakWorkingSetMiB),
                Median(setup, r => r.AtRestMiB), Median(setup, r => r.AtRestMiB) - Median("file", r => r.AtRestMiB),
                results[setup].Sum(r => r.Stored), $"{results[setup].Sum(r => r.SinkDrops):N0} / {results[setup].Sum(r => r.StoreDrops):N0}");
        }
        var text = table.ToString();
        if (results.ContainsKey("memstream-fleet") && results.ContainsKey("memstream"))
            text += $"{Environment.NewLine}The fleet against the same set-up without it (the issue's measure): requests/s × {Median("memstream-fleet", r => r.RequestsPerSecond) / Median("memstream", r => r.RequestsPerSecond):0.00}, "
                + $"CPU per request × {Median("memstream-fleet", r => r.CpuMicrosecondsPerRequest) / Median("memstream", r => r.CpuMicrosecondsPerRequest):0.00}, "
                + $"p99 × {Median("memstream-fleet", r => r.P99Microseconds) / Median("memstream", r => r.P99Microseconds):0.00}.{Environment.NewLine}";
        return text;
    }

    sealed record Round(double RequestsPerSecond, double CpuMicrosecondsPerRequest, double P50Microseconds, double P99Microseconds, double GcPauseMsPerSecond,
        double PeakWorkingSetMiB, double AtRestMiB, long Stored, long SinkDrops, long StoreDrops);

    internal sealed record AppStats(double GcPauseMilliseconds, long PeakWorkingSetBytes, long SinkQueueDrops, long StoreQueueDrops, long StoreWriteFailures, long StoredEvents,
        double CpuMilliseconds, long WorkingSetBytes, long StoreBytes);

    const int AtRestRequests = 2_000;

    static async Task<Round> MeasureAsync(string setup, TimeSpan duration, RedisProcess? redis)
    {
        using var app = StartApp(setup, redis, out var baseUrl);
        using var http = new HttpClient();
        try
        {
            // At rest: what an app that started and served a little holds, before any load.
            for (var i = 0; i < AtRestRequests; i++)
                (await http.GetAsync($"{baseUrl}/orders/{i}")).Dispose();
            await Task.Delay(TimeSpan.FromSeconds(1));
            var atRest = (await http.GetFromJsonAsync<AppStats>($"{baseUrl}/stats"))!;
            // Warm-up: JIT, tiered compilation, the connection pool and the store's first files.
            await Wrk($"{baseUrl}/orders/42", TimeSpan.FromSeconds(2));
            var before = (await http.GetFromJsonAsync<AppStats>($"{baseUrl}/stats"))!;
            var output = await Wrk($"{baseUrl}/orders/42", duration);
            var after = (await http.GetFromJsonAsync<AppStats>($"{baseUrl}/stats"))!;
            var requests = RequestsIn(output);
            return new Round(
                double.Parse(RequestsPerSecond().Match(output).Groups[1].Value, CultureInfo.InvariantCulture),
                // The /stats requests between are two among tens of thousands.
                (after.CpuMilliseconds - before.CpuMilliseconds) * 1000 / requests,
                LatencyMicroseconds(output, "50%"), LatencyMicroseconds(output, "99%"),
                (after.GcPauseMilliseconds - before.GcPauseMilliseconds) / duration.TotalSeconds,
                after.PeakWorkingSetBytes / (1024.0 * 1024.0),
                atRest.WorkingSetBytes / (1024.0 * 1024.0),
                after.StoredEvents - before.StoredEvents,
                after.SinkQueueDrops, after.StoreQueueDrops + after.StoreWriteFailures);
        }
        finally
        {
            await StopAsync(app);
        }
    }

    // Each running load app's folder (its store), by process id: killed, the app cannot delete it.
    static readonly System.Collections.Concurrent.ConcurrentDictionary<int, string> Folders = new();

    /// <summary>Ends a load app at once and deletes its folder.</summary>
    internal static async Task StopAsync(Process app)
    {
        var id = app.Id;
        app.Kill(entireProcessTree: true);
        await app.WaitForExitAsync();
        if (Folders.TryRemove(id, out var folder) && Directory.Exists(folder))
            Directory.Delete(folder, recursive: true);
    }

    /// <summary>Starts the load app with a set-up, listening on a free port of 127.0.0.1.</summary>
    internal static Process StartApp(string setup, RedisProcess? redis, out string baseUrl)
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var (framework, configuration) = (here.Name, here.Parent!.Name);
        var appDll = Path.Combine(here.Parent!.Parent!.Parent!.Parent!.FullName, "Serilog.Sinks.MemStream.LoadApp", "bin", configuration, framework, "Serilog.Sinks.MemStream.LoadApp.dll");
        if (!System.IO.File.Exists(appDll))
            throw new FileNotFoundException($"The load app is not built at {appDll}; build the solution in {configuration} first.");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false, WorkingDirectory = Path.GetDirectoryName(appDll)! };
        foreach (var argument in new[] { appDll, setup, "--urls", "http://127.0.0.1:0" })
            start.ArgumentList.Add(argument);
        if (redis is not null)
            start.Environment["MEMSTREAM_BENCH_REDIS"] = redis.Configuration;
        var process = Process.Start(start)!;
        var folder = process.StandardOutput.ReadLine() ?? throw new InvalidOperationException($"The load app ({setup}) ended before it started.");
        Folders[process.Id] = folder["folder ".Length..];
        var line = process.StandardOutput.ReadLine() ?? throw new InvalidOperationException($"The load app ({setup}) ended before it listened.");
        baseUrl = line["listening on ".Length..].TrimEnd('/');
        _ = process.StandardOutput.ReadToEndAsync();
        return process;
    }

    internal static async Task<string> Wrk(string url, TimeSpan duration)
    {
        var start = new ProcessStartInfo("wrk") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { "-t1", "-c16", $"-d{duration.TotalSeconds:0}s", "--latency", url })
            start.ArgumentList.Add(argument);
        using var wrk = Process.Start(start)!;
        var output = await wrk.StandardOutput.ReadToEndAsync();
        await wrk.WaitForExitAsync();
        if (wrk.ExitCode != 0 || !RequestsPerSecond().IsMatch(output))
            throw new InvalidOperationException($"wrk failed ({wrk.ExitCode}): {output}");
        if (NonSuccess().Match(output) is { Success: true } failed)
            throw new InvalidOperationException($"the app answered errors under load ({failed.Value}): {output}");
        return output;
    }

    internal static long RequestsIn(string wrkOutput) => long.Parse(RequestsDone().Match(wrkOutput).Groups[1].Value, CultureInfo.InvariantCulture);

    internal static double LatencyMicroseconds(string wrkOutput, string percentile)
    {
        var match = Regex.Match(wrkOutput, $@"^\s+{Regex.Escape(percentile)}\s+([\d.]+)(us|ms|s)\s*$", RegexOptions.Multiline);
        var value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch { "us" => value, "ms" => value * 1000, _ => value * 1_000_000 };
    }

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"(\d+) requests in ")]
    private static partial Regex RequestsDone();

    [GeneratedRegex(@"Non-2xx or 3xx responses: \d+")]
    private static partial Regex NonSuccess();
}
