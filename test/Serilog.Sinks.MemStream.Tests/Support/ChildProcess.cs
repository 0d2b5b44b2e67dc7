using System.Diagnostics;

namespace Serilog.Sinks.MemStream.Tests.Support;

/// <summary>Runs test/Serilog.Sinks.MemStream.TestChild (built beside this assembly, same configuration) as a real second process.</summary>
sealed class ChildProcess : IDisposable
{
    readonly Process _process;

    ChildProcess(Process process) => _process = process;

    public static ChildProcess Start(params string[] arguments)
    {
        var childDll = BuiltProgram.Dll("test/Serilog.Sinks.MemStream.TestChild");

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
        start.ArgumentList.Add(childDll);
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        return new ChildProcess(Process.Start(start)!);
    }

    /// <summary>The next line the child prints, or null when it has ended; fails the test after 60 s.</summary>
    public string? ReadLine()
    {
        var line = _process.StandardOutput.ReadLineAsync();
        Assert.That(line.Wait(TimeSpan.FromSeconds(60)), "the child process printed nothing for 60 s");
        return line.Result;
    }

    /// <summary>SIGKILL on Unix: no finalizers, no flush, no goodbye.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
            Kill();
        _process.Dispose();
    }
}
