using System.Diagnostics;
using System.Text.Json;
using OpenQA.Selenium;
using Serilog.Sinks.MemStream.Tests.Support;
using static Serilog.Sinks.MemStream.Tests.Support.PageDriving;

namespace Serilog.Sinks.MemStream.Tests.AspNetCore;

/// <summary>
/// The live-tail page's stored history (from the query endpoint), deep links to it, copying an event
/// and downloading CLEF, in real headless Chromium against a real Kestrel with a real store.
/// </summary>
[NonParallelizable]
public class PageHistoryTests
{
    [Test]
    public async Task ClickingACorrelationIdOpensItsStoredHistoryWhileTheTailGoesOn()
    {
        await using var server = await TailServer.StartAsync(durable: true);
        server.Logger.ForContext("CorrelationId", "order-3").Information("order {OrderId} placed", 3);
        server.Logger.Information("unrelated");
        server.Logger.ForContext("CorrelationId", "order-3").Warning("payment for {OrderId} declined", 3);
        server.Facade.Flush();
        using var chromium = OpenLive(server);
        chromium.WaitUntil(d => Shows(d, "payment for 3 declined"), "the events");

        Rows(chromium.Driver).First(r => r.Text.Contains("order 3 placed")).FindElement(By.ClassName("cid")).Click();

        chromium.WaitUntil(d => HistoryRows(d).Count == 2, "the id's two stored events");
        Assert.That(HistoryRows(chromium.Driver).Select(r => r.FindElement(By.ClassName("text")).Text), Is.EqualTo(new[] { "order 3 placed", "payment for 3 declined" }));
        Assert.That(chromium.Driver.FindElement(By.Id("history-title")).Text, Is.EqualTo("Correlation id order-3"));
        Assert.That(chromium.Driver.Url, Does.Contain("correlationId=order-3"), "the address links to the history");
        server.Logger.Information("logged while the history is open");
        chromium.WaitUntil(d => Shows(d, "logged while the history is open"), "the tail going on");
        chromium.Screenshot("history-correlation");

        chromium.Driver.FindElement(By.TagName("body")).SendKeys(Keys.Escape);
        chromium.WaitUntil(d => !d.FindElement(By.Id("history")).Displayed, "Esc closing the history");
        Assert.That(chromium.Driver.Url, Does.Not.Contain("correlationId="));
    }

    [Test]
    public async Task ADeepLinkToATraceOpensItsHistoryIncludingEventsWithoutACorrelationId()
    {
        await using var server = await TailServer.StartAsync(durable: true);
        string traceId;
        using (var activity = new Activity("request").SetIdFormat(ActivityIdFormat.W3C).Start())
        {
            server.Logger.Information("GET /orders/7 started");
            server.Logger.ForContext("CorrelationId", "order-7").Error("order {OrderId} failed", 7);
            traceId = activity.TraceId.ToHexString();
        }
        server.Logger.Information("another request");
        server.Facade.Flush();
        using var chromium = new HeadlessChromium();

        chromium.Driver.Navigate().GoToUrl(server.BaseUrl + "/memstream/?traceId=" + traceId.ToUpperInvariant());

        chromium.WaitUntil(d => HistoryRows(d).Count == 2, "the trace's two events");
        Assert.That(HistoryRows(chromium.Driver).Select(r => r.FindElement(By.ClassName("text")).Text), Is.EqualTo(new[] { "GET /orders/7 started", "order 7 failed" }));
        Assert.That(chromium.Driver.FindElement(By.Id("history-title")).Text, Does.StartWith("Trace ").And.Contain(traceId.ToUpperInvariant()));
        Assert.That(chromium.Driver.FindElement(By.Id("history-state")).Text, Does.StartWith("2 stored events"));
    }

    [Test]
    public async Task ClickingATraceIdInTheTailOpensThatTracesHistory()
    {
        await using var server = await TailServer.StartAsync(durable: true);
        using var chromium = OpenLive(server);
        using (new Activity("request").SetIdFormat(ActivityIdFormat.W3C).Start())
        {
            server.Logger.Information("step one");
            server.Logger.Information("step two");
        }
        server.Facade.Flush();
        chromium.WaitUntil(d => Shows(d, "step two"), "the events");

        Rows(chromium.Driver).Single(r => r.Text.Contains("step two")).FindElement(By.ClassName("tid")).Click();

        chromium.WaitUntil(d => HistoryRows(d).Count == 2, "the trace's history");
        Assert.That(chromium.Driver.Url, Does.Contain("traceId="));
    }

    [Test]
    public async Task ABadTraceIdInALinkIsExplainedInThePanel()
    {
        await using var server = await TailServer.StartAsync(durable: true);
        using var chromium = OpenLive(server, "?traceId=not-a-trace");

        chromium.WaitUntil(d => d.FindElement(By.Id("history-state")).Text.Contains("'traceId' must be a W3C trace id"), "the server's reason");
        Assert.That(chromium.Driver.FindElement(By.Id("status")).Text, Is.EqualTo("live"), "the tail is unaffected");
    }

    [Test]
    public async Task MarkupInADeepLinkedIdAndItsEventsIsShownAsTextAndRunsNothing()
    {
        await using var server = await TailServer.StartAsync(durable: true);
        const string id = "<img src=x onerror=\"document.title='owned'\">";
        server.Logger.ForContext("CorrelationId", id).Information("tagged {Markup}", id);
        server.Facade.Flush();

        using var chromium = OpenLive(server, "?correlationId=" + Uri.EscapeDataString(id));

        chromium.WaitUntil(d => HistoryRows(d).Count == 1, "the id's history");
        Assert.That(chromium.Driver.FindElement(By.Id("history-title")).Text, Is.EqualTo("Correlation id " + id));
        Assert.That(HistoryRows(chromium.Driver).Single().FindElement(By.ClassName("text")).Text, Is.EqualTo("tagged " + id));
        Assert.That(chromium.Driver.FindElements(By.TagName("img")), Is.Empty);
        Assert.That(chromium.Driver.Title, Is.Not.EqualTo("owned"));
    }

