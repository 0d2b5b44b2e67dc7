namespace Serilog.Sinks.MemStream.Store;

/// <summary>
/// An exception read back from the store: the original is gone, its text is kept. <see cref="ToString"/>
/// returns that text, so output templates render it as they rendered the original.
/// </summary>
internal sealed class StoredException(string text) : Exception(FirstLine(text))
{
    public override string ToString() => text;

    static string FirstLine(string text)
    {
        var end = text.IndexOf('\n');
        return (end < 0 ? text : text[..end]).TrimEnd('\r');
    }
}
