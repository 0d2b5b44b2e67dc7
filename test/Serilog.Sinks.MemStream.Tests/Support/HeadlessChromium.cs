using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace Serilog.Sinks.MemStream.Tests.Support;

/// <summary>
/// Debian's headless Chromium driven by its ChromeDriver (packages chromium and chromium-driver,
/// which .ci/run installs). Nothing is downloaded: both paths are given.
/// </summary>
sealed class HeadlessChromium : IDisposable
{
    const string Browser = "/usr/bin/chromium";
    const string DriverFolder = "/usr/bin";
    readonly TempFolder _profile = new();

    public HeadlessChromium()
    {
        Assert.That(File.Exists(Browser) && File.Exists(Path.Combine(DriverFolder, "chromedriver")),
            "headless Chromium is not installed: apt-get install -y chromium chromium-driver (as .ci/run does)");
        var options = new ChromeOptions { BinaryLocation = Browser };
        options.AddArguments("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-quic", "--window-size=1400,900", $"--user-data-dir={_profile.Path}");
        var service = ChromeDriverService.CreateDefaultService(DriverFolder, "chromedriver");
        service.HideCommandPromptWindow = true;
        Driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
    }

    public ChromeDriver Driver { get; }

    /// <summary>Polls until <paramref name="condition"/> holds, failing the test with <paramref name="what"/> after 20 s.</summary>
    public void WaitUntil(Func<IWebDriver, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                if (condition(Driver))
                    return;
            }
            catch (StaleElementReferenceException)
            {
                // The page replaced the element while we looked: look again.
            }
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"the page never showed {what}");
            Thread.Sleep(50);
        }
    }

    /// <summary>Saves a screenshot into the test's output and attaches it to the result.</summary>
    public string Screenshot(string name)
    {
        var path = Path.Combine(TestContext.CurrentContext.WorkDirectory, name + ".png");
        Driver.GetScreenshot().SaveAsFile(path);
        TestContext.AddTestAttachment(path);
        return path;
    }

    public void Dispose()
    {
        Driver.Quit();
        Driver.Dispose();
        _profile.Dispose();
    }
}
