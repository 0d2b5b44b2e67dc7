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
}
