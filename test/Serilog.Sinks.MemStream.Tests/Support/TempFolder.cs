namespace Serilog.Sinks.MemStream.Tests.Support;

/// <summary>A fresh directory under the system temp folder, deleted with everything in it on Dispose.</summary>
sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "memstream-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a failing test must not hide that test's own failure.
        }
    }
}
