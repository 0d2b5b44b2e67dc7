namespace Serilog.Sinks.MemStream.Redis;

/// <summary>A reading of this instance's fleet publisher.</summary>
/// <param name="App">The fleet's name.</param>
/// <param name="InstanceId">This instance's name in the fleet.</param>
/// <param name="IsConnected">Whether Redis is reachable now.</param>
/// <param name="Published">Events published to the fleet's stream.</param>
/// <param name="NotSent">Events not published: Redis was unreachable or refused them, or the publisher's queue was full while Redis was slow.</param>
/// <param name="LastError">Why the last events were not sent, or null.</param>
/// <param name="CutDown">Events published cut down (their first 16 KiB of text, level, time and ids) because, rendered and encoded, they passed 256 KiB; this instance keeps them whole.</param>
public sealed record MemStreamFleetStatus(string App, string InstanceId, bool IsConnected, long Published, long NotSent, string? LastError, long CutDown);
