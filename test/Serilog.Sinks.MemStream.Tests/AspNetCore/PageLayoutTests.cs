using System.Drawing;
using OpenQA.Selenium;
using Serilog.Events;
using Serilog.Parsing;
using Serilog.Sinks.MemStream.Tests.Support;
using static Serilog.Sinks.MemStream.Tests.Support.PageDriving;

namespace Serilog.Sinks.MemStream.Tests.AspNetCore;

/// <summary>The live-tail page as an operator keeps it open: on a phone, a split screen or a wide monitor, by day or by night, in their time zone or in UTC.</summary>
public class PageLayoutTests
{
    [TestCase(360)]
    [TestCase(800)]
    [TestCase(1400)]
    public async Task AtThisWidthNothingOverflowsAndTheMessageHasAtLeastHalfOfARow(int width)
    {
        await using var server = await TailServer.StartAsync();
        server.Logger.ForContext("CorrelationId", "checkout-2026-12-02-7f3a9c1e-long-correlation-id").Error(
            new InvalidOperationException("the payment provider timed out"), "payment for order {OrderId} failed after {Attempts} attempts: {Reason}", 1042, 3,
            "the gateway answered 504 three times in a row, so the order was left unpaid and the customer was told to try again later");
        server.Logger.Information("a short one");
        using var chromium = new HeadlessChromium();
        chromium.Driver.Manage().Window.Size = new Size(width, 900);
        chromium.Driver.Navigate().GoToUrl(server.BaseUrl + "/memstream/");
        chromium.WaitUntil(d => Shows(d, "a short one"), "the events");

        var overflow = Script<long>(chromium, "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
        var rowWidth = Script<double>(chromium, "return document.querySelector('#events .event').getBoundingClientRect().width;");
        var messageWidth = Script<double>(chromium, "return document.querySelector('#events .event .text').getBoundingClientRect().width;");
        chromium.Screenshot($"live-tail-{width}");

        Assert.That(overflow, Is.LessThanOrEqualTo(0), "no horizontal scrolling");
        Assert.That(messageWidth, Is.GreaterThanOrEqualTo(rowWidth / 2), $"the message is {messageWidth} px of a {rowWidth} px row");
        Assert.That(chromium.Driver.FindElement(By.CssSelector("[data-testid=columns]")).Displayed, Is.EqualTo(width > 720),
            "column headers where rows are one line; none where each row wraps");
        if (width > 720)
        {
            var headerLeft = Script<double>(chromium, "return document.querySelector('.columns span:last-child').getBoundingClientRect().left;");
            var messageLeft = Script<double>(chromium, "return document.querySelector('#events .event .text').getBoundingClientRect().left;");
            Assert.That(headerLeft, Is.EqualTo(messageLeft).Within(1), "the Message header stands over the messages");
        }
    }

    [Test]
    public async Task OnANarrowScreenTheHistoryCoversTheTailInsteadOfSqueezingIt()
    {
        await using var server = await TailServer.StartAsync(durable: true);
        server.Logger.ForContext("CorrelationId", "order-5").Information("order 5 placed");
        using var chromium = new HeadlessChromium();
        chromium.Driver.Manage().Window.Size = new Size(360, 800);
        chromium.Driver.Navigate().GoToUrl(server.BaseUrl + "/memstream/");
        chromium.WaitUntil(d => Shows(d, "order 5 placed"), "the event");

        Rows(chromium.Driver).Single().FindElement(By.CssSelector(".cid")).Click();
        chromium.WaitUntil(d => d.FindElement(By.Id("history")).GetAttribute("class") == "shown", "the history");

        var historyWidth = Script<double>(chromium, "return document.getElementById('history').getBoundingClientRect().width;");
        var viewport = Script<double>(chromium, "return document.documentElement.clientWidth;");
        chromium.Screenshot("live-tail-360-history");
        Assert.That(historyWidth, Is.EqualTo(viewport).Within(1));
    }

    [Test]
    public async Task ThePageFollowsTheSystemsColourScheme()
    {
        await using var server = await TailServer.StartAsync();
        using var chromium = new HeadlessChromium();
        var backgrounds = new Dictionary<string, string>();
        foreach (var scheme in new[] { "light", "dark" })
        {
            chromium.Driver.ExecuteCdpCommand("Emulation.setEmulatedMedia", new Dictionary<string, object?>
            {
                ["features"] = new[] { new Dictionary<string, object?> { ["name"] = "prefers-color-scheme", ["value"] = scheme } },
            });
            chromium.Driver.Navigate().GoToUrl(server.BaseUrl + "/memstream/");
            chromium.WaitUntil(d => d.FindElement(By.Id("status")).Text == "live", "a live connection");
            backgrounds[scheme] = Script<string>(chromium, "return getComputedStyle(document.body).backgroundColor;");
            chromium.Screenshot($"live-tail-{scheme}");
        }

        Assert.That(backgrounds["light"], Is.EqualTo("rgb(255, 255, 255)"));
        Assert.That(backgrounds["dark"], Is.EqualTo("rgb(15, 20, 25)"));
    }

    [Test]
    public async Task TimesShowInTheBrowsersZoneOrInUtcWithTheDateWhenNotFromToday()
    {
        await using var server = await TailServer.StartAsync();
        var yesterdayish = new DateTimeOffset(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero);
        server.Logger.Write(new LogEvent(yesterdayish, LogEventLevel.Information, null, new MessageTemplateParser().Parse("from January"), []));
        server.Logger.Information("from today");
        using var chromium = new HeadlessChromium();
        chromium.Driver.ExecuteCdpCommand("Emulation.setTimezoneOverride", new Dictionary<string, object?> { ["timezoneId"] = "America/New_York" });
        chromium.Driver.Navigate().GoToUrl(server.BaseUrl + "/memstream/");
        chromium.WaitUntil(d => Shows(d, "from today"), "the events");

        Assert.That(TimeOf(chromium, "from January"), Is.EqualTo("01-01 22:04:05.678"), "New York's time, with the date");
        Assert.That(TimeOf(chromium, "from today"), Does.Match(@"^\d\d:\d\d:\d\d\.\d{3}$"), "today's: the time alone");
        chromium.Driver.FindElement(By.Id("clock")).Click();
        chromium.WaitUntil(d => d.FindElement(By.Id("clock")).Text == "UTC", "the UTC clock");
        Assert.That(TimeOf(chromium, "from January"), Is.EqualTo("01-02 03:04:05.678"));

        chromium.Driver.Navigate().Refresh();
        chromium.WaitUntil(d => Shows(d, "from January"), "the events after a reload");
        Assert.That(TimeOf(chromium, "from January"), Is.EqualTo("01-02 03:04:05.678"), "the choice is kept");
    }

    static string TimeOf(HeadlessChromium chromium, string message) =>
        Rows(chromium.Driver).Single(row => row.Text.Contains(message, StringComparison.Ordinal)).FindElement(By.CssSelector(".time")).Text;

    static T Script<T>(HeadlessChromium chromium, string script) => (T)Convert.ChangeType(chromium.Driver.ExecuteScript(script)!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
}
