using Microsoft.Extensions.Configuration;
using Serilog.Core;
using Serilog.Events;
using Serilog.Sinks.MemStream.Tests.Support;

namespace Serilog.Sinks.MemStream.Tests.Configuration;

/// <summary>The real appsettings.json path: a JSON file, Microsoft.Extensions.Configuration and Serilog.Settings.Configuration.</summary>
public class AppSettingsConfigurationTests
{
    TempFolder _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = new TempFolder();

    [TearDown]
    public void DeleteFolder() => _folder.Dispose();

    IConfigurationRoot WriteSettings(string json)
    {
        var path = _folder.Combine("appsettings.json");
        File.WriteAllText(path, json);
        return new ConfigurationBuilder().AddJsonFile(path, optional: false, reloadOnChange: false).Build();
    }

    Logger LoggerFrom(string json) =>
        new LoggerConfiguration().ReadFrom.Configuration(WriteSettings(json)).CreateLogger();

    [Test]
    public void ConfiguresTheSinkFromTheSerilogSection()
    {
        var name = Some.UniqueName();
        using var logger = LoggerFrom($$"""
            { "Serilog": {
                "Using": ["Serilog.Sinks.MemStream"],
                "MinimumLevel": "Verbose",
                "WriteTo": [ { "Name": "MemStream", "Args": {
                    "name": "{{name}}", "bufferSize": 30, "durable": false, "retention": "2.00:00:00",
                    "outputTemplate": "[{Level:u3}] {Message:lj}{NewLine}", "restrictedToMinimumLevel": "Information" } } ] } }
            """);

        logger.Debug("not at the minimum level");
        logger.Information("first {Number}", 1);
        logger.Warning("second {Number}", 2);
        logger.Error("third {Number}", 3);

        Assert.That(MemStream.Named(name).Snapshot(), Is.EqualTo("[WRN] second 2\n[ERR] third 3\n"),
            "the template, the minimum level and the 30-byte buffer all came from the JSON");
    }

    [Test]
    public void ConfiguresAFormatterFromJson()
    {
        var name = Some.UniqueName();
        using var logger = LoggerFrom($$"""
            { "Serilog": {
                "Using": ["Serilog.Sinks.MemStream"],
                "WriteTo": [ { "Name": "MemStream", "Args": {
                    "name": "{{name}}", "durable": false,
                    "formatter": "Serilog.Formatting.Compact.CompactJsonFormatter, Serilog.Formatting.Compact" } } ] } }
            """);

        logger.Information("Hello {Who}", "json");

        Assert.That(MemStream.Named(name).Snapshot(), Does.StartWith("{\"@t\":").And.Contain("\"@mt\":\"Hello {Who}\",\"Who\":\"json\""));
    }

    [Test]
    public void UsesALevelSwitchDeclaredInJsonAndFollowsItsChangesOnReload()
    {
        var name = Some.UniqueName();
        string Settings(string level) => $$"""
            { "Serilog": {
                "Using": ["Serilog.Sinks.MemStream"],
                "LevelSwitches": { "$memSwitch": "{{level}}" },
                "MinimumLevel": "Verbose",
                "WriteTo": [ { "Name": "MemStream", "Args": {
                    "name": "{{name}}", "durable": false, "outputTemplate": "{Message}{NewLine}", "levelSwitch": "$memSwitch" } } ] } }
            """;
        var configuration = WriteSettings(Settings("Warning"));
        using var logger = new LoggerConfiguration().ReadFrom.Configuration(configuration).CreateLogger();

        logger.Information("filtered while the switch says Warning");
        logger.Warning("passes at Warning");
        File.WriteAllText(_folder.Combine("appsettings.json"), Settings("Debug"));
        configuration.Reload();
        logger.Information("passes once the switch says Debug");

        Assert.That(MemStream.Named(name).Snapshot(), Is.EqualTo("passes at Warning\npasses once the switch says Debug\n"));
    }

    [Test]
    public void ConfiguresTheStoreAndPerLevelRetentionFromJson()
    {
        var name = Some.UniqueName();
        var storePath = _folder.Combine("store").Replace("\\", "/");
        using var logger = LoggerFrom($$"""
            { "Serilog": {
                "Using": ["Serilog.Sinks.MemStream"],
                "WriteTo": [ { "Name": "MemStream", "Args": {
                    "name": "{{name}}", "storePath": "{{storePath}}", "retention": "1.00:00:00",
                    "retentionByLevel": { "Warning": "7.00:00:00", "Fatal": "30.00:00:00" },
                    "maintenanceInterval": "00:10:00", "storeQueueLimit": 5000, "correlationIdProperty": "RequestId" } } ] } }
            """);

        logger.ForContext("RequestId", "r1").Warning("kept a week");
        MemStream.Named(name).Flush();

        var sink = SinkRegistry.Resolve(name)!;
        var families = ((Serilog.Sinks.MemStream.Store.RocksEventStore)sink.Store).Database.FamiliesOf(name).Select(f => f.Name);
        Assert.That(families, Is.EquivalentTo(new[] { $"ttl-86400s@{name}", $"ttl-604800s@{name}", $"ttl-2592000s@{name}" }));
        Assert.That(MemStream.Named(name).Query("r1").Single().RenderMessage(), Is.EqualTo("kept a week"));
    }

