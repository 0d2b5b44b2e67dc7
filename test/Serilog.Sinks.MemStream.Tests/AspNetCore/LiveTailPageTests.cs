using OpenQA.Selenium;
using Serilog.Sinks.MemStream.Tests.Support;
using static Serilog.Sinks.MemStream.Tests.Support.PageDriving;

namespace Serilog.Sinks.MemStream.Tests.AspNetCore;

/// <summary>The live-tail page in real headless Chromium against a real Kestrel.</summary>
[NonParallelizable]
public class LiveTailPageTests
{
    [Test]
    public async Task ThePageShowsEventsLoggedAfterItOpenedWithTheirLevel()
    {
        await using var server = await TailServer.StartAsync();
        server.Logger.Information("logged before the page opened");
        using var chromium = new HeadlessChromium();

        chromium.Driver.Navigate().GoToUrl(server.BaseUrl + "/memstream/");
        chromium.WaitUntil(d => d.FindElement(By.Id("status")).Text == "live", "a live connection");
        chromium.WaitUntil(d => Shows(d, "logged before the page opened"), "the buffered event");
        server.Logger.ForContext("CorrelationId", "order-42").Warning("Payment for {OrderId} retried", 42);

        chromium.WaitUntil(d => Shows(d, "Payment for 42 retried"), "the event logged after it opened");
        var row = Rows(chromium.Driver).Single(r => r.Text.Contains("Payment for 42 retried"));
        Assert.That(row.GetAttribute("data-level"), Is.EqualTo("Warning"));
        Assert.That(row.FindElement(By.ClassName("level")).Text, Is.EqualTo("WRN"));
        Assert.That(row.FindElement(By.ClassName("cid")).Text, Is.EqualTo("order-42"));
        Assert.That(row.FindElement(By.ClassName("level")).GetCssValue("color"), Is.Not.EqualTo(
            Rows(chromium.Driver).First().FindElement(By.ClassName("level")).GetCssValue("color")), "levels have their own colours");
        chromium.Screenshot("live-tail");
    }

    [Test]
    public async Task ThePageShowsTheStoresState()
    {
        await using var durable = await TailServer.StartAsync(durable: true);
        await using var inMemory = await TailServer.StartAsync();
        using var chromium = new HeadlessChromium();

        chromium.Driver.Navigate().GoToUrl(durable.BaseUrl + "/memstream/");
        chromium.WaitUntil(d => d.FindElement(By.Id("store")).Text == "store open", "the durable sink's open store");
        Assert.That(chromium.Driver.FindElement(By.Id("store")).GetAttribute("data-state"), Is.EqualTo("Open"));

        chromium.Driver.Navigate().GoToUrl(inMemory.BaseUrl + "/memstream/");
        chromium.WaitUntil(d => d.FindElement(By.Id("store")).Text == "store off", "the in-memory sink's store");
    }

    [Test]
    public async Task TheMessageColumnShowsTheMessageAndExceptionWithoutTheSinksTimestampAndLevel()
    {
        await using var server = await TailServer.StartAsync(outputTemplate: "{Timestamp:HH:mm:ss} [{Level:u3}] {Message:lj}{NewLine}{Exception}");
        using var chromium = OpenLive(server);

        server.Logger.Warning(new InvalidOperationException("inventory offline"), "Order {OrderId} costs {Total:0.00} for {Customer} {{in braces}}", 7, 42.5m, "alice");

        chromium.WaitUntil(d => Shows(d, "Order 7 costs 42.50"), "the event");
        var text = Rows(chromium.Driver).Single(r => r.Text.Contains("Order 7")).FindElement(By.ClassName("text")).Text;
        Assert.That(text, Does.StartWith("Order 7 costs 42.50 for alice {in braces}"));
        Assert.That(text, Does.Contain("System.InvalidOperationException: inventory offline"));
        Assert.That(text, Does.Not.Contain("[WRN]"), "the level is the row's own column");
    }

