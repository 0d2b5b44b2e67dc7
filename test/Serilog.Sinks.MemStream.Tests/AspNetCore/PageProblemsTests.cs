using System.Drawing;
using OpenQA.Selenium;
using Serilog.Sinks.MemStream.Tests.Support;
using static Serilog.Sinks.MemStream.Tests.Support.PageDriving;

namespace Serilog.Sinks.MemStream.Tests.AspNetCore;

/// <summary>
/// The page's problems view in real headless Chromium against a real Kestrel and store: stored warnings and errors
/// grouped by message template, its choices in the address, a group's events and their history, and live counts.
/// </summary>
[NonParallelizable]
public class PageProblemsTests
{
    /// <summary>Payments declined 4 times (Error), a slow upstream twice (Warning), and information that is no problem.</summary>
    static async Task<TailServer> StartWithProblemsAsync()
    {
        var server = await TailServer.StartAsync(durable: true);
        for (var i = 0; i < 4; i++)
        {
            server.Logger.ForContext("CorrelationId", $"order-{i}").Information("order {OrderId} placed", i);
            server.Logger.ForContext("CorrelationId", $"order-{i}").Error("payment for {OrderId} declined by {Bank}", i, "Northwind");
        }
        server.Logger.ForContext("CorrelationId", "order-1").Warning("upstream {Service} slow: {Elapsed} ms", "stock", 900);
        server.Logger.ForContext("CorrelationId", "order-2").Warning("upstream {Service} slow: {Elapsed} ms", "stock", 1200);
        server.Facade.Flush();
        return server;
    }

    static IReadOnlyCollection<IWebElement> Groups(IWebDriver driver) => driver.FindElements(By.CssSelector("#problem-groups .problem"));

    static string Cell(IWebElement group, string name) => group.FindElement(By.ClassName(name)).Text;

    /// <summary>Picks an option as a person does: the select's value changes and it says so.</summary>
    static void Choose(HeadlessChromium chromium, string id, string value) =>
        chromium.Driver.ExecuteScript("const s = document.getElementById(arguments[0]); s.value = arguments[1]; s.dispatchEvent(new Event('change'));", id, value);

    [Test]
    public async Task TheProblemsTabGroupsStoredProblemsByTemplateWithCountsLevelsAndTheNewest()
    {
        await using var server = await StartWithProblemsAsync();
        using var chromium = OpenLive(server);

        chromium.Driver.FindElement(By.Id("tab-problems")).Click();

        chromium.WaitUntil(d => Groups(d).Count == 2, "two groups");
        var groups = Groups(chromium.Driver).ToList();
        Assert.That(groups.Select(g => (Cell(g, "count"), Cell(g, "level"), Cell(g, "template"))), Is.EqualTo(new[]
        {
            ("4", "ERR", "payment for {OrderId} declined by {Bank}"),
            ("2", "WRN", "upstream {Service} slow: {Elapsed} ms"),
        }));
        Assert.That(Cell(groups[0], "sample"), Is.EqualTo("payment for 3 declined by Northwind"), "the newest of the group");
        Assert.That(chromium.Driver.FindElement(By.Id("problem-state")).Text, Does.Contain("6 events in 2 groups").And.Contain("live"));
        Assert.That(chromium.Driver.Url, Does.Contain("view=problems"));
        Assert.That(chromium.Driver.FindElement(By.Id("events")).Displayed, Is.False, "the tail's rows give way to the problems");
        chromium.Screenshot("problems");
    }

    [Test]
    public async Task TheRangeLevelAndFilterLiveInTheAddressAndComeBackFromIt()
    {
        await using var server = await StartWithProblemsAsync();
        using var chromium = OpenLive(server, "?view=problems");
        chromium.WaitUntil(d => Groups(d).Count == 2, "two groups");

        Choose(chromium, "problem-range", "24h");
        chromium.WaitUntil(d => d.Url.Contains("range=24h"), "the range in the address");
        Choose(chromium, "problem-level", "Error");
        chromium.WaitUntil(d => Groups(d).Count == 1, "only the errors");
        chromium.Driver.FindElement(By.Id("problem-filter")).SendKeys("OrderId >= 2" + Keys.Enter);
        chromium.WaitUntil(d => Groups(d).Count == 1 && Cell(Groups(d).Single(), "count") == "2", "the filter applied");
        var address = chromium.Driver.Url;
        Assert.That(address, Does.Contain("problemLevel=Error").And.Contain("problemFilter=OrderId"));

        using var again = new HeadlessChromium();
        again.Driver.Navigate().GoToUrl(address);
        again.WaitUntil(d => Groups(d).Count == 1 && Cell(Groups(d).Single(), "count") == "2", "the same view from the address");
        Assert.That(again.Driver.FindElement(By.Id("problem-range")).GetAttribute("value"), Is.EqualTo("24h"));
        Assert.That(again.Driver.FindElement(By.Id("problem-level")).GetAttribute("value"), Is.EqualTo("Error"));
        Assert.That(again.Driver.FindElement(By.Id("problem-filter")).GetAttribute("value"), Is.EqualTo("OrderId >= 2"));

        again.Driver.FindElement(By.Id("problem-filter")).SendKeys(" and" + Keys.Enter);
        again.WaitUntil(d => d.FindElement(By.Id("problem-state")).Text.StartsWith("Not applied", StringComparison.Ordinal), "a filter that does not compile refused");
        Assert.That(again.Driver.FindElement(By.Id("problem-state")).Text, Does.Contain("'filter'"));
        Assert.That(Groups(again.Driver), Has.Count.EqualTo(1), "the groups as they were");
    }

