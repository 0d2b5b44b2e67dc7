namespace Serilog.Sinks.MemStream.Tests.Support;

/// <summary>Where a program of this repository is built beside the tests (same configuration and framework), for running it as a process of its own.</summary>
static class BuiltProgram
{
    /// <summary>The dll of the project at <paramref name="projectFolder"/> (relative to the repository root, e.g. <c>src/X</c>).</summary>
    public static string Dll(string projectFolder)
    {
        var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var (framework, configuration) = (testBin.Name, testBin.Parent!.Name);
        var repository = testBin.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
        var dll = Path.Combine(repository, projectFolder, "bin", configuration, framework, Path.GetFileName(projectFolder) + ".dll");
        Assert.That(File.Exists(dll), $"{projectFolder} is not built at {dll}");
        return dll;
    }
}
