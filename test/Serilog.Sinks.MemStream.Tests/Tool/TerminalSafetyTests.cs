using System.Text.Json;
using Serilog.Sinks.MemStream.Tests.Support;

namespace Serilog.Sinks.MemStream.Tests.Tool;

/// <summary>Log text that tries to drive the terminal (escape sequences, OSC titles and links, C1 controls, fake lines) is printed harmless.</summary>
public class TerminalSafetyTests
{
    const string Hostile = "title\u001b]0;pwned\u0007 clear\u001b[2J csi\u009b31m rtl\u202e link\u001b]8;;http://evil.example\u001b\\";
    // Substring constraints compare by culture, where control characters weigh nothing: look for them ordinally.
    static readonly char[] Controls = ['\u001b', '\u0007', '\u009b', '\u202e'];
    const string FakeLine = "first line\n2026-01-01 00:00:00.000 INF a line that never was logged";

    static async Task<ToolRun> TailUntilAsync(TailServer server, string expected, params string[] options)
    {
        using var stop = new CancellationTokenSource();
        var (run, exit) = ToolRun.Start(stop.Token, ["tail", server.BaseUrl, .. options]);
        await run.WaitForOutputAsync(expected);
        stop.Cancel();
        await exit;
        return run;
    }

    [Test]
    public async Task TailShowsControlCharactersAsEscapes()
    {
        await using var server = await TailServer.StartAsync();
        server.Logger.Information("{Text} end", Hostile);

        var run = await TailUntilAsync(server, "end");

        Assert.That(run.Printed.IndexOfAny(Controls), Is.EqualTo(-1), "no control character reached the terminal");
        Assert.That(run.Printed, Does.Contain(@"title\x1B]0;pwned\x07 clear\x1B[2J csi\x9B31m rtl\u202E link\x1B]8;;http://evil.example\x1B\ end"));
    }

    [Test]
    public async Task TailIndentsTheLinesOfAMultiLineMessageSoNoneLooksLikeALogLine()
    {
        await using var server = await TailServer.StartAsync();
        server.Logger.Information("{Text} end", FakeLine);

        var run = await TailUntilAsync(server, "end");

        var lines = run.Printed.Split('\n');
        Assert.That(lines, Has.None.StartsWith("2026-01-01"));
        Assert.That(lines, Has.One.EqualTo("    2026-01-01 00:00:00.000 INF a line that never was logged end"));
    }

    [Test]
    public async Task TailRawPrintsLogTextAsItIs()
    {
        await using var server = await TailServer.StartAsync();
        server.Logger.Information("{Text} end", Hostile);

        var run = await TailUntilAsync(server, "end", "--raw");

        Assert.That(run.Printed.Contains(Hostile + " end", StringComparison.Ordinal), Is.True, run.Printed);
    }

    [Test]
    public async Task TailClefLinesStayValidJsonWithEveryControlCharacterEscaped()
    {
        await using var server = await TailServer.StartAsync();
        server.Logger.Information("{Text} end", Hostile);

        var run = await TailUntilAsync(server, "@mt", "--format", "clef");

        var line = run.Printed.Split('\n').Single(l => l.Contains("@mt"));
        Assert.That(line.Any(c => char.IsControl(c) || c == '\u202e'), Is.False, line);
        Assert.That(JsonDocument.Parse(line).RootElement.GetProperty("Text").GetString(), Is.EqualTo(Hostile));
    }

    [Test]
    public async Task QueryShowsControlCharactersAsEscapesInTextAndInJson()
    {
        using var folder = new TempFolder();
        string name;
        using (var sink = StoreSink.Open(folder.Path))
        {
            name = sink.Name;
            sink.Log("order-1", "evil \u001b[2J\u009b " + FakeLine);
        }

        var text = await ToolRun.RunAsync("query", "--store", folder.Path, "--sink", name, "order-1");
        var json = await ToolRun.RunAsync("query", "--store", folder.Path, "--sink", name, "--json", "order-1");
        var raw = await ToolRun.RunAsync("query", "--store", folder.Path, "--sink", name, "--raw", "order-1");

        Assert.That(text.Printed, Does.Contain(@"evil \x1B[2J\x9B first line" + "\n    2026-01-01 00:00:00.000 INF a line"));
        Assert.That(json.Printed.TrimEnd().IndexOfAny(Controls), Is.EqualTo(-1), "no control character reached the terminal");
        Assert.That(JsonDocument.Parse(json.Printed.Trim()).RootElement.GetProperty("@mt").GetString(), Does.StartWith("evil \u001b[2J\u009b"));
        Assert.That(raw.Printed.Contains("evil \u001b[2J\u009b", StringComparison.Ordinal), Is.True, raw.Printed);
    }