    [Test]
    public async Task ClickingAnEventOpensItsPropertiesAndEscapeClosesThem()
    {
        await using var server = await TailServer.StartAsync();
        using var chromium = OpenLive(server);

        server.Logger.ForContext("CorrelationId", "order-9").Information("Shipping {OrderId} to {@Address}", 9, new { City = "Lyon", Zip = "69001" });
        chromium.WaitUntil(d => Shows(d, "Shipping 9 to"), "the event");
        Rows(chromium.Driver).Single(r => r.Text.Contains("Shipping 9")).FindElement(By.ClassName("text")).Click();

        chromium.WaitUntil(d => d.FindElements(By.CssSelector("#events .details")).Count == 1, "the details");
        var details = chromium.Driver.FindElement(By.CssSelector("#events .details")).Text;
        Assert.That(details, Does.Contain("OrderId").And.Contain("Lyon").And.Contain("69001").And.Contain("order-9").And.Contain("Shipping {OrderId} to {@Address}"));
        chromium.Driver.FindElement(By.TagName("body")).SendKeys(Keys.Escape);
        chromium.WaitUntil(d => d.FindElements(By.CssSelector("#events .details")).Count == 0, "the details closed");
    }

    [Test]
    public async Task SearchNarrowsTheEventsOnScreen()
    {
        await using var server = await TailServer.StartAsync();
        server.Logger.Information("apple pie ordered");
        server.Logger.Information("banana split ordered");
        using var chromium = new HeadlessChromium();
        chromium.Driver.Navigate().GoToUrl(server.BaseUrl + "/memstream/");
        chromium.WaitUntil(d => Shows(d, "banana split"), "both events");

        chromium.Driver.FindElement(By.TagName("body")).SendKeys("/");
        var search = chromium.Driver.SwitchTo().ActiveElement();
        Assert.That(search.GetAttribute("id"), Is.EqualTo("search"), "/ focuses the search box");
        search.SendKeys("BANANA");

        chromium.WaitUntil(d => Rows(d).Count(r => r.Displayed) == 1, "one row left");
        Assert.That(Rows(chromium.Driver).Single(r => r.Displayed).Text, Does.Contain("banana split"));
        server.Logger.Information("apple crumble ordered");
        server.Logger.Information("banana bread ordered");
        chromium.WaitUntil(d => Shows(d, "banana bread"), "a later match");
        Assert.That(Rows(chromium.Driver).Where(r => r.Displayed).Select(r => r.Text), Has.All.Contain("banana"), "new rows are searched too");

        search.SendKeys(Keys.Escape);
        chromium.WaitUntil(d => Rows(d).All(r => r.Displayed), "Esc clears the search");
    }

    [Test]
    public async Task MarkupInAMessageIsShownAsTextAndRunsNothing()
    {
        await using var server = await TailServer.StartAsync();
        using var chromium = OpenLive(server);

        server.Logger.Information("Search for {Query}", "<img src=x onerror=\"document.title='owned'\">");

        chromium.WaitUntil(d => Shows(d, "<img src=x onerror="), "the markup as text");
        Assert.That(chromium.Driver.FindElements(By.CssSelector("#events img")), Is.Empty);
        Assert.That(chromium.Driver.Title, Is.Not.EqualTo("owned"));
    }

    [Test]
    public async Task ChoosingALevelShowsOnlyThatLevelAndAbove()
    {
        await using var server = await TailServer.StartAsync();
        server.Logger.Information("an information event");
        server.Logger.Error("an error event");
        using var chromium = new HeadlessChromium();
        chromium.Driver.Navigate().GoToUrl(server.BaseUrl + "/memstream/");
        chromium.WaitUntil(d => Shows(d, "an information event"), "the information event");

        chromium.Driver.FindElement(By.Id("level")).FindElements(By.TagName("option")).Single(o => o.Text == "Error").Click();
        chromium.WaitUntil(d => Shows(d, "an error event") && !Shows(d, "an information event"), "only the error");
        server.Logger.Information("another information event");
        server.Logger.Error("another error event");

        chromium.WaitUntil(d => Shows(d, "another error event"), "the new error");
        Assert.That(Rows(chromium.Driver).Select(r => r.GetAttribute("data-level")), Has.All.EqualTo("Error"));
    }

    [Test]
    public async Task ThePageSaysWhenItFellBehindAndEventsWereDropped()
    {
        await using var server = await TailServer.StartAsync(options => options.ClientQueueCapacity = 8);
        using var chromium = OpenLive(server);

        var padding = new string('x', 2000);
        for (var i = 0; i < 20_000; i++)
            server.Logger.Information("burst {Index} {Padding}", i, padding);

        chromium.WaitUntil(d => d.FindElements(By.CssSelector("#events .notice")).Any(n => n.Text.Contains("events dropped")), "a drop notice");
        chromium.WaitUntil(d => d.FindElement(By.Id("dropped")).Text != "0", "the drop counter");
        chromium.Screenshot("live-tail-drops");
    }