    [Test]
    public async Task AGroupOpensItsEventsAndAnEventOpensItsCorrelationHistory()
    {
        await using var server = await StartWithProblemsAsync();
        using var chromium = OpenLive(server, "?view=problems");
        chromium.WaitUntil(d => Groups(d).Count == 2, "two groups");

        Groups(chromium.Driver).First().Click();

        chromium.WaitUntil(d => HistoryRows(d).Count == 4, "the group's four events");
        Assert.That(HistoryRows(chromium.Driver).Select(r => r.FindElement(By.ClassName("text")).Text),
            Is.EqualTo(new[] { 3, 2, 1, 0 }.Select(i => $"payment for {i} declined by Northwind")), "newest first");
        Assert.That(chromium.Driver.FindElement(By.Id("history-title")).Text, Is.EqualTo("Problem payment for {OrderId} declined by {Bank}"));
        Assert.That(chromium.Driver.Url, Does.Contain("problem=payment"));

        HistoryRows(chromium.Driver).Last().FindElement(By.ClassName("cid")).Click();

        chromium.WaitUntil(d => d.FindElement(By.Id("history-title")).Text == "Correlation id order-0" && HistoryRows(d).Count == 2, "order-0's history");
        Assert.That(HistoryRows(chromium.Driver).Select(r => r.FindElement(By.ClassName("text")).Text),
            Is.EqualTo(new[] { "order 0 placed", "payment for 0 declined by Northwind" }));
    }

    [Test]
    public async Task NewProblemsAreCountedAsTheyArriveWithoutAskingTheServerAgain()
    {
        await using var server = await StartWithProblemsAsync();
        using var chromium = OpenLive(server, "?view=problems");
        chromium.WaitUntil(d => Groups(d).Count == 2, "two groups");
        var counted = server.Requests("/memstream/problems");

        server.Logger.Error("payment for {OrderId} declined by {Bank}", 10, "kept only live: no id, so not stored, so not counted");
        server.Logger.ForContext("CorrelationId", "order-9").Error("payment for {OrderId} declined by {Bank}", 9, "Contoso");
        server.Logger.ForContext("CorrelationId", "order-9").Fatal("disk {Disk} full", "/var");
        server.Logger.ForContext("CorrelationId", "order-9").Information("no problem");

        chromium.WaitUntil(d => Groups(d).Count == 3 && Cell(Groups(d).First(), "count") == "5", "the new error counted and the fatal one added");
        var first = Groups(chromium.Driver).First();
        Assert.That(Cell(first, "sample"), Is.EqualTo("payment for 9 declined by Contoso"));
        Assert.That(Groups(chromium.Driver).Select(g => Cell(g, "template")), Does.Contain("disk {Disk} full"));
        Assert.That(chromium.Driver.FindElement(By.Id("problem-state")).Text, Does.Contain("8 events in 3 groups"));
        Assert.That(server.Requests("/memstream/problems"), Is.EqualTo(counted), "over the WebSocket, not by asking again");
    }

    [TestCase(360, "light")]
    [TestCase(800, "dark")]
    [TestCase(1400, "light")]
    [TestCase(1400, "dark")]
    [TestCase(360, "dark")]
    [TestCase(800, "light")]
    public async Task AtThisWidthAndSchemeTheProblemsFitWithoutOverflow(int width, string scheme)
    {
        await using var server = await StartWithProblemsAsync();
        using var chromium = new HeadlessChromium();
        chromium.Driver.ExecuteCdpCommand("Emulation.setEmulatedMedia", new Dictionary<string, object?>
        {
            ["features"] = new[] { new Dictionary<string, object?> { ["name"] = "prefers-color-scheme", ["value"] = scheme } },
        });
        chromium.Driver.Manage().Window.Size = new Size(width, 800);
        chromium.Driver.Navigate().GoToUrl(server.BaseUrl + "/memstream/?view=problems");
        chromium.WaitUntil(d => Groups(d).Count == 2, "two groups");

        var overflow = (long)chromium.Driver.ExecuteScript("return document.documentElement.scrollWidth - document.documentElement.clientWidth;")!;
        var templateWidth = Convert.ToDouble(chromium.Driver.ExecuteScript("return document.querySelector('#problem-groups .problem .template').getBoundingClientRect().width;"));
        chromium.Screenshot($"problems-{width}-{scheme}");

        Assert.That(overflow, Is.LessThanOrEqualTo(0), "no horizontal scrolling");
        Assert.That(templateWidth, Is.GreaterThanOrEqualTo(Math.Min(width - 40, 200)), "the template has room to be read");
    }
}
