using System.Diagnostics;

namespace Serilog.Sinks.MemStream.Tests.Support;

/// <summary>
/// A small tmpfs mounted for one test, so that a full disk is real and harms nothing else. Mounting
/// needs root (CI runs as root); without it the test cannot run, and says so as an ignored test with
/// its reason (counted as skipped, never as passed).
/// </summary>
sealed class TmpfsMount : IDisposable
{
    readonly TempFolder _folder = new();

    TmpfsMount(int megabytes)
    {
        if (!Environment.IsPrivilegedProcess)
            Assert.Ignore("This test mounts a small tmpfs to fill it, which needs root: run the tests as root (as .ci/run does) to include it.");
        Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m", "tmpfs", _folder.Path);
    }

    public string Path => _folder.Path;

    public static TmpfsMount Create(int megabytes) => new(megabytes);

    /// <summary>Writes a file of zeros until the file system refuses more; returns its path.</summary>
    public string Fill()
    {
        var filler = System.IO.Path.Combine(Path, "filler");
        var block = new byte[64 * 1024];
        using var stream = new FileStream(filler, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.WriteThrough);
        try
        {
            while (true)
                stream.Write(block);
        }
        catch (IOException)
        {
            // No space left: that is the point.
        }
        return filler;
    }

    public void Dispose()
    {
        // Lazy, so a file a failing test left open cannot keep the mount (and its memory) alive.
        Run("umount", "-l", _folder.Path);
        _folder.Dispose();
    }

    static void Run(string command, params string[] arguments)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            Assert.Fail($"{command} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error}");
    }
}
