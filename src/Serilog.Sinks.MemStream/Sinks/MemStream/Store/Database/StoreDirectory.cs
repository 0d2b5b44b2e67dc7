using System.Reflection;

namespace Serilog.Sinks.MemStream.Store;

/// <summary>Where a store lives by default, and creating its directory so that only its owner can read it.</summary>
internal static class StoreDirectory
{
    /// <summary><c>&lt;temp&gt;/memstream/&lt;entry assembly name&gt;</c>.</summary>
    public static string DefaultPath()
    {
        var application = Assembly.GetEntryAssembly()?.GetName().Name ?? "application";
        return Path.Combine(Path.GetTempPath(), "memstream", application);
    }

    /// <summary>Creates the directory and any missing parents; on Unix with mode 0700, since logs are sensitive.</summary>
    public static void Create(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        var full = Path.GetFullPath(path);
        var missing = new Stack<string>();
        for (var current = full; !string.IsNullOrEmpty(current) && !Directory.Exists(current); current = Path.GetDirectoryName(current))
            missing.Push(current);
        while (missing.Count > 0)
            Directory.CreateDirectory(missing.Pop(), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