    [Test]
    public void TheStoreMemoryBudgetIsReadFromJsonAndSizesTheSharedCache()
    {
        var name = Some.UniqueName();
        var storePath = _folder.Combine("store").Replace("\\", "/");
        using var logger = LoggerFrom($$"""
            { "Serilog": {
                "Using": ["Serilog.Sinks.MemStream"],
                "WriteTo": [ { "Name": "MemStream", "Args": { "name": "{{name}}", "storePath": "{{storePath}}", "storeMemoryBudget": 50331648 } } ] } }
            """);

        var database = ((Serilog.Sinks.MemStream.Store.RocksEventStore)SinkRegistry.Resolve(name)!.Store).Database;
        Assert.That(database.MemoryBudget, Is.EqualTo(48L * 1024 * 1024));
        // RocksDB's own account of the block cache that every family's tables and memtables are charged to.
        Assert.That(database.Database.GetProperty("rocksdb.block-cache-capacity"), Is.EqualTo((48L * 1024 * 1024).ToString()));
    }

    [TestCase("false", 0)]
    [TestCase("true", 1)]
    public void IndexTraceIdIsReadFromJson(string value, int stored)
    {
        var name = Some.UniqueName();
        var storePath = _folder.Combine("store").Replace("\\", "/");
        using var logger = LoggerFrom($$"""
            { "Serilog": {
                "Using": ["Serilog.Sinks.MemStream"],
                "WriteTo": [ { "Name": "MemStream", "Args": { "name": "{{name}}", "storePath": "{{storePath}}", "indexTraceId": {{value}} } } ] } }
            """);

        string trace;
        using (var activity = new System.Diagnostics.Activity("request").SetIdFormat(System.Diagnostics.ActivityIdFormat.W3C).Start())
        {
            logger.Information("in a trace, without a correlation id");
            trace = activity.TraceId.ToHexString();
        }
        MemStream.Named(name).Flush();

        Assert.That(MemStream.Named(name).Query(trace), Has.Count.EqualTo(stored));
    }

    [Test]
    public void ALevelSwitchGivenInCodeChangesTheSinkAtRunTime()
    {
        var name = Some.UniqueName();
        var levelSwitch = new LoggingLevelSwitch(LogEventLevel.Error);
        using var logger = new LoggerConfiguration()
            .MinimumLevel.Verbose()
            .WriteTo.MemStream(outputTemplate: "{Message}{NewLine}", durable: false, name: name, levelSwitch: levelSwitch)
            .CreateLogger();

        logger.Warning("filtered");
        levelSwitch.MinimumLevel = LogEventLevel.Verbose;
        logger.Verbose("passes");

        Assert.That(MemStream.Named(name).Snapshot(), Is.EqualTo("passes\n"));
    }

    [TestCase("bufferSize", "0")]
    [TestCase("bufferSize", "-5")]
    [TestCase("queueLimit", "0")]
    [TestCase("subscriberCapacity", "-1")]
    [TestCase("retention", "\"-1.00:00:00\"")]
    [TestCase("retention", "\"00:00:00\"")]
    [TestCase("correlationIdProperty", "\"\"")]
    [TestCase("storePath", "\"  \"")]
    [TestCase("name", "\" \"")]
    [TestCase("maintenanceInterval", "\"-00:01:00\"")]
    [TestCase("storeQueueLimit", "0")]
    [TestCase("storeMemoryBudget", "4194303")]
    [TestCase("storeMemoryBudget", "-1")]
    [TestCase("retentionByLevel", "{ \"Error\": \"-1.00:00:00\" }")]
    public void BadJsonArgumentsFailAtConfigurationTimeNamingTheArgument(string argument, string value)
    {
        var json = $$"""
            { "Serilog": { "Using": ["Serilog.Sinks.MemStream"],
                "WriteTo": [ { "Name": "MemStream", "Args": { "durable": false, "{{argument}}": {{value}} } } ] } }
            """;

        var failure = Assert.Catch(() => LoggerFrom(json));

        var argumentException = failure as ArgumentException ?? failure?.InnerException as ArgumentException;
        Assert.That(argumentException, Is.Not.Null, $"expected an ArgumentException, got {failure}");
        Assert.That(argumentException!.ParamName, Is.EqualTo(argument));
    }
}
