using System.Reflection;
using System.Text.RegularExpressions;
using Serilog.Sinks.MemStream.AspNetCore;

namespace Serilog.Sinks.MemStream.Tests.AspNetCore;

/// <summary>The live-tail page keeps its own copy of the wire protocol (it is one self-contained file): held here to <see cref="TailProtocol"/>.</summary>
public partial class TailProtocolTests
{
    [Test]
    public void ThePageHandlesEveryFrameTypeOfTheProtocolAndNoOther()
    {
        var handled = FrameTypeComparison().Matches(Page()).Select(m => m.Groups[1].Value).ToHashSet();

        Assert.That(handled, Is.EquivalentTo(TailProtocol.FrameTypes));
    }

    [Test]
    public void ThePageReadsOnlyFieldsTheProtocolDefines()
    {
        var fields = typeof(TailProtocol).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string)).Select(f => (string)f.GetRawConstantValue()!).ToHashSet();
        var read = FrameField().Matches(Page()).Select(m => m.Groups[1].Value).ToHashSet();

        Assert.That(read, Is.Not.Empty);
        Assert.That(read, Is.SubsetOf(fields), "every frame.<field> the page reads");
    }

    static string Page()
    {
        using var stream = typeof(MemStreamEndpointOptions).Assembly.GetManifestResourceStream("Serilog.Sinks.MemStream.AspNetCore.live-tail.html")!;
        return new StreamReader(stream).ReadToEnd();
    }

    [GeneratedRegex("frame\\.type === \"([a-z-]+)\"")]
    private static partial Regex FrameTypeComparison();

    [GeneratedRegex("\\bframe\\.([a-zA-Z]+)")]
    private static partial Regex FrameField();
}
