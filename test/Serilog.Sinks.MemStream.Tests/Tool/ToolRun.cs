using Serilog.Sinks.MemStream.Tool;

namespace Serilog.Sinks.MemStream.Tests.Tool;

/// <summary>Runs the memstream command in process, as a user would type it, capturing what it prints.</summary>
sealed class ToolRun
{
    readonly StringWriter _output = new();
    readonly StringWriter _error = new();

    public TextWriter Output { get; }

    ToolRun()
    {
        Output = TextWriter.Synchronized(_output);
    }

    public int ExitCode { get; private set; }

    public string Printed
    {
        get { lock (Output) return _output.ToString(); }
    }

    public string Error => _error.ToString();

    public static async Task<ToolRun> RunAsync(params string[] args)
    {
        var run = new ToolRun();
        run.ExitCode = await MemStreamTool.RunAsync(args, run.Output, run._error, CancellationToken.None);
        return run;
    }

    /// <summary>Starts a long-running command (tail); cancel the token to end it as Ctrl+C would.</summary>
    public static (ToolRun Run, Task<int> Exit) Start(CancellationToken cancel, params string[] args)
    {
        var run = new ToolRun();
        var exit = Task.Run(async () => run.ExitCode = await MemStreamTool.RunAsync(args, run.Output, run._error, cancel));
        return (run, exit);
    }

    public async Task WaitForOutputAsync(string text)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!Printed.Contains(text))
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), $"the tool never printed '{text}'. It printed:\n{Printed}\n{Error}");
            await Task.Delay(50);
        }
    }
}