    /// <summary>Invisible and reordering characters (Unicode's Cf, Zl and Zp), including the tag characters beyond the BMP.</summary>
    const string Invisible = "rlm\u200f alm\u061c zwsp\u200b bom\ufeff shy\u00ad ls\u2028 ps\u2029 tag\U000E0041 lri\u2066";
    static readonly string[] InvisibleChars = ["\u200f", "\u061c", "\u200b", "\ufeff", "\u00ad", "\u2028", "\u2029", "\U000E0041", "\u2066"];
    const string InvisibleEscaped = @"rlm\u200F alm\u061C zwsp\u200B bom\uFEFF shy\xAD ls\u2028 ps\u2029 tag\U000E0041 lri\u2066";

    [Test]
    public async Task TailAndQueryShowInvisibleAndBidiMarksAsEscapesUnlessRaw()
    {
        await using var server = await TailServer.StartAsync(durable: true);
        server.Logger.ForContext("CorrelationId", "order-1").Information("{Text} end", Invisible);
        server.Facade.Flush();

        var tail = await TailUntilAsync(server, "end");
        var clef = await TailUntilAsync(server, "@mt", "--format", "clef");
        var rawTail = await TailUntilAsync(server, "end", "--raw");
        var query = await ToolRun.RunAsync("query", "--url", server.BaseUrl, "order-1");
        var queryJson = await ToolRun.RunAsync("query", "--url", server.BaseUrl, "--json", "order-1");

        foreach (var (mode, printed) in new[] { ("tail", tail.Printed), ("tail --format clef", clef.Printed), ("query", query.Printed), ("query --json", queryJson.Printed) })
            Assert.That(InvisibleChars.Where(c => printed.Contains(c, StringComparison.Ordinal)), Is.Empty, $"{mode} printed them as they are: {printed}");
        Assert.That(tail.Printed, Does.Contain(InvisibleEscaped + " end"));
        Assert.That(query.Printed, Does.Contain(InvisibleEscaped));
        var clefLine = clef.Printed.Split('\n').Single(l => l.Contains("@mt"));
        Assert.That(JsonDocument.Parse(clefLine).RootElement.GetProperty("Text").GetString(), Is.EqualTo(Invisible), "the JSON escapes decode to the text");
        Assert.That(JsonDocument.Parse(queryJson.Printed.Trim()).RootElement.GetProperty("Text").GetString(), Is.EqualTo(Invisible));
        // (The console writes a line or paragraph separator as a line break even then.)
        Assert.That(rawTail.Printed.Contains("rlm\u200f alm\u061c zwsp\u200b bom\ufeff shy\u00ad ls", StringComparison.Ordinal)
            && rawTail.Printed.Contains("tag\U000E0041 lri\u2066 end", StringComparison.Ordinal), Is.True, "--raw prints the text as it is");
    }

    [Test]
    public async Task AnInvalidFilterIsExplainedWithExitCode2()
    {
        await using var server = await TailServer.StartAsync();

        var unknown = await ToolRun.RunAsync("tail", server.BaseUrl, "--filter", "Foo(1)");
        var deep = await ToolRun.RunAsync("tail", server.BaseUrl, "--filter", new string('(', 50) + "1" + new string(')', 50));

        Assert.That(unknown.ExitCode, Is.EqualTo(2));
        Assert.That(unknown.Error, Does.StartWith("memstream: the filter is invalid:").And.Contain("Foo"));
        Assert.That(deep.ExitCode, Is.EqualTo(2));
        Assert.That(deep.Error, Does.Contain("the filter is invalid:").And.Contain("at most 16 deep"));
    }
}
