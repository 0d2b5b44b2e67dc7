namespace Serilog.Sinks.MemStream.Tests.Facade;

/// <summary>The one rule for text that names a trace id, shared by queries, endpoints and the tool.</summary>
public class TraceIdTextTests
{
    [TestCase("0af7651916cd43dd8448eb211c80319c")]
    [TestCase("0AF7651916CD43DD8448EB211C80319C")]
    public void ThirtyTwoHexDigitsNameATraceEverywhere(string text)
    {
        Assert.That(TraceIdText.TryParse(text, out var traceId), Is.True);
        Assert.That(traceId.ToHexString(), Is.EqualTo("0af7651916cd43dd8448eb211c80319c"));
        Assert.That(TraceIdText.TryParseTraceIdOrTraceparent(text, out var same), Is.True);
        Assert.That(same, Is.EqualTo(traceId));
    }

    [TestCase("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", Description = "a traceparent, as ProblemDetails show it")]
    [TestCase("00-0AF7651916CD43DD8448EB211C80319C-B7AD6B7169203331-00")]
    public void ATraceparentNamesItsTraceOnlyWhereATraceIdIsAskedFor(string text)
    {
        Assert.That(TraceIdText.TryParseTraceIdOrTraceparent(text, out var traceId), Is.True);
        Assert.That(traceId.ToHexString(), Is.EqualTo("0af7651916cd43dd8448eb211c80319c"));
        Assert.That(TraceIdText.TryParse(text, out _), Is.False, "as an id to Query it may be a correlation id (Activity.Id)");
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("00000000000000000000000000000000")]
    [TestCase("0af7651916cd43dd8448eb211c80319")]
    [TestCase("0af7651916cd43dd8448eb211c80319cc")]
    [TestCase("0af7651916cd43dd8448eb211c80319g")]
    [TestCase(" 0af7651916cd43dd8448eb211c80319c")]
    [TestCase("01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", Description = "an unknown traceparent version")]
    [TestCase("00-0af7651916cd43dd8448eb211c80319c-b7ad6b716920333x-01")]
    [TestCase("00-0af7651916cd43dd8448eb211c80319c_b7ad6b7169203331-01")]
    [TestCase("00-00000000000000000000000000000000-b7ad6b7169203331-01")]
    [TestCase("０af7651916cd43dd8448eb211c80319c", Description = "a full-width digit")]
    public void AnythingElseDoesNot(string? text) => Assert.That(TraceIdText.TryParseTraceIdOrTraceparent(text, out _), Is.False);
}