    [Test]
    public async Task ALongHistoryLoadsAPageAtATimeOldestFirst()
    {
        await using var server = await TailServer.StartAsync(durable: true);
        for (var i = 0; i < 250; i++)
            server.Logger.ForContext("CorrelationId", "busy").Information("step {Step}", i);
        server.Facade.Flush();
        using var chromium = OpenLive(server, "?correlationId=busy");

        chromium.WaitUntil(d => HistoryRows(d).Count == 200, "the first page");
        Assert.That(HistoryRows(chromium.Driver).First().FindElement(By.ClassName("text")).Text, Is.EqualTo("step 0"));
        chromium.Driver.FindElement(By.Id("history-more")).Click();

        chromium.WaitUntil(d => HistoryRows(d).Count == 250, "the second page");
        Assert.That(HistoryRows(chromium.Driver).Last().FindElement(By.ClassName("text")).Text, Is.EqualTo("step 249"));
        Assert.That(chromium.Driver.FindElement(By.Id("history-more")).Displayed, Is.False, "nothing more to load");
    }

    [Test]
    public async Task CopyPutsTheEventsClefOnTheClipboard()
    {
        await using var server = await TailServer.StartAsync();
        using var chromium = OpenLive(server);
        // The test reads what the page copies; the browser's own clipboard is not reachable headless.
        chromium.Driver.ExecuteScript("navigator.clipboard.writeText = text => { window.copied = text; return Promise.resolve(); };");
        server.Logger.Information("Shipping {OrderId} to {@Address}", 9, new { City = "Lyon" });
        chromium.WaitUntil(d => Shows(d, "Shipping 9"), "the event");
        Rows(chromium.Driver).Single().FindElement(By.ClassName("text")).Click();

        chromium.Driver.FindElement(By.CssSelector("#events .details button[data-action=copy]")).Click();

        chromium.WaitUntil(d => d.FindElement(By.CssSelector("#events .details button[data-action=copy]")).Text == "Copied ✓", "the copy confirmed");
        var copied = JsonDocument.Parse((string)chromium.Driver.ExecuteScript("return window.copied;")!).RootElement;
        Assert.That(copied.GetProperty("@mt").GetString(), Is.EqualTo("Shipping {OrderId} to {@Address}"));
        Assert.That(copied.GetProperty("Address").GetProperty("City").GetString(), Is.EqualTo("Lyon"));
        Assert.That(copied.GetProperty("OrderId").GetInt32(), Is.EqualTo(9));
    }

    [Test]
    public async Task DownloadsAreClefLinesOfTheRowsOnScreenAndOfAWholeHistory()
    {
        await using var server = await TailServer.StartAsync(durable: true);
        using var downloads = new TempFolder();
        using var chromium = OpenLive(server);
        chromium.Driver.ExecuteCdpCommand("Page.setDownloadBehavior", new Dictionary<string, object?> { ["behavior"] = "allow", ["downloadPath"] = downloads.Path });
        server.Logger.ForContext("CorrelationId", "order-1").Information("apple {Count}", 1);
        server.Logger.Information("banana {Count}", 2);
        server.Logger.ForContext("CorrelationId", "order-1").Information("cherry {Count}", 3);
        server.Facade.Flush();
        chromium.WaitUntil(d => Shows(d, "cherry 3"), "the events");
        chromium.Driver.FindElement(By.Id("search")).SendKeys("a");
        chromium.WaitUntil(d => Rows(d).Count(r => r.Displayed) == 2, "the search leaving apple and banana");

        chromium.Driver.FindElement(By.Id("download")).Click();
        var onScreen = ClefLines(WaitForDownload(downloads.Path, 1)[0]);
        Rows(chromium.Driver).First().FindElement(By.ClassName("cid")).Click();
        chromium.WaitUntil(d => HistoryRows(d).Count == 2, "order-1's history");
        chromium.Driver.FindElement(By.Id("history-download")).Click();
        var history = ClefLines(WaitForDownload(downloads.Path, 2).Single(f => f.Contains("correlationId-order-1", StringComparison.Ordinal)));

        Assert.That(onScreen.Select(l => l.GetProperty("Count").GetInt32()), Is.EqualTo(new[] { 1, 2 }), "the rows the search shows");
        Assert.That(onScreen.Select(l => l.GetProperty("@mt").GetString()), Is.EqualTo(new[] { "apple {Count}", "banana {Count}" }));
        Assert.That(onScreen, Has.All.Matches<JsonElement>(l => l.TryGetProperty("@t", out _)));
        Assert.That(history.Select(l => l.GetProperty("Count").GetInt32()), Is.EqualTo(new[] { 1, 3 }), "the whole stored history, searched or not");
    }

    static List<string> WaitForDownload(string folder, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var files = Directory.GetFiles(folder).Where(f => f.EndsWith(".clef", StringComparison.Ordinal)).ToList();
            if (files.Count >= count)
                return files;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"expected {count} downloaded .clef files; the folder holds {string.Join(", ", Directory.GetFiles(folder))}");
            Thread.Sleep(50);
        }
    }

    static List<JsonElement> ClefLines(string path) =>
        File.ReadAllLines(path).Select(line => JsonDocument.Parse(line).RootElement).ToList();
}
