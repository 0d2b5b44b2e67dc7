using OpenQA.Selenium;
using Serilog.Sinks.MemStream.Tests.Support;
using static Serilog.Sinks.MemStream.Tests.Support.PageDriving;

namespace Serilog.Sinks.MemStream.Tests.AspNetCore;

/// <summary>The live-tail page's view lives in its address: shared, it opens the same view; back and forward walk through views.</summary>
public class PageAddressTests
{
    [Test]
    public async Task AppliedFiltersAndTheSearchAreWrittenToTheAddressAndAnotherBrowserOpensTheSameView()
    {
        await using var server = await TailServer.StartAsync();
        server.Logger.ForContext("CorrelationId", "order-7").Warning("order 7 shipped late");
        server.Logger.ForContext("CorrelationId", "order-7").Warning("order 7 noted");
        server.Logger.ForContext("CorrelationId", "order-8").Warning("order 8 shipped late");
        server.Logger.ForContext("CorrelationId", "order-7").Information("order 7 packed");
        string shared;
        using (var chromium = OpenLive(server))
        {
            chromium.Driver.FindElement(By.Id("level")).FindElements(By.TagName("option")).Single(o => o.Text == "Warning").Click();
            chromium.Driver.FindElement(By.Id("correlation")).SendKeys("order-7");
            chromium.Driver.FindElement(By.Id("apply")).Click();
            chromium.Driver.FindElement(By.Id("search")).SendKeys("late");
            chromium.WaitUntil(d => new Uri(d.Url).Query.Contains("search=late"), "the search in the address");
            shared = chromium.Driver.Url;
        }

        var query = System.Web.HttpUtility.ParseQueryString(new Uri(shared).Query);
        Assert.That((query["minLevel"], query["tail"], query["search"]), Is.EqualTo(("Warning", "order-7", "late")));
        using var other = new HeadlessChromium();
        other.Driver.Navigate().GoToUrl(shared);
        other.WaitUntil(d => Shows(d, "order 7 shipped late"), "the shared view's event");
        Assert.That(Visible(other.Driver), Is.EqualTo(new[] { "order 7 shipped late" }), "Warning and up, order-7 only, the search applied");
        Assert.That(other.Driver.FindElement(By.Id("correlation")).GetAttribute("value"), Is.EqualTo("order-7"));
        Assert.That(other.Driver.FindElement(By.Id("search")).GetAttribute("value"), Is.EqualTo("late"));
    }

    [Test]
    public async Task BackAndForwardRestoreEachAppliedViewAndTheHistoryOpened()
    {
        await using var server = await TailServer.StartAsync();
        server.Logger.ForContext("CorrelationId", "a-1").Error("an error of a-1");
        server.Logger.ForContext("CorrelationId", "b-2").Information("information of b-2");
        using var chromium = OpenLive(server);
        chromium.WaitUntil(d => Shows(d, "information of b-2"), "both events");

        chromium.Driver.FindElement(By.Id("level")).FindElements(By.TagName("option")).Single(o => o.Text == "Error").Click();
        chromium.WaitUntil(d => !Shows(d, "information of b-2") && Shows(d, "an error of a-1"), "the Error view");
        Rows(chromium.Driver).Single().FindElement(By.CssSelector(".cid")).Click();
        chromium.WaitUntil(d => new Uri(d.Url).Query.Contains("correlationId=a-1"), "the history in the address");

        chromium.Driver.Navigate().Back();
        chromium.WaitUntil(d => d.FindElement(By.Id("history")).GetAttribute("class") != "shown", "the history closed by Back");
        chromium.Driver.Navigate().Back();
        chromium.WaitUntil(d => Shows(d, "information of b-2"), "the first view's events again");
        Assert.That(chromium.Driver.FindElement(By.Id("level")).GetAttribute("value"), Is.EqualTo("Information"));

        chromium.Driver.Navigate().Forward();
        chromium.WaitUntil(d => !Shows(d, "information of b-2") && Shows(d, "an error of a-1"), "the Error view by Forward");
        Assert.That(chromium.Driver.FindElement(By.Id("level")).GetAttribute("value"), Is.EqualTo("Error"));
        chromium.Driver.Navigate().Forward();
        chromium.WaitUntil(d => d.FindElement(By.Id("history")).GetAttribute("class") == "shown", "the history opened by Forward");
        Assert.That(chromium.Driver.FindElement(By.Id("history-title")).Text, Does.Contain("a-1"));
    }

    static List<string> Visible(IWebDriver driver) =>
        [.. Rows(driver).Where(row => row.Displayed).Select(row => row.FindElement(By.CssSelector(".text")).Text)];
}
