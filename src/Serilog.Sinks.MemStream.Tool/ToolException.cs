namespace Serilog.Sinks.MemStream.Tool;

/// <summary>A failure the tool explains in one line (what is wrong, what to do) and exits with a non-zero code.</summary>
sealed class ToolException(string message, int exitCode = ExitCodes.BadInput) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}

static class ExitCodes
{
    public const int Success = 0;
    public const int Unexpected = 1;
    public const int BadInput = 2;
    public const int Unreachable = 3;
    /// <summary>The answer held events that do not read (a fleet answer MemStream did not write): the rest was printed, each unreadable one named.</summary>
    public const int UnreadableAnswer = 4;
}
