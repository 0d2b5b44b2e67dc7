using System.Text;

namespace Serilog.Sinks.MemStream.Bench.Support;

/// <summary>A table printed as GitHub markdown, columns padded so it also reads well in a terminal.</summary>
internal sealed class MarkdownTable(string title, params string[] headers)
{
    readonly List<string[]> _rows = [];

    public void Add(params object[] cells) => _rows.Add(cells.Select(c => c switch
    {
        double d => d.ToString(Math.Abs(d) >= 100 ? "N0" : "0.00", System.Globalization.CultureInfo.InvariantCulture),
        long or int => string.Format(System.Globalization.CultureInfo.InvariantCulture, "{0:N0}", c),
        _ => c.ToString() ?? "",
    }).ToArray());

    public override string ToString()
    {
        var widths = headers.Select((h, i) => Math.Max(h.Length, _rows.Select(r => i < r.Length ? r[i].Length : 0).DefaultIfEmpty(0).Max())).ToArray();
        var text = new StringBuilder().AppendLine($"### {title}").AppendLine();
        text.AppendLine("| " + string.Join(" | ", headers.Select((h, i) => h.PadRight(widths[i]))) + " |");
        text.AppendLine("|" + string.Join("|", widths.Select((w, i) => i == 0 ? new string('-', w + 2) : new string('-', w + 1) + ":")) + "|");
        foreach (var row in _rows)
            text.AppendLine("| " + string.Join(" | ", row.Select((c, i) => i == 0 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))) + " |");
        return text.ToString();
    }
}
