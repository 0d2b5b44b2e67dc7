using Serilog.Events;
using Serilog.Parsing;
using Serilog.Sinks.MemStream.Tests.Support;

namespace Serilog.Sinks.MemStream.Tests.AspNetCore;

/// <summary>Which request paths count as MemStream's own: each registered route exactly, whatever the case or a trailing slash.</summary>
public class QuietRequestPathsTests
{
    [Test]
    public void OnlyTheRegisteredRoutesAreQuietEvenForEndpointsAtTheAppsRoot()
    {
        var paths = QuietRequestPaths.For(Some.UniqueName());
        using (paths.Add(["/", "/ws", "/status"]))
        {
            Assert.That(new[] { "/", "/ws", "/WS/", "/status" }.Select(p => paths.Covers(At(p))), Has.All.True);
            Assert.That(new[] { "/orders", "/ws2", "/status/x", "/api/status" }.Select(p => paths.Covers(At(p))), Has.All.False,
                "the app's own routes, beside or under MemStream's at the root, are still logged");
        }
        Assert.That(paths.Covers(At("/status")), Is.False, "once the app stopped");
    }

    [Test]
    public void AnEventWithoutARequestPathIsNeverQuiet()
    {
        var paths = QuietRequestPaths.For(Some.UniqueName());
        using var registration = paths.Add(["/memstream"]);

        Assert.That(paths.Covers(new LogEvent(DateTimeOffset.UtcNow, LogEventLevel.Information, null, new MessageTemplateParser().Parse("no request"), [])), Is.False);
        Assert.That(paths.Covers(At("/memstream")), Is.True);
    }

    static LogEvent At(string path) =>
        new(DateTimeOffset.UtcNow, LogEventLevel.Information, null, new MessageTemplateParser().Parse("in a request"), [new LogEventProperty("RequestPath", new ScalarValue(path))]);
}
