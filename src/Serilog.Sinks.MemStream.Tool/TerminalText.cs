using System.Globalization;
using System.Text;

namespace Serilog.Sinks.MemStream.Tool;

/// <summary>
/// Makes log text safe to print on a terminal. Log text is written by whoever the application logs
/// about (a header, a user name), so it may hold escape sequences that clear the screen, set the window
/// title, hide links (OSC 8) or reorder text (bidirectional overrides). Control characters become
/// visible escapes such as <c>\x1B</c>; each new line of a message is indented, so a message cannot
/// pass itself off as a log line of its own. <c>--raw</c> turns this off.
/// </summary>
static class TerminalText
{
    public const string ContinuationIndent = "    ";

    /// <summary>Text for a line of output: control characters escaped, line breaks kept as indented continuation lines.</summary>
    public static string Line(string text)
    {
        if (!text.Any(IsUnsafe))
            return text;
        var escaped = new StringBuilder(text.Length + 16);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                continue; // the \n that follows is the line break
            if (c == '\n')
                escaped.Append('\n').Append(ContinuationIndent);
            else if (c == '\t' || !IsUnsafe(c))
                escaped.Append(c);
            else
                escaped.Append(c <= 0xFF ? $"\\x{(int)c:X2}" : $"\\u{(int)c:X4}");
        }
        return escaped.ToString();
    }

    /// <summary>A line of JSON: every unsafe character written as a JSON escape, so the line stays valid JSON.</summary>
    public static string Json(string json)
    {
        if (!json.Any(IsUnsafe))
            return json;
        var escaped = new StringBuilder(json.Length + 16);
        foreach (var c in json)
        {
            if (IsUnsafe(c))
                escaped.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            else
                escaped.Append(c);
        }
        return escaped.ToString();
    }

    /// <summary>C0 controls (but tab), DEL, C1 controls, line and paragraph separators, and bidirectional embeddings, overrides and isolates.</summary>
    static bool IsUnsafe(char c) =>
        (c < 0x20 && c != '\t') || c is >= '\u007F' and <= '\u009F' || c is '\u2028' or '\u2029' || c is >= '\u202A' and <= '\u202E' || c is >= '\u2066' and <= '\u2069';
}
