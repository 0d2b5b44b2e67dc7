using Microsoft.Extensions.DependencyInjection;
using OpenQA.Selenium;
using Serilog.Sinks.MemStream.Tests.Support;
using static Serilog.Sinks.MemStream.Tests.Support.PageDriving;

namespace Serilog.Sinks.MemStream.Tests.Fleet;

/// <summary>The live-tail page's fleet switch and instance column, in headless Chromium, over two real instances and a real redis-server.</summary>
[NonParallelizable]
public class FleetPageTests : FleetTestBase
{
    Task<TailServer> StartInstanceAsync(string instanceId) => Fleet.StartInstanceAsync(instanceId);

    [Test]
    public async Task TheFleetSwitchShowsEveryInstancesEventsWithTheirInstanceAndFiltersByOne()
    {
        await using var a = await StartInstanceAsync("a");
        await using var b = await StartInstanceAsync("b");
        using var chromium = OpenLive(a);
        chromium.WaitUntil(d => d.FindElement(By.Id("fleet-switch")).Displayed, "the fleet switch, offered because the app has a fleet");

        chromium.Driver.FindElement(By.Id("fleet")).Click();
        chromium.WaitUntil(d => d.FindElement(By.Id("status")).Text == "live", "the fleet tail");
        a.Logger.ForContext("CorrelationId", "order-4").Information("from a");
        b.Logger.ForContext("CorrelationId", "order-4").Warning("from b");

        chromium.WaitUntil(d => Shows(d, "from a") && Shows(d, "from b"), "both instances' events");
        var fromB = Rows(chromium.Driver).Single(r => r.Text.Contains("from b"));
        Assert.That(fromB.FindElement(By.ClassName("inst")).Text, Is.EqualTo("b"));
        chromium.WaitUntil(d => d.FindElements(By.CssSelector("#instance option")).Count == 3, "the instances to filter by");
        chromium.Driver.FindElements(By.CssSelector("#instance option")).Single(o => o.Text == "b").Click();
        chromium.WaitUntil(d => Rows(d).Where(r => r.Displayed).ToList() is { Count: > 0 } shown && shown.All(r => r.Text.Contains("from b")), "only b's rows");

        chromium.Driver.FindElements(By.CssSelector("#instance option")).Single(o => o.Text == "all").Click();
        Rows(chromium.Driver).Single(r => r.Text.Contains("from a")).FindElement(By.ClassName("cid")).Click();
        chromium.WaitUntil(d => HistoryRows(d).Count == 2, "order-4's history from both instances");
        Assert.That(HistoryRows(chromium.Driver).Select(r => r.FindElement(By.ClassName("inst")).Text), Is.EqualTo(new[] { "a", "b" }));
        chromium.Screenshot("fleet");
    }

    [Test]
    public async Task AnEntryInRedisThatIsNotAnEventCostsOnlyItsOwnRowNotTheBatch()
    {
        await using var a = await StartInstanceAsync("a");
        using var chromium = OpenLive(a);
        chromium.WaitUntil(d => d.FindElement(By.Id("fleet-switch")).Displayed, "the fleet switch");
        chromium.Driver.FindElement(By.Id("fleet")).Click();
        chromium.WaitUntil(d => d.FindElement(By.Id("status")).Text == "live", "the fleet tail");
        using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(Fleet.Redis.Configuration);

        // Written by something else than MemStream, between two real events: a number where the template belongs.
        a.Logger.Information("real before");
        chromium.WaitUntil(d => Shows(d, "real before"), "the first real event");
        await redis.GetDatabase().StreamAddAsync(Fleet.EventsKey, [
            new("instance", "forger"), new("seq", 1), new("level", "Information"), new("text", "forged\n"),
            new("clef", $"{{\"@t\":\"{DateTimeOffset.UtcNow:O}\",\"@mt\":42,\"@r\":[7],\"@x\":{{\"a\":1}}}}"),
        ]);
        a.Logger.Information("real after");

        chromium.WaitUntil(d => Shows(d, "real after"), "the real event after the forged entry");
        Assert.That(Rows(chromium.Driver).Select(r => r.Text), Has.Some.Contains("real before").And.Some.Contains("real after"));
        Assert.That(chromium.Driver.FindElement(By.Id("error")).Displayed, Is.False, "no error for one odd entry");
    }

    [Test]
    public async Task WithoutAFleetThePageOffersNoSwitch()
    {
        await using var server = await TailServer.StartAsync();
        using var chromium = OpenLive(server);
        server.Logger.Information("one");
        chromium.WaitUntil(d => Shows(d, "one"), "the event");

        Assert.That(chromium.Driver.FindElement(By.Id("fleet-switch")).Displayed, Is.False);
    }
}
