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
