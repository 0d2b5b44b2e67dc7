using Serilog.Events;

namespace Serilog.Sinks.MemStream.Pipeline;

/// <summary>
/// What <see cref="EventRenderer.Render"/> made of an event: the event to deliver (with markers in place
/// of values that could not be rendered), its rendering, and whether something failed on the way.
/// </summary>
internal readonly record struct RenderedEvent(LogEvent Event, byte[] Utf8, RenderFailure Failure);
