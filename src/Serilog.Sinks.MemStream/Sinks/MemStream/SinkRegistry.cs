namespace Serilog.Sinks.MemStream;

/// <summary>
/// The live sinks of the process by name. The facade serves the most recently created live sink of
/// a name; when it is disposed, the one created before it takes over.
/// </summary>
internal static class SinkRegistry
{
    static readonly object Gate = new();
    static readonly List<MemStreamSink> Sinks = [];

    public static void Register(MemStreamSink sink)
    {
        lock (Gate)
            Sinks.Add(sink);
    }

    public static void Unregister(MemStreamSink sink)
    {
        lock (Gate)
            Sinks.Remove(sink);
    }

    public static IReadOnlyList<MemStreamSink> Live()
    {
        lock (Gate)
            return [.. Sinks];
    }

    public static MemStreamSink? Resolve(string? name)
    {
        lock (Gate)
            return Sinks.FindLast(sink => string.Equals(sink.Name, name, StringComparison.Ordinal));
    }
}
