using System.Text.Json;

namespace Serilog.Sinks.MemStream.AspNetCore;

/// <summary>
/// A fleet query's answer: the events of every instance that answered, merged by timestamp (<see cref="FleetInstanceAnswer.Merge"/>; each an event
/// object as the query endpoint writes it, with <c>instance</c>), the instances that answered (and which of
/// them had more than the limit), and those that did not answer in time.
/// </summary>
/// <param name="Events">Every answered event, as the query endpoint writes it with its <c>instance</c>, ordered by timestamp (newest first for a search of every id).</param>
/// <param name="Answered">The instances that answered in time.</param>
/// <param name="Truncated">The answered instances that had more than the limit (or than an answer holds).</param>
/// <param name="Missing">The live instances that did not answer in time.</param>
public sealed record FleetQueryAnswer(IReadOnlyList<JsonElement> Events, IReadOnlyList<string> Answered, IReadOnlyList<string> Truncated, IReadOnlyList<string> Missing);
