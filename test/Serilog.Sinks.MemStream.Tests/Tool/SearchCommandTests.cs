using Serilog.Events;
using Serilog.Sinks.MemStream.Tests.Support;

namespace Serilog.Sinks.MemStream.Tests.Tool;

/// <summary><c>memstream search</c> and <c>memstream problems</c>, from a store directory and through a running application.</summary>
[NonParallelizable]
public class SearchCommandTests
{
    /// <summary>A running app with a store: 30 requests across 10 ids, every third failing, one in ten timing out.</summary>
    static async Task<TailServer> StartWithProblemsAsync()
    {
        var server = await TailServer.StartAsync(durable: true);
        for (var i = 0; i < 30; i++)
        {
            var request = server.Logger.ForContext("CorrelationId", $"req-{i % 10}");
            request.Information("GET {Path} took {Elapsed} ms", $"/items/{i}", i);
            if (i % 3 == 0)
                request.Error("Payment {PaymentId} declined", i);
            if (i % 10 == 0)
                request.Warning("Upstream {Service} timed out", "stock");
        }
        server.Facade.Flush();
        return server;
    }

    [Test]
    public async Task SearchPrintsMatchesOfEveryIdNewestFirstFromTheStoreAndThroughTheApp()
    {
        await using var server = await StartWithProblemsAsync();
        var fromStore = await ToolRun.RunAsync("search", "--store", server.Facade.Status().StorePath!, "--sink", server.Name, "--min-level", "Error", "--since", "1h", "--template", "{PaymentId}");
        var fromApp = await ToolRun.RunAsync("search", "--url", server.BaseUrl, "--min-level", "Error", "--since", "1h", "--template", "{PaymentId}");

        foreach (var run in new[] { fromStore, fromApp })
        {
            Assert.That(run.ExitCode, Is.Zero, run.Error);
            Assert.That(run.Printed.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[] { "27", "24", "21", "18", "15", "12", "9", "6", "3", "0" }));
        }
        var filteredStore = await ToolRun.RunAsync("search", "--store", server.Facade.Status().StorePath!, "--sink", server.Name, "--filter", "PaymentId >= 21", "--template", "{PaymentId}");
        var filteredApp = await ToolRun.RunAsync("search", "--url", server.BaseUrl, "--filter", "PaymentId >= 21", "--template", "{PaymentId}");
        foreach (var run in new[] { filteredStore, filteredApp })
        {
            Assert.That(run.ExitCode, Is.Zero, run.Error);
            Assert.That(run.Printed.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[] { "27", "24", "21" }), "the filter, in the store and through the app");
        }
    }

    [Test]
    public async Task SearchPagesThroughNextUpToItsLimitAndSaysMoreMatch()
    {
        await using var server = await StartWithProblemsAsync();

        var run = await ToolRun.RunAsync("search", "--url", server.BaseUrl, "--filter", "Elapsed >= 5", "--limit", "7");

        Assert.That(run.ExitCode, Is.Zero, run.Error);
        var lines = run.Printed.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[..7].Select(l => l.Split("took ")[1]), Is.EqualTo(new[] { "29 ms", "28 ms", "27 ms", "26 ms", "25 ms", "24 ms", "23 ms" }));
        Assert.That(lines[7], Does.Contain("more match"));
        var text = await ToolRun.RunAsync("search", "--url", server.BaseUrl, "--text", "GET /ITEMS/17 took", "--json");
        Assert.That(text.Printed.Trim(), Does.StartWith("{").And.Contain("\"Path\":\"/items/17\""), "CLEF as the endpoint sent it");
    }

    [Test]
    public async Task ProblemsGroupsWarningsAndErrorsByTemplateWithCountsAndTheNewest()
    {
        await using var server = await StartWithProblemsAsync();
        var fromStore = await ToolRun.RunAsync("problems", "--store", server.Facade.Status().StorePath!, "--sink", server.Name, "--since", "1h");
        var fromApp = await ToolRun.RunAsync("problems", "--url", server.BaseUrl, "--json");

        Assert.That(fromStore.ExitCode, Is.Zero, fromStore.Error);
        var rows = fromStore.Printed.Split('\n').Where(l => l.Contains("declined") || l.Contains("timed out")).ToList();
        Assert.That(rows, Has.Count.EqualTo(2));
        Assert.That(rows[0], Does.Contain("10").And.Contain("Error").And.Contain("Payment {PaymentId} declined").And.Contain("Payment 27 declined"));
        Assert.That(rows[1], Does.Contain("3").And.Contain("Warning").And.Contain("Upstream {Service} timed out").And.Contain("Upstream \"stock\" timed out"));
        Assert.That(fromStore.Printed, Does.Contain("13 events at Warning or above").And.Contain("in 2 groups"));

        Assert.That(fromApp.ExitCode, Is.Zero, fromApp.Error);
        var groups = fromApp.Printed.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement).ToList();
        Assert.That(groups.Select(g => (g.GetProperty("template").GetString(), g.GetProperty("count").GetInt64(), g.GetProperty("level").GetString())),
            Is.EqualTo(new[] { ("Payment {PaymentId} declined", 10L, "Error"), ("Upstream {Service} timed out", 3L, "Warning") }));
    }

    [TestCase("--since", "yesterday", "--since")]
    [TestCase("--since", "-1h", "--since")]
    [TestCase("--until", "99999999999d", "--until")]
    [TestCase("--filter", "Elapsed >", "--filter")]
    [TestCase("--limit", "0", "--limit")]
    public async Task ABadCriterionIsRefusedNamingItsOption(string option, string value, string named)
    {
        using var folder = new TempFolder();
        var run = await ToolRun.RunAsync("search", "--store", folder.Path, option, value);

        Assert.That(run.ExitCode, Is.EqualTo(2));
        Assert.That(run.Error, Does.Contain(named));
    }

    [Test]
    public async Task SinceAfterUntilIsRefused()
    {
        using var folder = new TempFolder();
        var run = await ToolRun.RunAsync("problems", "--store", folder.Path, "--since", "1h", "--until", "2h");

        Assert.That(run.ExitCode, Is.EqualTo(2));
        Assert.That(run.Error, Does.Contain("--since").And.Contain("later than"));
    }
}
