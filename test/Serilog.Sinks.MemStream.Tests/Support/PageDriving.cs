using OpenQA.Selenium;

namespace Serilog.Sinks.MemStream.Tests.Support;

/// <summary>What the page tests ask of the live-tail page in headless Chromium.</summary>
static class PageDriving
{
    /// <summary>The live tail's rows (not the history panel's).</summary>
    public static IReadOnlyCollection<IWebElement> Rows(IWebDriver driver) => driver.FindElements(By.CssSelector("#events .event"));

    /// <summary>The history panel's rows.</summary>
    public static IReadOnlyCollection<IWebElement> HistoryRows(IWebDriver driver) => driver.FindElements(By.CssSelector("#history-events .event"));

    public static bool Shows(IWebDriver driver, string text) => Rows(driver).Any(row => row.Text.Contains(text, StringComparison.Ordinal));

    /// <summary>Headless Chromium on the server's page (with <paramref name="query"/>), once its tail is live.</summary>
    public static HeadlessChromium OpenLive(TailServer server, string query = "")
    {
        var chromium = new HeadlessChromium();
        chromium.Driver.Navigate().GoToUrl(server.BaseUrl + "/memstream/" + query);
        chromium.WaitUntil(d => d.FindElement(By.Id("status")).Text == "live", "a live connection");
        return chromium;
    }
}
