using System.Text;
using MemStreamFacade = Serilog.Sinks.MemStream.MemStream;

namespace Serilog.Sinks.MemStream.Demo;

/// <summary>An id's stored events as plain text, read a page at a time through the facade and cut at about 4 MiB.</summary>
static class StoredEventsText
{
    const int MaxChars = 4 * 1024 * 1024;
    // Small pages: stored events can be large, and a page is decoded whole.
    const int PageEvents = 8;

    public static string Of(string id)
    {
        var text = new StringBuilder();
        var after = 0L;
        while (true)
        {
            var page = MemStreamFacade.QueryPage(id, after: after, limit: PageEvents);
            foreach (var (sequence, e) in page)
            {
                var line = $"{e.Timestamp:HH:mm:ss.fff} [{e.Level}] {e.RenderMessage()}{Environment.NewLine}{e.Exception}";
                if (text.Length > 0 && text.Length + line.Length > MaxChars)
                    return text.Append($"… more stored events: /memstream/query?correlationId={Uri.EscapeDataString(id)}&after={after} pages through them all.").ToString();
                text.Append(line);
                after = sequence;
            }
            if (page.Count < PageEvents)
                return text.ToString();
        }
    }
}
