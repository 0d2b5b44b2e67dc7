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

    /// <summary>Text for a line of output: unsafe characters escaped, line breaks kept as indented continuation lines.</summary>
    public static string Line(string text)
    {
        if (!HasUnsafe(text))
            return text;
        var escaped = new StringBuilder(text.Length + 16);
        for (var i = 0; i < text.Length;)
        {
            if (text[i] == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                i++; // the \n that follows is the line break
                continue;
            }
            Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out var length);
            if (rune.Value == '\n')
                escaped.Append('\n').Append(ContinuationIndent);
            else if (!IsUnsafe(rune))
                escaped.Append(text, i, length);
            else
                escaped.Append(rune.Value <= 0xFF ? $"\\x{rune.Value:X2}" : rune.IsBmp ? $"\\u{rune.Value:X4}" : $"\\U{rune.Value:X8}");
            i += length;
        }
        return escaped.ToString();
    }

    /// <summary>A line of JSON: every unsafe character written as a JSON escape (a surrogate pair as two), so the line stays valid JSON.</summary>
    public static string Json(string json)
    {
        if (!HasUnsafe(json))
            return json;
        var escaped = new StringBuilder(json.Length + 16);
        for (var i = 0; i < json.Length;)
        {
            Rune.DecodeFromUtf16(json.AsSpan(i), out var rune, out var length);
            if (IsUnsafe(rune))
            {
                foreach (var unit in json.AsSpan(i, length))
                    escaped.Append("\\u").Append(((int)unit).ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                escaped.Append(json, i, length);
            }
            i += length;
        }
        return escaped.ToString();
    }

    static bool HasUnsafe(string text)
    {
        foreach (var rune in text.EnumerateRunes())
        {
            if (IsUnsafe(rune))
                return true;
        }
        return false;
    }

    /// <summary>
    /// C0 controls (but tab), DEL, C1 controls, and every character of Unicode's format category (Cf: bidirectional
    /// marks, embeddings, overrides and isolates, zero-width spaces and joiners, the byte-order mark, the invisible
    /// tag characters U+E0000-E007F) and of the line and paragraph separator categories (Zl, Zp): each either drives
    /// the terminal or is invisible, so a message could hide or reorder what a reader sees.
    /// </summary>
    static bool IsUnsafe(Rune rune) =>
        rune.Value is (< 0x20 and not '\t') or (>= 0x7F and <= 0x9F)
        || (rune.Value > 0xAC && Rune.GetUnicodeCategory(rune) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator);
}
