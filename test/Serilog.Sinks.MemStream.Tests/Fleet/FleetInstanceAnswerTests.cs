using System.Text;
using Serilog.Sinks.MemStream.AspNetCore;

namespace Serilog.Sinks.MemStream.Tests.Fleet;

public class FleetInstanceAnswerTests
{
    const string GoodEvent = """{"instance":"a","seq":1,"timestamp":"2026-12-03T10:00:00+00:00","level":"Information","clef":{"@t":"2026-12-03T10:00:00Z","@mt":"hi"}}""";

    static bool TryRead(string json, out string? instance) => FleetInstanceAnswer.TryRead(Encoding.UTF8.GetBytes(json), out instance, out _);

    [Test]
    public void AWellFormedAnswerReadsWithItsInstanceAndTruncation()
    {
        Assert.That(FleetInstanceAnswer.TryRead(Encoding.UTF8.GetBytes($$"""{"instance":"a","events":[{{GoodEvent}}],"truncated":true}"""), out var instance, out var answer), Is.True);
        Assert.That(instance, Is.EqualTo("a"));
        Assert.That(FleetInstanceAnswer.IsTruncated(answer), Is.True);
        Assert.That(TryRead("""{"instance":"a","events":[]}""", out _), Is.True, "an answer without events");
    }

    [Test]
    public void ANewestFirstMergeStopsWhereATruncatedAnswerStopsAndAtItsLimit()
    {
        // "a" sent its newest two of more (10:05, 10:04); "b" sent all it had (10:06, 10:03, 10:01).
        var a = Answer("a", truncated: true, 5, 4);
        var b = Answer("b", truncated: false, 6, 3, 1);

        var merged = FleetInstanceAnswer.Merge([a, b], newestFirst: true, limit: 100, out var cut);
        var limited = FleetInstanceAnswer.Merge([a, b], newestFirst: true, limit: 2, out var cutByLimit);
        var oldestFirst = FleetInstanceAnswer.Merge([a, b], newestFirst: false, limit: 1, out var noCut);

        Assert.That(Minutes(merged), Is.EqualTo(new[] { 6, 5, 4 }), "below 10:04 only b's would be there: a hole");
        Assert.That(cut, Is.EqualTo(new[] { "b" }));
        Assert.That(Minutes(limited), Is.EqualTo(new[] { 6, 5 }));
        Assert.That(cutByLimit, Is.EqualTo(new[] { "a", "b" }));
        Assert.That(Minutes(oldestFirst), Is.EqualTo(new[] { 1, 3, 4, 5, 6 }), "an id's history is merged whole, as before");
        Assert.That(noCut, Is.Empty);
    }

    static System.Text.Json.JsonElement Answer(string instance, bool truncated, params int[] minutes)
    {
        var events = string.Join(",", minutes.Select((minute, i) =>
            $$$"""{"instance":"{{{instance}}}","seq":{{{i + 1}}},"timestamp":"2026-12-03T10:{{{minute:D2}}}:00+00:00","level":"Error","clef":{"@mt":"m"}}"""));
        Assert.That(FleetInstanceAnswer.TryRead(Encoding.UTF8.GetBytes($$"""{"instance":"{{instance}}","events":[{{events}}],"truncated":{{(truncated ? "true" : "false")}}}"""), out _, out var answer));
        return answer;
    }

    static List<int> Minutes(IReadOnlyList<System.Text.Json.JsonElement> events) =>
        [.. events.Select(e => e.GetProperty("timestamp").GetDateTimeOffset().Minute)];

    [TestCase("not json")]
    [TestCase("[1,2]")]
    [TestCase("""{"events":[]}""")]
    [TestCase("""{"instance":"","events":[]}""")]
    [TestCase("""{"instance":7,"events":[]}""")]
    [TestCase("""{"instance":"a","events":{}}""")]
    [TestCase("""{"instance":"a","events":[],"truncated":"yes"}""")]
    [TestCase("""{"instance":"a","events":[{"instance":"b","seq":1,"timestamp":"2026-12-03T10:00:00Z","level":"Information","clef":{"@mt":"x"}}]}""")]
    [TestCase("""{"instance":"a","events":[{"instance":"a","seq":"1","timestamp":"2026-12-03T10:00:00Z","level":"Information","clef":{"@mt":"x"}}]}""")]
    [TestCase("""{"instance":"a","events":[{"instance":"a","seq":0,"timestamp":"2026-12-03T10:00:00Z","level":"Information","clef":{"@mt":"x"}}]}""")]
    [TestCase("""{"instance":"a","events":[{"instance":"a","seq":1,"timestamp":"soon","level":"Information","clef":{"@mt":"x"}}]}""")]
    [TestCase("""{"instance":"a","events":[{"instance":"a","seq":1,"timestamp":"2026-12-03T10:00:00Z","level":"Loud","clef":{"@mt":"x"}}]}""")]
    [TestCase("""{"instance":"a","events":[{"instance":"a","seq":1,"timestamp":"2026-12-03T10:00:00Z","level":"Information","clef":{"@mt":42}}]}""")]
    [TestCase("""{"instance":"a","events":[{"instance":"a","seq":1,"timestamp":"2026-12-03T10:00:00Z","level":"Information","clef":{"@mt":"x"},"traceId":5}]}""")]
    public void AnythingElseIsRefusedWithoutAnException(string json)
    {
        Assert.That(TryRead(json, out var instance), Is.False);
        Assert.That(instance, Is.Null);
    }

    [Test]
    public void AnAnswerOverTheBoundIsRefusedUnread()
    {
        var padding = new string(' ', FleetInstanceAnswer.MaxBytes + 64 * 1024);
        Assert.That(TryRead("""{"instance":"a","events":[]}""" + padding, out _), Is.False);
        Assert.That(FleetInstanceAnswer.IsTruncated(default), Is.False, "what a failed read leaves");
    }
}