    [Test]
    public async Task AFilterThatDoesNotCompileKeepsTheRowsAndTheFilterThatRuns()
    {
        await using var server = await TailServer.StartAsync();
        using var chromium = OpenLive(server);
        server.Logger.Information("before the typo");
        chromium.WaitUntil(d => Shows(d, "before the typo"), "the first event");

        chromium.Driver.FindElement(By.Id("filter")).SendKeys("Foo(1)");
        chromium.Driver.FindElement(By.Id("apply")).Click();
        chromium.WaitUntil(d => d.FindElement(By.Id("error")).Text.Contains("Not applied"), "the refusal beside the box");
        server.Logger.Information("after the typo");

        chromium.WaitUntil(d => Shows(d, "after the typo"), "the tail going on with the filter it had");
        Assert.That(Shows(chromium.Driver, "before the typo"), Is.True, "the rows stay");
        Assert.That(chromium.Driver.FindElement(By.Id("error")).Text, Does.Contain("Foo"));
        Assert.That(chromium.Driver.FindElement(By.Id("filter")).GetAttribute("value"), Is.EqualTo("Foo(1)"), "what was typed stays, to be mended");
        Assert.That(chromium.Driver.FindElement(By.Id("status")).Text, Is.EqualTo("live"));
    }

    [Test]
    public async Task AnInvalidFilterFromTheUrlIsShownAndNotRetried()
    {
        await using var server = await TailServer.StartAsync();
        using var chromium = new HeadlessChromium();

        chromium.Driver.Navigate().GoToUrl(server.BaseUrl + "/memstream/?filter=" + Uri.EscapeDataString("Foo(1)"));

        chromium.WaitUntil(d => d.FindElement(By.Id("error")).Text.Contains("'filter'"), "the filter's error");
        Assert.That(chromium.Driver.FindElement(By.Id("error")).Text, Does.Contain("Foo"));
        var attempts = server.Requests("/memstream/ws");
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.That(chromium.Driver.FindElement(By.Id("status")).Text, Is.EqualTo("not connected"), "it stopped retrying");
        Assert.That(server.Requests("/memstream/ws"), Is.EqualTo(attempts), "no request after the error was shown");
        chromium.Screenshot("live-tail-invalid-filter");
    }

    [Test]
    public async Task ADeeplyNestedFilterFromALinkIsRefusedAndTheAppLivesOn()
    {
        await using var server = await TailServer.StartAsync();
        using var chromium = new HeadlessChromium();

        chromium.Driver.Navigate().GoToUrl(server.BaseUrl + "/memstream/?filter=" + Uri.EscapeDataString(new string('[', 500) + "1" + new string(']', 500)));

        chromium.WaitUntil(d => d.FindElement(By.Id("error")).Text.Contains("a filter may nest at most 16 deep"), "the refusal");
        server.Logger.Information("still logging");
        Assert.That(server.Facade.Snapshot(), Does.Contain("still logging"));
    }

    [Test]
    public async Task EventsTheFilterFailsOnAreAnnounced()
    {
        await using var server = await TailServer.StartAsync();
        using var chromium = new HeadlessChromium();
        chromium.Driver.Navigate().GoToUrl(server.BaseUrl + "/memstream/?filter=" + Uri.EscapeDataString("Round(StatusCode, Digits) > 0"));
        chromium.WaitUntil(d => d.FindElement(By.Id("status")).Text == "live", "a live connection");

        server.Logger.Information("fails {StatusCode} {Digits}", 200, 30);
        server.Logger.Information("passes {StatusCode} {Digits}", 200, 0);

        chromium.WaitUntil(d => Shows(d, "passes"), "the event the filter passed");
        chromium.WaitUntil(d => d.FindElements(By.CssSelector("#events .notice")).Any(n => n.Text.Contains("The filter failed on 1 event")), "the notice");
        Assert.That(chromium.Driver.FindElement(By.Id("status")).Text, Is.EqualTo("live"));
    }
}
