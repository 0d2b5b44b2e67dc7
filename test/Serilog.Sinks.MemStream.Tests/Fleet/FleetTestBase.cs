using Serilog.Sinks.MemStream.Tests.Support;

namespace Serilog.Sinks.MemStream.Tests.Fleet;

/// <summary>Each test of a fleet class gets a redis-server and a fleet name of its own, stopped after.</summary>
public abstract class FleetTestBase
{
    internal TestFleet Fleet { get; private set; } = null!;

    [SetUp]
    public void StartFleet() => Fleet = TestFleet.Start();

    [TearDown]
    public void StopFleet() => Fleet.Dispose();
}
