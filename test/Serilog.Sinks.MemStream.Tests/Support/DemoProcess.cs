using System.Diagnostics;

namespace Serilog.Sinks.MemStream.Tests.Support;

/// <summary>
/// The demo app (src/Serilog.Sinks.MemStream.Demo, built beside the tests) as a real process of its
/// own on a free loopback port, with its store in a temp folder: what a user runs, so a test can tell
/// whether hostile input killed it.
/// </summary>
sealed class DemoProcess : IDisposable
{
    readonly Process _process;
    readonly TempFolder _store = new();
    readonly List<string> _errors = [];

    DemoProcess(string? storePath, string[] arguments)
    {
        var demoDll = BuiltProgram.Dll("src/Serilog.Sinks.MemStream.Demo");

        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.GetDirectoryName(demoDll)!, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { demoDll, "--urls", "http://127.0.0.1:0", "--Serilog:WriteTo:0:Args:storePath", storePath ?? _store.Path }.Concat(arguments))
            start.ArgumentList.Add(argument);
        _process = Process.Start(start)!;
        _process.ErrorDataReceived += (_, e) => { lock (_errors) _errors.Add(e.Data ?? ""); };
        _process.BeginErrorReadLine();

        var line = _process.StandardOutput.ReadLineAsync();
        Assert.That(line.Wait(TimeSpan.FromSeconds(60)) && line.Result is not null, "the demo did not start within 60 s");
        BaseUrl = line.Result!.Split(' ').Single(word => word.StartsWith("http://", StringComparison.Ordinal)).TrimEnd('/');
        _ = _process.StandardOutput.ReadToEndAsync(); // keep its output flowing
    }

    public string BaseUrl { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>Whether the demo ends within <paramref name="patience"/>: returns as soon as it does, not after the whole wait.</summary>
    public bool ExitsWithin(TimeSpan patience) => _process.WaitForExit(patience);

    /// <summary>What the demo wrote to standard error (SelfLog, crashes).</summary>
    public string Errors
    {
        get { lock (_errors) return string.Join("\n", _errors); }
    }

    /// <summary>Starts the demo; <paramref name="storePath"/> overrides its store's own temp folder; <paramref name="arguments"/> go to its configuration.</summary>
    public static DemoProcess Start(string? storePath = null, params string[] arguments) => new(storePath, arguments);

    /// <summary>Kills the demo as an orchestrator or the OOM killer would (SIGKILL: no shutdown code runs).</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
        _store.Dispose();
    }
}
